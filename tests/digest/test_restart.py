"""`paperboy run` killed with SIGKILL in the middle of posting a digest, then restarted:
every subscribed channel gets that day's digest exactly once, every paper once, and saved
lists are intact. The real process, the real discord.py, the loopback Discord simulator."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from paperboy.core.models import ChannelRef, Subscription
from paperboy.store import Store
from tests.processes import digest_just_missed, read_log_until, start_paperboy_run
from tests.simulators.discord.records import SentMessage
from tests.simulators.discord.simulator import DiscordSimulator
from tests.simulators.sources.fixtures import sample_day
from tests.simulators.sources.servers import PaperSourceSimulator

CHANNELS = ("papers", "general")


@pytest.fixture
async def discord_sim() -> AsyncIterator[DiscordSimulator]:
    async with DiscordSimulator(timeout=30) as sim:
        yield sim


def digest_messages(sim: DiscordSimulator, channel_id: int) -> list[SentMessage]:
    return [m for m in sim.messages(channel_id, ephemeral=False) if m.source == "channel"]


def paper_ids(messages: list[SentMessage]) -> list[str]:
    """The paper each digest message shows (its embed links to the paper page)."""
    out = []
    for message in messages:
        for embed in message.embeds:
            url = embed.get("url") or ""
            if "/papers/" in url or "/abs/" in url:
                out.append(url.rstrip("/").rsplit("/", 1)[-1])
    return out


async def test_a_digest_killed_half_way_finishes_once_after_a_restart(
    discord_sim: DiscordSimulator,
    sources: PaperSourceSimulator,
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    now, due = await digest_just_missed(sources)
    today = now.date()
    store_path = Path(cli_env["PAPERBOY_STORE_PATH"])
    guild = str(discord_sim.guild.id)
    async with await Store.open(store_path) as store:
        for name in CHANNELS:
            channel = ChannelRef("discord", guild, str(discord_sim.guild.channel(name).id))
            await store.subscriptions.put(Subscription(channel, due, "UTC"), at=now)
    env = {
        **cli_env,
        "DISCORD_TOKEN": discord_sim.token,
        "PAPERBOY_DISCORD_API_URL": discord_sim.api_url,
        "PAPERBOY_DISCORD_GATEWAY_URL": discord_sim.gateway_url,
        "PAPERBOY_SOURCES_HUGGINGFACE_URL": sources.huggingface_url,
        "PAPERBOY_CHAT_CHANNEL_PACE_SECONDS": "0.5",
    }
    papers_channel = discord_sim.guild.channel("papers").id
    alice = discord_sim.guild.member("alice").id

    first = await start_paperboy_run(env)
    try:
        # Header and two papers are out in #papers: save one, then kill the bot.
        posted = await discord_sim.wait_for_messages(papers_channel, 3, timeout=30)
        saved_message = posted[1]
        await discord_sim.add_reaction(papers_channel, saved_message.id, "🔖", user_id=alice)
        await discord_sim.wait_for_dm(alice, timeout=10)
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    before_restart = {
        name: len(digest_messages(discord_sim, discord_sim.guild.channel(name).id))
        for name in CHANNELS
    }
    assert 3 <= before_restart["papers"] < 6, f"not killed half-way: {before_restart}"

    second = await start_paperboy_run(env)
    try:
        for name in CHANNELS:
            await discord_sim.wait_for_messages(discord_sim.guild.channel(name).id, 6, timeout=30)
        # Every digest catch-up started has finished: nothing more is on its way.
        await read_log_until(second, "digest catch-up done")
    finally:
        second.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            await second.wait()

    expected = [
        item["paper"]["id"]
        for item in sorted(
            sample_day(today), key=lambda i: (-i["paper"]["upvotes"], i["paper"]["id"])
        )
    ]
    for name in CHANNELS:
        messages = digest_messages(discord_sim, discord_sim.guild.channel(name).id)
        headers = [
            m
            for m in messages
            if (m.content and "Trending papers" in m.content)
            or any("Trending papers" in (e.get("title") or "") for e in m.embeds)
        ]
        assert len(headers) == 1, f"#{name} got {len(headers)} headers"
        ids = paper_ids(messages)
        assert sorted(ids) == sorted(expected), f"#{name} papers: {ids}"
        assert len(ids) == len(set(ids)) == 5

    with sqlite3.connect(store_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        saved = conn.execute("SELECT user_id, paper_id FROM saved_papers").fetchall()
    assert saved == [(str(alice), paper_ids([saved_message])[0])]
