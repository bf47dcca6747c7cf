"""`subscribe` arguments: times, zones, topics, options, and clear errors."""

from __future__ import annotations

from datetime import time

import pytest

from paperboy.digest.arguments import ArgumentError, SubscriptionSpec, parse_subscription
from tests.marked import marked


def parse(text: str) -> SubscriptionSpec | ArgumentError:
    return parse_subscription(
        text, default_time=time(9, 0), default_timezone="UTC", default_papers=5
    )


def test_no_arguments_give_the_defaults() -> None:
    assert parse("") == SubscriptionSpec(time(9, 0), "UTC", "", 5, 0, False)


def test_every_part_is_read() -> None:
    spec = parse("7:30 europe/berlin retrieval agents papers:8 votes:>=10 weekdays")
    assert spec == SubscriptionSpec(time(7, 30), "Europe/Berlin", "retrieval agents", 8, 10, True)


def test_a_timezone_without_a_time_and_topics_alone_work() -> None:
    assert parse("America/New_York") == SubscriptionSpec(
        time(9, 0), "America/New_York", "", 5, 0, False
    )
    assert parse("diffusion models") == SubscriptionSpec(
        time(9, 0), "UTC", "diffusion models", 5, 0, False
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00", "is not a time of day"),
        ("9:75", "is not a time of day"),
        ("9am", "is not a time of day"),
        ("09:00 Mars/Olympus", "I don't know the timezone"),
        ("papers:50", "`papers:` takes a number from 1 to 10"),
        ("votes:lots", "`votes:` takes the minimum"),
        ("x" * 300, "Topics are limited"),
    ],
)
def test_bad_arguments_name_what_was_wrong(text: str, message: str) -> None:
    result = parse(text)
    assert isinstance(result, ArgumentError)
    assert message in marked(result.message)


@pytest.mark.parametrize(
    ("text", "zone", "topics"),
    [
        ("09:30 CET", "CET", ""),
        ("09:30 cet robotics", "CET", "robotics"),
        ("09:30 EST", "EST", ""),
        ("09:30 Japan agents", "Japan", "agents"),
        ("09:30 UTC+2", "UTC+02:00", ""),
        ("09:30 gmt-3 agents", "UTC-03:00", "agents"),
        ("09:30 +05:30", "UTC+05:30", ""),
        ("-0800 agents", "UTC-08:00", "agents"),
        ("09:30 UTC+02:00", "UTC+02:00", ""),
        ("09:30 +00:00", "UTC", ""),
    ],
)
def test_zoneinfo_names_and_utc_offsets_are_zones_not_topics(
    text: str, zone: str, topics: str
) -> None:
    spec = parse(text)
    assert isinstance(spec, SubscriptionSpec), spec
    assert (spec.timezone, spec.topics) == (zone, topics)


@pytest.mark.parametrize(
    "text",
    [
        "09:30 japan robots",
        "09:30 wet sensors",
        "09:30 UTC ROC curves",
        "09:30 UTC vision/language",
    ],
)
def test_everyday_words_stay_topics(text: str) -> None:
    spec = parse(text)
    assert isinstance(spec, SubscriptionSpec), spec
    assert spec.timezone == "UTC"
    assert spec.topics == text.split(" ", 1)[1].removeprefix("UTC ")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("09:30 UTC+25", "from UTC-12 to UTC+14"),
        ("09:30 +5:75", "is not a UTC offset"),
        ("09:30 PST", "America/Los_Angeles"),
        ("09:30 CEST agents", "Europe/Berlin"),
        ("09:30 Berlin", "Did you mean Europe/Berlin?"),
        ("09:30 Europe/Berln", "Did you mean Europe/Berlin?"),
        ("CET 09:30", "the time can only come first, e.g. `subscribe 09:30 CET"),
        ("09:30 agents 10:00", "looks like a time"),
        ("09:30 agents 7pm", "looks like a time"),
        ("09:30 agents Europe/Berlin", "the timezone can only come right after the time"),
        ("09:30 agents UTC+2", "looks like a timezone"),
        ("09:30 UTC agents paper:3", "Did you mean `papers:`?"),
        ("09:30 UTC agents vote:10", "Did you mean `votes:`?"),
        ("09:30 UTC agents since:7d", "`since:` filters a search"),
    ],
)
def test_what_looks_like_a_zone_or_time_but_is_none_is_refused_with_a_hint(
    text: str, hint: str
) -> None:
    result = parse(text)
    assert isinstance(result, ArgumentError), result
    assert hint in marked(result.message)


def test_a_default_timezone_setting_is_stored_in_its_canonical_spelling() -> None:
    spec = parse_subscription(
        "agents", default_time=time(9, 0), default_timezone="utc+2", default_papers=5
    )
    assert isinstance(spec, SubscriptionSpec)
    assert spec.timezone == "UTC+02:00"
