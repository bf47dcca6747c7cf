"""The gateway asking the bot to reconnect in the middle of a digest: the client resumes
(or starts a new session) while the digest goes on, and every message arrives once."""

from __future__ import annotations

import asyncio

import pytest

from tests.adapters.discord.conftest import World
from tests.simulators.discord.simulator import SentMessage

EXPECTED = ["2503.01001", "2503.02001", "2503.03001"]  # by upvotes


def channel_posts(world: World, channel: str) -> list[SentMessage]:
    messages = world.sim.messages(world.channel_id(channel), ephemeral=False)
    return [message for message in messages if message.source == "channel"]


@pytest.mark.parametrize("kind", ["op 7 reconnect (resume)", "op 9 (new session)"])
async def test_a_reconnect_in_the_middle_of_a_digest_loses_and_repeats_nothing(
    world: World, kind: str
) -> None:
    # Paced, so the reconnect falls between two papers.
    world.publisher.pacing.channel_interval = 0.5
    await world.answer(await world.command("subscribe", time="09:00", timezone="UTC"))
    run = asyncio.create_task(
        world.digests.run_for_day(world.channel_ref("papers"), world.core.clock().date())
    )
    await world.sim.wait_for(
        lambda: len(channel_posts(world, "papers")) >= 2 or None, what="the header and a paper"
    )
    sessions = len(world.sim.identifies)
    bob = world.member_id("bob")
    if kind.startswith("op 7"):
        resumes = len(world.sim.resumes)
        await world.sim.send_reconnect()
        mid_digest = not run.done()
        # Bob saves the first paper while the bot is away: the event is replayed on RESUME.
        first = channel_posts(world, "papers")[1]
        await world.sim.add_reaction(first.channel_id, first.id, "🔖", user_id=bob)
        await world.sim.wait_resumed(resumes + 1)
        assert len(world.sim.identifies) == sessions  # resumed, not a new session
        await world.sim.wait_for_dm(bob)
        saved = await world.core.store.reading_lists.list(world.user_ref("bob"), limit=5)
        assert [item.paper.id for item in saved] == EXPECTED[:1]
    else:
        await world.sim.invalidate_session()
        mid_digest = not run.done()
    assert mid_digest, "the digest was over before the reconnect"
    await asyncio.wait_for(run, 10)

    header, *posts = channel_posts(world, "papers")
    assert header.content is not None
    assert "3 papers" in header.content
    assert [str(p.embeds[0]["url"]).rsplit("/", 1)[-1] for p in posts] == EXPECTED
    # The bot still answers on the new connection.
    reply = await world.answer(await world.command("search", query="retrieval agents"))
    assert reply.embeds
