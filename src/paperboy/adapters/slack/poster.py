"""Slack's send side, built before the adapter: the Web API client and the Publisher's poster.

The core's Publisher posts digests and public answers through `SlackPoster`
(render, send, return the message's ts); the adapter that receives commands
shares the same client, so one HTTP session and one rate-limit retry serve both.
"""

from __future__ import annotations

import logging
import time

import aiohttp
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.slack.installations import SlackInstallations
from paperboy.adapters.slack.render import render
from paperboy.adapters.slack.send import SlackPostFailed, SlackSender
from paperboy.core.models import ChannelRef, Platform, UserRef
from paperboy.core.replies import Reply

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3
# A lost answer's key is kept this long at most (the caller's retries come within it)...
_UNSURE_LIMIT = 1000
# ... and the channel is searched from this long before its first attempt (clock skew).
_SKEW_SECONDS = 60.0


class NoRetryOfPosts(AsyncConnectionErrorRetryHandler):
    """slack_sdk's retry of a call whose connection failed, except for a post: that one
    may have been posted all the same, and a blind retry would post it twice. Posts are
    retried by the caller, who looks first (`SlackPoster.post`)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.rstrip("/").endswith(NOT_IDEMPOTENT):
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


NOT_IDEMPOTENT = ("chat.postMessage", "chat.postEphemeral", "files.completeUploadExternal")


def web_client(*, token: str, api_url: str) -> AsyncWebClient:
    """A Web API client for `api_url` that waits out 429s (Retry-After) a few times
    (without a token when `token` is empty: OAuth distribution)."""
    # slack_sdk joins method names onto the base URL, which must end in "/".
    base_url = api_url if api_url.endswith("/") else api_url + "/"
    return AsyncWebClient(
        token=token or None,
        base_url=base_url,
        retry_handlers=[
            NoRetryOfPosts(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def with_token(client: AsyncWebClient, token: str) -> AsyncWebClient:
    """`client` acting with `token`: the same session, base URL and retries."""
    return AsyncWebClient(
        token=token,
        base_url=client.base_url,
        timeout=client.timeout,
        session=client.session,
        retry_handlers=client.retry_handlers,
        logger=client.logger,
    )


class SlackPoster:
    """ChannelPoster: one message into a Slack channel; returns its ts (the publisher paces).

    Raises PostFailed, permanent when the channel is gone or closed to the bot, or its
    workspace has no installation (OAuth distribution: `installations` gives each
    workspace's token)."""

    platform = Platform.SLACK.value
    paced = True

    def __init__(
        self, client: AsyncWebClient, *, installations: SlackInstallations | None = None
    ) -> None:
        self.client = client  # the adapter's too: one session, one retry policy
        self.installations = installations
        self._sender = SlackSender(client)
        # Keys of posts whose answer was lost, and when their first attempt went out:
        # before posting one again, look whether it is there (Slack has no nonce).
        self._unsure: dict[str, float] = {}

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str | None = None) -> str:
        """Post; for a `key` whose earlier attempt's answer was lost, first look for that
        message in the channel (by its metadata) and return it if it is there."""
        if channel.platform != self.platform:
            raise SlackPostFailed(
                f"{channel} is not a Slack channel", code="wrong_platform", permanent=True
            )
        sender = await self._sender_for(channel.workspace, channel.channel)
        since = self._unsure.pop(key, None) if key is not None else None
        if key is not None and since is not None:
            found = await sender.find_posted(channel.channel, key, since=since - _SKEW_SECONDS)
            if found is not None:
                log.info(
                    "Slack: a message whose answer was lost is in %s: not posting it again",
                    channel.channel,
                )
                return found
        first_attempt = since if since is not None else time.time()
        try:
            return await sender.post(channel.channel, render(reply), key=key)
        except SlackPostFailed as error:
            if error.maybe_posted and key is not None:
                self._remember_unsure(key, first_attempt)
            raise

    def _remember_unsure(self, key: str, first_attempt: float) -> None:
        if len(self._unsure) >= _UNSURE_LIMIT:
            del self._unsure[next(iter(self._unsure))]
        self._unsure[key] = first_attempt

    async def direct_channel(self, user: UserRef) -> ChannelRef:
        """The bot's direct messages with a person (`conversations.open`)."""
        if user.platform != self.platform:
            raise SlackPostFailed(f"{user} is not on Slack", code="wrong_platform", permanent=True)
        sender = await self._sender_for(user.workspace, "a direct message")
        return ChannelRef(self.platform, user.workspace, await sender.direct_channel(user.user))

    async def _sender_for(self, workspace: str, where: str) -> SlackSender:
        """The one token's sender; in OAuth distribution, the workspace's installation's."""
        if self.installations is None:
            return self._sender
        return SlackSender(with_token(self.client, await self._token_for(workspace, where)))

    async def _token_for(self, workspace: str, where: str) -> str:
        assert self.installations is not None
        try:
            token = await self.installations.bot_token(workspace)
        except SlackTokenRotationError as error:
            code = error.api_error.response.get("error")
            raise SlackPostFailed(
                f"Slack refused to rotate the workspace's token ({code})",
                code="token_rotation_failed",
                permanent=False,
            ) from None
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            raise SlackPostFailed(
                f"Slack could not rotate the workspace's token ({type(error).__name__})",
                code="token_rotation_failed",
                permanent=False,
            ) from None
        if token is None:
            log.warning(
                "Slack: workspace %s has no installation: not posting into %s", workspace, where
            )
            raise SlackPostFailed(
                "paperboy is not installed in this workspace", code="not_installed", permanent=True
            )
        return token
