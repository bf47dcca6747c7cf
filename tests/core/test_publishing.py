"""The Publisher: every post into a channel, paced, and recorded when it shows a paper."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import pytest

from paperboy.core.models import ChannelRef, Paper, PostRef, UserRef
from paperboy.core.pacing import PostPacing
from paperboy.core.ports import PostFailed
from paperboy.core.publishing import Publisher, Stopped
from paperboy.core.replies import Card, Notice, PaperPost, Reply
from paperboy.store import Store

CHANNEL = ChannelRef("discord", "1", "2")
PAPER = Paper(id="2503.00001", title="A paper", abstract="About things.")


class Poster:
    platform = "discord"
    paced = True

    def __init__(self) -> None:
        self.sent: list[Reply] = []
        self.keys: list[str] = []

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
        self.sent.append(reply)
        self.keys.append(key)
        return f"m{len(self.sent)}"


def publisher(
    store: Store, clock: Callable[[], datetime], *posters: Poster, **pacing: float
) -> Publisher:
    paces = PostPacing(channel_interval=pacing.get("interval", 0.0), rate=pacing.get("rate", 0.0))
    return Publisher(posts=store.posts, clock=clock, pacing=paces, posters=posters)


async def test_a_paper_posted_is_recorded_so_a_reaction_names_it_and_a_notice_is_not(
    store: Store, clock: Callable[[], datetime]
) -> None:
    await store.papers.upsert([PAPER], at=clock())
    poster = Poster()
    out = publisher(store, clock, poster)

    header = await out.publish(CHANNEL, Notice("Trending papers", ephemeral=False))
    paper = await out.publish(CHANNEL, PaperPost(Card(PAPER)))

    assert await store.posts.paper_for(PostRef(CHANNEL, paper)) == PAPER.id
    assert await store.posts.paper_for(PostRef(CHANNEL, header)) is None
    assert len(poster.sent) == 2


async def test_a_platform_not_connected_is_a_permanent_failure(
    store: Store, clock: Callable[[], datetime]
) -> None:
    out = publisher(store, clock)
    assert not out.reaches("discord")
    with pytest.raises(PostFailed) as failed:
        await out.publish(CHANNEL, Notice("hello", ephemeral=False))
    assert failed.value.permanent


async def test_a_direct_message_on_a_platform_not_connected_is_a_permanent_failure(
    store: Store, clock: Callable[[], datetime]
) -> None:
    out = publisher(store, clock)
    with pytest.raises(PostFailed) as no_dm:
        await out.direct_channel(UserRef("discord", "1", "ada"))
    assert no_dm.value.permanent
    assert str(no_dm.value) == "the discord adapter is not running"


async def test_a_stop_while_waiting_for_the_channels_turn_posts_nothing(
    store: Store, clock: Callable[[], datetime]
) -> None:
    poster = Poster()
    out = publisher(store, clock, poster, interval=60.0)
    await out.publish(CHANNEL, Notice("first", ephemeral=False))
    stop = asyncio.Event()
    waiting = asyncio.create_task(out.publish(CHANNEL, PaperPost(Card(PAPER)), stop=stop))
    await asyncio.sleep(0)
    stop.set()
    with pytest.raises(Stopped):
        await waiting
    assert len(poster.sent) == 1


async def test_a_retry_keeps_its_key_and_a_new_message_gets_one_discord_accepts(
    store: Store, clock: Callable[[], datetime]
) -> None:
    """The key is a Discord nonce (at most 25 characters) and, at a retry of one
    message, the same key (so a message that did land is not posted twice)."""
    poster = Poster()
    out = publisher(store, clock, poster)
    await out.publish(CHANNEL, Notice("first", ephemeral=False), key="retry-of-first")
    await out.publish(CHANNEL, Notice("second", ephemeral=False))
    await out.publish(CHANNEL, Notice("third", ephemeral=False))
    assert poster.keys[0] == "retry-of-first"
    second, third = poster.keys[1:]
    assert second != third
    assert all(0 < len(key) <= 25 for key in (second, third))


def test_a_post_failure_is_worth_retrying_and_was_not_posted_unless_it_says_so() -> None:
    """The port's contract with the adapters: a plain `PostFailed` (a timeout, say) is
    tried again, and is not counted as posted (the digest runner reads both)."""
    failed = PostFailed("Slack timed out")
    assert (str(failed), failed.permanent, failed.maybe_posted) == ("Slack timed out", False, False)
