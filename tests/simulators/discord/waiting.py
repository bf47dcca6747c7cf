"""Bounded waiting for the Discord simulator: every wait has a timeout and fails fast.

Tests never sleep blindly. They wait for a condition on the simulator's records
(a message arrived, an interaction was answered) with a deadline, and the wait
also watches the discord.py client's task: if that task dies (discord.py lets a
KeyError from a malformed dispatch escape ``client.start()``), the wait raises
at once instead of running into its timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

T = TypeVar("T")


class SimulatorTimeout(AssertionError):
    """A simulator wait ran out of time; the message says what was awaited and what was seen."""


class ClientTaskEnded(AssertionError):
    """A watched discord.py client task ended while a test was waiting on the simulator.

    ``__cause__`` is the exception the task died with (None if it returned or was cancelled).
    """


class SimulatorError(AssertionError):
    """The simulator itself failed while handling a request (a bug in the fake, not the client)."""


class ChangeFeed:
    """Wakes waiters whenever the simulator records something, and watches client tasks."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()
        self._watched: set[asyncio.Task[Any]] = set()
        self.failures: list[BaseException] = []

    def fail(self, error: BaseException) -> None:
        """Record a simulator failure: every wait raises SimulatorError from now on."""
        self.failures.append(error)
        self.notify()

    def notify(self) -> None:
        """Wake every pending wait so it re-checks its condition."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    def watch(self, task: asyncio.Task[Any]) -> None:
        """Make every wait fail fast with ClientTaskEnded if ``task`` finishes."""
        self._watched.add(task)

    def unwatch(self, task: asyncio.Task[Any]) -> None:
        """Stop watching ``task`` (a client closed on purpose is not a failure)."""
        self._watched.discard(task)

    def raise_if_client_ended(self) -> None:
        """SimulatorError after a simulator failure; ClientTaskEnded if a watched task ended."""
        if self.failures:
            raise SimulatorError(f"the simulator failed: {self.failures[0]!r}") from self.failures[
                0
            ]
        for task in self._watched:
            if not task.done():
                continue
            error = None if task.cancelled() else task.exception()
            what = f"died with {error!r}" if error is not None else "stopped"
            raise ClientTaskEnded(f"the discord.py client task {what}") from error

    async def wait_until(
        self,
        check: Callable[[], T | None],
        *,
        timeout: float,
        what: Callable[[], str] | str,
    ) -> T:
        """Return the first non-None result of ``check()``, re-checked on every change.

        Raises SimulatorTimeout after ``timeout`` seconds (the message describes ``what``) and
        ClientTaskEnded as soon as a watched client task finishes.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self.raise_if_client_ended()
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                described = what() if callable(what) else what
                raise SimulatorTimeout(f"timed out after {timeout:g}s waiting for {described}")
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            wake_on: set[asyncio.Future[Any]] = {waiter, *self._watched}
            try:
                await asyncio.wait(
                    wake_on,
                    timeout=remaining,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                self._waiters.discard(waiter)
                waiter.cancel()

    async def guard(self, awaitable: Awaitable[T], *, timeout: float, what: str) -> T:
        """Await ``awaitable`` with the same deadline and fail-fast rules as ``wait_until``."""
        task = asyncio.ensure_future(awaitable)
        task.add_done_callback(lambda _: self.notify())
        try:
            await self.wait_until(lambda: True if task.done() else None, timeout=timeout, what=what)
            return task.result()
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
