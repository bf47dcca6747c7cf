"""`foryou` on Discord: a 👎 reaction marks, the answer's buttons include Not for me."""

from __future__ import annotations

from tests.adapters.discord.conftest import World
from tests.adapters.discord.test_reactions import PAPER, TITLE, post_paper

LORA_SAVES = ("2501.17635", "2412.06071", "2406.01563")


async def test_a_thumbs_down_reaction_marks_and_foryou_leaves_the_paper_out(
    world: World,
) -> None:
    message = await post_paper(world)
    bob = world.member_id("bob")
    await world.sim.add_reaction(message.channel_id, message.id, "👎", user_id=bob)
    confirmation = await world.sim.wait_for_dm(bob)
    assert str(confirmation.content).startswith(f"Marked “{TITLE}")
    assert await world.core.store.marks.marked(world.user_ref("bob")) == [PAPER]

    for paper_id in LORA_SAVES:
        await world.answer(await world.command("save", paper=paper_id, user="bob"))
    ranked = await world.answer(await world.command("foryou", everything=True, user="bob"))
    assert ranked.message is not None
    assert ranked.ephemeral
    assert str(ranked.content).startswith("For you, from every paper (1–5)")
    ids = ranked.message.custom_ids()
    shown = [i.removeprefix("pb:save:") for i in ids if i.startswith("pb:save:")]
    assert len(shown) == 5
    assert set(shown).isdisjoint({PAPER, *LORA_SAVES})
    assert [f"pb:mark:{paper_id}" for paper_id in shown] == [
        i for i in ids if i.startswith("pb:mark:")
    ]
    assert ids[-1].startswith("pb:more:foryou|5|all")
