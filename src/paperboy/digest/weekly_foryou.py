"""`foryou weekly`: a person's top papers of the week, by direct message, once a week.

It rides on the digest machinery as the channel's weekly list does
(digest/weekly_top.py): a `WeeklyTrigger` in the person's timezone, the same
catch-up after a restart within the grace period, and a run claimed in the store
per person and local day before anything is sent (`store/foryou_weekly.py`). The
papers are the `foryou` ranking over those featured in the last 7 days, chosen
once and written down before the first is sent; each is then sent as its own
message (a header first), recorded as being posted once its turn has come and as
sent after. So a run cut short resumes with exactly the papers still to send: the
person never gets one twice and never misses one. A direct message is a channel
like any other for the `Publisher` (paced, message → paper recorded, so a save
reaction on it works), reached through `Publisher.direct_channel`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Protocol

from paperboy.core.models import ChannelRef, UserRef, WeeklyForYou
from paperboy.core.ports import Clock, PaperLookup, PostFailed, TopicIndex, WeeklyForYous
from paperboy.core.publishing import Publisher, Send, Stopped
from paperboy.core.replies import Card, Notice, PaperPost, Reply
from paperboy.core.rich import code, text
from paperboy.core.weekly_spec import DAY_NAMES, WeeklySpec, describe_weekly
from paperboy.core.zones import zone_info
from paperboy.digest.runner import DigestOptions
from paperboy.digest.weekly import next_weekly_fire
from paperboy.digest.weekly_runs import WeeklyRuns
from paperboy.search import Recommendation

log = logging.getLogger(__name__)

WEEK_DAYS = 7
# The same number a `foryou` page shows would be a wall of messages; a week's best few.
WEEKLY_PAPERS = 5

RunWeekly = Callable[[UserRef], Awaitable[None]]
# Sends through a held turn, retrying what may pass (the digest runner's `retrying`).
Retrying = Callable[[ChannelRef, Callable[[str], Awaitable[str]]], Awaitable[str]]


class ForYouRanking(Protocol):
    """The `foryou` ranking (core/foryou.py): papers for `user` from the last `days`
    days, best first, and whether they were learned; or a Notice saying why none."""

    async def ranked(
        self, user: UserRef, days: int | None, *, limit: int, offset: int = 0
    ) -> tuple[list[Recommendation], bool] | Notice: ...


class WeeklyForYouJobs(Protocol):
    """Where weekly messages become scheduled jobs (the APScheduler wiring)."""

    def schedule(self, weekly: WeeklyForYou, run: RunWeekly) -> None: ...

    def unschedule(self, user: UserRef) -> None: ...


class WeeklyForYouMessages(WeeklyRuns[UserRef, WeeklyForYou]):
    what = "weekly foryou"

    def __init__(
        self,
        *,
        store: WeeklyForYous,
        ranking: ForYouRanking,
        papers: PaperLookup,
        topics: TopicIndex,
        publisher: Publisher,
        jobs: WeeklyForYouJobs,
        clock: Clock,
        options: DigestOptions,
        retrying: Retrying,
    ) -> None:
        super().__init__(book=store, schedule=jobs, clock=clock, options=options)
        self.store = store
        self.ranking = ranking
        self.papers = papers
        self.topics = topics
        self.publisher = publisher
        self._retrying = retrying
        self._locks: dict[UserRef, asyncio.Lock] = {}

    # -- commands ---------------------------------------------------------------------

    async def subscribe(self, user: UserRef, asked: WeeklySpec) -> Reply:
        if not self.publisher.reaches(user.platform):
            return Notice("Weekly messages cannot be sent from here.", error=True)
        try:
            # Opening the direct messages now tells a person who cannot get them at once.
            await self.publisher.direct_channel(user)
        except PostFailed as error:
            log.info("no direct messages with %s: %s", user, error)
            return Notice(
                "I cannot send you direct messages here, so I cannot send a weekly one.",
                error=True,
            )
        spec = asked.with_defaults(
            time=self.options.default_time, zone=self.options.default_timezone
        )
        at = spec.time or self.options.default_time
        timezone = spec.zone or self.options.default_timezone
        weekly = WeeklyForYou(user, spec.weekday, at, timezone)
        await self.store.put(weekly, at=self.clock())
        self.jobs.schedule(weekly, self.run_scheduled)
        zone = zone_info(timezone)
        upcoming = next_weekly_fire(self.clock(), spec.weekday, at, zone)
        return Notice(
            text(
                "You get your top papers of the week by direct message "
                f"{describe_weekly(spec)}. Next: {upcoming.astimezone(zone):%a %d %b %H:%M} "
                f"{timezone}. ",
                code("foryou stop"),
                " stops it.",
            )
        )

    async def stop(self, user: UserRef) -> Reply:
        if not await self.forget(user):
            return Notice(
                text("You get no weekly message; ", code("foryou weekly"), " starts one.")
            )
        return Notice("You will no longer get a weekly message of papers for you.")

    async def forget(self, user: UserRef) -> bool:
        """Delete the person's weekly message and stop its job; whether there was one."""
        removed = await self.store.remove(user)
        self.jobs.unschedule(user)
        return removed

    async def forget_workspace(self, platform: str, workspace: str) -> list[UserRef]:
        """Delete the weekly messages of a workspace the bot was removed from."""
        removed = await self.store.remove_workspace(platform, workspace)
        for user in removed:
            self.jobs.unschedule(user)
        return removed

    # -- running ------------------------------------------------------------------------

    def key(self, weekly: WeeklyForYou) -> UserRef:
        return weekly.user

    async def run_for_day(self, user: UserRef, day: date) -> None:
        try:
            async with self._locks.setdefault(user, asyncio.Lock()):
                await self._run(user, day)
        except Exception:
            log.exception("weekly foryou for %s on %s failed", user, day)

    async def _run(self, user: UserRef, day: date) -> None:
        weekly = await self.store.get(user)
        if weekly is None or self._closing.is_set():
            return
        if not self.publisher.reaches(user.platform):
            log.warning("weekly foryou for %s not sent: its adapter is not running", user)
            return
        if await self.store.claim(user, day, at=self.clock()) != "claimed":
            log.info("weekly foryou for %s on %s already sent", user, day)
            return
        header = await self.store.header(user, day)
        planned = await self.store.planned(user, day)
        opening: Reply | None = None
        if header is None and not planned:
            found = await self.ranking.ranked(user, WEEK_DAYS, limit=WEEKLY_PAPERS)
            if isinstance(found, Notice) or not found[0]:
                opening = _nothing_this_week(found if isinstance(found, Notice) else None)
            else:
                await self.store.plan(user, day, [(r.paper_id, r.like) for r in found[0]])
                planned = await self.store.planned(user, day)
        try:
            dm = await self.publisher.direct_channel(user)
            if header is None and await self.store.begin_header(user, day):
                # Exactly one replica sends it (another's job may fire at the same time).
                opening = opening or Notice(
                    f"Your top papers of the week, {DAY_NAMES[day.weekday()].capitalize()} "
                    f"{day.day} {day:%b}: {len(planned)} chosen from what you saved",
                    ephemeral=False,
                )
                try:
                    header_id = await self._retrying(
                        dm, lambda key: self.publisher.publish(dm, opening, key=key)
                    )
                except PostFailed as error:
                    if not error.maybe_posted:
                        await self.store.release_header(user, day)
                    raise
                await self.store.set_header(user, day, header_id)
            for paper_id, like, status in planned:
                if status == "planned" and not await self._send_paper(
                    user, day, dm, paper_id, like
                ):
                    return  # stopping: the rest comes at the next start
        except PostFailed as error:
            # The run stays claimed: the catch-up at the next start sends what is left.
            log.warning("weekly foryou for %s on %s not sent: %s", user, day, error)
            return
        await self.store.finish(user, day, at=self.clock())
        log.info("weekly foryou for %s on %s sent: %d papers", user, day, len(planned))

    async def _send_paper(
        self, user: UserRef, day: date, dm: ChannelRef, paper_id: str, like: str
    ) -> bool:
        """Send one planned paper, exactly once; False when a stop came first."""
        found = await self.papers.get_many([paper_id, like])
        paper = found.get(paper_id)
        if paper is None:
            return True  # gone from the store since it was chosen: nothing to send
        [snippet] = await self.topics.snippets([paper.abstract], frozenset())
        because = found[like].title if like in found else None
        reply = PaperPost(Card(paper, snippet, because=because))
        try:
            # Marked as being posted only once its turn has come: a process killed while
            # waiting leaves it planned, to be sent at the restart.
            async with self.publisher.turn(dm, stop=self._closing) as send:
                if not await self.store.begin(user, day, paper_id):
                    return True
                try:
                    message_id = await self._retrying(dm, _once(send, reply))
                except PostFailed as error:
                    if not error.maybe_posted:  # else it counts as sent: never twice
                        await self.store.unsent(user, day, paper_id)
                    raise
        except Stopped:
            return False
        await self.store.sent(user, day, paper_id, message_id)
        return True


def _once(send: Send, reply: Reply) -> Callable[[str], Awaitable[str]]:
    return lambda key: send(reply, key=key)


def _nothing_this_week(why: Notice | None) -> Notice:
    if why is not None:
        return Notice(text("Your papers of the week: none this time. ", why.text), ephemeral=False)
    return Notice(
        "Your papers of the week: none this time, you saved or marked every paper of it.",
        ephemeral=False,
    )
