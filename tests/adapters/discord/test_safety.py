"""Stored and typed text is shown literally: no markdown, no links, and nobody is pinged."""

from __future__ import annotations

from paperboy.core.models import Paper
from tests.adapters.discord.conftest import World

BOB = 1_100_000_000_000_000_302
EVIL_TITLE = f"@everyone **Bold** claims [click](http://evil.example) <@{BOB}> ||spoiler||"
EVIL = Paper(
    id="2502.66666",
    title=EVIL_TITLE,
    abstract="@here we show `code` and __underline__ and # not a heading <@&123456789012345678>.",
    authors=("<@1100000000000000301>", "Mallory **Evil**"),
)


async def test_a_hostile_title_renders_inert_and_pings_nobody(world: World) -> None:
    await world.core.library.add_papers([EVIL], at=world.core.clock())
    reply = await world.answer(await world.command("show", paper=EVIL.id))
    message = reply.message
    assert message is not None
    assert not message.ephemeral
    (embed,) = message.embeds
    assert embed["title"] == (
        "@\u200beveryone \\*\\*Bold\\*\\* claims \\[click\\](http://evil.example) "
        f"\\<@{BOB}\\> \\|\\|spoiler\\|\\|"
    )
    assert "\\`code\\`" in embed["description"]
    assert "\\_\\_underline\\_\\_" in embed["description"]
    assert "@\u200bhere" in embed["description"]
    assert "\\<@&123456789012345678\\>" in embed["description"]
    assert message.allowed_mentions == {"parse": []}
    assert not message.pings().anyone
    assert world.sim.violations == []


async def test_typed_text_echoed_back_is_inert_and_pings_nobody(world: World) -> None:
    reply = await world.answer(
        await world.command("search", query=f"@everyone <@{BOB}> **zzyzx** [a](http://evil)")
    )
    assert reply.content is not None
    assert "@\u200beveryone" in reply.content
    assert f"\\<@{BOB}\\>" in reply.content
    assert "\\*\\*zzyzx\\*\\*" in reply.content
    assert "\\[a\\]" in reply.content
    assert reply.body["allowed_mentions"] == {"parse": []}
    assert not reply.pings().anyone


async def test_a_reaction_confirmation_with_a_hostile_title_pings_nobody(world: World) -> None:
    await world.core.library.add_papers([EVIL], at=world.core.clock())
    posted = (await world.answer(await world.command("show", paper=EVIL.id))).message
    assert posted is not None
    alice = world.member_id("alice")
    await world.sim.add_reaction(posted.channel_id, posted.id, "🔖", user_id=alice)
    dm = await world.sim.wait_for_dm(alice)
    assert dm.content is not None
    assert dm.content.startswith("Saved “@\u200beveryone \\*\\*Bold")
    assert not dm.pings().anyone
