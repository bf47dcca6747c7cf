"""Rate limits, reconnects, pacing, missing permissions and crashes don't reach users."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.slack.blocks import SlackMessage
from paperboy.adapters.slack.send import SlackPostFailed, SlackSender
from paperboy.core.replies import Notice
from tests.adapters.slack.conftest import (
    CHANNEL,
    HUMAN,
    Workspace,
    running_workspace,
    section_texts,
    slack_down,
    slack_settings,
)
from tests.simulators.slack import SlackSimulator


async def test_a_rate_limited_post_is_retried_after_retry_after_and_arrives_once(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    slack.rate_limit_next("chat.postMessage", retry_after=1)

    ts = await workspace.poster.post(
        workspace.channel(), Notice("Today's papers", ephemeral=False)
    )
    refused, accepted = slack.calls("chat.postMessage")

    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.at - refused.at >= 1.0
    assert [(m.ts, m.text) for m in slack.messages()] == [(ts, "Today's papers")]


async def test_a_disconnect_makes_the_bot_reconnect_and_keep_answering(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    await slack.wait_for_connection()

    connection = await slack.request_reconnect()
    message = await workspace.answer("search lora")

    assert connection == 2
    assert "In-Context Meta LoRA Generation" in section_texts(message)


async def test_show_where_the_bot_is_not_a_member_answers_privately_with_an_invite_hint(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    slack.add_channel("C0PRIVATE", is_member=False)

    message = await workspace.answer("show 2407.06204", channel_id="C0PRIVATE")

    assert message.visible_to == HUMAN
    assert "A Survey on Mixture of Experts" in section_texts(message)
    assert "Invite me with `/invite @paperboy`" in section_texts(message)
    assert slack.messages("C0PRIVATE") == []


async def test_a_crash_while_answering_gets_a_short_apology_and_no_traceback(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    database = workspace.core.store.db
    await database.close()  # the database is gone from under the bot
    try:
        with caplog.at_level(logging.ERROR, logger="paperboy"):
            message = await workspace.answer("search lora")
    finally:
        await database.open()  # for the workspace's own orderly close

    assert message.text == ":warning: Something went wrong on my side; it has been logged."
    assert "Traceback" not in message.text
    assert "database is not open" in caplog.text


async def test_a_digest_preview_is_paced_to_one_message_per_interval_in_a_channel(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    settings = slack_settings(slack, tmp_path, channel_pace_seconds=0.2)
    async with running_workspace(slack, settings) as workspace:
        answer = await workspace.answer("digest")
        posts = slack.calls("chat.postMessage")

    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(posts)]
    assert "Posted a preview digest of 3 papers" in answer.text
    assert len(posts) == 4
    assert min(gaps) >= 0.19


async def test_a_show_and_a_digest_preview_in_a_channel_share_its_one_pace(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    """Whatever posts into a channel (a `show`, a digest preview) takes the same turns,
    and each paper posted, either way, is recorded so a reaction on it saves it."""
    settings = slack_settings(slack, tmp_path, channel_pace_seconds=0.2)
    async with running_workspace(slack, settings) as workspace:
        await slack.send_command("show 2407.06204")
        await slack.wait_for_call("chat.postMessage")
        answer = await workspace.answer("digest")
        posts = slack.calls("chat.postMessage")
        for message in slack.messages():
            await slack.send_reaction(message, "bookmark")
        await slack.wait_until(
            lambda: sum("Saved" in e.text for e in slack.ephemerals(user_id=HUMAN)) >= 4 or None
        )
        saved = await workspace.saved_ids()

    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(posts)]
    assert "Posted a preview digest of 3 papers" in answer.text
    assert len(posts) == 5  # the show, the preview's header and its three papers
    assert min(gaps) >= 0.19
    assert len(saved) == 4
    assert "2407.06204" in saved


async def test_channels_are_paced_separately(workspace: Workspace) -> None:
    slack = workspace.slack
    slack.add_channel("C0OTHER")
    pace = workspace.core.settings.chat.channel_pace_seconds

    await workspace.publisher.publish(workspace.channel(), Notice("one", ephemeral=False))
    await workspace.publisher.publish(workspace.channel("C0OTHER"), Notice("two", ephemeral=False))
    await workspace.publisher.publish(workspace.channel(), Notice("three", ephemeral=False))
    first, other, third = slack.calls("chat.postMessage")

    assert other.at - first.at < pace  # another channel did not wait
    assert third.at - first.at >= pace * 0.95


@pytest.fixture
async def admins_only(slack: SlackSimulator, tmp_path: Path) -> AsyncIterator[Workspace]:
    settings = slack_settings(slack, tmp_path, digest_managers="admins")
    async with running_workspace(slack, settings) as running:
        yield running


async def test_with_admins_only_a_member_cannot_subscribe_the_channel(
    admins_only: Workspace,
) -> None:
    message = await admins_only.answer("subscribe 09:00 UTC")

    assert "Only people who can manage this channel" in message.text
    assert await admins_only.core.store.subscriptions.get(admins_only.channel()) is None


async def test_with_admins_only_an_admin_subscribes_and_the_channel_is_told(
    admins_only: Workspace,
) -> None:
    admins_only.slack.add_user("U0ADMIN", name="grace", is_admin=True)

    message = await admins_only.answer("subscribe 09:00 UTC", user_id="U0ADMIN")

    assert message.visible_to is None  # in the channel, for everyone
    assert message.text.startswith("This channel gets a daily digest")
    assert await admins_only.core.store.subscriptions.get(admins_only.channel()) is not None
    assert [c.body["user"] for c in admins_only.slack.calls("users.info")] == ["U0ADMIN"]


async def test_by_default_anyone_in_the_channel_may_subscribe_it(workspace: Workspace) -> None:
    message = await workspace.answer("subscribe 08:30 Europe/Berlin")

    assert message.visible_to is None
    assert workspace.slack.calls("users.info") == []
    subscription = await workspace.core.store.subscriptions.get(workspace.channel(CHANNEL))
    assert subscription is not None
    assert (subscription.time, subscription.timezone) == (time(8, 30), "Europe/Berlin")


async def test_web_api_calls_share_one_connection_instead_of_one_each(
    workspace: Workspace,
) -> None:
    """Every new connection to Slack costs a TLS handshake; a digest is many messages."""
    for n in range(5):
        await workspace.poster.post(workspace.channel(), Notice(f"message {n}", ephemeral=False))
    posts = workspace.slack.calls("chat.postMessage")
    assert len(posts) == 5
    assert len({call.peer for call in posts}) == 1


async def test_a_slack_error_page_instead_of_json_is_a_transient_post_failure() -> None:
    async with slack_down() as api_url:
        client = AsyncWebClient(token="xoxb-1", base_url=api_url)
        sender = SlackSender(client)
        with pytest.raises(SlackPostFailed) as failed:
            await sender.post(CHANNEL, SlackMessage(text="hello", blocks=[]))
    assert failed.value.code == "http_503"
    assert not failed.value.permanent
