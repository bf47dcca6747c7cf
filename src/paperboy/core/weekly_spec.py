"""What `subscribe top weekly` asks of a channel's weekly list, as a value validated when built.

`parse_weekly_spec` reads the text `[weekly] [day] [HH:MM] [timezone]` (each
optional, in that order); `weekly_spec` takes typed options (Discord's). Both
check a time and a zone as the daily digest's grammar does and answer alike.
What the person leaves out stays None, and the weekly list fills in its defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time as TimeOfDay

# The daily digest's own readers of a time and a timezone, so both answer alike.
from paperboy.core.digest_spec import (
    _LOOKS_LIKE_TIME,
    ParseError,
    _meant_as_zone,
    _not_a_time,
    _parse_time,
    typed_time_and_zone,
)
from paperboy.core.rich import code, text
from paperboy.core.times import hh_mm
from paperboy.core.zones import canonical_zone, zone_problem

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DAY = 0  # Monday: last week's list as this week begins


@dataclass(frozen=True, slots=True)
class WeeklySpec:
    weekday: int = DEFAULT_DAY  # 0 Monday … 6 Sunday
    time: TimeOfDay | None = None
    zone: str | None = None  # canonical, as `canonical_zone` spells it

    def with_defaults(self, *, time: TimeOfDay, zone: str) -> WeeklySpec:
        """Every field filled: the ones left out take the given defaults."""
        return replace(self, time=self.time or time, zone=self.zone or canonical_zone(zone) or zone)


def parse_weekly_spec(
    arguments: str, *, example: str = "subscribe top weekly"
) -> WeeklySpec | ParseError:
    """`[weekly] [day] [HH:MM] [timezone]`, in that order, each optional; `example` is
    the command the hint shows (`foryou weekly` shares the grammar)."""
    words = arguments.split()
    if words and words[0].lower() == "weekly":
        words = words[1:]
    weekday, clock, zone = DEFAULT_DAY, None, None
    if words and (day := weekday_of(words[0])) is not None:
        weekday, words = day, words[1:]
    if words and _LOOKS_LIKE_TIME.fullmatch(words[0]):
        clock = _parse_time(words[0])
        if clock is None:
            return _not_a_time(words[0])
        words = words[1:]
    if words and _meant_as_zone(words[0]):
        zone = canonical_zone(words[0])
        if zone is None:
            return ParseError(zone_problem(words[0]))
        words = words[1:]
    if words:
        return ParseError(
            text(
                "I did not understand ",
                code(" ".join(words), 40),
                ". Try ",
                code(f"{example} friday 16:00 Europe/Berlin"),
                " (day, time and timezone are optional, in that order).",
            )
        )
    return WeeklySpec(weekday, clock, zone)


def weekly_spec(
    *, day: str, time: str | None = None, zone: str | None = None
) -> WeeklySpec | ParseError:
    """The weekly list typed options ask for, checked as the text is."""
    weekday = weekday_of(day)
    if weekday is None:
        return ParseError(text(code(day, 40), " is not a day of the week, e.g. friday."))
    when = typed_time_and_zone(time, zone)
    if isinstance(when, ParseError):
        return when
    return WeeklySpec(weekday, *when)


def weekday_of(word: str) -> int | None:
    """0–6 for a day name or its first three letters ("fri", "Friday"), else None."""
    word = word.lower()
    for number, name in enumerate(DAY_NAMES):
        if word == name or word == name[:3]:
            return number
    return None


def describe_weekly(spec: WeeklySpec) -> str:
    """The weekly list in a sentence's words (a spec with its defaults filled in)."""
    at = hh_mm(spec.time) if spec.time else "09:00"
    return f"every {DAY_NAMES[spec.weekday].capitalize()} at {at} {spec.zone or 'UTC'}"
