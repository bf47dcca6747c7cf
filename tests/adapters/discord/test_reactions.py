"""Saving by reaction: the save emoji on a paper the bot posted saves it for whoever reacted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import discord

from paperboy.core.models import UserRef
from paperboy.core.replies import Notice
from tests.adapters.discord.conftest import World, open_world
from tests.simulators.discord.simulator import DiscordSimulator, SentMessage

PAPER = "2308.10462"
TITLE = "Exploring Parameter-Efficient Fine-Tuning Techniques"


async def post_paper(world: World, paper_id: str = PAPER) -> SentMessage:
    """`/papers show` posts the paper publicly in #papers; the posted message."""
    reply = await world.answer(await world.command("show", paper=paper_id))
    assert reply.callback_type == 4
    assert reply.message is not None
    assert not reply.message.ephemeral
    return reply.message


async def saved_ids(world: World, user: str) -> list[str]:
    items = await world.core.store.reading_lists.list(world.user_ref(user), limit=50)
    return [item.paper.id for item in items]


async def test_show_posts_the_paper_publicly_with_its_whole_abstract(world: World) -> None:
    message = await post_paper(world)
    paper = await world.core.store.papers.get(PAPER)
    assert paper is not None
    (embed,) = message.embeds
    assert embed["url"] == f"https://huggingface.co/papers/{PAPER}"  # featured on Daily Papers
    assert len(embed["description"]) > 600  # the abstract, not a snippet
    assert embed["description"].startswith(paper.abstract[:40])
    assert message.custom_ids() == [
        f"pb:save:{PAPER}",
        f"pb:similar:{PAPER}",
        f"pb:mark:{PAPER}",
    ]


async def test_a_save_reaction_on_a_posted_paper_saves_it_and_removing_it_unsaves(
    world: World,
) -> None:
    message = await post_paper(world)
    bob = world.member_id("bob")
    await world.sim.add_reaction(message.channel_id, message.id, "🔖", user_id=bob)
    confirmation = await world.sim.wait_for_dm(bob)
    assert confirmation.content is not None
    assert confirmation.content.startswith(f"Saved “{TITLE}")
    assert not confirmation.pings().anyone
    assert await saved_ids(world, "bob") == [PAPER]
    assert await saved_ids(world, "alice") == []

    await world.sim.remove_reaction(message.channel_id, message.id, "🔖", user_id=bob)
    await world.sim.wait_for(lambda: len(world.sim.dm_messages(bob)) == 2 or None, what="2 DMs")
    assert world.sim.dm_messages(bob)[1].content is not None
    assert str(world.sim.dm_messages(bob)[1].content).startswith(f"Removed “{TITLE}")
    assert await saved_ids(world, "bob") == []
    assert [m.id for m in world.sim.messages(message.channel_id)] == [message.id]  # no chatter


async def test_reactions_elsewhere_and_other_emoji_do_nothing(world: World) -> None:
    message = await post_paper(world)
    header = await world.poster.post(
        world.channel_ref("general"), Notice("Digest", ephemeral=False)
    )
    bob = world.member_id("bob")
    await world.sim.add_reaction(world.channel_id("general"), int(header), "🔖", user_id=bob)
    await world.sim.add_reaction(message.channel_id, message.id, "👍", user_id=bob)
    # A save that does count, after the others: once it is confirmed, they were handled.
    await world.sim.add_reaction(message.channel_id, message.id, "🔖", user_id=bob)
    await world.sim.wait_for_dm(bob)
    assert len(world.sim.dm_messages(bob)) == 1
    assert await saved_ids(world, "bob") == [PAPER]


async def test_the_bots_own_reaction_saves_nothing(world: World) -> None:
    message = await post_paper(world)
    client = world.adapter.client
    assert client is not None
    channel = client.get_channel(message.channel_id)
    assert isinstance(channel, discord.TextChannel)
    await channel.get_partial_message(message.id).add_reaction("🔖")
    alice = world.member_id("alice")
    await world.sim.add_reaction(message.channel_id, message.id, "🔖", user_id=alice)
    await world.sim.wait_for_dm(alice)
    bot_user = UserRef("discord", str(world.sim.guild.id), str(world.sim.bot.id))
    assert await world.core.store.reading_lists.list(bot_user, limit=5) == []
    assert world.sim.dm_channel_id(world.sim.bot.id) is None


async def test_a_user_who_refuses_dms_is_saved_silently(world: World) -> None:
    message = await post_paper(world)
    bob = world.member_id("bob")
    world.sim.refuse_dms(bob)
    await world.sim.add_reaction(message.channel_id, message.id, "🔖", user_id=bob)
    await world.sim.wait_for(
        lambda: (
            [r for r in world.sim.requests if r.path.endswith("/messages") and r.status == 403]
            or None
        ),
        what="the refused DM",
    )
    assert await saved_ids(world, "bob") == [PAPER]
    assert [m.id for m in world.sim.messages(message.channel_id)] == [message.id]


async def test_a_custom_guild_emoji_saves_by_name_or_by_id(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    world, stack = await open_world(
        sim, tmp_path, clock, PAPERBOY_CHAT_SAVE_EMOJI='["paper_save", "998877665544332211"]'
    )
    async with stack:
        message = await post_paper(world)
        alice, bob = world.member_id("alice"), world.member_id("bob")
        await sim.add_reaction(message.channel_id, message.id, "paper_save:111", user_id=alice)
        await sim.add_reaction(
            message.channel_id, message.id, "renamed:998877665544332211", user_id=bob
        )
        await sim.wait_for_dm(alice)
        await sim.wait_for_dm(bob)
        assert await saved_ids(world, "alice") == [PAPER]
        assert await saved_ids(world, "bob") == [PAPER]
