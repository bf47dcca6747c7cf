"""`paperboy run` with DISCORD_TOKEN set: the App builds, starts and stops the Discord adapter."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from paperboy.app import App
from tests.adapters.discord.conftest import settings_for
from tests.simulators.discord.simulator import DiscordSimulator
from tests.simulators.sources.fixtures import ArxivRecord
from tests.simulators.sources.servers import PaperSourceSimulator


async def test_paperboy_run_serves_papers_on_discord_and_adds_from_arxiv(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    async with PaperSourceSimulator() as sources:
        sources.arxiv.add(ArxivRecord("2409.01234", title="Wired Up Papers", summary="A test."))
        settings = settings_for(
            sim,
            tmp_path / "paperboy.sqlite3",
            PAPERBOY_SOURCES_HUGGINGFACE_URL=sources.huggingface_url,
            PAPERBOY_SOURCES_ARXIV_URL=sources.arxiv_url,
            PAPERBOY_SOURCES_ARXIV_MIN_INTERVAL_SECONDS="0",
            PAPERBOY_SOURCES_CATCH_UP_DAYS="0",
        )
        app = App(settings, clock=clock)
        assert app.choose_adapters() == (["discord"], "chat tokens are set")
        running = asyncio.create_task(app.run())
        try:
            await sim.wait_ready(timeout=10)
            await sim.wait_for_command_sync()
            channel = sim.guild.channel("papers").id
            added = await sim.send_slash_command(
                "papers", "add", options={"paper": "2409.01234"}, channel_id=channel
            )
            _, followup = await sim.interaction_replies(added, 2, timeout=10)
            assert (
                followup.content
                == "Added “Wired Up Papers” (2409.01234). `show 2409.01234` shows it."
            )
            helped = await sim.send_slash_command("papers", "help", channel_id=channel)
            help_text = (await sim.interaction_response(helped)).content
            assert help_text is not None
            assert "`/papers search <words> [filters]`" in help_text
        finally:
            app.stop()
            await asyncio.wait_for(running, timeout=10)
    assert sim.violations == []
