"""Leaving a guild: a bot removed from a Discord server forgets that server's digests (and
only its), so that being invited again starts clean; a guild that is only unavailable for a
while (an outage) keeps everything."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, time
from pathlib import Path

import pytest

from paperboy.core.models import ChannelRef, UserRef, WeeklyTop
from tests.adapters.discord.conftest import World, open_world
from tests.simulators.discord.client import discord_urls
from tests.simulators.discord.simulator import DiscordSimulator
from tests.simulators.discord.world import SimChannel, SimGuild, SimUser, default_guild

HOME = default_guild()
ALICE = HOME.member("alice")
OTHER = SimGuild(
    id=1_300_000_000_000_000_001,
    name="Other Lab",
    channels=(SimChannel(id=1_300_000_000_000_000_101, name="papers"),),
    members=(ALICE, SimUser(id=1_300_000_000_000_000_301, username="carol")),
    owner_id=ALICE.id,
    bot_role_id=1_300_000_000_000_000_201,
)


@pytest.fixture
async def two_guilds(tmp_path: Path, clock: Callable[[], datetime]) -> AsyncIterator[World]:
    async with DiscordSimulator(guilds=[HOME, OTHER], timeout=5.0) as sim:
        with discord_urls(sim):
            world, stack = await open_world(sim, tmp_path, clock)
            async with stack:
                yield world


def channel_of(guild: SimGuild) -> ChannelRef:
    return ChannelRef("discord", str(guild.id), str(guild.channels[0].id))


async def subscribe(world: World, guild: SimGuild, topics: str) -> None:
    interaction = await world.sim.send_slash_command(
        "papers",
        "subscribe",
        options={"topics": topics},
        user_id=ALICE.id,
        channel_id=guild.channels[0].id,
    )
    reply = await world.answer(interaction)
    assert reply.content is not None
    assert reply.content.startswith("This channel gets a daily digest"), reply.content


class LogWatch(logging.Handler):
    """Sets `seen` once a paperboy log line contains `text` (the bot handles gateway events
    in tasks of its own: its log line is what says one was handled)."""

    def __init__(self, text: str) -> None:
        super().__init__(logging.INFO)
        self.text = text
        self.seen = asyncio.Event()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = record.getMessage()
        self.lines.append(line)
        if self.text in line:
            self.seen.set()


@pytest.fixture
def log_watch() -> Iterator[Callable[[str], LogWatch]]:
    """`log_watch(text)`: a watch on paperboy's log from now on (INFO and up)."""
    logger = logging.getLogger("paperboy")
    watches: list[LogWatch] = []
    level = logger.level
    logger.setLevel(logging.INFO)

    def watch(text: str) -> LogWatch:
        watches.append(LogWatch(text))
        logger.addHandler(watches[-1])
        return watches[-1]

    yield watch
    for each in watches:
        logger.removeHandler(each)
    logger.setLevel(level)


def removed(guild: SimGuild) -> str:
    return f"removed from guild {guild.id}"


async def seen(watch: LogWatch) -> list[str]:
    async with asyncio.timeout(5):
        await watch.seen.wait()
    return watch.lines


async def test_removing_the_bot_from_a_guild_deletes_that_guilds_digests_only(
    two_guilds: World, log_watch: Callable[[str], LogWatch]
) -> None:
    world = two_guilds
    store = world.core.store
    await subscribe(world, HOME, "retrieval agents")
    await subscribe(world, OTHER, "diffusion policies")
    weekly = WeeklyTop(channel_of(HOME), weekday=0, time=time(9), timezone="UTC")
    await store.weekly_top.put(weekly, at=world.core.clock())
    home_alice, other_alice = (
        UserRef("discord", str(guild.id), str(ALICE.id)) for guild in (HOME, OTHER)
    )
    for user in (home_alice, other_alice):
        await store.follows.add(user, "words", "retrieval", at=world.core.clock())
    watch = log_watch(removed(HOME))

    await world.sim.remove_bot_from_guild(HOME)

    assert f"{removed(HOME)}: deleted the subscriptions of 1 channels" in await seen(watch)
    assert await store.subscriptions.get(channel_of(HOME)) is None
    assert await store.weekly_top.get(channel_of(HOME)) is None
    assert channel_of(HOME) not in world.jobs.scheduled
    kept = await store.subscriptions.get(channel_of(OTHER))
    assert kept is not None
    assert kept.topics == "diffusion policies"
    assert channel_of(OTHER) in world.jobs.scheduled
    assert await store.follows.of(home_alice) == []  # its people's follows too
    assert [f.query for f in await store.follows.of(other_alice)] == ["retrieval"]


async def test_removing_the_bot_from_a_guild_deletes_its_members_reading_lists_only(
    two_guilds: World, log_watch: Callable[[str], LogWatch]
) -> None:
    world = two_guilds
    store = world.core.store
    paper = await store.papers.get("2407.06204")  # a sample paper
    assert paper is not None
    readers = {guild.id: UserRef("discord", str(guild.id), "42") for guild in (HOME, OTHER)}
    for reader in readers.values():
        await store.reading_lists.save(reader, paper.id, at=world.core.clock())
    watch = log_watch(removed(HOME))

    await world.sim.remove_bot_from_guild(HOME)
    await seen(watch)

    assert await store.reading_lists.list(readers[HOME.id], limit=10) == []
    assert len(await store.reading_lists.list(readers[OTHER.id], limit=10)) == 1


async def test_a_guild_rejoined_starts_clean(
    two_guilds: World, log_watch: Callable[[str], LogWatch]
) -> None:
    world = two_guilds
    store = world.core.store
    await subscribe(world, HOME, "retrieval agents")
    watch = log_watch(removed(HOME))
    await world.sim.remove_bot_from_guild(HOME)
    await seen(watch)

    await world.sim.add_bot_to_guild(HOME)
    digest = await world.answer(
        await world.sim.send_slash_command(
            "papers", "digest", user_id=ALICE.id, channel_id=HOME.channels[0].id
        )
    )
    assert digest.content is not None
    # No subscription came back with the guild: a preview uses the defaults, not the old topics.
    assert await store.subscriptions.get(channel_of(HOME)) is None
    await subscribe(world, HOME, "tokenizers")
    fresh = await store.subscriptions.get(channel_of(HOME))
    assert fresh is not None
    assert fresh.topics == "tokenizers"


async def test_a_guild_that_is_only_unavailable_keeps_its_digests(
    two_guilds: World, log_watch: Callable[[str], LogWatch]
) -> None:
    world = two_guilds
    store = world.core.store
    await subscribe(world, HOME, "retrieval agents")
    watch = log_watch(removed(OTHER))
    await world.sim.remove_bot_from_guild(HOME, unavailable=True)
    # Then a removal from the other guild: once that is logged, the outage was handled
    # too (discord.py reads events in order), and it deleted nothing.
    await world.sim.remove_bot_from_guild(OTHER)

    lines = await seen(watch)
    assert await store.subscriptions.get(channel_of(HOME)) is not None
    assert not [line for line in lines if removed(HOME) in line]
