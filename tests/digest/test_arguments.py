"""`subscribe` arguments: times, zones, topics, options, and clear errors."""

from __future__ import annotations

import pytest

from paperboy.digest.arguments import ArgumentError, SubscriptionSpec, parse_subscription


def parse(text: str) -> SubscriptionSpec | ArgumentError:
    return parse_subscription(text, default_time="09:00", default_timezone="UTC")


def test_no_arguments_give_the_defaults() -> None:
    assert parse("") == SubscriptionSpec("09:00", "UTC", "", 5, 0, False)


def test_every_part_is_read() -> None:
    spec = parse("7:30 europe/berlin retrieval agents papers:8 votes:>=10 weekdays")
    assert spec == SubscriptionSpec("07:30", "Europe/Berlin", "retrieval agents", 8, 10, True)


def test_a_timezone_without_a_time_and_topics_alone_work() -> None:
    assert parse("America/New_York") == SubscriptionSpec(
        "09:00", "America/New_York", "", 5, 0, False
    )
    assert parse("diffusion models") == SubscriptionSpec(
        "09:00", "UTC", "diffusion models", 5, 0, False
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
    assert message in result.message
