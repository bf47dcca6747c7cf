"""Work that runs beside a block of code, for exactly as long as the block.

Renewing a lease while a digest posts, following the store while the bot runs:
each is a task started on the way in and cancelled on the way out, whatever ends
the block, and awaited so that nothing of it outlives the block.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager, suppress
from typing import Any


@asynccontextmanager
async def in_background(
    work: Coroutine[Any, Any, object], *, name: str
) -> AsyncIterator[asyncio.Task[object]]:
    """Run `work` as a task while inside; on the way out cancel it and wait for its end."""
    task: asyncio.Task[object] = asyncio.create_task(work, name=name)
    try:
        yield task
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
