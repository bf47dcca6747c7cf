"""Small things people and operators read from the digest machinery, word for word: how
long to wait for the next preview, the answers to unsubscribing, and how a schedule
names itself in the scheduler's listing."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from paperboy.core.library import Library
from paperboy.core.models import Context, UserRef
from paperboy.core.replies import Notice
from paperboy.digest.schedule import DailyTrigger
from paperboy.digest.service import duration
from paperboy.digest.weekly import WeeklyTrigger
from paperboy.store import Store
from tests.digest.test_service import ADMIN, CHANNEL, Clock, Poster, service, subscribe
from tests.marked import marked
from tests.specs import weekly


@pytest.fixture
def wall() -> Clock:
    return Clock(datetime(2025, 3, 13, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (-5, "0 s"),
        (0, "0 s"),
        (45, "45 s"),
        (60, "1 min"),
        (250, "4 min 10 s"),
        (3600, "1 h"),
        (3601, "1 h 1 s"),
        (7500, "2 h 5 min"),
    ],
)
def test_a_wait_is_said_in_hours_minutes_and_seconds(seconds: int, said: str) -> None:
    assert duration(seconds) == said


def test_a_schedule_names_its_days_time_and_zone() -> None:
    assert repr(DailyTrigger(time(7, 5), ZoneInfo("Asia/Tokyo"))) == (
        "<DailyTrigger daily at 07:05 Asia/Tokyo>"
    )
    assert repr(DailyTrigger(time(9, 0), UTC, weekdays_only=True)) == (
        "<DailyTrigger weekdays at 09:00 UTC>"
    )
    assert repr(WeeklyTrigger(4, time(16, 0), ZoneInfo("Europe/Berlin"))) == (
        "<WeeklyTrigger Friday at 16:00 Europe/Berlin>"
    )


async def test_unsubscribing_answers_word_for_word(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)
    none = await digests.unsubscribe(ADMIN)
    assert none == Notice("This channel has no daily digest.")
    await subscribe(digests)
    quiet = Context(UserRef("slack", "T1", "U3"), CHANNEL, can_manage_channel=True)
    stopped = await digests.unsubscribe(quiet)
    assert isinstance(stopped, Notice)
    assert marked(stopped.text) == "This channel will no longer get a daily digest."
    assert stopped.ephemeral  # told privately: they may not post here
    weekly_off = await digests.unsubscribe(ADMIN, "top")
    assert weekly_off == Notice("Weekly lists are not set up on this bot.", error=True)
    assert weekly_off == await digests.subscribe_weekly(ADMIN, weekly("weekly"))
