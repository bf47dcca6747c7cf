"""A digest's paper message: its snippet is made without holding up the event loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Paper, PostRef, Subscription, UserRef
from paperboy.digest.content import DigestContent
from paperboy.store import Store

DAY = date(2025, 3, 13)
ONE = timedelta(days=1)
WEEK_AGO = DAY - 7 * ONE
CHANNEL = ChannelRef("slack", "T1", "C1")


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


async def test_a_digest_draws_on_the_latest_featured_day_and_the_day_before(store: Store) -> None:
    """The Daily Papers list of a day keeps filling after the morning: a paper featured
    the day before the latest day still reaches the digest (ordered with the others by
    upvotes); one from two days before does not."""
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    papers = [
        Paper(id="2503.00001", title="Today", abstract="A.", featured=DAY, upvotes=5),
        Paper(id="2503.00002", title="Yesterday", abstract="B.", featured=DAY - ONE, upvotes=9),
        Paper(id="2503.00003", title="Older", abstract="C.", featured=DAY - 2 * ONE, upvotes=20),
    ]
    await library.add_papers(papers, at=datetime(2025, 3, 13, tzinfo=UTC))
    content = DigestContent(papers=store.papers, items=store.digest_items, topics=library)

    chosen = await content.choose(Subscription(CHANNEL, time(9, 0), "UTC"), DAY)

    assert [p.id for p in chosen] == ["2503.00002", "2503.00001"]


# The channel's people saved three of its posts, all on sparse attention kernels.
TEAM_SAVES = [
    Paper(id=f"2502.0010{n}", title=title, abstract="Sparse attention kernels.", featured=WEEK_AGO)
    for n, title in enumerate(
        ["Sparse attention kernels", "Block-sparse attention kernels", "Kernels, revisited"]
    )
]


def paper(
    paper_id: str, title: str, abstract: str, featured: date = DAY, upvotes: int = 0
) -> Paper:
    return Paper(id=paper_id, title=title, abstract=abstract, featured=featured, upvotes=upvotes)


async def team_ranked(
    store: Store, papers: list[Paper], *, saved: tuple[str, ...] = ()
) -> DigestContent:
    """A `rank:team` channel whose people saved TEAM_SAVES (and `saved`) from its posts."""
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers([*TEAM_SAVES, *papers], at=datetime(2025, 3, 13, tzinfo=UTC))
    at = datetime(2025, 3, 13, tzinfo=UTC)
    for number, paper_id in enumerate([*(p.id for p in TEAM_SAVES), *saved]):
        await store.posts.record(PostRef(CHANNEL, f"p{number}"), paper_id, at=at)
        await store.reading_lists.save(UserRef("slack", "T1", f"U{number}"), paper_id, at=at)
    await store.digest_ranks.put(CHANNEL, "team")
    return DigestContent(
        papers=store.papers,
        items=store.digest_items,
        topics=library,
        ranks=store.digest_ranks,
        posts=store.posts,
        taste=library,
    )


async def test_a_team_ranked_preview_puts_the_models_side_first_and_the_rest_by_upvotes(
    store: Store,
) -> None:
    """Only the papers the model places on the side of the team's saves (a decision
    above zero) go first. The others keep the upvote order together: those it places
    on the other side, one it knows nothing of (no word it learned from: exactly zero),
    and one it does not rank at all because the team saved it already (a preview
    shows papers already sent)."""
    papers = [
        paper("2503.00001", "Sparse attention kernels for video", "Sparse kernels.", DAY, 1),
        paper("2503.00002", "Web agents", "Browsing the web.", DAY, 9),
        paper("2503.00003", "Protein folding", "Structures.", DAY, 7),
        paper("2503.00004", "The", "", DAY, 5),
        paper("2503.00005", "Attention sinks", "Sparse attention kernels again.", DAY - ONE, 50),
    ]
    content = await team_ranked(store, papers, saved=("2503.00005",))

    chosen = await content.choose(Subscription(CHANNEL, time(9, 0), "UTC"), DAY, exclude=set())

    assert [p.id for p in chosen] == [
        "2503.00001",
        "2503.00005",
        "2503.00002",
        "2503.00003",
        "2503.00004",
    ]


async def test_a_team_ranking_orders_the_days_papers_however_many_older_ones_are_alike(
    store: Store,
) -> None:
    """Older papers like the team's saves, never saved, are not the digest's to rank:
    they must not push the day's papers out of the model's order."""
    older = [
        paper(
            f"2502.0020{n}", f"Sparse attention kernels {n}", "Sparse attention kernels.", WEEK_AGO
        )
        for n in range(5)
    ]
    papers = [
        paper("2503.00001", "Sparse attention kernels for video", "Sparse kernels.", DAY, 1),
        paper("2503.00002", "Web agents", "Browsing the web.", DAY, 9),
        paper("2503.00003", "Protein folding", "Structures.", DAY, 7),
    ]
    content = await team_ranked(store, [*older, *papers])

    chosen = await content.choose(Subscription(CHANNEL, time(9, 0), "UTC"), DAY)

    assert [p.id for p in chosen] == ["2503.00001", "2503.00002", "2503.00003"]
