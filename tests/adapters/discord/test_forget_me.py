"""`/papers forget me` on Discord: a private answer that says what would be deleted, with a
Forget me button that only the asker can use; `confirm:True` deletes at once. Another
member keeps their list (the same person in another guild: test_guild_isolation.py)."""

from __future__ import annotations

from paperboy.core.models import UserRef
from tests.adapters.discord.conftest import World, featured_papers
from tests.simulators.discord.records import InteractionReply


async def forget_me(world: World, user: str = "alice", **options: bool) -> InteractionReply:
    interaction = await world.sim.send_slash_command(
        "papers",
        "forget",
        "me",
        options=options,
        user_id=world.member_id(user),
        channel_id=world.channel_id("papers"),
    )
    return await world.answer(interaction)


async def saved(world: World, user: UserRef) -> list[str]:
    return [s.paper.id for s in await world.core.store.reading_lists.list(user, limit=10)]


async def leave_traces(world: World) -> list[str]:
    papers = [p.id for p in featured_papers(world.core.clock())][:2]
    for paper in papers:
        await world.answer(await world.command("save", paper=paper))
    await world.answer(await world.command("mark", paper=papers[0]))
    await world.answer(await world.command("save", paper=papers[0], user="bob"))
    return papers


async def test_forget_me_asks_privately_with_a_button_and_deletes_nothing(world: World) -> None:
    papers = await leave_traces(world)

    asked = await forget_me(world)

    assert asked.ephemeral
    assert asked.content is not None
    assert "2 papers on your reading list" in asked.content
    assert "1 paper you marked not for you" in asked.content
    assert "Nothing is deleted yet" in asked.content
    assert "/papers forget me confirm" in asked.content
    assert asked.message is not None
    assert asked.message.custom_ids() == [f"pb:forget:{world.member_id('alice')}"]
    assert sorted(await saved(world, world.user_ref("alice"))) == sorted(papers)


async def test_only_the_asker_can_press_forget_me(world: World) -> None:
    papers = await leave_traces(world)
    asked = await forget_me(world)
    assert asked.message is not None
    button = f"pb:forget:{world.member_id('alice')}"

    refused = await world.answer(
        await world.sim.click_button(asked.message.id, button, user_id=world.member_id("bob"))
    )
    assert refused.ephemeral
    assert refused.content is not None
    assert "That button is for the person who asked to be forgotten" in refused.content
    assert sorted(await saved(world, world.user_ref("alice"))) == sorted(papers)
    assert await saved(world, world.user_ref("bob")) == [papers[0]]

    done = await world.answer(
        await world.sim.click_button(asked.message.id, button, user_id=world.member_id("alice"))
    )
    assert done.ephemeral
    assert done.content is not None
    assert done.content.startswith("Done: I deleted everything I kept about you")
    assert await saved(world, world.user_ref("alice")) == []
    assert await world.core.store.marks.marked(world.user_ref("alice")) == []
    assert await saved(world, world.user_ref("bob")) == [papers[0]]


async def test_forget_me_with_confirm_deletes_at_once(world: World) -> None:
    papers = await leave_traces(world)

    done = await forget_me(world, confirm=True)

    assert done.ephemeral
    assert done.content is not None
    assert "2 papers on your reading list" in done.content
    assert await saved(world, world.user_ref("alice")) == []
    assert await saved(world, world.user_ref("bob")) == [papers[0]]
