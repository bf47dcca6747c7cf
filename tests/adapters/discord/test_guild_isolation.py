"""Two guilds never see each other's data, even where their ids meet: the same person (the
same user id) in both, and a channel of the same id in each. Reading lists, follows, weekly
messages, channel digests and what a digest sent are each the guild's own; unsubscribing
or being forgotten in one leaves the other as it was."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from paperboy.core.models import ChannelRef, PostRef, UserRef
from tests.adapters.discord.conftest import World, featured_papers, open_world
from tests.simulators.discord.client import discord_urls
from tests.simulators.discord.interactions import OptionValue
from tests.simulators.discord.records import InteractionReply
from tests.simulators.discord.simulator import DiscordSimulator
from tests.simulators.discord.world import SimChannel, SimGuild, SimUser, default_guild

HOME = default_guild()
ALICE = HOME.member("alice")
SHARED_CHANNEL = HOME.channel("papers").id
# Another server with a channel of the same id and alice in it (Discord's own ids never
# collide; paperboy keys everything by guild, so it would not matter if they did).
TWIN = SimGuild(
    id=1_400_000_000_000_000_001,
    name="Twin Lab",
    channels=(SimChannel(id=SHARED_CHANNEL, name="papers"),),
    members=(ALICE, SimUser(id=1_400_000_000_000_000_301, username="carol")),
    owner_id=ALICE.id,
    bot_role_id=1_400_000_000_000_000_201,
)


@dataclass
class Guilds:
    world: World

    async def ask(self, guild: SimGuild, *command: str, **options: OptionValue) -> InteractionReply:
        """`/papers <command>` typed by alice in the shared channel of `guild`."""
        interaction = await self.world.sim.send_slash_command(
            "papers",
            *command,
            options=options,
            user_id=ALICE.id,
            channel_id=SHARED_CHANNEL,
            guild_id=guild.id,
        )
        return await self.world.answer(interaction)

    async def says(self, guild: SimGuild, *command: str, **options: OptionValue) -> str:
        reply = await self.ask(guild, *command, **options)
        assert reply.content is not None
        return reply.content


def channel(guild: SimGuild) -> ChannelRef:
    return ChannelRef("discord", str(guild.id), str(SHARED_CHANNEL))


def alice(guild: SimGuild) -> UserRef:
    return UserRef("discord", str(guild.id), str(ALICE.id))


@pytest.fixture
async def guilds(tmp_path: Path, clock: Callable[[], datetime]) -> AsyncIterator[Guilds]:
    async with DiscordSimulator(guilds=[HOME, TWIN], timeout=5.0) as sim:
        with discord_urls(sim):
            world, stack = await open_world(sim, tmp_path, clock)
            async with stack:
                yield Guilds(world)


async def test_lists_follows_and_weekly_messages_stay_in_their_guild(guilds: Guilds) -> None:
    retrieval, diffusion, _ = (p.id for p in featured_papers(guilds.world.core.clock()))
    await guilds.ask(HOME, "save", paper=retrieval)
    await guilds.ask(TWIN, "save", paper=diffusion)
    await guilds.ask(HOME, "follow", author="Ada Lovelace")
    await guilds.ask(HOME, "foryou", weekly="monday")

    home, twin = await guilds.ask(HOME, "saved"), await guilds.ask(TWIN, "saved")
    assert [str(e["url"]).rsplit("/", 1)[-1] for e in home.embeds] == [retrieval]
    assert [str(e["url"]).rsplit("/", 1)[-1] for e in twin.embeds] == [diffusion]
    assert "Ada Lovelace" in await guilds.says(HOME, "following")
    assert "Ada Lovelace" not in await guilds.says(TWIN, "following")
    assert (await guilds.says(TWIN, "foryou", weekly="off")).startswith("You get no weekly")
    store = guilds.world.core.store
    assert await store.weekly_foryou.get(alice(HOME)) is not None


async def test_digests_and_what_they_sent_stay_in_their_guild(guilds: Guilds) -> None:
    world = guilds.world
    retrieval, diffusion, _ = (p.id for p in featured_papers(world.core.clock()))
    await guilds.ask(HOME, "subscribe", topics="retrieval agents")
    await guilds.ask(TWIN, "subscribe", topics="diffusion policies")
    store = world.core.store

    for guild in (HOME, TWIN):
        await world.digests.run_for_day(channel(guild), world.core.clock().date())

    assert await store.digest_items.sent_papers(channel(HOME)) == {retrieval}
    assert await store.digest_items.sent_papers(channel(TWIN)) == {diffusion}
    # Both digests went to channel id SHARED_CHANNEL; a reaction names a paper only in the
    # guild whose digest posted it.
    posted = [m.id for m in world.sim.messages(SHARED_CHANNEL, ephemeral=False)]
    named = {
        guild.id: {await store.posts.paper_for(_post(guild, m)) for m in posted} - {None}
        for guild in (HOME, TWIN)
    }
    assert named == {HOME.id: {retrieval}, TWIN.id: {diffusion}}

    assert (await guilds.says(HOME, "unsubscribe")).startswith("This channel will no longer")
    kept = await store.subscriptions.get(channel(TWIN))
    assert kept is not None
    assert kept.topics == "diffusion policies"
    assert await store.subscriptions.get(channel(HOME)) is None


async def test_forget_me_in_one_guild_leaves_the_same_person_in_the_other(
    guilds: Guilds,
) -> None:
    retrieval, diffusion, _ = (p.id for p in featured_papers(guilds.world.core.clock()))
    await guilds.ask(HOME, "save", paper=retrieval)
    await guilds.ask(TWIN, "save", paper=diffusion)
    await guilds.ask(HOME, "follow", author="Ada Lovelace")

    done = await guilds.says(TWIN, "forget", "me", confirm=True)

    assert done.startswith("Done: I deleted everything I kept about you in this workspace")
    store = guilds.world.core.store
    assert await store.reading_lists.list(alice(TWIN), limit=10) == []
    assert [s.paper.id for s in await store.reading_lists.list(alice(HOME), limit=10)] == [
        retrieval
    ]
    assert len(await store.follows.of(alice(HOME))) == 1


def _post(guild: SimGuild, message_id: int) -> PostRef:
    return PostRef(channel(guild), str(message_id))
