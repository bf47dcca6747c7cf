"""/readyz: should this process get traffic? Three checks, each with its own reason.

- store: a tiny query answers within `store_timeout` (a store that is locked, gone
  or down fails it; it passes again as soon as the store answers);
- each chat platform the process runs is connected (Socket Mode's websocket, the
  Discord gateway, the HTTP listener, the console);
- the last successful ingest is younger than `max_ingest_age` (None: not checked).
  Until the process has seen one succeed, its age counts from the process's start:
  a fresh deployment is ready while its first ingest runs, and turns unready if no
  ingest succeeds within `max_ingest_age` of starting. A restart therefore gives a
  failing source `max_ingest_age` more before /readyz says so; the ingest gauge in
  /metrics (`paperboy_ingest_last_success_timestamp_seconds`) is what to alert on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from paperboy.core.ports import Clock
from paperboy.redaction import mask_secrets


class PlatformLink(Protocol):
    """A running chat adapter, as readiness sees it."""

    name: str

    async def is_connected(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str  # "store", "slack", "discord", "console", "ingest"
    ok: bool
    detail: str  # one short line: what is wrong, or what is fine


@dataclass(frozen=True, slots=True)
class Report:
    checks: tuple[CheckResult, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict[str, object]:
        return {
            "ready": self.ready,
            "checks": {
                check.name: {"ok": check.ok, "detail": check.detail} for check in self.checks
            },
        }


class Readiness:
    def __init__(
        self,
        *,
        ping_store: Callable[[], Awaitable[object]],
        platforms: Sequence[PlatformLink],
        last_ingest: Callable[[], datetime | None],
        clock: Clock,
        started: datetime,
        max_ingest_age: timedelta | None,
        store_timeout: float,
    ) -> None:
        self._ping_store = ping_store
        self._platforms = tuple(platforms)
        self._last_ingest = last_ingest
        self._clock = clock
        self._started = started
        self._max_ingest_age = max_ingest_age
        self._store_timeout = store_timeout

    async def check(self) -> Report:
        """Every check, run at once; never raises."""
        results = await asyncio.gather(
            self._store(), *(self._platform(link) for link in self._platforms)
        )
        ingest = self._ingest()
        return Report(tuple(results) + ((ingest,) if ingest is not None else ()))

    async def _store(self) -> CheckResult:
        try:
            async with asyncio.timeout(self._store_timeout):
                await self._ping_store()
        except TimeoutError:
            return CheckResult("store", False, f"no answer within {self._store_timeout:g} s")
        except Exception as error:
            return CheckResult("store", False, _reason(error))
        return CheckResult("store", True, "answers")

    async def _platform(self, link: PlatformLink) -> CheckResult:
        try:
            connected = await link.is_connected()
        except Exception as error:
            return CheckResult(link.name, False, _reason(error))
        return CheckResult(link.name, connected, "connected" if connected else "not connected")

    def _ingest(self) -> CheckResult | None:
        if self._max_ingest_age is None:
            return None
        last = self._last_ingest()  # this process's: never before its start
        since = last if last is not None else self._started
        age = self._clock() - since
        hours = age.total_seconds() / 3600
        limit = self._max_ingest_age.total_seconds() / 3600
        if age > self._max_ingest_age:
            what = "the last successful ingest" if last is not None else "start, with no ingest"
            return CheckResult("ingest", False, f"{hours:.1f} h since {what} (limit {limit:g} h)")
        if last is None:
            return CheckResult("ingest", True, f"none yet; started {hours:.1f} h ago")
        return CheckResult("ingest", True, f"last success {hours:.1f} h ago")


def _reason(error: Exception) -> str:
    """One short line, secrets masked (a database URL may hold a password)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return mask_secrets(text)[:200]
