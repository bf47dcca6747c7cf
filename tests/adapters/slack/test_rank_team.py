"""`subscribe … rank:team` on Slack: a channel's digest ordered by what its people saved
from the bot's posts there; upvotes under 3 such saves, and the confirmation says so."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.adapters.slack.conftest import (
    CHANNEL,
    FEATURED,
    Workspace,
    paper_ids,
)
from tests.adapters.slack.test_foryou import LORA_SAVES
from tests.adapters.slack.test_foryou_weekly import LIKE_THE_SAVES
from tests.conftest import NOW

# Featured today like the team's LoRA saves, with fewer upvotes than every other paper.
LIKE_THE_TEAM = replace(LIKE_THE_SAVES[0], featured=NOW.date(), upvotes=1)
BY_UPVOTES = [paper.id for paper in FEATURED] + [LIKE_THE_TEAM.id]


async def saved_from_the_channel(workspace: Workspace, paper_ids: tuple[str, ...]) -> None:
    """Each paper shown in the channel, then saved there with the save reaction by a member."""
    slack = workspace.slack
    for number, paper_id in enumerate(paper_ids, start=1):
        await slack.send_command(f"show {paper_id}")
        await slack.wait_for_call("chat.postMessage")
        posted = slack.messages(CHANNEL)[-1]
        await slack.send_reaction(posted, "bookmark", user_id=f"U0MEMBER{number}")
        await slack.wait_until(lambda n=number: len(slack.ephemerals()) >= n or None)


async def digest_order(workspace: Workspace) -> list[str]:
    before = len(workspace.slack.messages(CHANNEL))
    await workspace.digests.run_for_day(workspace.channel(), NOW.date())
    header, *papers = workspace.slack.messages(CHANNEL)[before:]
    assert header.text.startswith("Trending papers")
    return [paper_ids(message)[0] for message in papers]


async def test_a_team_ranked_digest_puts_a_paper_like_the_teams_saves_above_upvoted_ones(
    workspace: Workspace,
) -> None:
    await workspace.core.library.add_papers([LIKE_THE_TEAM], at=NOW)
    await saved_from_the_channel(workspace, LORA_SAVES)

    answer = await workspace.answer("subscribe 10:00 UTC rank:team")

    assert "ordered by what people here save" in answer.text
    assert "It is ordered by what people here saved from my posts (3 papers)." in answer.text
    order = await digest_order(workspace)
    assert order[0] == LIKE_THE_TEAM.id  # 1 upvote, above 40, 30 and 20
    assert order[1:] == [paper.id for paper in FEATURED]  # upvotes break the rest's ties


async def test_a_team_ranked_digest_with_fewer_than_3_saves_is_ordered_by_upvotes(
    workspace: Workspace,
) -> None:
    await workspace.core.library.add_papers([LIKE_THE_TEAM], at=NOW)
    await saved_from_the_channel(workspace, LORA_SAVES[:2])

    answer = await workspace.answer("subscribe 10:00 UTC rank:team")

    assert (
        "It is ordered by upvotes until people here have saved 3 papers from my posts "
        "(2 so far), then by what they save." in answer.text
    )
    assert await digest_order(workspace) == BY_UPVOTES


async def test_rank_votes_is_the_default_order(workspace: Workspace) -> None:
    await workspace.core.library.add_papers([LIKE_THE_TEAM], at=NOW)
    await saved_from_the_channel(workspace, LORA_SAVES)

    answer = await workspace.answer("subscribe 10:00 UTC rank:votes")

    assert "ordered by" not in answer.text
    assert await digest_order(workspace) == BY_UPVOTES


@pytest.mark.parametrize("spec", ["rank:taste", "rank:", "rank:team;drop"])
async def test_an_unknown_rank_gets_a_short_answer_and_changes_nothing(
    workspace: Workspace, spec: str
) -> None:
    said = await workspace.answer(f"subscribe 10:00 UTC {spec}")

    assert said.text.startswith(":warning: `rank:` takes `team` (by what people here save)")
    assert await workspace.core.store.subscriptions.get(workspace.channel()) is None


async def test_a_preview_of_a_team_ranked_digest_says_how_it_is_ordered(
    workspace: Workspace,
) -> None:
    await workspace.core.library.add_papers([LIKE_THE_TEAM], at=NOW)
    await saved_from_the_channel(workspace, LORA_SAVES)
    await workspace.answer("subscribe 10:00 UTC rank:team")
    before = len(workspace.slack.messages(CHANNEL))

    answer = await workspace.answer("digest")

    assert answer.text == (
        "Posted a preview digest of 4 papers. "
        "It is ordered by what people here saved from my posts (3 papers)."
    )
    first = workspace.slack.messages(CHANNEL)[before + 1]
    assert paper_ids(first) == [LIKE_THE_TEAM.id]
