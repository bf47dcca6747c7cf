"""`foryou` on Slack: learned from saves and 👎 marks, leaving both out; mark and unmark."""

from __future__ import annotations

from paperboy.core.models import UserRef
from tests.adapters.slack.conftest import (
    FEATURED,
    HUMAN,
    TEAM,
    Workspace,
    paper_ids,
    section_texts,
)
from tests.adapters.slack.test_reactions import post_digest

# Three sample papers on fine-tuning language models with adapters (LoRA), saved by the
# person; one more they marked not for them.
LORA_SAVES = ("2501.17635", "2412.06071", "2406.01563")
MARKED = "2402.15061"  # Fine-tuning LLMs for domain-specific machine translation
UNRELATED = "2503.00003"  # "Diffusion Models Without Tears"


async def marked_ids(workspace: Workspace) -> list[str]:
    return await workspace.core.store.marks.marked(UserRef("slack", TEAM, HUMAN))


async def test_a_thumbs_down_reaction_marks_the_paper_and_removing_it_unmarks(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    paper = (await post_digest(workspace))[1]

    await slack.send_reaction(paper, "-1")
    marked = await slack.wait_until(lambda: slack.ephemerals(user_id=HUMAN) or None)
    assert await marked_ids(workspace) == [FEATURED[0].id]
    assert await workspace.saved_ids() == []  # a mark is not a save
    assert marked[0].text.startswith("Marked “Sparse Token Routing for Retrieval” not for you")

    await slack.send_reaction(paper, "-1", removed=True)
    await slack.wait_until(lambda: len(slack.ephemerals(user_id=HUMAN)) == 2 or None)
    assert await marked_ids(workspace) == []
    assert slack.ephemerals()[-1].text == "Unmarked “Sparse Token Routing for Retrieval”."


async def test_foryou_ranks_papers_like_the_saves_first_and_leaves_saved_and_marked_out(
    workspace: Workspace,
) -> None:
    for paper_id in LORA_SAVES:
        await workspace.answer(f"save {paper_id}")
    await workspace.answer(f"mark {MARKED}")

    ranked = await workspace.answer("foryou all")

    shown = paper_ids(ranked)
    assert len(shown) == 5
    assert set(shown).isdisjoint({*LORA_SAVES, MARKED})
    assert UNRELATED not in shown  # a diffusion paper is not like the LoRA saves
    text = section_texts(ranked)
    assert "For you, from every paper (1–5)" in text
    assert "you saved" in text  # each says which save it is like
    assert paper_ids(ranked, "paperboy_mark") == shown  # each card has Not for me
    more = paper_ids(ranked, "paperboy_more")
    assert more
    assert more[0].startswith("foryou|5|all")


async def test_the_not_for_me_button_marks_and_unmark_undoes_it(workspace: Workspace) -> None:
    slack = workspace.slack
    for paper_id in LORA_SAVES:
        await workspace.answer(f"save {paper_id}")
    first = await workspace.answer("foryou all")
    top = paper_ids(first)[0]

    pressed = await slack.press_button(first, "paperboy_mark", value=top)
    answer = (await slack.next_response(pressed)).message
    assert answer is not None
    assert answer.text.startswith("Marked “")
    assert await marked_ids(workspace) == [top]
    assert top not in paper_ids(await workspace.answer("foryou all"))

    undone = await workspace.answer(f"unmark {top}")
    assert undone.text.startswith("Unmarked “")
    assert await marked_ids(workspace) == []
    assert paper_ids(await workspace.answer("foryou all"))[0] == top


async def test_with_no_saves_foryou_says_how_to_start_and_with_few_it_says_it_only_matches(
    workspace: Workspace,
) -> None:
    empty = await workspace.answer("foryou")
    assert "your reading list, and it is empty" in empty.text
    assert "React with 🔖" in empty.text

    await workspace.answer(f"save {LORA_SAVES[0]}")
    few = await workspace.answer("foryou all")
    assert "Like what you saved, from every paper (1–5): save 3 or more" in section_texts(few)
    assert LORA_SAVES[0] not in paper_ids(few)
    assert "like _In-Context Meta LoRA Generation_ you saved" in section_texts(few)


async def test_foryou_over_the_last_days_ranks_only_those_papers(workspace: Workspace) -> None:
    for paper_id in LORA_SAVES:
        await workspace.answer(f"save {paper_id}")
    week = await workspace.answer("foryou")
    assert sorted(paper_ids(week)) == sorted(p.id for p in FEATURED)  # this week's only
    assert "For you, from the last 7 days (1–3)" in section_texts(week)


async def test_hostile_foryou_arguments_get_a_short_clear_answer(workspace: Workspace) -> None:
    for typed in ("foryou banana", "foryou 99999", "foryou -3", "foryou 7 all"):
        answer = await workspace.answer(typed)
        assert answer.text.startswith(":warning: `foryou` takes a number of days from 1 to 365")
    unknown = await workspace.answer("mark 2401.99999")
    assert "I don't have 2401.99999" in unknown.text
    assert await marked_ids(workspace) == []


async def test_help_names_the_not_for_me_reaction_as_configured(workspace: Workspace) -> None:
    answer = await workspace.answer("help foryou")
    assert "`/papers foryou [days|all]`: papers ranked for you" in answer.text
    assert "(a 👎 reaction, the Not for me button or `mark &lt;id&gt;`)" in answer.text
    assert "{" not in answer.text
