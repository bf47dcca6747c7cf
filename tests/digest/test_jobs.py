"""Subscriptions become APScheduler jobs in their own timezone, live and at start-up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.base import BaseTrigger

from paperboy.core.models import ChannelRef, Subscription
from paperboy.digest.schedule import DailyTrigger
from paperboy.scheduler import DigestJobs, Scheduler, digest_job_id

CHANNEL = ChannelRef("discord", "G1", "C1")


class RecordingScheduler(Scheduler):
    """The real Scheduler, also remembering each job's trigger, to ask it when it fires."""

    def __init__(self) -> None:
        super().__init__()
        self.triggers: dict[str, BaseTrigger] = {}

    def add(self, job_id: str, func: Any, trigger: BaseTrigger, **kwargs: Any) -> None:
        super().add(job_id, func, trigger, **kwargs)
        self.triggers[job_id] = trigger

    def remove(self, job_id: str) -> None:
        super().remove(job_id)
        self.triggers.pop(job_id, None)

    def next_run(self, job_id: str) -> datetime | None:
        trigger = self.triggers.get(job_id)
        if trigger is None:
            return None
        fire: datetime = trigger.get_next_fire_time(None, datetime.now(UTC))
        return fire


@pytest.fixture
async def scheduler() -> AsyncIterator[RecordingScheduler]:
    scheduler = RecordingScheduler()
    scheduler.start()
    yield scheduler
    await scheduler.aclose()


async def nothing(channel: ChannelRef) -> None:
    return None


async def test_a_subscription_is_one_job_at_its_local_time(scheduler: RecordingScheduler) -> None:
    jobs = DigestJobs(scheduler, grace=timedelta(hours=3))
    jobs.schedule(Subscription(CHANNEL, time(9, 30), "America/New_York"), nothing)
    nxt = scheduler.next_run(digest_job_id(CHANNEL))
    local = nxt.astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (9, 30)
    assert nxt > datetime.now(UTC)
    assert nxt - datetime.now(UTC) <= timedelta(days=1)


async def test_a_subscription_at_a_utc_offset_is_a_job_at_that_offsets_time(
    scheduler: RecordingScheduler,
) -> None:
    jobs = DigestJobs(scheduler, grace=timedelta(hours=3))
    jobs.schedule(Subscription(CHANNEL, time(9, 30), "UTC+05:30"), nothing)
    nxt = scheduler.next_run(digest_job_id(CHANNEL)).astimezone(UTC)
    assert (nxt.hour, nxt.minute) == (4, 0)
    assert nxt - datetime.now(UTC) <= timedelta(days=1)


async def test_changing_and_removing_a_subscription_changes_the_job_live(
    scheduler: RecordingScheduler,
) -> None:
    jobs = DigestJobs(scheduler, grace=timedelta(hours=3))
    jobs.schedule(Subscription(CHANNEL, time(9, 30), "UTC"), nothing)
    jobs.schedule(Subscription(CHANNEL, time(17, 45), "Asia/Tokyo"), nothing)
    local = scheduler.next_run(digest_job_id(CHANNEL)).astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (17, 45)
    jobs.unschedule(CHANNEL)
    assert scheduler.next_run(digest_job_id(CHANNEL)) is None
    jobs.unschedule(CHANNEL)  # twice is fine


async def test_a_due_job_runs_the_digest_for_its_channel(scheduler: RecordingScheduler) -> None:
    ran: list[ChannelRef] = []

    async def run(channel: ChannelRef) -> None:
        ran.append(channel)

    soon = (datetime.now(UTC) + timedelta(seconds=1)).time().replace(microsecond=0)
    scheduler.add(
        "digest:test",
        run,
        DailyTrigger(soon, ZoneInfo("UTC")),
        args=(CHANNEL,),
        grace=timedelta(minutes=1),
    )
    for _ in range(60):
        if ran:
            break
        await asyncio.sleep(0.05)
    assert ran == [CHANNEL]
