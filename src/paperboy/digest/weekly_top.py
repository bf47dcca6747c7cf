"""`subscribe top weekly`: a channel's most saved papers, posted once a week.

It rides on the digest machinery: the scheduler's jobs (a `WeeklyTrigger` in the
channel's timezone), the runner's posting (spacing shared with every digest,
retries), a claim in the store per channel and local day (`store/weekly_top.py`),
and the same catch-up after a restart within the grace period. A week's list is
posted at most once, by one replica, however often its job fires: the claim turns
to 'posting' for exactly one caller before anything is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Protocol

from paperboy.core.channel_rules import digest_change_refused, posts_publicly
from paperboy.core.log_context import handling
from paperboy.core.models import ChannelRef, Context, WeeklyTop
from paperboy.core.ports import Clock, PostFailed, WeeklyTops
from paperboy.core.publishing import Publisher
from paperboy.core.replies import Notice, Reply
from paperboy.core.team_top import TeamTop
from paperboy.core.weekly_spec import WeeklySpec, describe_weekly
from paperboy.core.zones import zone_info
from paperboy.digest.runner import DigestOptions, RunDigest
from paperboy.digest.weekly import next_weekly_fire
from paperboy.digest.weekly_runs import WeeklyRuns

log = logging.getLogger(__name__)

WEEK_DAYS = 7
# Posts into a channel through the publisher, retrying (the digest runner's `post`).
PostReply = Callable[[ChannelRef, Reply], Awaitable[str]]


class WeeklyJobs(Protocol):
    """Where weekly lists become scheduled jobs (the APScheduler wiring)."""

    def schedule(self, weekly: WeeklyTop, run: RunDigest) -> None: ...

    def unschedule(self, channel: ChannelRef) -> None: ...


class WeeklyTopLists(WeeklyRuns[ChannelRef, WeeklyTop]):
    what = "weekly list"

    def __init__(
        self,
        *,
        store: WeeklyTops,
        team_top: TeamTop,
        publisher: Publisher,
        jobs: WeeklyJobs,
        clock: Clock,
        options: DigestOptions,
        post: PostReply,
    ) -> None:
        super().__init__(book=store, schedule=jobs, clock=clock, options=options)
        self.store = store
        self.publisher = publisher
        self._post = post
        self.team_top = team_top

    # -- commands ---------------------------------------------------------------------

    async def subscribe(self, context: Context, asked: WeeklySpec) -> Reply:
        if refused := digest_change_refused(context):
            return refused
        spec = asked.with_defaults(
            time=self.options.default_time, zone=self.options.default_timezone
        )
        if not self.publisher.reaches(context.channel.platform):
            return Notice("Weekly lists cannot be posted from here.", error=True)
        at = spec.time or self.options.default_time
        timezone = spec.zone or self.options.default_timezone
        weekly = WeeklyTop(
            context.channel, spec.weekday, at, timezone, created_by=context.user.user
        )
        await self.store.put(weekly, at=self.clock())
        self.jobs.schedule(weekly, self.run_scheduled)
        zone = zone_info(timezone)
        upcoming = next_weekly_fire(self.clock(), spec.weekday, at, zone)
        return Notice(
            "This channel gets the papers saved most here in the past week "
            f"{describe_weekly(spec)}. Next: {upcoming.astimezone(zone):%a %d %b %H:%M} "
            f"{timezone}.",
            ephemeral=not posts_publicly(context),
        )

    async def unsubscribe(self, context: Context) -> Reply:
        if refused := digest_change_refused(context):
            return refused
        removed = await self.store.remove(context.channel)
        self.jobs.unschedule(context.channel)
        if not removed:
            return Notice("This channel has no weekly list.")
        return Notice(
            "This channel will no longer get a weekly list.",
            ephemeral=not posts_publicly(context),
        )

    async def forget_workspace(self, platform: str, workspace: str) -> list[ChannelRef]:
        """Delete the weekly lists of a workspace the bot was removed from."""
        removed = await self.store.remove_workspace(platform, workspace)
        for channel in removed:
            self.jobs.unschedule(channel)
        return removed

    # -- running ------------------------------------------------------------------------

    def key(self, weekly: WeeklyTop) -> ChannelRef:
        return weekly.channel

    async def run_for_day(self, channel: ChannelRef, day: date) -> None:
        try:
            with handling(channel, "weekly_top"):
                await self._run(channel, day)
        except Exception:
            log.exception("weekly list for %s on %s failed", channel, day)

    async def _run(self, channel: ChannelRef, day: date) -> None:
        weekly = await self.store.get(channel)
        if weekly is None or self._closing.is_set():
            return
        if not self.publisher.reaches(channel.platform):
            log.warning("weekly list for %s not posted: its adapter is not running", channel)
            return
        if not await self.store.begin(channel, day, at=self.clock()):
            log.info("weekly list for %s on %s already posted", channel, day)
            return
        reply = await self.team_top.top(channel, WEEK_DAYS, ephemeral=False)
        if isinstance(reply, Notice) and not self.options.announce_empty:
            await self.store.finish(channel, day, "", at=self.clock())
            return
        try:
            message_id = await self._post(channel, reply)
        except PostFailed as error:
            await self.store.release(channel, day)
            log.warning("weekly list for %s on %s not posted: %s", channel, day, error)
            return
        await self.store.finish(channel, day, message_id, at=self.clock())
        log.info("weekly list for %s on %s posted", channel, day)
