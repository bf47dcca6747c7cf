"""Work that one replica does for all: whoever holds the work's named lease.

Several `paperboy run` on one store each have the same timers (the daily ingest) and
the same start-up (the catch-up), but the work should happen once. Each asks for the
lease named for it; the one that gets it does the work, renewing the lease every
third of its length, and releases it when done. The others skip the work and log it:
what the holder stores reaches them through the store (the index follows its change
log). A holder that dies stops renewing, and the lease is free again once it expires.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from paperboy.core.background import in_background
from paperboy.core.ports import Clock, Leases, StoreUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")


class LeasedWork:
    def __init__(
        self,
        *,
        leases: Leases,
        holder: str,
        clock: Clock,
        ttl: timedelta = timedelta(minutes=2),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`holder` names this process (`Store.holder`); `sleep` waits between renewals."""
        self._leases = leases
        self._holder = holder
        self._clock = clock
        self._ttl = ttl
        self._sleep = sleep

    async def run(self, name: str, work: Callable[[], Awaitable[T]]) -> T | None:
        """`work()` under the lease `name`, or None (and a log line) when another
        process holds it."""
        if not await self._leases.try_acquire(name, self._holder, now=self._clock(), ttl=self._ttl):
            log.info("%s: another replica is doing it; skipped here", name)
            return None
        try:
            async with in_background(self._renew(name), name=f"renew-{name}"):
                return await work()
        finally:
            try:
                await self._leases.release(name, self._holder)
            except StoreUnavailable as error:  # it expires by itself
                log.warning("%s: releasing its lease failed: %s", name, error)

    async def _renew(self, name: str) -> None:
        while True:
            await self._sleep(self._ttl.total_seconds() / 3)
            try:
                ours = await self._leases.renew(
                    name, self._holder, now=self._clock(), ttl=self._ttl
                )
            except StoreUnavailable as error:
                log.warning("%s: renewing its lease failed: %s", name, error)
                continue
            if not ours:
                # Paused past the lease (a stalled loop): another replica may start the
                # same work. Ingesting a day twice is harmless; say so and go on.
                log.warning("%s: the lease expired while working; another may take it", name)
                return
