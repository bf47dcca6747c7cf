"""Slack's send side, built before the adapter: the Web API client and the Publisher's poster.

The core's Publisher posts digests and public answers through `SlackPoster`
(render, send, return the message's ts); the adapter that receives commands
shares the same client, so one HTTP session and one rate-limit retry serve both.
"""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.slack.render import render
from paperboy.adapters.slack.send import SlackPostFailed, SlackSender
from paperboy.core.models import ChannelRef, Platform, UserRef
from paperboy.core.replies import Reply

RATE_LIMIT_RETRIES = 3


def web_client(*, token: str, api_url: str) -> AsyncWebClient:
    """A Web API client for `api_url` that waits out 429s (Retry-After) a few times."""
    # slack_sdk joins method names onto the base URL, which must end in "/".
    base_url = api_url if api_url.endswith("/") else api_url + "/"
    client = AsyncWebClient(token=token, base_url=base_url)
    client.retry_handlers.append(
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
    )
    return client


class SlackPoster:
    """ChannelPoster: one message into a Slack channel; returns its ts (the publisher paces).

    Raises PostFailed, permanent when the channel is gone or closed to the bot."""

    platform = Platform.SLACK.value
    paced = True

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client  # the adapter's too: one session, one retry policy
        self._sender = SlackSender(client)

    async def post(self, channel: ChannelRef, reply: Reply) -> str:
        if channel.platform != self.platform:
            raise SlackPostFailed(
                f"{channel} is not a Slack channel", code="wrong_platform", permanent=True
            )
        return await self._sender.post(channel.channel, render(reply))

    async def direct_channel(self, user: UserRef) -> ChannelRef:
        """The bot's direct messages with a person (`conversations.open`)."""
        if user.platform != self.platform:
            raise SlackPostFailed(f"{user} is not on Slack", code="wrong_platform", permanent=True)
        return ChannelRef(
            self.platform, user.workspace, await self._sender.direct_channel(user.user)
        )
