"""Reads and writes at the same time: reads never queue behind writes, yet a lookup of
something being written right now still finds it."""

from __future__ import annotations

import asyncio
from datetime import datetime

from paperboy.core.models import ChannelRef, Paper, PostRef
from paperboy.store import Store

POST = PostRef(ChannelRef("slack", "T1", "C1"), "1700000000.000100")


async def test_a_read_is_answered_while_a_write_is_in_progress(
    store: Store, sample_papers: list[Paper], now: datetime
) -> None:
    await store.papers.upsert(sample_papers[:3], at=now)
    await store.posts.record(POST, sample_papers[0].id, at=now)
    async with store.db.transaction():  # e.g. a digest recording what it posted
        paper = await asyncio.wait_for(store.papers.get(sample_papers[0].id), 2.0)
        assert paper is not None
        assert paper.title == sample_papers[0].title
        # A reaction on a post already recorded: found at once, not behind the write.
        shown = await asyncio.wait_for(store.posts.paper_for(POST), 2.0)
        assert shown == sample_papers[0].id


async def test_a_read_sees_a_write_that_finished_before_it(
    store: Store, sample_papers: list[Paper], now: datetime
) -> None:
    await store.papers.upsert(sample_papers[:1], at=now)
    await store.posts.record(POST, sample_papers[0].id, at=now)
    assert await store.posts.paper_for(POST) == sample_papers[0].id


async def test_a_reaction_lookup_during_the_posts_recording_finds_the_paper(
    store: Store, sample_papers: list[Paper], now: datetime
) -> None:
    """The message was posted and someone reacted at once, while the store was still
    busy: the lookup waits for the recording instead of calling it no paper post."""
    await store.papers.upsert(sample_papers[:1], at=now)
    async with store.db.transaction():  # the store is busy with another write
        recording = asyncio.create_task(store.posts.record(POST, sample_papers[0].id, at=now))
        await asyncio.sleep(0)
        lookup = asyncio.create_task(store.posts.paper_for(POST))
        await asyncio.sleep(0.05)
        assert not lookup.done()
    await recording
    assert await lookup == sample_papers[0].id


async def test_a_lookup_of_a_message_that_shows_no_paper_finds_none(store: Store) -> None:
    assert await store.posts.paper_for(POST) is None
