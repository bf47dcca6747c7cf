"""Reactions on the bot's paper messages save and unsave; digests post through the adapter."""

from __future__ import annotations

import pytest

from paperboy.core.models import Context, UserRef
from paperboy.core.ports import PostFailed
from paperboy.core.replies import Notice
from tests.adapters.slack.conftest import CHANNEL, FEATURED, HUMAN, TEAM, Workspace, paper_ids
from tests.conftest import NOW
from tests.simulators.slack import Message
from tests.specs import spec


async def post_digest(workspace: Workspace) -> list[Message]:
    """Subscribe the channel and run today's digest with the real DigestService."""
    context = Context(
        UserRef("slack", TEAM, HUMAN), workspace.channel(), can_post=True, can_manage_channel=True
    )
    await workspace.digests.subscribe(context, spec("09:00 UTC"))
    await workspace.digests.run_for_day(workspace.channel(), NOW.date())
    return workspace.slack.messages()


async def test_a_digest_is_a_header_then_one_message_per_paper(workspace: Workspace) -> None:
    messages = await post_digest(workspace)

    header, *papers = messages
    assert "3 papers" in header.text
    assert [paper_ids(m) for m in papers] == [[p.id] for p in FEATURED]
    assert all(m.via == "chat.postMessage" for m in messages)


async def test_a_reaction_on_a_digest_paper_saves_it_and_removing_it_unsaves_it(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    paper = (await post_digest(workspace))[1]

    await slack.send_reaction(paper, "bookmark")
    saved = await slack.wait_until(lambda: slack.ephemerals(user_id=HUMAN) or None)
    assert await workspace.saved_ids() == [FEATURED[0].id]
    assert saved[0].text == "Saved “Sparse Token Routing for Retrieval” to your reading list."

    await slack.send_reaction(paper, "bookmark", removed=True)
    await slack.wait_until(lambda: len(slack.ephemerals(user_id=HUMAN)) == 2 or None)
    assert await workspace.saved_ids() == []
    assert slack.ephemerals()[-1].text.startswith("Removed “Sparse Token Routing")


async def test_a_redelivered_reaction_saves_once_and_confirms_once(workspace: Workspace) -> None:
    slack = workspace.slack
    paper = (await post_digest(workspace))[1]

    first = await slack.send_reaction(paper, "bookmark")
    await slack.wait_for_call("chat.postEphemeral")
    again = await slack.redeliver(first.envelope)
    await workspace.adapter.handlers.drain(5)

    assert again.envelope.payload["event_id"] == first.envelope.payload["event_id"]
    assert await workspace.saved_ids() == [FEATURED[0].id]
    assert len(slack.ephemerals(user_id=HUMAN)) == 1


async def test_a_reaction_redelivered_after_its_removal_does_not_save_again(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    paper = (await post_digest(workspace))[1]

    added = await slack.send_reaction(paper, "bookmark::skin-tone-2")
    await slack.wait_for_call("chat.postEphemeral")
    await slack.send_reaction(paper, "bookmark::skin-tone-2", removed=True)
    await slack.wait_for_call("chat.postEphemeral")
    await slack.redeliver(added.envelope)
    await workspace.adapter.handlers.drain(5)

    assert await workspace.saved_ids() == []
    assert [m.text.split(" ")[0] for m in slack.ephemerals(user_id=HUMAN)] == ["Saved", "Removed"]


async def test_a_reaction_on_a_message_that_is_not_a_paper_does_nothing(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    header = (await post_digest(workspace))[0]
    human_message = slack.post_as_user("lunch?")

    await slack.send_reaction(header, "bookmark")
    await slack.send_reaction(human_message, "bookmark")
    await slack.send_reaction((slack.messages())[1], "tada")  # not a save emoji
    await slack.send_event(  # a reaction on a file, not a message
        {
            "type": "reaction_added",
            "user": HUMAN,
            "reaction": "bookmark",
            "item": {"type": "file", "file": "F0FILE"},
            "event_ts": "1700000000.000100",
        }
    )
    await workspace.adapter.handlers.drain(5)

    assert await workspace.saved_ids() == []
    assert slack.ephemerals() == []
    assert slack.calls("chat.postEphemeral") == []


async def test_a_reaction_in_another_workspace_saves_to_that_workspace_only(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    await workspace.answer("save 2407.06204")

    other = await workspace.answer("saved", team_id="T0OTHER")
    mine = await workspace.answer("saved")

    assert "Your reading list is empty" in other.text
    assert paper_ids(mine, "paperboy_unsave") == ["2407.06204"]
    assert await workspace.saved_ids(team="T0OTHER") == []
    # A digest paper in workspace T0SIM, reacted to with a payload claiming T0OTHER, is not
    # a post T0OTHER knows of: nothing is saved there.
    paper = (await post_digest(workspace))[1]
    await slack.send_reaction(paper, "bookmark", team_id="T0OTHER")
    await workspace.adapter.handlers.drain(5)
    assert await workspace.saved_ids(team="T0OTHER") == []


async def test_posting_into_a_channel_the_bot_is_not_in_fails_permanently(
    workspace: Workspace,
) -> None:
    workspace.slack.add_channel("C0ELSEWHERE", is_member=False)
    workspace.slack.add_channel("C0OLD", is_archived=True)

    for channel, code in (
        ("C0ELSEWHERE", "not_in_channel"),
        ("C0OLD", "is_archived"),
        ("C0GONE", "channel_not_found"),
    ):
        with pytest.raises(PostFailed) as failed:
            await workspace.poster.post(
                workspace.channel(channel), Notice("hello", ephemeral=False)
            )
        assert failed.value.permanent
        assert code in str(failed.value)


async def test_a_transient_slack_error_is_a_transient_post_failure(workspace: Workspace) -> None:
    workspace.slack.fail_next("chat.postMessage", "internal_error")

    with pytest.raises(PostFailed) as failed:
        await workspace.poster.post(workspace.channel(), Notice("hello", ephemeral=False))

    assert not failed.value.permanent


async def test_a_digest_into_a_channel_the_bot_left_is_recorded_as_a_failure(
    workspace: Workspace,
) -> None:
    context = Context(
        UserRef("slack", TEAM, HUMAN), workspace.channel(), can_post=True, can_manage_channel=True
    )
    await workspace.digests.subscribe(context, spec("09:00 UTC"))
    workspace.slack.add_channel(CHANNEL, is_member=False)

    await workspace.digests.run_for_day(workspace.channel(), NOW.date())

    subscription = await workspace.core.store.subscriptions.get(workspace.channel())
    assert subscription is not None
    assert subscription.failures == 1
    assert len(workspace.slack.calls("chat.postMessage")) == 1  # permanent: not retried


async def test_the_save_button_on_a_digest_paper_saves_it_for_the_presser_only(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    slack.add_user("U0BOB", name="bob")
    paper = (await post_digest(workspace))[2]

    pressed = await slack.press_button(paper, "paperboy_save", user_id="U0BOB")
    answer = await slack.next_response(pressed)

    assert answer.message is not None
    assert answer.message.visible_to == "U0BOB"
    assert await workspace.saved_ids(user="U0BOB") == [FEATURED[1].id]
    assert await workspace.saved_ids() == []
    assert paper.edits == 0  # the digest message stays as everyone saw it
