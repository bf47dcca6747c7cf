"""Awaiting a condition on simulator state, with a deadline instead of blind sleeps."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


class Changes:
    """A pulse that every change of simulator state fires.

    Waiters re-check their predicate after each pulse, so no change is missed: the
    predicate reads the state itself, the pulse only says "look again".
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake every current waiter; later waiters wait for the next change."""
        self._event.set()
        self._event = asyncio.Event()

    async def until(
        self,
        predicate: Callable[[], T | None],
        *,
        timeout: float,
        what: str,
        seen: Callable[[], str] | None = None,
    ) -> T:
        """Return the first non-None value of `predicate()`, checked after every change.

        Raises AssertionError naming `what` (and `seen()`, the state observed so far)
        when `timeout` seconds pass first, so a test fails clearly instead of hanging.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value is not None:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                detail = f"; seen: {seen()}" if seen is not None else ""
                raise AssertionError(f"timed out after {timeout:g}s waiting for {what}{detail}")
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
