"""Sharding: the real discord.py AutoShardedClient against the simulator's per-shard sessions."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
import pytest

from tests.simulators.discord.client import discord_urls, running_client
from tests.simulators.discord.gateway import shard_of
from tests.simulators.discord.simulator import DiscordSimulator, default_guild, guild_on_shard

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

FIRST = default_guild()
SECOND = guild_on_shard(1 - shard_of(FIRST.id, 2), 2, name="Other Lab")


class ShardedClient(discord.AutoShardedClient):
    """Records reactions and guild joins/removals with the shard each arrived on."""

    def __init__(self, *, shard_count: int | None, shard_ids: Sequence[int] | None = None) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_reactions = True
        if shard_ids is None:
            super().__init__(intents=intents, shard_count=shard_count, guild_ready_timeout=0.05)
        else:
            super().__init__(
                intents=intents,
                shard_count=shard_count,
                shard_ids=list(shard_ids),
                guild_ready_timeout=0.05,
            )
        self.reactions: asyncio.Queue[discord.RawReactionActionEvent] = asyncio.Queue()
        self.removed: asyncio.Queue[discord.Guild] = asyncio.Queue()
        self.joined: asyncio.Queue[discord.Guild] = asyncio.Queue()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No pause: discord.py waits 5 s before every IDENTIFY after the first one."""

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.reactions.put(payload)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.removed.put(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.joined.put(guild)


@pytest.fixture
async def sim() -> AsyncIterator[DiscordSimulator]:
    async with DiscordSimulator(guilds=(FIRST, SECOND), recommended_shards=2) as simulator:
        with discord_urls(simulator):
            yield simulator


def test_the_two_guilds_land_on_different_shards_of_two() -> None:
    assert {shard_of(FIRST.id, 2), shard_of(SECOND.id, 2)} == {0, 1}


@pytest.mark.parametrize("shard_count", [2, None], ids=["configured", "from /gateway/bot"])
async def test_each_shard_gets_its_own_guilds_and_their_reactions(
    sim: DiscordSimulator, shard_count: int | None
) -> None:
    client = ShardedClient(shard_count=shard_count)
    async with running_client(client, sim):
        live = await sim.wait_shards_ready(2)
        heard = []
        for guild in (FIRST, SECOND):
            record = await sim.add_reaction(guild.channel("papers").id, 1234, "🔖")
            assert record.shard == shard_of(guild.id, 2)
            heard.append(await sim.guard(client.reactions.get(), what="a reaction"))
        on_client = {g.id: g.shard_id for g in client.guilds}

    assert live == {0: 2, 1: 2}
    assert sorted((i.shard_id, i.shard_count) for i in sim.identifies) == [(0, 2), (1, 2)]
    assert on_client == {FIRST.id: shard_of(FIRST.id, 2), SECOND.id: shard_of(SECOND.id, 2)}
    assert [r.guild_id for r in heard] == [FIRST.id, SECOND.id]


async def test_a_client_running_one_shard_sees_only_that_shards_guilds(
    sim: DiscordSimulator,
) -> None:
    mine = shard_of(SECOND.id, 2)
    client = ShardedClient(shard_count=2, shard_ids=[mine])
    async with running_client(client, sim):
        await sim.wait_shards_ready(2, shard_ids=[mine])
        elsewhere = await sim.add_reaction(FIRST.channel("papers").id, 1234, "🔖")
        here = await sim.add_reaction(SECOND.channel("papers").id, 1234, "🔖")
        heard = await sim.guard(client.reactions.get(), what="a reaction")
        guild_ids = [g.id for g in client.guilds]

    assert guild_ids == [SECOND.id]
    assert (elsewhere.seq, elsewhere.shard) == (None, None)  # no one runs that shard
    assert here.shard == mine
    assert heard.guild_id == SECOND.id
    assert client.reactions.empty()


async def test_leaving_and_rejoining_a_guild_reaches_the_shard_that_owns_it(
    sim: DiscordSimulator,
) -> None:
    client = ShardedClient(shard_count=2)
    async with running_client(client, sim):
        await sim.wait_shards_ready(2)
        left = await sim.remove_bot_from_guild(SECOND)
        removed = await sim.guard(client.removed.get(), what="on_guild_remove")
        after_leaving = sorted(g.id for g in client.guilds)
        joined_record = await sim.add_bot_to_guild(SECOND)
        joined = await sim.guard(client.joined.get(), what="on_guild_join")

    assert left.shard == joined_record.shard == shard_of(SECOND.id, 2)
    assert removed.id == SECOND.id
    assert after_leaving == [FIRST.id]
    assert joined.id == SECOND.id
    assert [g.id for g in sim.guilds] == [FIRST.id, SECOND.id]
