"""What every weekly message does around its run: the team's `top` list in a channel and
a person's `foryou weekly` DM alike.

A `WeeklyRuns` schedules each stored weekly message at start, catches up at start on
those whose time passed while the bot was down (within the grace period; older ones
are recorded as skipped), turns a job's firing into the local day it is for, and stops
starting new ones at a graceful stop. What a run posts is the subclass's `run_for_day`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Sequence
from datetime import date, datetime, time
from typing import Generic, Protocol, TypeVar

from paperboy.core.ports import Clock
from paperboy.core.zones import zone_info
from paperboy.digest.jobs_in_step import Jobs, JobsInStep
from paperboy.digest.runner import DigestOptions
from paperboy.digest.schedule import local_date_of
from paperboy.digest.weekly import last_weekly_fire


class Weekly(Protocol):
    """A stored weekly message: on local `weekday` (0 Monday) at `time` in `timezone`."""

    @property
    def weekday(self) -> int: ...

    @property
    def time(self) -> time: ...

    @property
    def timezone(self) -> str: ...


K = TypeVar("K", bound=Hashable)  # whose message: a channel, a person
W = TypeVar("W", bound=Weekly)
# The same, as the two ports below take them in or give them out.
K_in = TypeVar("K_in", bound=Hashable, contravariant=True)
W_out = TypeVar("W_out", bound=Weekly, covariant=True)


class WeeklyBook(Protocol[K_in, W_out]):
    """The stored weekly messages and their runs (the part `WeeklyRuns` reads)."""

    async def active(self) -> Sequence[W_out]: ...

    async def get(self, key: K_in, /) -> W_out | None: ...

    async def status(self, key: K_in, day: date, /) -> str | None: ...

    async def skip(self, key: K_in, day: date, /, *, at: datetime) -> None: ...


class WeeklyRuns(Generic[K, W]):
    what = "weekly message"  # for the log

    def __init__(
        self,
        *,
        book: WeeklyBook[K, W],
        schedule: Jobs[K, W],
        clock: Clock,
        options: DigestOptions,
    ) -> None:
        self._book = book
        self.jobs = JobsInStep(schedule, key=self.key, timing=_timing)
        self.clock = clock
        self.options = options
        self._closing = asyncio.Event()
        # Logged under the concrete kind's module (paperboy.digest.weekly_top, …), as
        # everything else that kind logs.
        self.log = logging.getLogger(type(self).__module__)

    def key(self, weekly: W) -> K:
        """Whose message `weekly` is."""
        raise NotImplementedError

    async def run_for_day(self, key: K, day: date) -> None:
        """Post `key`'s message of local `day`, exactly once. Never raises."""
        raise NotImplementedError

    async def start(self) -> None:
        """Schedule every stored weekly message."""
        await self.jobs.sync(self._book.active, self.run_scheduled)

    async def sync(self) -> None:
        """Bring the local jobs in step with the stored weekly messages (another replica
        may have added, moved or removed some)."""
        added, removed = await self.jobs.sync(self._book.active, self.run_scheduled)
        if added or removed:
            self.log.info(
                "%ss changed elsewhere: %d scheduled, %d unscheduled",
                self.what,
                len(added),
                len(removed),
            )

    async def catch_up(self) -> None:
        """Post the messages whose time passed while the bot was down (or that were cut
        short), if still within the grace period; record the others as skipped."""
        now = self.clock()
        due = []
        for weekly in await self._book.active():
            zone = zone_info(weekly.timezone)
            fire = last_weekly_fire(now, weekly.weekday, weekly.time, zone)
            if fire is None:
                continue
            key, day = self.key(weekly), local_date_of(fire, zone)
            if await self._book.status(key, day) not in (None, "claimed"):
                continue
            if now - fire <= self.options.grace:
                due.append(self.run_for_day(key, day))
            else:
                await self._book.skip(key, day, at=now)
                self.log.info("%s for %s on %s skipped: due at %s", self.what, key, day, fire)
        await asyncio.gather(*due)

    def close(self) -> None:
        """Start no new message (a graceful stop); one being posted goes on."""
        self._closing.set()

    async def run_scheduled(self, key: K) -> None:
        """The job body: post the message of the local day whose time just came."""
        weekly = await self._book.get(key)
        if weekly is None:
            return
        zone = zone_info(weekly.timezone)
        now = self.clock()
        fire = last_weekly_fire(now, weekly.weekday, weekly.time, zone) or now
        await self.run_for_day(key, local_date_of(fire, zone))


def _timing(weekly: Weekly) -> tuple[int, time, str]:
    """What of a weekly message its job's trigger depends on."""
    return weekly.weekday, weekly.time, weekly.timezone
