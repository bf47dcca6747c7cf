"""The one APScheduler (AsyncIOScheduler) everything schedules on: the daily ingest
and every channel's digest, on the bot's event loop."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from paperboy.core.models import ChannelRef, Subscription, UserRef, WeeklyForYou, WeeklyTop
from paperboy.core.zones import zone_info
from paperboy.digest.schedule import DailyTrigger
from paperboy.digest.service import RunDigest
from paperboy.digest.weekly import WeeklyTrigger
from paperboy.digest.weekly_foryou import RunWeekly

log = logging.getLogger(__name__)


class Scheduler:
    """Start with `start()` on the running loop, stop with `aclose()`."""

    def __init__(self) -> None:
        self._aps = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        self._aps.start()

    async def aclose(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def add(
        self,
        job_id: str,
        func: Callable[..., Awaitable[object]],
        trigger: BaseTrigger,
        *,
        args: tuple[Any, ...] = (),
        grace: timedelta,
    ) -> None:
        """Add or replace a job. A run missed by less than `grace` (e.g. a busy loop)
        still happens, once; runs never overlap."""
        self._aps.add_job(
            func,
            trigger,
            args=args,
            id=job_id,
            name=job_id,
            replace_existing=True,
            misfire_grace_time=int(grace.total_seconds()) or 1,
            coalesce=True,
            max_instances=1,
        )

    def remove(self, job_id: str) -> None:
        if self._aps.get_job(job_id) is not None:
            self._aps.remove_job(job_id)


class DigestJobs:
    """One daily job per subscription, in the channel's own timezone."""

    def __init__(self, scheduler: Scheduler, *, grace: timedelta) -> None:
        self._scheduler = scheduler
        self._grace = grace

    def schedule(self, subscription: Subscription, run: RunDigest) -> None:
        trigger = DailyTrigger(
            subscription.time,
            zone_info(subscription.timezone),
            weekdays_only=subscription.weekdays_only,
        )
        job_id = digest_job_id(subscription.channel)
        self._scheduler.add(job_id, run, trigger, args=(subscription.channel,), grace=self._grace)
        log.info("digest for %s scheduled %r", job_id, trigger)

    def unschedule(self, channel: ChannelRef) -> None:
        self._scheduler.remove(digest_job_id(channel))


def digest_job_id(channel: ChannelRef) -> str:
    return f"digest:{channel.platform}:{channel.workspace}:{channel.channel}"


class WeeklyTopJobs:
    """One weekly job per channel's `top` list, in the channel's own timezone."""

    def __init__(self, scheduler: Scheduler, *, grace: timedelta) -> None:
        self._scheduler = scheduler
        self._grace = grace

    def schedule(self, weekly: WeeklyTop, run: RunDigest) -> None:
        trigger = WeeklyTrigger(weekly.weekday, weekly.time, zone_info(weekly.timezone))
        job_id = weekly_top_job_id(weekly.channel)
        self._scheduler.add(job_id, run, trigger, args=(weekly.channel,), grace=self._grace)
        log.info("weekly list for %s scheduled %r", job_id, trigger)

    def unschedule(self, channel: ChannelRef) -> None:
        self._scheduler.remove(weekly_top_job_id(channel))


def weekly_top_job_id(channel: ChannelRef) -> str:
    return f"top:{channel.platform}:{channel.workspace}:{channel.channel}"


class WeeklyForYouJobs:
    """One weekly job per person's `foryou weekly` message, in their own timezone."""

    def __init__(self, scheduler: Scheduler, *, grace: timedelta) -> None:
        self._scheduler = scheduler
        self._grace = grace

    def schedule(self, weekly: WeeklyForYou, run: RunWeekly) -> None:
        trigger = WeeklyTrigger(weekly.weekday, weekly.time, zone_info(weekly.timezone))
        job_id = weekly_foryou_job_id(weekly.user)
        self._scheduler.add(job_id, run, trigger, args=(weekly.user,), grace=self._grace)
        log.info("weekly foryou for %s scheduled %r", job_id, trigger)

    def unschedule(self, user: UserRef) -> None:
        self._scheduler.remove(weekly_foryou_job_id(user))


def weekly_foryou_job_id(user: UserRef) -> str:
    return f"foryou:{user.platform}:{user.workspace}:{user.user}"
