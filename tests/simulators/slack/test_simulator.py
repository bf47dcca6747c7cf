"""The Slack simulator drives the real slack-bolt (Socket Mode and HTTP mode) end to end.

The bolt app here is a tiny stand-in written for these tests, not the product adapter.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltRequest, AsyncRespond, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.simulators.slack import (
    SlackSimulator,
    block_kit_errors,
    signed_command,
    signed_event,
    signed_interaction,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

PAPER_ID = "2501.00001"
BIBTEX = b"@article{paper2501,\n  title = {Diffusion for All},\n}\n"


@dataclass
class Heard:
    """What the tiny app's listeners received."""

    commands: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    retry_nums: list[str | None] = field(default_factory=list)  # x-slack-retry-num per event
    actions: list[dict[str, Any]] = field(default_factory=list)


def result_blocks(query: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "block_id": "paper", "text": {"type": "mrkdwn", "text": f"*{query}*"}},
        {"type": "actions", "block_id": "buttons", "elements": [
            {"type": "button", "action_id": "save", "value": PAPER_ID,
             "text": {"type": "plain_text", "text": "Save"}},
            {"type": "button", "action_id": "more", "value": "2",
             "text": {"type": "plain_text", "text": "More"}},
        ]},
    ]


def tiny_app(slack: SlackSimulator, heard: Heard) -> AsyncApp:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    app = AsyncApp(client=client, signing_secret=slack.signing_secret)

    @app.command("/papers")
    async def papers(ack: AsyncAck, respond: AsyncRespond, say: AsyncSay,
                     command: dict[str, Any], client: AsyncWebClient) -> None:
        heard.commands.append(command)
        if command["text"] == "slow":
            await asyncio.sleep(0.5)
        await ack()
        if command["text"] == "digest":
            await say(text="Today's papers")
        elif command["text"] == "huge":
            await respond(text="huge", blocks=[section("x" * 3001)])
        elif command["text"] == "export":
            await client.files_upload_v2(channel=command["channel_id"], content=BIBTEX,
                                         filename="saved.bib", title="Saved papers")
        else:
            await respond(text=f"results for {command['text']}",
                          blocks=result_blocks(command["text"]))

    @app.event("reaction_added")
    async def reacted(body: dict[str, Any], request: AsyncBoltRequest) -> None:
        heard.reactions.append(body)
        heard.retry_nums.append(request.headers.get("x-slack-retry-num", [None])[0])

    @app.action("save")
    async def save(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        heard.actions.append(body)
        await respond(text=f"Saved {body['actions'][0]['value']}", replace_original=False)

    @app.action("more")
    async def more(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await respond(text=f"page {body['actions'][0]['value']}", replace_original=True)

    return app


@pytest.fixture
async def slack() -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator() as simulator:
        yield simulator


@pytest.fixture
def heard() -> Heard:
    return Heard()


@pytest.fixture
async def socket_app(slack: SlackSimulator, heard: Heard) -> AsyncIterator[AsyncApp]:
    app = tiny_app(slack, heard)
    handler = AsyncSocketModeHandler(app, slack.app_token)
    await handler.connect_async()
    try:
        yield app
    finally:
        await handler.close_async()


@pytest.fixture
async def http_app_url(slack: SlackSimulator, heard: Heard) -> AsyncIterator[str]:
    runner = web.AppRunner(tiny_app(slack, heard).web_app(path="/slack/events"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    finally:
        await runner.cleanup()


# Socket Mode


async def test_a_slash_command_is_acked_in_time_and_answered_at_its_response_url(
        slack: SlackSimulator, socket_app: AsyncApp) -> None:
    ack = await slack.send_command("search diffusion")
    answer = await slack.next_response(ack)

    assert ack.seconds < 3
    assert answer.status == 200
    assert answer.body["text"] == "results for search diffusion"
    assert answer.message is not None
    assert answer.message.visible_to == slack.identity.user_id
    assert answer.message in slack.ephemerals(user_id=slack.identity.user_id)
    assert slack.messages() == []


async def test_a_command_can_come_from_another_workspace(
        slack: SlackSimulator, socket_app: AsyncApp, heard: Heard) -> None:
    await slack.send_command("saved", team_id="T0OTHER")

    assert heard.commands[0]["team_id"] == "T0OTHER"


async def test_the_app_asks_auth_test_and_opens_one_connection_with_the_app_token(
        slack: SlackSimulator, socket_app: AsyncApp) -> None:
    await slack.send_command("help")
    opened = await slack.wait_for_call("apps.connections.open")
    auth = await slack.wait_for_call("auth.test")

    assert opened.headers["Authorization"] == f"Bearer {slack.app_token}"
    assert auth.response["user_id"] == slack.identity.bot_user_id != slack.identity.user_id
    assert slack.socket_connections == 1


async def test_a_reaction_reaches_the_app_and_a_redelivery_repeats_the_event_id(
        slack: SlackSimulator, socket_app: AsyncApp, heard: Heard) -> None:
    posted = await socket_app.client.chat_postMessage(channel=slack.default_channel, text="paper")
    message = slack.message(slack.default_channel, posted["ts"])

    first = await slack.send_reaction(message, "bookmark")
    again = await slack.redeliver(first.envelope)
    await slack.wait_until(lambda: True if len(heard.reactions) == 2 else None)

    assert again.envelope.envelope_id == first.envelope.envelope_id
    assert heard.retry_nums == ["0", "1"]
    assert [b["event_id"] for b in heard.reactions] == [first.envelope.payload["event_id"]] * 2
    event = heard.reactions[0]["event"]
    assert event["item"] == {"type": "message", "channel": slack.default_channel,
                             "ts": posted["ts"]}
    assert event["item_user"] == slack.identity.bot_user_id
    assert message.reactions == {"bookmark": [slack.identity.user_id]}


async def test_a_button_press_reaches_the_action_handler_with_the_button_value(
        slack: SlackSimulator, socket_app: AsyncApp, heard: Heard) -> None:
    results = await slack.next_response(await slack.send_command("search diffusion"))
    assert results.message is not None

    pressed = await slack.press_button(results.message, "save")
    confirmation = await slack.next_response(pressed)

    action = heard.actions[0]["actions"][0]
    assert (action["action_id"], action["value"], action["block_id"]) == ("save", PAPER_ID,
                                                                          "buttons")
    assert heard.actions[0]["container"]["message_ts"] == results.message.ts
    assert confirmation.body["text"] == f"Saved {PAPER_ID}"
    assert pressed.seconds < 3


async def test_replace_original_edits_the_message_the_button_was_on(
        slack: SlackSimulator, socket_app: AsyncApp) -> None:
    results = await slack.next_response(await slack.send_command("search diffusion"))
    assert results.message is not None

    page = await slack.next_response(await slack.press_button(results.message, "more"))

    assert page.message is results.message
    assert (results.message.text, results.message.blocks, results.message.edits) == (
        "page 2", [], 1)
    assert len(slack.ephemerals()) == 1


async def test_an_ack_later_than_the_deadline_fails_the_delivery(
        slack: SlackSimulator, socket_app: AsyncApp) -> None:
    with pytest.raises(AssertionError, match="no ack for slash_commands envelope"):
        await slack.send_command("slow", timeout=0.2)

    late = await slack.wait_until(lambda: slack.acks[0] if slack.acks else None)
    assert late.seconds >= 0.2


async def test_an_answer_over_block_kit_limits_is_refused_at_the_response_url(
        slack: SlackSimulator, socket_app: AsyncApp) -> None:
    answer = await slack.next_response(await slack.send_command("huge"))

    assert (answer.status, answer.error, answer.message) == (400, "invalid_blocks", None)
    assert slack.ephemerals() == []


async def test_pressing_a_button_the_bot_never_rendered_fails_the_test(
        slack: SlackSimulator) -> None:
    message = slack.post_as_user("no buttons here")

    with pytest.raises(AssertionError, match="no button 'save'"):
        slack.payloads.block_actions(message, "save")


async def test_a_rate_limited_post_is_retried_after_retry_after_and_stored_once(
        slack: SlackSimulator, socket_app: AsyncApp) -> None:
    slack.rate_limit_next("chat.postMessage", retry_after=2)

    await slack.send_command("digest")
    refused = await slack.wait_for_call("chat.postMessage")
    accepted = await slack.wait_for_call("chat.postMessage")

    assert (refused.status, refused.error) == (429, "ratelimited")
    assert accepted.ok
    assert accepted.at - refused.at >= 2.0  # Retry-After, not slack_sdk's default 1 s
    assert [m.text for m in slack.messages()] == ["Today's papers"]


async def test_a_disconnect_makes_the_client_reconnect_and_keep_working(
        slack: SlackSimulator, socket_app: AsyncApp) -> None:
    await slack.wait_for_connection()

    connection = await slack.request_reconnect()
    ack = await slack.send_command("search after reconnect")

    assert connection == 2
    assert len(slack.calls("apps.connections.open")) == 2
    assert (await slack.next_response(ack)).body["text"] == "results for search after reconnect"


async def test_files_upload_v2_delivers_the_bytes_name_title_and_channel(
        slack: SlackSimulator, socket_app: AsyncApp) -> None:
    await slack.send_command("export")
    uploaded = await slack.wait_for_upload()

    assert uploaded.content == BIBTEX
    assert (uploaded.filename, uploaded.title) == ("saved.bib", "Saved papers")
    assert uploaded.channels == (slack.default_channel,)
    assert [c.method for c in slack.calls() if c.method.startswith("files.")] == [
        "files.getUploadURLExternal", "files.completeUploadExternal"]


# Web API errors


async def test_updates_and_ephemeral_messages_show_as_slack_would_show_them(
        slack: SlackSimulator) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    posted = await client.chat_postMessage(channel=slack.default_channel, text="draft")
    human = slack.post_as_user("hello")

    await client.chat_update(channel=slack.default_channel, ts=posted["ts"], text="final")
    await client.chat_postEphemeral(channel=slack.default_channel, user=slack.identity.user_id,
                                    text="only you")
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel=slack.default_channel, ts=human.ts, text="hijack")

    assert raised.value.response["error"] == "cant_update_message"
    assert [(m.text, m.edits) for m in slack.messages()] == [("final", 1), ("hello", 0)]
    assert [m.text for m in slack.ephemerals(user_id=slack.identity.user_id)] == ["only you"]


async def test_an_upload_into_a_thread_records_the_thread_and_comment(
        slack: SlackSimulator) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    posted = await client.chat_postMessage(channel=slack.default_channel, text="your list")

    await client.files_upload_v2(channel=slack.default_channel, thread_ts=posted["ts"],
                                 content="x", filename="a.bib", initial_comment="here")
    uploaded = await slack.wait_for_upload()

    assert (uploaded.thread_ts, uploaded.initial_comment, uploaded.title) == (
        posted["ts"], "here", "a.bib")


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_an_injected_error_reaches_the_caller_and_posts_nothing(
        slack: SlackSimulator, error: str) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    slack.fail_next("chat.postMessage", error)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel=slack.default_channel, text="hi")

    assert raised.value.response["error"] == error
    assert slack.messages() == []


async def test_posting_to_an_archived_or_unknown_channel_fails_like_slack(
        slack: SlackSimulator) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    slack.add_channel("C0OLD", is_archived=True)

    for channel, error in [("C0OLD", "is_archived"), ("C0NOWHERE", "channel_not_found")]:
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel=channel, text="hi")
        assert raised.value.response["error"] == error


async def test_a_bot_token_cannot_open_a_socket_mode_connection(slack: SlackSimulator) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)

    with pytest.raises(SlackApiError) as raised:
        await client.apps_connections_open(app_token=slack.bot_token)

    assert raised.value.response["error"] == "not_allowed_token_type"


# Block Kit limits


def button(**overrides: Any) -> dict[str, Any]:
    element = {"type": "button", "action_id": "save", "value": "v",
               "text": {"type": "plain_text", "text": "Save"}}
    return {**element, **overrides}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(count: int) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * count}


def actions(element: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": [element]}


@pytest.mark.parametrize(("at_limit", "over_limit"), [
    ([section("x" * 3000)], [section("x" * 3001)]),
    ([section("x")] * 50, [section("x")] * 51),
    ([context(10)], [context(11)]),
    ([actions(button(text={"type": "plain_text", "text": "x" * 75}))],
     [actions(button(text={"type": "plain_text", "text": "x" * 76}))]),
    ([actions(button(value="x" * 2000))], [actions(button(value="x" * 2001))]),
    ([actions(button(action_id="x" * 255))], [actions(button(action_id="x" * 256))]),
], ids=["section text", "blocks", "context elements", "button text", "button value",
        "action_id"])
def test_block_kit_limits_accept_the_limit_and_refuse_one_more(
        at_limit: list[dict[str, Any]], over_limit: list[dict[str, Any]]) -> None:
    assert block_kit_errors(at_limit) == []
    assert block_kit_errors(over_limit) != []


async def test_a_message_over_a_block_kit_limit_is_refused_with_invalid_blocks(
        slack: SlackSimulator) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel=slack.default_channel, text="long",
                                      blocks=[section("x" * 3001)])

    assert raised.value.response["error"] == "invalid_blocks"
    assert "[json-pointer:/blocks/0/text/text]" in raised.value.response["errors"][0]
    assert slack.calls("chat.postMessage")[0].error == "invalid_blocks"
    assert slack.messages() == []


# HTTP mode


async def test_a_signed_command_over_http_is_answered(
        slack: SlackSimulator, http_app_url: str) -> None:
    payload = slack.payloads.command("search diffusion")

    delivery = await slack.deliver_http(
        http_app_url, signed_command(payload, signing_secret=slack.signing_secret))
    answer = await slack.next_response(payload["response_url"])

    assert delivery.status == 200
    assert delivery.seconds < 3
    assert answer.body["text"] == "results for search diffusion"


async def test_signed_interactions_and_events_over_http_reach_the_app(
        slack: SlackSimulator, http_app_url: str, heard: Heard) -> None:
    message = slack.post_as_user("a paper")
    message.blocks = result_blocks("diffusion")
    press = signed_interaction(slack.payloads.block_actions(message, "save"),
                               signing_secret=slack.signing_secret)
    reaction = signed_event(slack.payloads.reaction(message), signing_secret=slack.signing_secret)

    assert (await slack.deliver_http(http_app_url, press)).status == 200
    assert (await slack.deliver_http(http_app_url, reaction)).status == 200
    await slack.wait_until(lambda: True if heard.reactions and heard.actions else None)
    assert heard.actions[0]["actions"][0]["value"] == PAPER_ID
    assert heard.reactions[0]["event"]["item"]["ts"] == message.ts


@pytest.mark.parametrize(("secret", "age"), [("not-the-secret", 0), (None, 301)],
                         ids=["bad signature", "stale timestamp"])
async def test_a_forged_or_stale_request_gets_401_and_runs_nothing(
        slack: SlackSimulator, http_app_url: str, secret: str | None, age: int) -> None:
    payload = slack.payloads.command("search diffusion")
    request = signed_command(payload, signing_secret=secret or slack.signing_secret,
                             timestamp=int(time.time()) - age)

    delivery = await slack.deliver_http(http_app_url, request)

    assert delivery.status == 401
    assert slack.responses() == []


# People and direct messages


async def test_users_info_knows_added_people_and_their_admin_rights(
        slack: SlackSimulator) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    slack.add_user("U0ADMIN", name="grace", is_admin=True)

    admin = await client.users_info(user="U0ADMIN")
    human = await client.users_info(user=slack.identity.user_id)
    with pytest.raises(SlackApiError) as raised:
        await client.users_info(user="U0STRANGER")

    assert (admin["user"]["name"], admin["user"]["is_admin"]) == ("grace", True)
    assert (human["user"]["name"], human["user"]["is_admin"]) == ("ada", False)
    assert raised.value.response["error"] == "user_not_found"


async def test_conversations_open_gives_a_dm_the_bot_can_post_and_upload_into(
        slack: SlackSimulator) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)

    opened = await client.conversations_open(users=slack.identity.user_id)
    dm = opened["channel"]["id"]
    again = await client.conversations_open(users=slack.identity.user_id)
    await client.chat_postMessage(channel=dm, text="just for you")
    await client.files_upload_v2(channel=dm, content="x", filename="a.bib")

    assert dm == again["channel"]["id"] == slack.direct_channel_id()
    assert [m.text for m in slack.direct_messages()] == ["just for you"]
    assert (await slack.wait_for_upload()).channels == (dm,)
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_open(users=slack.identity.bot_user_id)
    assert raised.value.response["error"] == "cannot_dm_bot"


async def test_with_several_connections_each_envelope_goes_to_one_of_them_in_turn(
        slack: SlackSimulator, heard: Heard) -> None:
    handlers = [AsyncSocketModeHandler(tiny_app(slack, heard), slack.app_token)
                for _ in range(3)]
    for handler in handlers:
        await handler.connect_async()
    try:
        numbers = await slack.wait_for_connections(3)
        acks = [await slack.send_command(f"search {n}") for n in range(6)]
        for ack in acks:
            await slack.next_response(ack)
    finally:
        for handler in handlers:
            await handler.close_async()

    assert [ack.connection for ack in acks] == numbers * 2  # one each, in turn
    assert len(heard.commands) == 6  # each delivered once, to one client
