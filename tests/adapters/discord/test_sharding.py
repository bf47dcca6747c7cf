"""Sharding: `discord.shard_count` splits the gateway (discord.py's AutoShardedClient), and
`discord.shard_ids` lets replicas split the shards. A reaction is handled by the process
that runs its guild's shard; a digest reaches any guild from any process, by REST."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import pytest

from paperboy.app import build_bot, build_publisher, discord_adapter, discord_poster
from paperboy.config import ConfigError
from paperboy.core.models import ChannelRef, UserRef
from paperboy.core.replies import Card, PaperPost
from tests.adapters.discord.conftest import FAST, World, open_world, settings_for
from tests.simulators.discord.client import discord_urls
from tests.simulators.discord.gateway import shard_of
from tests.simulators.discord.simulator import DiscordSimulator, default_guild, guild_on_shard

FIRST = default_guild()
SECOND = guild_on_shard(1 - shard_of(FIRST.id, 2), 2, name="Other Lab")
PAPER = "2308.10462"


@pytest.fixture
async def sim() -> AsyncIterator[DiscordSimulator]:
    async with DiscordSimulator(guilds=(FIRST, SECOND), recommended_shards=2) as simulator:
        with discord_urls(simulator):
            yield simulator


async def post_paper(world: World, guild_id: int) -> int:
    """The paper posted into the guild's #papers through the publisher (as a digest
    posts it); the message id."""
    channel = next(c for c in (FIRST, SECOND) if c.id == guild_id).channel("papers")
    paper = await world.core.store.papers.get(PAPER)
    assert paper is not None
    ref = ChannelRef("discord", str(guild_id), str(channel.id))
    return int(await world.publisher.publish(ref, PaperPost(Card(paper))))


async def saved(world: World, guild_id: int, user_id: int) -> list[str]:
    user = UserRef("discord", str(guild_id), str(user_id))
    return [s.paper.id for s in await world.core.store.reading_lists.list(user, limit=10)]


async def react_and_wait(sim: DiscordSimulator, guild_id: int, message_id: int) -> int:
    guild = next(g for g in (FIRST, SECOND) if g.id == guild_id)
    person = guild.members[0].id
    await sim.add_reaction(guild.channel("papers").id, message_id, "🔖", user_id=person)
    await sim.wait_for_dm(person)
    return person


async def test_one_process_runs_both_shards_and_a_reaction_saves_in_each_guild(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    opened, stack = await open_world(sim, tmp_path, clock, PAPERBOY_DISCORD_SHARD_COUNT="2")
    async with stack:
        assert await sim.wait_shards_ready(2) == {
            0: 2,
            1: 2,
        }  # each shard live, identified as one of 2
        assert await opened.adapter.is_connected()
        for guild in (FIRST, SECOND):
            person = await react_and_wait(sim, guild.id, await post_paper(opened, guild.id))
            assert await saved(opened, guild.id, person) == [PAPER]


async def test_replicas_split_the_shards_each_reaction_goes_to_its_guilds_owner(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    """Replica A runs shard 0, replica B shard 1, on one store: A posts into both guilds
    (REST reaches any guild), and each reaction is saved by the replica owning it."""
    first_shard = shard_of(FIRST.id, 2)
    env = {"PAPERBOY_DISCORD_SHARD_COUNT": "2"}
    replica_a, stack = await open_world(
        sim, tmp_path, clock, PAPERBOY_DISCORD_SHARD_IDS=str(first_shard), **env
    )
    async with stack:
        settings_b = settings_for(
            sim,
            tmp_path / "paperboy.sqlite3",
            PAPERBOY_DISCORD_SHARD_IDS=str(1 - first_shard),
            **env,
        )
        core_b = dataclasses.replace(replica_a.core, settings=settings_b)
        poster_b = discord_poster(core_b, options=FAST)
        publisher_b = build_publisher(core_b, [poster_b])
        bot_b = build_bot(core_b, command_prefix="/papers ")
        replica_b = discord_adapter(core_b, bot_b, publisher_b, poster_b, options=FAST)
        stack.push_async_callback(replica_b.aclose)
        await replica_b.start()
        assert await sim.wait_shards_ready(2) == {
            0: 2,
            1: 2,
        }  # each shard live, identified as one of 2
        assert {g.id for g in replica_a.adapter.client.guilds} == {FIRST.id}
        assert {g.id for g in replica_b.client.guilds} == {SECOND.id}

        for guild in (FIRST, SECOND):  # both posted by replica A
            person = await react_and_wait(sim, guild.id, await post_paper(replica_a, guild.id))
            assert await saved(replica_a, guild.id, person) == [PAPER]


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"PAPERBOY_DISCORD_SHARD_IDS": "1"}, r"set discord\.shard_count too"),
        (
            {"PAPERBOY_DISCORD_SHARD_COUNT": "2", "PAPERBOY_DISCORD_SHARD_IDS": "0,2"},
            r"each must be below discord\.shard_count \(2\), got 0,2",
        ),
    ],
)
def test_shard_ids_without_a_shard_count_or_beyond_it_are_one_line(
    world: World, tmp_path: Path, env: dict[str, str], problem: str
) -> None:
    settings = settings_for(world.sim, tmp_path / "paperboy.sqlite3", **env)
    with pytest.raises(ConfigError, match=problem):
        discord_poster(dataclasses.replace(world.core, settings=settings))
