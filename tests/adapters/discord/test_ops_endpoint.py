"""`paperboy run` on Discord serves the operations endpoint: /metrics counts the commands
people send, /readyz is ready once the gateway is connected, /livez answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from paperboy.app import App
from tests.adapters.discord.conftest import World, settings_for
from tests.adapters.discord.test_guild_removal import LogWatch, seen
from tests.simulators.discord.client import discord_urls
from tests.simulators.discord.simulator import DiscordSimulator
from tests.simulators.discord.world import default_guild, guild_on_shard


async def fetch(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def commands_counted(text: str) -> dict[tuple[str, str], float]:
    return {
        (sample.labels["platform"], sample.labels["command"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "paperboy_commands_total"
    }


async def test_paperboy_run_on_discord_counts_commands_and_is_ready(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    settings = settings_for(
        sim,
        tmp_path / "paperboy.sqlite3",
        PAPERBOY_SOURCES_HUGGINGFACE_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_ARXIV_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_CATCH_UP_DAYS="0",
        PAPERBOY_SOURCES_RETRIES="0",
    )
    started = asyncio.Event()
    app = App(settings, clock=clock, on_started=started.set)
    running = asyncio.create_task(app.run())
    try:
        async with asyncio.timeout(10):
            await started.wait()
        await sim.wait_for_command_sync()
        channel = sim.guild.channel("papers").id
        for words in ("lora", "agents"):
            asked = await sim.send_slash_command(
                "papers", "search", options={"query": words}, channel_id=channel
            )
            await sim.interaction_replies(asked, 2, timeout=10)
        assert app.ops is not None
        base = app.ops.url

        status, metrics = await fetch(base + "/metrics")
        assert status == 200
        assert commands_counted(metrics) == {("discord", "search"): 2.0}
        assert "paperboy_papers " in metrics  # sampled from the store at the scrape
        assert 'paperboy_installations{platform="discord"} 1.0' in metrics
        assert str(sim.guild.id) not in metrics
        assert str(channel) not in metrics

        status, ready = await fetch(base + "/readyz")
        assert status == 200
        assert '"discord": {"ok": true, "detail": "connected"}' in ready
        assert await fetch(base + "/livez") == (200, "ok\n")
    finally:
        app.stop()
        await asyncio.wait_for(running, timeout=10)


async def test_the_adapter_is_connected_while_its_gateway_session_is_up(world: World) -> None:
    assert await world.adapter.is_connected()
    await world.adapter.aclose()
    assert not await world.adapter.is_connected()


def installations(text: str) -> dict[str, float]:
    return {
        sample.labels["platform"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "paperboy_installations"
    }


async def test_the_installations_metric_counts_the_servers_the_bot_is_in(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    home = default_guild()
    second = guild_on_shard(0, 1)
    async with DiscordSimulator(guilds=[home, second], timeout=5.0) as sim:
        with discord_urls(sim):
            settings = settings_for(
                sim,
                tmp_path / "paperboy.sqlite3",
                PAPERBOY_SOURCES_HUGGINGFACE_URL="http://127.0.0.1:9",
                PAPERBOY_SOURCES_ARXIV_URL="http://127.0.0.1:9",
                PAPERBOY_SOURCES_CATCH_UP_DAYS="0",
                PAPERBOY_SOURCES_RETRIES="0",
            )
            started = asyncio.Event()
            app = App(settings, clock=clock, on_started=started.set)
            running = asyncio.create_task(app.run())
            try:
                async with asyncio.timeout(10):
                    await started.wait()
                assert app.ops is not None
                metrics = app.ops.url + "/metrics"
                assert installations((await fetch(metrics))[1]) == {"discord": 2.0}

                # The bot's log line says the removal was handled (in a task of its own).
                gone = LogWatch(f"removed from guild {second.id}")
                logger = logging.getLogger("paperboy")
                level = logger.level
                logger.setLevel(logging.INFO)
                logger.addHandler(gone)
                try:
                    await sim.remove_bot_from_guild(second)
                    await seen(gone)
                finally:
                    logger.removeHandler(gone)
                    logger.setLevel(level)

                assert installations((await fetch(metrics))[1]) == {"discord": 1.0}
            finally:
                app.stop()
                await asyncio.wait_for(running, timeout=10)
