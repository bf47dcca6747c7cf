"""Timezones as typed and as stored: every stored spelling reads back as the same zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from paperboy.core.times import checked_time_of_day, time_of_day
from paperboy.core.zones import (
    canonical_zone,
    zone_info,
    zone_name,
    zone_names,
    zone_problem,
    zone_suggestions,
)
from tests.marked import marked

WINTER = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "offset"),
    [
        ("UTC+2", timedelta(hours=2)),
        ("+05:30", timedelta(hours=5, minutes=30)),
        ("GMT-0345", -timedelta(hours=3, minutes=45)),
        ("UTC−8", -timedelta(hours=8)),  # a typographic minus
        ("CET", timedelta(hours=1)),
        ("est", -timedelta(hours=5)),
        ("europe/berlin", timedelta(hours=1)),
        ("z", timedelta(0)),
    ],
)
def test_a_typed_zone_is_stored_in_a_spelling_that_reads_back_as_the_same_zone(
    typed: str, offset: timedelta
) -> None:
    stored = canonical_zone(typed)
    assert stored is not None
    assert canonical_zone(stored) == stored
    assert WINTER.astimezone(zone_info(stored)).utcoffset() == offset


def test_every_zoneinfo_name_is_a_zone() -> None:
    names = zone_names()
    assert {"CET", "EST", "Japan", "Europe/Berlin", "UTC"} <= set(names)
    assert all(canonical_zone(name) == name for name in names)
    assert "localtime" not in names


@pytest.mark.parametrize("typed", ["UTC+15", "-13", "+05:60", "Mars/Olympus", "PST", "", "x" * 80])
def test_what_is_no_zone_is_refused(typed: str) -> None:
    assert canonical_zone(typed) is None
    if typed:
        with pytest.raises(ValueError, match="unknown timezone"):
            zone_info(typed)


def test_suggestions_offer_offsets_abbreviations_and_names() -> None:
    assert zone_suggestions("+05:30", limit=5)[0] == "UTC+05:30"
    assert zone_suggestions("utc+5", limit=5)[0] == "UTC+05:00"
    assert zone_suggestions("PST", limit=5)[0] == "America/Los_Angeles"
    assert zone_suggestions("cet", limit=5)[0] == "CET"
    assert zone_suggestions("berl", limit=5) == ["Europe/Berlin"]
    assert zone_suggestions("new york", limit=5) == ["America/New_York"]
    # Names starting with it first (any case), shortest first: not Japan, US/Pacific.
    assert zone_suggestions("PA", limit=2) == ["Pacific/Yap", "Pacific/Apia"]
    assert zone_suggestions("", limit=3)[0] == "UTC"
    assert len(zone_suggestions("a", limit=25)) == 25


def test_a_zone_is_named_in_logs_as_it_was_typed_back() -> None:
    assert zone_name(zone_info("Europe/Berlin")) == "Europe/Berlin"
    assert zone_name(zone_info("UTC+05:30")) == "UTC+05:30"


def test_a_configured_time_of_day_is_checked() -> None:
    assert checked_time_of_day(" 9:30 ") == time(9, 30)
    with pytest.raises(ValueError, match=r"^'24:00' must be a time of day as HH:MM \(24-hour\)$"):
        checked_time_of_day("24:00")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # The bounds of real offsets: 14 hours east, 12 west, minutes counted.
        ("UTC+14", "UTC+14:00"),
        ("UTC+13", "UTC+13:00"),
        ("UTC-12", "UTC-12:00"),
        ("+14:30", None),
        ("-12:30", None),
        # At most 64 characters, spaces inside included.
        ("UTC" + " " * 59 + "+2", "UTC+02:00"),
        ("UTC" + " " * 60 + "+2", None),
        ("UTC" + " " * 70 + "+2", None),
    ],
)
def test_offsets_up_to_the_real_bounds_and_length_are_zones(typed: str, stored: str | None) -> None:
    assert canonical_zone(typed) == stored


USE = "Use a name such as Europe/Berlin, America/New_York, CET or UTC, or an offset such as UTC+2."


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        (
            "PST",
            "`PST` is not a timezone I can use (abbreviations are ambiguous and change with "
            "daylight saving): try America/Los_Angeles, or an offset such as UTC+2.",
        ),
        ("new york", f"I don't know the timezone `new york`. Did you mean America/New_York? {USE}"),
        (
            "europe/berln",
            f"I don't know the timezone `europe/berln`. Did you mean Europe/Berlin? {USE}",
        ),
        # Too far from any name to guess.
        ("jpan", f"I don't know the timezone `jpan`. {USE}"),
        ("x" * 50, f"I don't know the timezone `{'x' * 39}…`. {USE}"),
    ],
)
def test_what_is_no_zone_gets_why_and_the_likely_zone(typed: str, answer: str) -> None:
    assert marked(zone_problem(typed)) == answer


@pytest.mark.parametrize(("typed", "at"), [("23:59", time(23, 59)), ("0:00", time(0, 0))])
def test_the_last_minute_of_the_day_is_a_time(typed: str, at: time) -> None:
    assert time_of_day(typed) == at


@pytest.mark.parametrize("typed", ["24:00", "9:60", "23:60"])
def test_past_the_last_hour_or_minute_is_no_time(typed: str) -> None:
    assert time_of_day(typed) is None
