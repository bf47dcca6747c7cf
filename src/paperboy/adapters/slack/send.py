"""Sending to Slack through the Web API: channel messages, ephemeral notes, files.

Slack's error codes become `PostFailed`: permanent when retrying cannot help (the
bot was removed, the channel archived, a scope or the token is missing), transient
otherwise. A 429 is retried inside slack_sdk (its rate-limit retry handler honours
Retry-After) before it ever reaches here.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.slack.blocks import SlackMessage
from paperboy.adapters.slack.escape import escape
from paperboy.core.ports import PostFailed
from paperboy.core.replies import FileReply, ImageReply

log = logging.getLogger(__name__)

# The bot is not in the channel (or cannot see it): inviting it fixes that.
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
PERMANENT_ERRORS = NOT_A_MEMBER | {
    "is_archived",
    "channel_is_archived",
    "missing_scope",
    "not_allowed_token_type",
    "account_inactive",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "token_expired",
    "no_permission",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "team_access_not_granted",
    "ekm_access_denied",
    "access_denied",
    "invalid_blocks",
    "invalid_blocks_format",
    "msg_too_long",
    "no_text",
    "user_not_found",
    "cannot_dm_bot",
}
_EXPLAINED = {
    "not_in_channel": "I am not in this channel",
    "channel_not_found": "I cannot see this channel",
    "is_archived": "the channel is archived",
    "channel_is_archived": "the channel is archived",
    "missing_scope": "the Slack app lacks a permission (scope)",
}


# A message's metadata names the attempt (its key), so a retry can tell whether an
# attempt whose answer was lost did post (see `SlackSender.find_posted`).
POST_EVENT = "paperboy_post"


class SlackPostFailed(PostFailed):
    """PostFailed that keeps Slack's error code, e.g. to hint "invite me"."""

    def __init__(
        self, message: str, *, code: str, permanent: bool, maybe_posted: bool = False
    ) -> None:
        super().__init__(message, permanent=permanent, maybe_posted=maybe_posted)
        self.code = code


def answer_lost(error: SlackApiError | aiohttp.ClientError | TimeoutError) -> bool:
    """Whether the call may have taken effect though it failed: its answer was lost (a
    timeout, a dropped connection) or Slack failed inside (5xx). Not when it never
    connected, nor when Slack refused it."""
    if isinstance(error, SlackApiError):
        return int(error.response.status_code) >= 500
    return not isinstance(error, aiohttp.ClientConnectorError)


def post_failed(error: SlackApiError | aiohttp.ClientError | TimeoutError) -> SlackPostFailed:
    if isinstance(error, SlackApiError):
        # An error page from a proxy in front of Slack has a text body, not JSON.
        body = error.response.data
        slack_code = body.get("error") if isinstance(body, dict) else None
        code = str(slack_code or f"http_{error.response.status_code}")
        permanent = code in PERMANENT_ERRORS and error.response.status_code != 429
        reason = _EXPLAINED.get(code, "Slack refused the message")
        return SlackPostFailed(f"{reason} ({code})", code=code, permanent=permanent)
    return SlackPostFailed(
        f"Slack could not be reached ({type(error).__name__})", code="unreachable", permanent=False
    )


class SlackSender:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(self, channel_id: str, message: SlackMessage, *, key: str | None = None) -> str:
        """Post into a channel; returns the message ts. Callers take the channel's turn
        first (core/publishing.py). `key` goes into the message's metadata.

        Raises SlackPostFailed (`maybe_posted` when its answer was lost)."""
        metadata = (
            None if key is None else {"event_type": POST_EVENT, "event_payload": {"key": key}}
        )
        try:
            response = await self.client.chat_postMessage(
                channel=channel_id,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
                metadata=metadata,
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            failed = post_failed(error)
            failed.maybe_posted = answer_lost(error)
            raise failed from error
        ts = response.get("ts")
        if not isinstance(ts, str) or not ts:
            raise SlackPostFailed("Slack gave no message id", code="no_ts", permanent=False)
        return ts

    async def find_posted(self, channel_id: str, key: str, *, since: float) -> str | None:
        """The ts of the message posted into the channel since `since` (epoch seconds)
        whose metadata carries `key`, or None. Raises SlackPostFailed (`maybe_posted`,
        permanent) when Slack cannot tell, e.g. without the channel's history scope."""
        try:
            found = await self.client.conversations_history(
                channel=channel_id, oldest=f"{since:.6f}", limit=200, include_all_metadata=True
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            code = post_failed(error).code
            raise SlackPostFailed(
                f"Slack may have posted this message already and cannot tell ({code}); "
                "not posted again",
                code="outcome_unknown",
                permanent=True,
                maybe_posted=True,
            ) from error
        for posted in found.get("messages") or []:
            meta = posted.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == POST_EVENT and payload.get("key") == key:
                ts = posted.get("ts")
                return ts if isinstance(ts, str) else None
        return None

    async def post_ephemeral(self, channel_id: str, user_id: str, message: SlackMessage) -> bool:
        """A message only `user_id` sees; False (logged) when Slack refuses it."""
        try:
            await self.client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=message.text, blocks=message.blocks
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.warning(
                "ephemeral note to %s in %s failed: %s", user_id, channel_id, post_failed(error)
            )
            return False
        return True

    async def send_file(self, user_id: str, file: FileReply) -> None:
        """Upload `file` into the bot's direct messages with `user_id` (private to them).

        Raises SlackPostFailed."""
        channel_id = await self.direct_channel(user_id)
        # Into the person's own direct messages: one file per command, nothing to pace.
        await self._upload(channel_id, file.content, filename=file.filename, comment=file.comment)

    async def direct_channel(self, user_id: str) -> str:
        """The id of the bot's direct messages with `user_id`. Raises SlackPostFailed."""
        try:
            opened = await self.client.conversations_open(users=user_id)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            raise post_failed(error) from error
        channel = opened.get("channel")
        channel_id = channel.get("id") if isinstance(channel, dict) else None
        if not isinstance(channel_id, str):
            raise SlackPostFailed(
                "Slack opened no direct message", code="no_channel", permanent=False
            )
        return channel_id

    async def upload_image(self, channel_id: str, image: ImageReply) -> None:
        """Upload a chart into a channel, with its summary as the comment and its alt
        text for screen readers (the caller takes the channel's turn). Raises
        SlackPostFailed."""
        await self._upload(
            channel_id,
            image.png,
            filename=image.filename,
            comment=image.summary,
            title=image.title,
            alt_text=image.alt_text,
        )

    async def _upload(
        self,
        channel_id: str,
        content: bytes,
        *,
        filename: str,
        comment: str,
        title: str = "",
        alt_text: str | None = None,
    ) -> None:
        """One file into a channel, `comment` posted with it as plain text."""
        try:
            await self.client.files_upload_v2(
                channel=channel_id,
                content=content,
                filename=filename,
                title=title or filename,
                initial_comment=escape(comment),
                alt_txt=alt_text,
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            raise post_failed(error) from error
