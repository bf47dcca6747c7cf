"""Posting into channels: the one place that posts a reply and records message → paper.

Every message the bot posts into a channel goes through the `Publisher`: a digest's
header and papers, a `digest` preview, a public `show`. It takes the channel's turn
(core/pacing.py), posts through the platform's `ChannelPoster` (the adapter only
renders and sends, and returns the message id) and, when the message shows one
paper, records which, so a reaction on it saves that paper. An adapter that answers
in a channel its own way (Discord answers an interaction; the console numbers each
card of a list) tells the publisher what it showed with `shown`.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from types import MappingProxyType
from typing import Protocol

from paperboy.core.models import ChannelRef, PostRef, UserRef
from paperboy.core.pacing import PostPacing, Stopped
from paperboy.core.ports import ChannelPoster, Clock, PostFailed, PostLog
from paperboy.core.replies import PaperPost, Reply

__all__ = ["Publisher", "Send", "Stopped"]


# Posts one reply into the channel whose turn is held; returns the message id. The
# same `key` at each retry of one message (see ChannelPoster); None: a new one.
class Send(Protocol):
    def __call__(self, reply: Reply, *, key: str | None = None) -> Awaitable[str]: ...


def post_key() -> str:
    """A new message's key (20 characters: within Discord's 25 for a nonce)."""
    return secrets.token_hex(10)


class Publisher:
    """Posts into the channels of the platforms whose posters it is built with; a
    channel of any other platform cannot be posted to (`reaches`).

    The posters are the send side of each platform (built before the adapters that
    receive commands), so the composition root builds this once, complete."""

    def __init__(
        self,
        *,
        posts: PostLog,
        clock: Clock,
        pacing: PostPacing,
        posters: Iterable[ChannelPoster] = (),
    ) -> None:
        self._posts = posts
        self._clock = clock
        self.pacing = pacing
        self._posters = MappingProxyType({poster.platform: poster for poster in posters})

    def reaches(self, platform: str) -> bool:
        return platform in self._posters

    async def direct_channel(self, user: UserRef) -> ChannelRef:
        """The person's direct-message channel on their platform, posted into like any
        channel (paced, recorded). Raises PostFailed as `publish`."""
        found = self._posters.get(user.platform)
        if found is None:
            raise PostFailed(f"the {user.platform} adapter is not running", permanent=True)
        return await found.direct_channel(user)

    async def publish(
        self,
        channel: ChannelRef,
        reply: Reply,
        *,
        stop: asyncio.Event | None = None,
        key: str | None = None,
    ) -> str:
        """Post `reply` into `channel` at its turn; its message id.

        Raises PostFailed (permanent when the platform is not connected), or
        `Stopped` when `stop` is set before the message went out."""
        async with self.turn(channel, stop=stop) as send:
            return await send(reply, key=key)

    @asynccontextmanager
    async def turn(
        self, channel: ChannelRef, *, stop: asyncio.Event | None = None
    ) -> AsyncIterator[Send]:
        """Hold the channel's turn, and post in it with the `Send` given.

        For a caller that must write something down once its turn has come and just
        before the message goes out (the digest marks a paper as being posted), so a
        process killed while waiting leaves nothing half done. Raises as `publish`."""
        poster = self._posters.get(channel.platform)
        if poster is None:
            raise PostFailed(f"the {channel.platform} adapter is not running", permanent=True)

        async def send(reply: Reply, *, key: str | None = None) -> str:
            message_id = await poster.post(channel, reply, key=key or post_key())
            if isinstance(reply, PaperPost):
                await self.shown(PostRef(channel, message_id), reply.card.paper.id)
            return message_id

        if not poster.paced:
            if stop is not None and stop.is_set():
                raise Stopped
            yield send
            return
        async with self.pacing.turn(channel, stop=stop):
            yield send

    async def shown(self, post: PostRef, paper_id: str) -> None:
        """Record that a message the adapter sent itself shows `paper_id`."""
        await self._posts.record(post, paper_id, at=self._clock())
