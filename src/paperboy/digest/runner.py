"""Posting each channel's digest exactly once: the runs behind the scheduled jobs.

A run is claimed in the store before anything is posted, each paper is
recorded as it goes (see store/digests.py), so a digest happens at most once
per channel per local day and a run cut short resumes where it stopped. One
channel's failure never touches another's: every run is its own task.

Replicas: every replica's job fires, one claims the run and the others find it held.
The holder renews its claim's lease while it posts; the others watch the run until
it is done, and take it over when its lease expires or its holder is known to have
exited (a replica killed mid-digest), resuming from the papers recorded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from paperboy.core.background import in_background
from paperboy.core.log_context import handling
from paperboy.core.models import ChannelRef, Paper, Subscription
from paperboy.core.ports import (
    Clock,
    DigestItems,
    DigestRanks,
    DigestRun,
    DigestRuns,
    FeaturedPapers,
    PaperLookup,
    PostFailed,
    PostLog,
    PreviewCooldowns,
    StoreUnavailable,
    Subscriptions,
    WeeklyForYous,
    WeeklyTops,
)
from paperboy.core.publishing import Publisher, Stopped, post_key
from paperboy.core.replies import Notice, Reply
from paperboy.core.telemetry import NO_METRICS, Metrics
from paperboy.core.zones import zone_info
from paperboy.digest import select
from paperboy.digest.content import DigestContent, nothing_new
from paperboy.digest.jobs_in_step import JobsInStep
from paperboy.digest.schedule import last_fire_time, local_date_of

log = logging.getLogger(__name__)

RunDigest = Callable[[ChannelRef], Awaitable[None]]


class DigestSchedule(Protocol):
    """Where subscriptions become scheduled jobs (`scheduler.DigestJobs` over APScheduler)."""

    def schedule(self, subscription: Subscription, run: RunDigest) -> None: ...

    def unschedule(self, channel: ChannelRef) -> None: ...


@dataclass(frozen=True, slots=True)
class DigestStore:
    """The store as the digest sees it: one port per fact it keeps."""

    subscriptions: Subscriptions
    runs: DigestRuns
    items: DigestItems
    previews: PreviewCooldowns
    papers: FeaturedPapers
    weekly: WeeklyTops
    lookup: PaperLookup
    posts: PostLog
    weekly_foryou: WeeklyForYous
    ranks: DigestRanks


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestOptions:
    """Built from `DigestSettings` by the composition root (defaults live there)."""

    default_time: time
    default_timezone: str
    default_papers: int
    grace: timedelta
    announce_empty: bool
    preview_cooldown: timedelta  # per channel, between two previews
    post_attempts: int = 3
    retry_seconds: float = 2.0
    pause_after_failures: int = 3
    # A claim holds this long; its holder renews it every third of it while posting,
    # and a replica watching the run takes it over once it expired.
    claim_lease: timedelta = timedelta(seconds=60)
    save_emoji: str = ""  # as people see it, for hints; app.py passes the configured one


class DigestRunner:
    def __init__(
        self,
        *,
        store: DigestStore,
        content: DigestContent,
        publisher: Publisher,
        jobs: DigestSchedule,
        clock: Clock,
        options: DigestOptions,
        before_run: Callable[[], Awaitable[None]] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        lease_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        """`sleep` waits between retries of a post, `lease_sleep` between renewals of a
        claim and between looks at a run another replica holds (each on the `clock`'s
        time, for a test to drive)."""
        self.store = store
        self.metrics = metrics
        self.content = content
        self.publisher = publisher
        self.jobs = JobsInStep(jobs, key=_channel_of, timing=_timing)
        self.clock = clock
        self.options = options
        self._before_run = before_run
        self._sleep = sleep
        self._lease_sleep = lease_sleep
        self._locks: dict[ChannelRef, asyncio.Lock] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._closing = asyncio.Event()  # no new runs start
        self._stopping = asyncio.Event()  # running runs stop after their current message

    async def start(self) -> None:
        """Schedule every active subscription."""
        await self.jobs.sync(self.store.subscriptions.active, self.run_scheduled)

    async def sync(self) -> None:
        """Bring the local jobs in step with the store's subscriptions: schedule those
        another replica made or changed, unschedule those it removed or paused."""
        added, removed = await self.jobs.sync(self.store.subscriptions.active, self.run_scheduled)
        if added or removed:
            log.info(
                "subscriptions changed elsewhere: %d digests scheduled, %d unscheduled",
                len(added),
                len(removed),
            )

    async def catch_up(self) -> None:
        """Post the digests whose time passed while the bot was down, if still within the
        grace period; record the others as skipped. Channels run concurrently."""
        now = self.clock()
        due: list[Awaitable[None]] = []
        for subscription in await self.store.subscriptions.active():
            fire = _last_fire(subscription, now)
            if fire is None:
                continue
            channel = subscription.channel
            day = local_date_of(fire, zone_info(subscription.timezone))
            run = await self.store.runs.run(channel, day)
            if run is not None and run.finished:
                continue
            if now - fire <= self.options.grace:
                log.info(
                    "digest for %s on %s was due at %s: posting it now", _name(channel), day, fire
                )
                due.append(self.run_for_day(channel, day))
            else:
                await self.store.runs.skip(channel, day, at=now)
                log.info(
                    "digest for %s on %s skipped: due at %s, beyond the %s grace period",
                    _name(channel),
                    day,
                    fire,
                    self.options.grace,
                )
        await asyncio.gather(*due)
        log.info("digest catch-up done: %d posted or resumed", len(due))

    async def drain(self, seconds: float) -> None:
        """For a graceful stop, within about `seconds`: start no new digest, let the
        running ones finish, and stop those still running after the message they are
        posting. A digest stopped that way resumes where it left off at the next start."""
        self._closing.set()
        if self._running:
            await asyncio.wait(set(self._running), timeout=seconds * 0.75)
        self._stopping.set()
        if self._running:
            await asyncio.wait(set(self._running), timeout=seconds * 0.25)

    async def run_scheduled(self, channel: ChannelRef) -> None:
        """The job body: post the digest of the local day whose time just came."""
        subscription = await self.store.subscriptions.get(channel)
        if subscription is None:
            return
        now = self.clock()
        fire = _last_fire(subscription, now) or now
        await self.run_for_day(channel, local_date_of(fire, zone_info(subscription.timezone)))

    async def run_for_day(self, channel: ChannelRef, day: date) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            with handling(channel, "digest"):
                async with self._locks.setdefault(channel, asyncio.Lock()):
                    await self._run(channel, day)
        except Exception:
            log.exception("digest for %s on %s failed", _name(channel), day)
            self.metrics.digest_failed(platform=channel.platform)
        finally:
            if task is not None:
                self._running.discard(task)

    async def _run(self, channel: ChannelRef, day: date) -> None:
        subscription = await self.store.subscriptions.get(channel)
        if subscription is None or self._closing.is_set():
            return
        if not self.publisher.reaches(channel.platform):
            log.warning(
                "digest for %s not posted: the %s adapter is not running",
                _name(channel),
                channel.platform,
            )
            return
        run = await self._claim(channel, day)
        if run is None:
            return
        async with self._holding(channel, day) as lost:
            # Starting a run (reading the subscription's papers, choosing) is its busiest
            # step, so it takes a shared turn of the pacing too: channels due at the same
            # minute then start one after another instead of all in its first second. Only
            # once the run is ours: a replica that finds it held spends no turn on it. The
            # turn may be seconds away (or the run was watched for minutes): by then the
            # channel may have unsubscribed or the bot begun to stop.
            async with self.publisher.pacing.turn():
                pass
            subscription = await self.store.subscriptions.get(channel)
            if subscription is None or self._closing.is_set():
                await self.store.runs.release(channel, day)
                return
            if not await self._post_run(subscription, day, run, lost):
                # Stopping, or no longer ours: whoever claims it next resumes it.
                await self.store.runs.release(channel, day)

    async def _claim(self, channel: ChannelRef, day: date) -> DigestRun | None:
        """Claim the day's run; None when there is nothing for this process to post.

        A run another replica holds is watched until it is finished (None), or taken
        over when its holder stopped renewing it or has exited."""
        lease = self.options.claim_lease
        run = await self.store.runs.claim(channel, day, at=self.clock(), lease=lease)
        if run.held_elsewhere:
            log.info(
                "digest for %s on %s is being posted by another process; watching it",
                _name(channel),
                day,
            )
        while run.held_elsewhere:
            if not await self._pause(lease.total_seconds() / 4):
                return None  # stopping
            current = await self.store.runs.run(channel, day)
            if current is None or current.status != "claimed":
                # Done (or given up as failed by its holder, which logged why).
                log.info(
                    "digest for %s on %s: the other process %s it",
                    _name(channel),
                    day,
                    "finished" if current is not None and current.finished else "ended",
                )
                return None
            run = await self.store.runs.claim(channel, day, at=self.clock(), lease=lease)
            if not run.held_elsewhere:
                log.warning(
                    "digest for %s on %s: the process posting it stopped; resuming it",
                    _name(channel),
                    day,
                )
        if run.finished:
            log.info("digest for %s on %s already done", _name(channel), day)
            return None
        return run

    async def _pause(self, seconds: float) -> bool:
        """Wait `seconds`; False as soon as the bot begins to stop."""
        if self._closing.is_set():
            return False
        pause = asyncio.ensure_future(self._lease_sleep(seconds))
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait({pause, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            pause.cancel()
            closing.cancel()
        return not self._closing.is_set()

    @asynccontextmanager
    async def _holding(self, channel: ChannelRef, day: date) -> AsyncIterator[asyncio.Event]:
        """While inside, renew our claim every third of its lease (a replica killed
        stops renewing, and another takes the run over). The event is set once the
        claim is no longer ours: post nothing more."""
        lost = asyncio.Event()
        lease = self.options.claim_lease

        async def renew() -> None:
            while True:
                await self._lease_sleep(lease.total_seconds() / 3)
                try:
                    ours = await self.store.runs.renew(channel, day, at=self.clock(), lease=lease)
                except StoreUnavailable as error:
                    log.warning("renewing the digest claim of %s failed: %s", _name(channel), error)
                    continue
                if not ours:
                    current = await self.store.runs.run(channel, day)
                    if current is not None and current.status != "claimed":
                        return  # we finished it (or gave it up) a moment ago
                    log.warning(
                        "digest for %s on %s was taken over by another process; stopping here",
                        _name(channel),
                        day,
                    )
                    lost.set()
                    return

        async with in_background(renew(), name=f"renew-digest-{_name(channel)}"):
            yield lost

    async def _post_run(
        self, subscription: Subscription, day: date, run: DigestRun, lost: asyncio.Event
    ) -> bool:
        """Post what the claimed run still lacks; False when it stopped before the end
        (the bot stopping, or the claim lost)."""
        channel = subscription.channel
        if self._before_run is not None:
            try:
                await self._before_run()
            except Exception:
                log.exception("refreshing papers before the digest failed; using what is stored")
        done_today = [paper_id for paper_id, _ in await self.store.items.items(channel, day)]
        room = max(0, subscription.max_papers - len(done_today))
        papers = (await self.content.choose(subscription, day))[:room]
        try:
            if run.header_id is None:
                if not papers and not done_today:
                    if self.options.announce_empty:
                        notice = Notice(nothing_new(subscription), ephemeral=False)
                        await self._post_header(channel, day, notice)
                    await self.store.runs.finish(channel, day, status="done", at=self.clock())
                    if self.options.announce_empty:
                        self.metrics.digest_posted(platform=channel.platform)
                    return True
                header = select.header_text(
                    day, count=len(done_today) + len(papers), topics=subscription.topics
                )
                await self._post_header(channel, day, Notice(header, ephemeral=False))
            for position, paper in enumerate(papers, start=len(done_today)):
                if not await self._post_paper(subscription, day, paper, position, lost):
                    return False  # the rest comes at the next claim
            await self.store.runs.finish(channel, day, status="done", at=self.clock())
            await self.store.subscriptions.record_success(channel)
            self.metrics.digest_posted(platform=channel.platform)
            log.info(
                "digest for %s on %s posted: %d papers",
                _name(channel),
                day,
                len(done_today) + len(papers),
            )
        except PostFailed as error:
            # Given up, not cut short: replicas watching the run let it be (a restart's
            # catch-up tries a failed run again within the grace period).
            await self.store.runs.finish(channel, day, status="failed", at=self.clock())
            await self._failed(subscription, day, error)
        return True

    async def _post_header(self, channel: ChannelRef, day: date, header: Notice) -> None:
        """Post the run's first message, recorded as on its way once the channel's turn
        has come and just before it goes out (see HEADER_POSTING), as each paper is: a
        process killed meanwhile leaves no header to post again, and of a replica whose
        claim lapsed while it stalled and the one that took the run over, only one
        posts it."""
        async with self.publisher.turn(channel) as send:
            if not await self.store.runs.begin_header(channel, day):
                return
            try:
                header_id = await self.retrying(channel, lambda key: send(header, key=key))
            except PostFailed as error:
                if not error.maybe_posted:  # else it counts as posted: never twice
                    await self.store.runs.set_header(channel, day, None)
                raise
        await self.store.runs.set_header(channel, day, header_id)

    async def _post_paper(
        self,
        subscription: Subscription,
        day: date,
        paper: Paper,
        position: int,
        lost: asyncio.Event,
    ) -> bool:
        """Post one paper of the digest, exactly once; False when a stop came first or
        the claim is no longer ours."""
        channel = subscription.channel
        if self._stopping.is_set() or lost.is_set():
            return False
        reply = await self.content.paper_post(paper, subscription)
        try:
            # The paper is marked as being posted only once the channel's turn has come:
            # a process killed while waiting leaves it unsent, to be posted at the restart.
            async with self.publisher.turn(channel, stop=self._stopping) as send:
                if lost.is_set():
                    return False
                if not await self.store.items.begin(
                    channel, day, paper.id, position=position, at=self.clock()
                ):
                    return True
                try:
                    message_id = await self.retrying(channel, lambda key: send(reply, key=key))
                except PostFailed as error:
                    if not error.maybe_posted:  # else it counts as sent: never twice
                        await self.store.items.forget(channel, paper.id)
                    raise
        except Stopped:
            return False
        await self.store.items.sent(channel, paper.id, message_id, at=self.clock())
        return True

    async def post(self, channel: ChannelRef, reply: Reply) -> str:
        """Publish, retrying failures that may pass; a permanent one raises at once."""
        return await self.retrying(
            channel, lambda key: self.publisher.publish(channel, reply, key=key)
        )

    async def retrying(self, channel: ChannelRef, post: Callable[[str], Awaitable[str]]) -> str:
        """`post(key)` until it succeeds, a few times; the same key at every attempt, so a
        retry of a message that did land posts nothing new (see ChannelPoster)."""
        key = post_key()
        for attempt in range(1, self.options.post_attempts + 1):
            try:
                return await post(key)
            except PostFailed as error:
                if error.permanent or attempt == self.options.post_attempts:
                    raise
                log.warning("posting to %s failed (%s); retrying", _name(channel), error)
                await self._sleep(self.options.retry_seconds * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    async def _failed(self, subscription: Subscription, day: date, error: PostFailed) -> None:
        channel = subscription.channel
        self.metrics.digest_failed(platform=channel.platform)
        failures = await self.store.subscriptions.record_failure(
            channel, pause_after=self.options.pause_after_failures, at=self.clock()
        )
        if failures >= self.options.pause_after_failures:
            self.jobs.unschedule(channel)
            log.error(
                "digest for %s paused after %d failed runs (last: %s); "
                "`subscribe` again there to resume",
                _name(channel),
                failures,
                error,
            )
        else:
            log.warning(
                "digest for %s on %s failed (%s); attempt %d", _name(channel), day, error, failures
            )


def _last_fire(subscription: Subscription, now: datetime) -> datetime | None:
    return last_fire_time(
        now,
        subscription.time,
        zone_info(subscription.timezone),
        weekdays_only=subscription.weekdays_only,
    )


def _channel_of(subscription: Subscription) -> ChannelRef:
    return subscription.channel


def _timing(subscription: Subscription) -> tuple[time, str, bool]:
    """What of a subscription its job's trigger depends on."""
    return subscription.time, subscription.timezone, subscription.weekdays_only


def _name(channel: ChannelRef) -> str:
    return f"{channel.platform}:{channel.workspace}/{channel.channel}"
