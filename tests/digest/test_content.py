"""A digest's paper message: its snippet is made without holding up the event loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time

from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Paper, Subscription
from paperboy.digest.content import DigestContent
from paperboy.store import Store

DAY = date(2025, 3, 13)


async def test_a_long_abstracts_snippet_is_made_while_the_loop_serves_others(
    store: Store,
) -> None:
    """Tokenizing an abstract is search work: for a long one (50,000 characters from a
    source, more in rows stored before that bound) the loop must stay free meanwhile."""
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    abstract = ("Sparse routing of experts. " * 2_000)[:50_000]  # as long as a source may send
    paper = Paper(id="2503.00001", title="Long", abstract=abstract, featured=DAY)
    await library.add_papers([paper], at=datetime(2025, 3, 13, tzinfo=UTC))
    subscription = Subscription(
        ChannelRef("slack", "T1", "C1"), time(9, 0), "UTC", topics="routing"
    )
    ticks = 0

    async def other_work() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_work())
    await asyncio.sleep(0)
    try:
        before = ticks
        post = await DigestContent(
            papers=store.papers, items=store.digest_items, topics=library
        ).paper_post(paper, subscription)
        during = ticks - before
    finally:
        other.cancel()
    assert any(marked and text == "routing" for text, marked in post.card.snippet)
    assert during > 0


async def test_topics_keep_only_the_papers_that_mention_them(store: Store) -> None:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    papers = [
        Paper(id="2503.00001", title="Diffusion for video", abstract="Frames.", featured=DAY),
        Paper(id="2503.00002", title="Agents", abstract="Web browsing.", featured=DAY, upvotes=9),
        Paper(id="2503.00003", title="Policies", abstract="Diffusion for robots.", featured=DAY),
    ]
    await library.add_papers(papers, at=datetime(2025, 3, 13, tzinfo=UTC))
    content = DigestContent(papers=store.papers, items=store.digest_items, topics=library)
    channel = ChannelRef("slack", "T1", "C1")

    chosen = await content.choose(Subscription(channel, time(9, 0), "UTC", topics="diffusion"), DAY)

    assert sorted(p.id for p in chosen) == ["2503.00001", "2503.00003"]
    # Without the store of orders (rank:team not set up), every digest is by upvotes.
    assert await content.rank(channel) == "votes"
    assert await content.team_saves(channel) == []
