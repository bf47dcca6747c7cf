"""`/papers follow` on Discord: a DM (through create_dm) after an ingest that brings a
paper by the followed author, none after one that does not; a follow posting in the
channel for someone who manages it, refused for anyone else."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from paperboy.app import follow_alerts, following_the_store
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.ingest import IngestService
from tests.adapters.discord.conftest import World
from tests.adapters.slack.test_follows import MONDAY, OTHER, TUESDAY, WANTED
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.servers import PaperSourceSimulator


@pytest.fixture
async def ingest(world: World, sources: PaperSourceSimulator) -> AsyncIterator[IngestService]:
    """An ingest against the loopback source, the papers new to the index going to the
    follows as in `paperboy run` (`world.core.library.arrivals.settled()` waits for them)."""
    sources.huggingface.set_day(MONDAY, OTHER)
    sources.huggingface.set_day(TUESDAY, WANTED)
    client = HuggingFaceClient(
        sources.huggingface_url,
        retry=RetryPolicy(attempts=1, base_delay=0.0, max_delay=0.0),
        timing=FakeClock().timing(),
    )
    alerts = follow_alerts(world.core, world.publisher)
    async with client, following_the_store(world.core, follows=alerts):
        yield IngestService(
            source=client,
            library=world.core.library,
            ingest_log=world.core.store.ingest_log,
            clock=world.core.clock,
        )


async def test_a_follow_dm_arrives_after_an_ingest_with_a_match_and_not_after_one_without(
    world: World, ingest: IngestService
) -> None:
    bob = world.member_id("bob")
    asked = await world.answer(await world.command("follow", author="Yann Lecún", user="bob"))
    assert asked.ephemeral
    assert str(asked.content).startswith("Following author")

    await ingest.ingest_day(MONDAY)
    await world.core.library.arrivals.settled()
    assert world.sim.dm_messages(bob) == []

    await ingest.ingest_day(TUESDAY)
    await world.core.library.arrivals.settled()
    [message] = world.sim.dm_messages(bob)
    assert "2503.10001" in str(message.content)
    assert "2503.10002" not in str(message.content)

    listed = await world.answer(await world.command("following", user="bob"))
    assert "author *Yann Lecún*" in str(listed.content)
    refused = await world.answer(await world.command("unfollow", number=5, user="bob"))
    assert "numbered 1 to 1" in str(refused.content)
    await world.answer(await world.command("unfollow", number=1, user="bob"))
    assert await world.core.store.follows.of(world.user_ref("bob")) == []


async def test_only_a_channel_manager_sets_a_follow_that_posts_in_the_channel(
    world: World, ingest: IngestService
) -> None:
    refused = await world.answer(
        await world.command("follow", words="mixture of experts", here=True, user="bob")
    )
    assert refused.ephemeral
    assert str(refused.content).startswith("Only people who can manage this channel")
    both = await world.answer(await world.command("follow", author="Ada", words="moe"))
    assert "one at a time" in str(both.content)

    await world.answer(await world.command("follow", words="mixture of experts", here=True))
    before = len(world.sim.messages(world.channel_id("papers")))
    await ingest.ingest_day(TUESDAY)
    await world.core.library.arrivals.settled()
    posted = world.sim.messages(world.channel_id("papers"))[before:]
    assert len(posted) == 1
    assert "2503.10002" in str(posted[0].content)
    assert world.sim.dm_messages(world.member_id("alice")) == []
