"""The answers an adapter has in progress, so that a stop lets them finish (bounded).

Both chat adapters run each answer as its own task (bolt's listeners, discord.py's
event dispatch). A handler tracks itself while it works; `aclose` drains before it
closes the connection the answers go out on, so a person who asked just before a
restart still gets the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class InFlight:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    @contextmanager
    def track(self) -> Iterator[None]:
        """Count the current task as an answer in progress while the block runs."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def drain(self, seconds: float) -> None:
        """Wait (at most `seconds`) for the answers in progress to finish."""
        pending = self._tasks - {asyncio.current_task()}
        if pending:
            await asyncio.wait(pending, timeout=seconds)
