"""The daily digest's commands: subscribe, unsubscribe, and a preview posted now.

`DigestService` is what the composition root builds and the bot talks to; the
runs themselves (scheduled, caught up after a restart, drained at a stop) are
the `DigestRunner`'s, and the choice of papers is `DigestContent`'s.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from paperboy.core.channel_rules import (
    digest_change_refused,
    digest_post_refused,
    posts_publicly,
)
from paperboy.core.digest_spec import DigestSpec, describe
from paperboy.core.models import ChannelRef, Context, Subscription, UserRef
from paperboy.core.ports import Clock, PostFailed, Recommender, TopicIndex
from paperboy.core.publishing import Publisher
from paperboy.core.replies import Notice, Reply
from paperboy.core.rich import Rich, code, text
from paperboy.core.team_top import TeamTop
from paperboy.core.telemetry import NO_METRICS, Metrics
from paperboy.core.text import long_day
from paperboy.core.weekly_spec import WeeklySpec
from paperboy.core.zones import zone_info
from paperboy.digest import select
from paperboy.digest.content import MIN_TEAM_SAVES, DigestContent, nothing_new
from paperboy.digest.runner import (
    DigestOptions,
    DigestRunner,
    DigestSchedule,
    DigestStore,
    RunDigest,
)
from paperboy.digest.schedule import local_date_of, next_fire_time
from paperboy.digest.weekly_foryou import (
    ForYouRanking,
    WeeklyForYouJobs,
    WeeklyForYouMessages,
)
from paperboy.digest.weekly_top import WeeklyJobs, WeeklyTopLists

log = logging.getLogger(__name__)

__all__ = [
    "DigestOptions",
    "DigestSchedule",
    "DigestService",
    "DigestStore",
    "RunDigest",
    "WeeklyForYouJobs",
    "WeeklyJobs",
]

_TOO_OLD = (
    f"A daily digest posts only papers featured in the {select.LOOKBACK_DAYS} days before it, "
    "so it stays empty until the Daily Papers feed brings newer ones."
)


class DigestService:
    def __init__(
        self,
        *,
        store: DigestStore,
        topics: TopicIndex,
        publisher: Publisher,
        jobs: DigestSchedule,
        clock: Clock,
        options: DigestOptions,
        before_run: Callable[[], Awaitable[None]] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        lease_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        weekly_jobs: WeeklyJobs | None = None,
        metrics: Metrics = NO_METRICS,
        foryou: ForYouRanking | None = None,
        foryou_jobs: WeeklyForYouJobs | None = None,
        taste: Recommender | None = None,
    ) -> None:
        """`weekly_jobs` turns on `subscribe top weekly` (see digest/weekly_top.py),
        `foryou` with `foryou_jobs` the weekly `foryou` messages (digest/weekly_foryou.py),
        `taste` a digest ordered by the team's saves (`rank:team`, digest/content.py)."""
        self.store = store
        self.topics = topics
        self.publisher = publisher
        self.clock = clock
        self.options = options
        self.content = DigestContent(
            papers=store.papers,
            items=store.items,
            topics=topics,
            ranks=store.ranks,
            posts=store.posts,
            taste=taste,
        )
        self.runner = DigestRunner(
            store=store,
            content=self.content,
            publisher=publisher,
            jobs=jobs,
            clock=clock,
            options=options,
            before_run=before_run,
            sleep=sleep,
            lease_sleep=lease_sleep,
            metrics=metrics,
        )
        self.jobs = self.runner.jobs  # one record of what this process scheduled
        self.weekly_top = (
            None
            if weekly_jobs is None
            else WeeklyTopLists(
                store=store.weekly,
                team_top=TeamTop(
                    papers=store.lookup,
                    posts=store.posts,
                    clock=clock,
                    save_emoji=self.options.save_emoji,
                ),
                publisher=publisher,
                jobs=weekly_jobs,
                clock=clock,
                options=self.options,
                post=self.runner.post,
            )
        )
        self.weekly_foryou = (
            None
            if foryou is None or foryou_jobs is None
            else WeeklyForYouMessages(
                store=store.weekly_foryou,
                ranking=foryou,
                papers=store.lookup,
                topics=topics,
                publisher=publisher,
                jobs=foryou_jobs,
                clock=clock,
                options=options,
                retrying=self.runner.retrying,
            )
        )

    # -- commands (DigestCommands) ------------------------------------------------------

    async def subscribe(self, context: Context, asked: DigestSpec) -> Reply:
        if refused := digest_change_refused(context):
            return refused
        spec = asked.with_defaults(
            time=self.options.default_time,
            zone=self.options.default_timezone,
            papers=self.options.default_papers,
        )
        if spec.topics and not self.topics.query_terms(spec.topics):
            return Notice(
                text(
                    f"The topics “{spec.topics}” have no searchable words; name a subject, e.g. ",
                    code("subscribe 09:00 UTC retrieval agents"),
                    ".",
                ),
                error=True,
            )
        if not self.publisher.reaches(context.channel.platform):
            return Notice("Digests cannot be posted from here.", error=True)
        if spec.rank == "team" and self.content.taste is None:
            return Notice("Digests ordered by the team's saves are not set up on this bot.")
        subscription = Subscription(
            channel=context.channel,
            time=spec.time or self.options.default_time,
            timezone=spec.zone or self.options.default_timezone,
            topics=spec.topics,
            max_papers=spec.papers or self.options.default_papers,
            min_upvotes=spec.min_upvotes,
            weekdays_only=spec.weekdays,
            created_by=context.user.user,
        )
        await self.store.subscriptions.put(subscription, at=self.clock())
        await self.store.ranks.put(context.channel, spec.rank)
        self.jobs.schedule(subscription, self.runner.run_scheduled)
        upcoming = self._next_run(subscription)
        outlook = await self._outlook(subscription)
        order = await self._order(context.channel) if spec.rank == "team" else ""
        return Notice(
            text(
                f"This channel gets a daily digest {describe(spec)}. "
                f"Next: {upcoming:%a %d %b %H:%M} {subscription.timezone}. ",
                order,
                outlook,
            ),
            ephemeral=not posts_publicly(context),
        )

    async def _order(self, channel: ChannelRef) -> str:
        """What `rank:team` orders by today: the team's saves, or upvotes until enough."""
        saves = len(await self.content.team_saves(channel))
        if saves < MIN_TEAM_SAVES:
            return (
                f"It is ordered by upvotes until people here have saved {MIN_TEAM_SAVES} "
                f"papers from my posts ({saves} so far), then by what they save. "
            )
        return f"It is ordered by what people here saved from my posts ({saves} papers). "

    async def foryou_weekly(self, context: Context, spec: WeeklySpec) -> Reply:
        """The person's weekly direct message of papers for them (digest/weekly_foryou.py)."""
        if self.weekly_foryou is None:
            return _foryou_weekly_off()
        return await self.weekly_foryou.subscribe(context.user, spec)

    async def foryou_stop(self, context: Context) -> Reply:
        if self.weekly_foryou is None:
            return _foryou_weekly_off()
        return await self.weekly_foryou.stop(context.user)

    async def run_foryou_for_day(self, user: UserRef, day: date) -> None:
        if self.weekly_foryou is not None:
            await self.weekly_foryou.run_for_day(user, day)

    async def subscribe_weekly(self, context: Context, spec: WeeklySpec) -> Reply:
        """The channel's weekly list of its most saved papers (see digest/weekly_top.py)."""
        if self.weekly_top is None:
            return _weekly_off()
        return await self.weekly_top.subscribe(context, spec)

    async def unsubscribe(self, context: Context, what: str = "") -> Reply:
        """The daily digest, or (`what` "top") the weekly list."""
        if what == "top":
            if self.weekly_top is None:
                return _weekly_off()
            return await self.weekly_top.unsubscribe(context)
        if refused := digest_change_refused(context):
            return refused
        removed = await self.store.subscriptions.remove(context.channel)
        await self.store.ranks.remove(context.channel)
        self.jobs.unschedule(context.channel)
        if not removed:
            return Notice("This channel has no daily digest.")
        return Notice(
            "This channel will no longer get a daily digest.",
            ephemeral=not posts_publicly(context),
        )

    async def forget_workspace(self, platform: str, workspace: str) -> int:
        """The bot left a workspace: its channels' digests and weekly lists are deleted
        and their jobs stopped, so that joining again starts clean (see DigestCommands)."""
        removed = set(await self.store.subscriptions.remove_workspace(platform, workspace))
        for channel in removed:
            self.jobs.unschedule(channel)
        if self.weekly_top is not None:
            removed.update(await self.weekly_top.forget_workspace(platform, workspace))
        else:
            removed.update(await self.store.weekly.remove_workspace(platform, workspace))
        # Its people's weekly foryou messages and its channels' digest orders go too.
        if self.weekly_foryou is not None:
            await self.weekly_foryou.forget_workspace(platform, workspace)
        else:
            await self.store.weekly_foryou.remove_workspace(platform, workspace)
        await self.store.ranks.remove_workspace(platform, workspace)
        return len(removed)

    async def forget_person(self, user: UserRef) -> bool:
        """`forget me`: the person's weekly foryou message is deleted and its job stopped."""
        if self.weekly_foryou is not None:
            return await self.weekly_foryou.forget(user)
        return await self.store.weekly_foryou.remove(user)

    async def preview(self, context: Context) -> Reply:
        """Post a digest now. It does not count as the day's digest: its papers can
        still come in the scheduled one.

        Only for people who manage the channel and may post in it, and at most one
        per channel per `preview_cooldown`: its messages take turns with every
        channel's scheduled digests (see core/pacing.py). A preview that posts nothing
        does not start the cooldown."""
        if refused := digest_post_refused(context):
            return refused
        if not self.publisher.reaches(context.channel.platform):
            return Notice("Digests cannot be posted from here.", error=True)
        channel = context.channel
        now = self.clock()
        cooldown = self.options.preview_cooldown
        last = await self.store.previews.claim(channel, at=now, cooldown=cooldown)
        if last is not None:
            return cooling_down(since=now - last, cooldown=cooldown)
        posted = 0
        try:
            subscription = await self.store.subscriptions.get(channel) or Subscription(
                channel=channel,
                time=self.options.default_time,
                timezone=self.options.default_timezone,
                max_papers=self.options.default_papers,
            )
            today = local_date_of(now, zone_info(subscription.timezone))
            papers = await self.content.choose(subscription, today, exclude=set())
            day, stale = today, await self.content.stale_day(today)
            if not papers and stale is not None:
                # Nothing recent enough for a real digest (the feed is unreachable, or the
                # store holds only the bundled sample): show what one looks like from the
                # latest featured day, and say so.
                day = stale
                papers = await self.content.choose(subscription, stale, exclude=set())
            if not papers:
                return Notice(nothing_new(subscription))
            header = select.header_text(day, count=len(papers), topics=subscription.topics)
            await self.runner.post(channel, Notice(f"Preview · {header}", ephemeral=False))
            posted += 1
            for paper in papers:
                await self.runner.post(channel, await self.content.paper_post(paper, subscription))
                posted += 1
        except PostFailed as error:
            return Notice(f"I could not post here: {error}", error=True)
        finally:
            if not posted:
                await self.store.previews.release(channel, at=now)
        count = f"{len(papers)} paper" + ("" if len(papers) == 1 else "s")
        if day != today:
            return Notice(
                f"Posted a preview digest of {count} from {long_day(day)}, the "
                f"latest featured day I have. {_TOO_OLD}"
            )
        order = ""
        if await self.content.rank(channel) == "team":
            order = " " + (await self._order(channel)).strip()
        return Notice(f"Posted a preview digest of {count}.{order}")

    async def _outlook(self, subscription: Subscription) -> Rich:
        """What the digest would hold now, so a subscriber sees it is set up right (or
        why it will stay empty) without waiting for tomorrow."""
        today = local_date_of(self.clock(), zone_info(subscription.timezone))
        stale = await self.content.stale_day(today)
        if stale is not None:
            return text(
                f"The latest papers I have were featured on {long_day(stale)}. {_TOO_OLD} ",
                code("digest"),
                " shows what one looks like.",
            )
        papers = await self.content.choose(subscription, today, exclude=set())
        if papers:
            count = f"{len(papers)} paper" + ("" if len(papers) == 1 else "s")
            return text(f"Today's would hold {count}; ", code("digest"), " previews it here now.")
        latest = await self.store.papers.latest_featured_day(on_or_before=today)
        if latest is None:
            return text(
                "I have no Daily Papers yet: digests start once the daily ingest brings some."
            )
        return text("No paper featured lately matches it yet.")

    # -- running (the runner's) ---------------------------------------------------------

    async def start(self) -> None:
        """Schedule every active subscription (and weekly list)."""
        await self.runner.start()
        if self.weekly_top is not None:
            await self.weekly_top.start()
        if self.weekly_foryou is not None:
            await self.weekly_foryou.start()

    async def sync(self) -> None:
        """Bring this process's jobs in step with the store: the digests, weekly lists
        and weekly messages another replica added, moved, removed or paused."""
        await self.runner.sync()
        if self.weekly_top is not None:
            await self.weekly_top.sync()
        if self.weekly_foryou is not None:
            await self.weekly_foryou.sync()

    async def keep_in_step(
        self, *, every: float, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        """Until cancelled: `sync` every `every` seconds, so a subscription made through
        any replica is scheduled by every replica. A failed sync is logged and tried
        again at the next."""
        while True:
            await sleep(every)
            try:
                await self.sync()
            except Exception:
                log.exception("bringing the digest jobs in step with the store failed")

    async def catch_up(self) -> None:
        """Post the digests (and weekly lists) missed while the bot was down, within the
        grace period."""
        await self.runner.catch_up()
        if self.weekly_top is not None:
            await self.weekly_top.catch_up()
        if self.weekly_foryou is not None:
            await self.weekly_foryou.catch_up()

    async def drain(self, seconds: float) -> None:
        """A graceful stop of the running digests; see `DigestRunner.drain`."""
        if self.weekly_top is not None:
            self.weekly_top.close()
        if self.weekly_foryou is not None:
            self.weekly_foryou.close()
        await self.runner.drain(seconds)

    async def run_for_day(self, channel: ChannelRef, day: date) -> None:
        await self.runner.run_for_day(channel, day)

    def _next_run(self, subscription: Subscription) -> datetime:
        zone = zone_info(subscription.timezone)
        fire = next_fire_time(
            self.clock(),
            subscription.time,
            zone,
            weekdays_only=subscription.weekdays_only,
        )
        return fire.astimezone(zone)


def cooling_down(*, since: timedelta, cooldown: timedelta) -> Notice:
    """The answer to a preview asked for `since` after the channel's last one."""
    ago = max(since, timedelta(0))  # another replica's clock may run a little ahead
    wait = max(cooldown - ago, timedelta(seconds=1))
    return Notice(
        f"A preview was posted here {duration(math.floor(ago.total_seconds()))} ago; "
        f"try again in {duration(math.ceil(wait.total_seconds()))}.",
        error=True,
    )


def duration(seconds: int) -> str:
    """ "45 s", "4 min 10 s", "2 h 5 min" """
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    if seconds or not (hours or minutes):
        parts.append(f"{seconds} s")
    return " ".join(part for part in parts if part)


def _weekly_off() -> Notice:
    return Notice("Weekly lists are not set up on this bot.", error=True)


def _foryou_weekly_off() -> Notice:
    return Notice("Weekly foryou messages are not set up on this bot.", error=True)
