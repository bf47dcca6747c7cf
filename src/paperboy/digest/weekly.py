"""`subscribe top weekly [day] [HH:MM] [timezone]`: its grammar and its schedule. Pure.

A weekly list fires once a week, on one local weekday at one local time in the
channel's timezone. The fire time of a day is the daily digest's (`fire_time_on`),
so daylight-saving changes neither skip nor double it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger

from paperboy.core.rich import code, text
from paperboy.core.times import hh_mm, time_of_day
from paperboy.core.zones import canonical_zone, zone_name, zone_problem

# The daily digest's own readers of a time and a timezone, so both answer alike.
from paperboy.digest.arguments import _LOOKS_LIKE_TIME, ArgumentError, _meant_as_zone
from paperboy.digest.schedule import fire_time_on

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DAY = 0  # Monday: last week's list as this week begins


@dataclass(frozen=True, slots=True)
class WeeklySpec:
    weekday: int  # 0 Monday … 6 Sunday
    time: time
    timezone: str


def parse_weekly(
    arguments: str, *, default_time: time, default_timezone: str
) -> WeeklySpec | ArgumentError:
    """`[weekly] [day] [HH:MM] [timezone]`, in that order, each optional."""
    words = arguments.split()
    if words and words[0].lower() == "weekly":
        words = words[1:]
    weekday, clock = DEFAULT_DAY, default_time
    zone = canonical_zone(default_timezone) or default_timezone  # a setting may say "utc+2"
    if words and (day := weekday_of(words[0])) is not None:
        weekday, words = day, words[1:]
    if words and _LOOKS_LIKE_TIME.fullmatch(words[0]):
        parsed = time_of_day(words[0])
        if parsed is None:
            return ArgumentError(
                text(code(words[0]), " is not a time of day: use 24-hour HH:MM, e.g. 09:30.")
            )
        clock, words = parsed, words[1:]
    if words and _meant_as_zone(words[0]):
        canonical = canonical_zone(words[0])
        if canonical is None:
            return ArgumentError(zone_problem(words[0]))
        zone, words = canonical, words[1:]
    if words:
        return ArgumentError(
            text(
                "I did not understand ",
                code(" ".join(words), 40),
                ". Try ",
                code("subscribe top weekly friday 16:00 Europe/Berlin"),
                " (day, time and timezone are optional, in that order).",
            )
        )
    return WeeklySpec(weekday, clock, zone)


def weekday_of(word: str) -> int | None:
    """0–6 for a day name or its first three letters ("fri", "Friday"), else None."""
    word = word.lower()
    for number, name in enumerate(DAY_NAMES):
        if word == name or word == name[:3]:
            return number
    return None


def describe_weekly(spec: WeeklySpec) -> str:
    return f"every {DAY_NAMES[spec.weekday].capitalize()} at {hh_mm(spec.time)} {spec.timezone}"


def next_weekly_fire(after: datetime, weekday: int, at: time, zone: tzinfo) -> datetime:
    """The first fire time strictly after `after` (an aware datetime)."""
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(16):
        day = start + timedelta(days=offset)
        if day.weekday() == weekday and (fire := fire_time_on(day, at, zone)) > after:
            return fire
    raise AssertionError("a weekly schedule always fires within two weeks")


def last_weekly_fire(now: datetime, weekday: int, at: time, zone: tzinfo) -> datetime | None:
    """The latest fire time at or before `now`, looking back a little over a week."""
    today = now.astimezone(zone).date()
    for offset in range(9):
        day = today - timedelta(days=offset)
        if day.weekday() == weekday and (fire := fire_time_on(day, at, zone)) <= now:
            return fire
    return None


def local_day(fire: datetime, zone: tzinfo) -> date:
    """The channel's day a fire time belongs to: the key of its run."""
    return fire.astimezone(zone).date()


class WeeklyTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 is untyped
    """Fires once a week, on local `weekday` at `at` in `zone`."""

    __slots__ = ("at", "weekday", "zone")

    def __init__(self, weekday: int, at: time, zone: tzinfo) -> None:
        self.weekday = weekday
        self.at = at
        self.zone = zone

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        # With no previous fire, a fire time exactly `now` still counts.
        after = previous_fire_time or now - timedelta(microseconds=1)
        return next_weekly_fire(after, self.weekday, self.at, self.zone).astimezone(self.zone)

    def __repr__(self) -> str:
        day = DAY_NAMES[self.weekday].capitalize()
        return f"<WeeklyTrigger {day} at {self.at.isoformat('minutes')} {zone_name(self.zone)}>"
