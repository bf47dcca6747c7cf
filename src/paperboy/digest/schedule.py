"""When a channel's digest is due: a daily local time in the channel's own timezone.

Pure date arithmetic, plus `DailyTrigger`, the APScheduler trigger built on it.
Each local day has exactly one fire time, so daylight-saving changes neither
skip nor double a digest: a time that does not exist that day (the spring-
forward gap) fires once, just after the gap; a time that happens twice (the
autumn fall-back) fires once, at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger

from paperboy.core.zones import zone_name

_SATURDAY = 5


def fire_time_on(day: date, at: time, zone: tzinfo) -> datetime:
    """The UTC instant of `at` on local `day`.

    fold=0 picks the first of two instants when the time repeats; in a gap,
    zoneinfo applies the offset from before the change, which lands the
    instant just after the gap (02:30 in a 02:00→03:00 jump becomes 03:30).
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def runs_on(day: date, *, weekdays_only: bool) -> bool:
    return not weekdays_only or day.weekday() < _SATURDAY


def next_fire_time(after: datetime, at: time, zone: tzinfo, *, weekdays_only: bool) -> datetime:
    """The first fire time strictly after `after` (an aware datetime)."""
    local_day = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(10):
        day = local_day + timedelta(days=offset)
        if not runs_on(day, weekdays_only=weekdays_only):
            continue
        fire = fire_time_on(day, at, zone)
        if fire > after:
            return fire
    raise AssertionError("a daily schedule always fires within ten days")


def last_fire_time(
    now: datetime, at: time, zone: tzinfo, *, weekdays_only: bool
) -> datetime | None:
    """The latest fire time at or before `now`, looking back a week."""
    today = now.astimezone(zone).date()
    for offset in range(8):
        day = today - timedelta(days=offset)
        if not runs_on(day, weekdays_only=weekdays_only):
            continue
        fire = fire_time_on(day, at, zone)
        if fire <= now:
            return fire
    return None


def local_date_of(instant: datetime, zone: tzinfo) -> date:
    return instant.astimezone(zone).date()


class DailyTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 is untyped
    """Fires once per local day at `at` in `zone` (weekdays only if asked)."""

    __slots__ = ("at", "weekdays_only", "zone")

    def __init__(self, at: time, zone: tzinfo, *, weekdays_only: bool = False) -> None:
        self.at = at
        self.zone = zone
        self.weekdays_only = weekdays_only

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        # With no previous fire, a fire time exactly `now` still counts.
        after = previous_fire_time or now - timedelta(microseconds=1)
        fire = next_fire_time(after, self.at, self.zone, weekdays_only=self.weekdays_only)
        return fire.astimezone(self.zone)

    def __repr__(self) -> str:
        days = "weekdays" if self.weekdays_only else "daily"
        return f"<DailyTrigger {days} at {self.at.isoformat('minutes')} {zone_name(self.zone)}>"
