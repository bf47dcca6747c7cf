"""Digest times under a controlled clock: midnight, weekdays, and DST in two zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from paperboy.digest.schedule import DailyTrigger, last_fire_time, next_fire_time

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def fires(trigger: DailyTrigger, start: datetime, count: int) -> list[datetime]:
    """Drive the trigger the way APScheduler does: previous fire time in, next out."""
    out: list[datetime] = []
    previous = None
    now = start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        out.append(fire)
        previous, now = fire, fire
    return out


def local_days(instants: list[datetime], zone: ZoneInfo) -> list[date]:
    return [i.astimezone(zone).date() for i in instants]


def test_a_time_later_today_fires_today_and_then_daily() -> None:
    trigger = DailyTrigger(time(9, 0), BERLIN)
    start = datetime(2025, 3, 13, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    result = fires(trigger, start, 3)
    assert [r.astimezone(BERLIN).hour for r in result] == [9, 9, 9]
    assert local_days(result, BERLIN) == [date(2025, 3, 13), date(2025, 3, 14), date(2025, 3, 15)]


def test_a_time_just_past_waits_for_tomorrow_across_midnight() -> None:
    trigger = DailyTrigger(time(0, 5), NEW_YORK)
    start = datetime(2025, 3, 13, 4, 6, tzinfo=UTC)  # 00:06 in New York
    assert local_days(fires(trigger, start, 1), NEW_YORK) == [date(2025, 3, 14)]


def test_weekdays_only_skips_the_weekend() -> None:
    trigger = DailyTrigger(time(9, 0), BERLIN, weekdays_only=True)
    start = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)  # Friday afternoon
    days = local_days(fires(trigger, start, 2), BERLIN)
    assert [d.strftime("%a") for d in days] == ["Mon", "Tue"]


@pytest.mark.parametrize(
    ("zone", "at", "start", "change_day"),
    [
        # Spring forward: 02:00 -> 03:00 local; 02:30 does not exist that day.
        (BERLIN, time(2, 30), datetime(2025, 3, 28, tzinfo=UTC), date(2025, 3, 30)),
        (NEW_YORK, time(2, 30), datetime(2025, 3, 7, tzinfo=UTC), date(2025, 3, 9)),
        # Fall back: 03:00 -> 02:00 (Berlin), 02:00 -> 01:00 (New York); 02:30/01:30 twice.
        (BERLIN, time(2, 30), datetime(2025, 10, 24, tzinfo=UTC), date(2025, 10, 26)),
        (NEW_YORK, time(1, 30), datetime(2025, 10, 31, tzinfo=UTC), date(2025, 11, 2)),
        # An ordinary time on the change days moves with the clock, once.
        (BERLIN, time(9, 0), datetime(2025, 3, 28, tzinfo=UTC), date(2025, 3, 30)),
        (NEW_YORK, time(9, 0), datetime(2025, 10, 31, tzinfo=UTC), date(2025, 11, 2)),
    ],
)
def test_daylight_saving_changes_neither_skip_nor_double_a_digest(
    zone: ZoneInfo, at: time, start: datetime, change_day: date
) -> None:
    result = fires(DailyTrigger(at, zone), start, 6)
    days = local_days(result, zone)
    assert days == [days[0] + timedelta(days=i) for i in range(6)], "one fire per local day"
    assert change_day in days
    fire = result[days.index(change_day)].astimezone(zone)
    if at.hour == 9:
        assert (fire.hour, fire.minute) == (9, 0)
    else:  # at or just after the wall-clock time, never a day late or early
        assert (
            timedelta(0)
            <= fire.replace(tzinfo=None) - datetime.combine(change_day, at)
            <= timedelta(hours=1)
        )


def test_the_last_fire_time_is_found_across_midnight() -> None:
    now = datetime(2025, 3, 14, 0, 30, tzinfo=BERLIN)
    last = last_fire_time(now, time(23, 0), BERLIN, weekdays_only=False)
    assert last is not None
    assert last.astimezone(BERLIN) == datetime(2025, 3, 13, 23, 0, tzinfo=BERLIN)
    nxt = next_fire_time(now, time(23, 0), BERLIN, weekdays_only=False)
    assert nxt.astimezone(BERLIN) == datetime(2025, 3, 14, 23, 0, tzinfo=BERLIN)


TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9: a morning digest fires on the previous UTC date
HONOLULU = ZoneInfo("Pacific/Honolulu")  # UTC-10: an afternoon digest fires on the next UTC date


@pytest.mark.parametrize(
    ("zone", "at", "now", "local_day"),
    [
        # 23:30 UTC on the 13th is 08:30 on the 14th in Tokyo: today's 08:00 has fired.
        (TOKYO, time(8, 0), datetime(2025, 3, 13, 23, 30, tzinfo=UTC), date(2025, 3, 14)),
        # 00:30 UTC on the 14th is 14:30 on the 13th in Honolulu: the 13th's 14:00 has fired.
        (HONOLULU, time(14, 0), datetime(2025, 3, 14, 0, 30, tzinfo=UTC), date(2025, 3, 13)),
        # 23:30 UTC on the 13th is 13:30 on the 13th in Honolulu: 14:00 is still to come.
        (HONOLULU, time(14, 0), datetime(2025, 3, 13, 23, 30, tzinfo=UTC), date(2025, 3, 12)),
    ],
)
def test_the_last_fire_time_is_on_the_channels_local_day_not_the_utc_one(
    zone: ZoneInfo, at: time, now: datetime, local_day: date
) -> None:
    fire = last_fire_time(now, at, zone, weekdays_only=False)
    assert fire is not None
    assert fire <= now
    assert fire.astimezone(zone).date() == local_day
    assert fire.astimezone(zone).time() == at


@pytest.mark.parametrize(
    ("zone", "at", "now", "local_day"),
    [
        (TOKYO, time(9, 0), datetime(2025, 3, 13, 23, 30, tzinfo=UTC), date(2025, 3, 14)),
        (HONOLULU, time(14, 0), datetime(2025, 3, 14, 0, 30, tzinfo=UTC), date(2025, 3, 14)),
    ],
)
def test_the_next_fire_time_is_on_the_channels_local_day_not_the_utc_one(
    zone: ZoneInfo, at: time, now: datetime, local_day: date
) -> None:
    fire = next_fire_time(now, at, zone, weekdays_only=False)
    assert fire > now
    assert fire.astimezone(zone).date() == local_day


def test_a_weekdays_digests_last_fire_on_a_monday_morning_was_fridays() -> None:
    nine = time(9, 0)
    monday_early = datetime(2025, 3, 17, 7, 0, tzinfo=UTC)
    friday = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
    assert last_fire_time(monday_early, nine, UTC, weekdays_only=True) == friday
    assert last_fire_time(monday_early, nine, UTC, weekdays_only=False) == datetime(
        2025, 3, 16, 9, 0, tzinfo=UTC
    )
    # At its fire time exactly, the last fire is that one.
    monday_nine = datetime(2025, 3, 17, 9, 0, tzinfo=UTC)
    assert last_fire_time(monday_nine, nine, UTC, weekdays_only=True) == monday_nine


def test_a_daily_trigger_started_at_its_fire_time_fires_then_and_a_microsecond_late_tomorrow() -> (
    None
):
    """At start (no previous fire) a fire time exactly now still counts; one a
    microsecond past is tomorrow's."""
    berlin = ZoneInfo("Europe/Berlin")
    trigger = DailyTrigger(time(7, 30), berlin)
    fire = datetime(2025, 3, 13, 6, 30, tzinfo=UTC)  # 07:30 in Berlin

    assert trigger.get_next_fire_time(None, fire) == fire
    assert trigger.get_next_fire_time(None, fire + timedelta(microseconds=1)) == datetime(
        2025, 3, 14, 7, 30, tzinfo=berlin
    )
    assert trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1)) == datetime(
        2025, 3, 14, 6, 30, tzinfo=UTC
    )
