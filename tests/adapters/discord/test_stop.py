"""A stop lets the answers in progress finish, as on Slack."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from paperboy.core.models import Paper
from tests.adapters.discord.conftest import open_world
from tests.simulators.discord.client import discord_urls
from tests.simulators.discord.simulator import DiscordSimulator


class ArxivAnsweringAtTheStop:
    """An arXiv whose answer arrives only once the bot has begun to stop."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.stopping = asyncio.Event()

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        self.asked.set()
        await self.stopping.wait()
        return Paper(id=paper_id, title="A Paper Fetched at the Stop", abstract="Just in time.")


async def test_an_answer_in_progress_when_the_bot_stops_is_still_delivered(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    arxiv = ArxivAnsweringAtTheStop()
    async with DiscordSimulator() as sim:
        with discord_urls(sim):
            world, stack = await open_world(sim, tmp_path, clock, fetcher=arxiv)
            async with stack:
                interaction = await world.command("add", paper="2409.00001")
                await arxiv.asked.wait()
                sim.unwatch_client(world.adapter.task)  # this stop is meant
                arxiv.stopping.set()
                await world.adapter.aclose()

                deferred, followup = await sim.interaction_replies(interaction, 2)
                assert deferred.callback_type == 5
                assert followup.content is not None
                assert followup.content.startswith("Added “A Paper Fetched at the Stop”")
