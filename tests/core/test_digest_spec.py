"""`subscribe`'s digest spec: times, zones, topics, options, and clear errors, whether
typed as text (Slack, the console) or as options (Discord)."""

from __future__ import annotations

from datetime import time

import pytest

from paperboy.core.digest_spec import (
    DigestSpec,
    ParseError,
    describe,
    digest_spec,
    parse_digest_spec,
)
from tests.marked import marked

ArgumentError = ParseError


def parse(text: str) -> DigestSpec | ParseError:
    spec = parse_digest_spec(text)
    if isinstance(spec, ParseError):
        return spec
    return spec.with_defaults(time=time(9, 0), zone="UTC", papers=5)


def spec_of(at: str, zone: str, topics: str, papers: int, votes: int, weekdays: bool) -> DigestSpec:
    hours, minutes = at.split(":")
    return DigestSpec(time(int(hours), int(minutes)), zone, topics, papers, votes, weekdays)


def test_no_arguments_give_the_defaults() -> None:
    assert parse("") == spec_of("09:00", "UTC", "", 5, 0, False)


def test_what_is_left_out_stays_unset_until_the_defaults_fill_it() -> None:
    assert parse_digest_spec("") == DigestSpec()


def test_every_part_is_read() -> None:
    spec = parse("7:30 europe/berlin retrieval agents papers:8 votes:>=10 weekdays")
    assert spec == spec_of("07:30", "Europe/Berlin", "retrieval agents", 8, 10, True)


def test_a_timezone_without_a_time_and_topics_alone_work() -> None:
    assert parse("America/New_York") == spec_of("09:00", "America/New_York", "", 5, 0, False)
    assert parse("diffusion models") == spec_of("09:00", "UTC", "diffusion models", 5, 0, False)


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
    assert isinstance(spec, DigestSpec), spec
    assert (spec.zone, spec.topics) == (zone, topics)


@pytest.mark.parametrize(
    "text",
    [
        "09:30 japan robots",
        "09:30 wet sensors",
        "09:30 UTC ROC curves",
        "09:30 UTC vision/language",
        # A word:value too far from any option (note: is not votes:) is a topic word.
        "09:30 UTC agents note:3",
        "09:30 UTC agents zzz:1",
    ],
)
def test_everyday_words_stay_topics(text: str) -> None:
    spec = parse(text)
    assert isinstance(spec, DigestSpec), spec
    assert spec.zone == "UTC"
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
    spec = parse_digest_spec("agents")
    assert isinstance(spec, DigestSpec)
    assert spec.with_defaults(time=time(9, 0), zone="utc+2", papers=5).zone == "UTC+02:00"


def test_typed_options_give_the_same_spec_as_the_words() -> None:
    typed = digest_spec(
        time="7:30",
        zone="europe/berlin",
        topics="retrieval agents",
        papers=8,
        min_upvotes=10,
        weekdays=True,
    )
    assert typed == parse_digest_spec(
        "7:30 europe/berlin retrieval agents papers:8 votes:10 weekdays"
    )


def test_typed_topics_are_taken_as_typed_without_word_positions() -> None:
    """An option has no position to misread: a slash or a time in the topics is a topic."""
    spec = digest_spec(topics="vision/language  10:00")
    assert isinstance(spec, DigestSpec)
    assert spec.topics == "vision/language 10:00"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"time": "9am"}, "`9am` is not a time of day"),
        ({"time": "24:00"}, "is not a time of day"),
        ({"zone": "Berlin"}, "Europe/Berlin"),
        ({"zone": "Mars/Olympus"}, "I don't know the timezone"),
        ({"papers": 11}, "`papers:` takes a number from 1 to 10"),
        ({"min_upvotes": -1}, "`votes:` takes the minimum"),
        ({"topics": "x" * 300}, "Topics are limited"),
    ],
)
def test_bad_typed_options_get_the_grammars_answers(
    options: dict[str, object], message: str
) -> None:
    result = digest_spec(**options)  # type: ignore[arg-type]
    assert isinstance(result, ParseError)
    assert message in marked(result.message)


def test_rank_team_and_rank_votes_are_read_in_words_and_typed_options() -> None:
    assert parse_digest_spec("09:00 UTC lora rank:team") == DigestSpec(
        time(9, 0), "UTC", "lora", rank="team"
    )
    assert parse_digest_spec("rank:VOTES") == DigestSpec()
    assert digest_spec(rank="team") == DigestSpec(rank="team")
    assert digest_spec(rank=None) == DigestSpec()


@pytest.mark.parametrize("word", ["rank:", "rank:taste", "rank:team,votes"])
def test_an_unknown_rank_is_refused_with_the_two_choices(word: str) -> None:
    for result in (parse_digest_spec(f"09:00 UTC {word}"), digest_spec(rank=word[5:] or "x")):
        assert isinstance(result, ParseError)
        assert marked(result.message) == (
            "`rank:` takes `team` (by what people here save) or `votes` (by upvotes, the default)."
        )


def test_a_team_ranked_digest_says_how_it_is_ordered() -> None:
    spec = parse_digest_spec("09:00 UTC rank:team papers:3")
    assert isinstance(spec, DigestSpec)
    assert describe(spec) == (
        "every day at 09:00 UTC, up to 3 papers, on any topic, ordered by what people here save"
    )
    votes = parse_digest_spec("09:00 UTC rank:votes papers:3")
    assert isinstance(votes, DigestSpec)
    assert describe(votes) == "every day at 09:00 UTC, up to 3 papers, on any topic"


def test_a_mistyped_rank_option_gets_did_you_mean() -> None:
    result = parse_digest_spec("09:00 UTC rnak:team")
    assert isinstance(result, ParseError)
    assert "Did you mean `rank:`?" in marked(result.message)
