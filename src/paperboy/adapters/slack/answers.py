"""Delivering a core reply to the person who asked, the way Slack allows.

Most answers go to the command's (or button's) response URL, ephemeral unless
the core says otherwise. A public `show` is posted with chat.postMessage, so its
ts is known; the publisher records it, so reactions on it save the paper. If the bot is not
in the channel, the user gets the paper ephemerally with a hint to invite it. An
export is uploaded into the user's direct messages, never into the channel; a
`trend` chart is uploaded into the channel, where the question was asked.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.webhook.async_client import AsyncWebhookClient
from slack_sdk.webhook.webhook_response import WebhookResponse

from paperboy.adapters.slack.blocks import MAX_BLOCKS, SlackMessage, context
from paperboy.adapters.slack.escape import rich
from paperboy.adapters.slack.render import render
from paperboy.adapters.slack.send import NOT_A_MEMBER, SlackPostFailed, SlackSender
from paperboy.core.models import Context
from paperboy.core.publishing import Publisher
from paperboy.core.replies import (
    SOMETHING_WENT_WRONG,
    FileReply,
    ImageReply,
    Notice,
    PaperPost,
    Reply,
)
from paperboy.core.rich import Rich, code, text

log = logging.getLogger(__name__)


class Answers:
    def __init__(self, publisher: Publisher, sender: SlackSender, *, bot_mention: str) -> None:
        self.publisher = publisher
        self.sender = sender
        self.bot_mention = bot_mention  # "@paperboy", for the "invite me" hint

    async def send(self, reply: Reply, context: Context, respond: AsyncRespond) -> None:
        if isinstance(reply, PaperPost) and not reply.ephemeral:
            await self._post_in_channel(reply, context, respond)
        elif isinstance(reply, FileReply):
            await self._send_file(reply, context, respond)
        elif isinstance(reply, ImageReply):
            await self._upload_image(reply, context, respond)
        else:
            await self.respond(respond, render(reply), in_channel=not reply.ephemeral)

    async def respond(
        self, respond: AsyncRespond, message: SlackMessage, *, in_channel: bool = False
    ) -> None:
        """Answer at the response URL; if Slack refuses the blocks, answer in plain text."""
        response_type = "in_channel" if in_channel else "ephemeral"
        answer = await self._to_response_url(
            respond,
            {
                "text": message.text,
                "blocks": message.blocks,
                "response_type": response_type,
                "replace_original": False,
                "unfurl_links": False,
                "unfurl_media": False,
            },
        )
        if answer.status_code != 200:
            log.error(
                "Slack refused an answer (%s %s); sending its text alone",
                answer.status_code,
                answer.body,
            )
            await self._to_response_url(
                respond,
                {"text": message.text, "response_type": response_type, "replace_original": False},
            )

    async def _to_response_url(
        self, respond: AsyncRespond, message: dict[str, Any]
    ) -> WebhookResponse:
        """POST to the response URL through the adapter's one HTTP session: bolt's own
        `respond` opens and closes a connection for every answer, which under load
        cost the event loop more than rendering the answer did."""
        if respond.response_url is None:
            raise ValueError("this event has no response URL to answer at")
        client = AsyncWebhookClient(url=respond.response_url, session=self.sender.client.session)
        return await client.send_dict(message)

    async def apologise(self, respond: AsyncRespond) -> None:
        try:
            await self.respond(respond, render(SOMETHING_WENT_WRONG))
        except Exception:
            log.exception("could not even apologise")

    async def _post_in_channel(
        self, reply: PaperPost, context: Context, respond: AsyncRespond
    ) -> None:
        try:
            await self.publisher.publish(context.channel, reply)
        except SlackPostFailed as error:
            message = render(reply)
            if error.code in NOT_A_MEMBER:
                note = text(
                    "I am not in this channel, so only you see this. Invite me with ",
                    code(f"/invite {self.bot_mention}"),
                    ".",
                )
            else:
                note = text(f"I could not post this here ({error}), so only you see it.")
            await self.respond(respond, with_note(message, note))

    async def _send_file(self, reply: FileReply, context: Context, respond: AsyncRespond) -> None:
        try:
            await self.sender.send_file(context.user.user, reply)
        except SlackPostFailed as error:
            log.warning("sending %s to %s failed: %s", reply.filename, context.user, error)
            failed = Notice(f"I could not send you {reply.filename} ({error}).", error=True)
            await self.respond(respond, render(failed))
            return
        sent = Notice(f"{reply.comment} I sent it to you as a direct message.")
        await self.respond(respond, render(sent))

    async def _upload_image(
        self, reply: ImageReply, context: Context, respond: AsyncRespond
    ) -> None:
        """The chart goes into the channel (or, when it is for the asker alone, into
        their direct messages); if it cannot, the asker gets its summary."""
        try:
            if reply.ephemeral:
                where = await self.sender.direct_channel(context.user.user)
                await self.sender.upload_image(where, reply)
            else:
                # A post into the channel like any other: it takes the channel's turn.
                async with self.publisher.turn(context.channel):
                    await self.sender.upload_image(context.channel.channel, reply)
        except SlackPostFailed as error:
            log.warning("uploading %s to %s failed: %s", reply.filename, context.channel, error)
            if error.code in NOT_A_MEMBER:
                why = text(
                    "I am not in this channel; invite me with ",
                    code(f"/invite {self.bot_mention}"),
                )
            else:
                why = text(f"Slack refused it ({error.code})")
            note = Notice(text(f"{reply.summary}\nI could not post the chart here: ", why, "."))
            await self.respond(respond, render(note))


def with_note(message: SlackMessage, note: Rich) -> SlackMessage:
    """`message` with a context line at the end (dropping a block if it was full)."""
    blocks = message.blocks[: MAX_BLOCKS - 1]
    return SlackMessage(message.text, [*blocks, context(rich(note))])
