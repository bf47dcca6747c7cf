"""`forget me` on Slack: the answer, only for the asker, says what would be deleted and
carries a Forget me button; nothing goes until they confirm, by the button or by typing
`forget me confirm`; the button works for nobody else; another person here, and the same
user id in another workspace, keep what they have."""

from __future__ import annotations

from datetime import time

from paperboy.core.models import UserRef, WeeklyForYou
from tests.adapters.slack.conftest import (
    HUMAN,
    TEAM,
    Workspace,
    paper_ids,
    section_texts,
)
from tests.conftest import NOW

PAPERS = ("2407.06204", "2501.17635")
COLLEAGUE = "U0COLLEAGUE"
OTHER_TEAM = "T0OTHER"
FORGET = "paperboy_forget_me"


async def leave_traces(workspace: Workspace) -> None:
    """The human saves two papers, marks one, follows an author and gets a weekly foryou;
    a colleague saves one; the human's user id has a list in another workspace too."""
    for paper_id in PAPERS:
        await workspace.answer(f"save {paper_id}")
    await workspace.answer(f"mark {PAPERS[0]}")
    await workspace.answer('follow author:"Ada Lovelace"')
    await workspace.answer("foryou weekly monday 09:00 UTC")
    await workspace.answer(f"save {PAPERS[0]}", user_id=COLLEAGUE)
    elsewhere = UserRef("slack", OTHER_TEAM, HUMAN)
    await workspace.core.store.reading_lists.save(elsewhere, PAPERS[1], at=NOW)
    await workspace.core.store.weekly_foryou.put(
        WeeklyForYou(elsewhere, weekday=0, time=time(9), timezone="UTC"), at=NOW
    )


async def test_forget_me_asks_privately_and_deletes_nothing(workspace: Workspace) -> None:
    await leave_traces(workspace)

    asked = await workspace.answer("forget me")

    assert asked.visible_to == HUMAN  # ephemeral: only the asker sees it
    text = section_texts(asked)
    assert "2 papers on your reading list" in text
    assert "1 paper you marked not for you" in text
    assert "1 follow" in text
    assert "your weekly foryou message" in text
    assert "Nothing is deleted yet" in text
    assert "press Forget me below, or type `/papers forget me confirm`" in text
    assert paper_ids(asked, FORGET) == [HUMAN]  # the button names whom it is for
    assert sorted(await workspace.saved_ids()) == sorted(PAPERS)
    assert await workspace.core.store.weekly_foryou.get(UserRef("slack", TEAM, HUMAN))


async def test_the_forget_me_button_forgets_the_asker_only(workspace: Workspace) -> None:
    store = workspace.core.store
    slack = workspace.slack
    await leave_traces(workspace)
    asked = await workspace.answer("forget me")
    me = UserRef("slack", TEAM, HUMAN)

    done = (await slack.next_response(await slack.press_button(asked, FORGET))).message

    assert done is not None
    assert done.visible_to == HUMAN
    assert "Done: I deleted everything I kept about you in this workspace" in done.text
    assert await workspace.saved_ids() == []
    assert await store.marks.marked(me) == []
    assert await store.follows.of(me) == []
    assert await store.weekly_foryou.get(me) is None
    assert await workspace.saved_ids(COLLEAGUE) == [PAPERS[0]]
    assert await workspace.saved_ids(HUMAN, OTHER_TEAM) == [PAPERS[1]]
    assert await store.weekly_foryou.get(UserRef("slack", OTHER_TEAM, HUMAN)) is not None


async def test_the_button_pressed_by_someone_else_forgets_nobody(workspace: Workspace) -> None:
    slack = workspace.slack
    await leave_traces(workspace)
    asked = await workspace.answer("forget me")

    pressed = await slack.press_button(asked, FORGET, user_id=COLLEAGUE)
    refused = (await slack.next_response(pressed)).message

    assert refused is not None
    assert "That button is for the person who asked to be forgotten" in refused.text
    assert sorted(await workspace.saved_ids()) == sorted(PAPERS)
    assert await workspace.saved_ids(COLLEAGUE) == [PAPERS[0]]


async def test_typing_forget_me_confirm_forgets_without_the_button(workspace: Workspace) -> None:
    await leave_traces(workspace)

    done = await workspace.answer("forget me confirm")

    assert done.visible_to == HUMAN
    assert "2 papers on your reading list" in section_texts(done)
    assert await workspace.saved_ids() == []
    assert await workspace.saved_ids(COLLEAGUE) == [PAPERS[0]]
    assert await workspace.saved_ids(HUMAN, OTHER_TEAM) == [PAPERS[1]]
