"""Running a real discord.py client against the simulator, safely, in a test.

``discord_urls(sim)`` points discord.py's two documented URL knobs at the simulator and
restores them afterwards (also when the code under test set them itself from settings).
``running_client(client, sim)`` runs ``client.start(token)`` as a task the simulator
watches: any simulator wait raises ClientTaskEnded the moment the task dies (discord.py
lets a KeyError from a malformed dispatch escape ``start()``), and leaving the block always
closes the client (no unclosed-session warnings) and re-raises a death nobody awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import discord
import yarl

from tests.simulators.discord.waiting import ClientTaskEnded

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from tests.simulators.discord.simulator import DiscordSimulator

STOP_TIMEOUT = 5.0


@contextlib.contextmanager
def discord_urls(sim: DiscordSimulator) -> Iterator[None]:
    """Set ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` to ``sim``; restore on exit."""
    route, websocket = discord.http.Route, discord.gateway.DiscordWebSocket
    saved_base, saved_gateway = route.BASE, websocket.DEFAULT_GATEWAY
    route.BASE = sim.api_url
    websocket.DEFAULT_GATEWAY = yarl.URL(sim.gateway_url)
    try:
        yield
    finally:
        route.BASE, websocket.DEFAULT_GATEWAY = saved_base, saved_gateway


async def _stop(client: discord.Client, task: asyncio.Task[None]) -> BaseException | None:
    """Close the client, let its task finish; returns the exception the task died with."""
    await client.close()
    done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT)
    if not done:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None
    return None if task.cancelled() else task.exception()


@contextlib.asynccontextmanager
async def running_client(
    client: discord.Client,
    sim: DiscordSimulator,
    *,
    token: str | None = None,
    wait_ready: bool = True,
    timeout: float | None = None,
) -> AsyncIterator[asyncio.Task[None]]:
    """Start ``client`` on the simulator (``token`` defaults to ``sim.token``); yield its task.

    With ``wait_ready`` the block starts after the client's ``on_ready`` (set
    ``guild_ready_timeout`` low, e.g. 0.05, or this takes the default 2 s).
    """
    task = asyncio.create_task(client.start(token or sim.token), name="discord-client")
    sim.watch_client(task)
    try:
        if wait_ready:
            await sim.wait_ready(
                timeout=timeout
            )  # identified, so login (which readies the client) ran
            await sim.guard(
                client.wait_until_ready(), what="the client's on_ready", timeout=timeout
            )
        yield task
    finally:
        sim.unwatch_client(task)
        died = await _stop(client, task)
    if died is not None:
        raise ClientTaskEnded(f"the discord.py client task died with {died!r}") from died
