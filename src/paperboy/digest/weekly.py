"""`subscribe top weekly`'s schedule (its grammar is `core/weekly_spec.py`). Pure.

A weekly list fires once a week, on one local weekday at one local time in the
channel's timezone. The fire time of a day is the daily digest's (`fire_time_on`),
so daylight-saving changes neither skip nor double it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger

from paperboy.core.weekly_spec import DAY_NAMES
from paperboy.core.zones import zone_name
from paperboy.digest.schedule import fire_time_on


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
