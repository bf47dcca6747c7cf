"""The papers' change log: every write that changes a paper takes the next sequence,
whichever process made it, and a reader after sequence n gets exactly what changed
since (the `PaperChanges` contract the search index follows)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from paperboy.core.models import Paper
from paperboy.store import Store

PAPER = Paper(id="2403.12345", title="A Paper", abstract="An abstract.", upvotes=10)
OTHER = Paper(id="2403.54321", title="Another", abstract="More words.")


async def test_each_insert_and_each_real_change_takes_the_next_sequence(
    store: Store, now: datetime
) -> None:
    assert await store.changes.latest_change() == 0
    assert await store.changes.changes_since(0, limit=10) == []
    await store.papers.upsert([PAPER, OTHER], at=now)
    first = await store.changes.changes_since(0, limit=10)
    assert [paper.id for _, paper in first] == [PAPER.id, OTHER.id]
    assert first[0][0] < first[1][0] == await store.changes.latest_change()

    seen = await store.changes.latest_change()
    await store.papers.upsert([PAPER, OTHER], at=now)  # the same again: no change
    assert await store.changes.changes_since(seen, limit=10) == []
    assert await store.changes.latest_change() == seen

    # Upvotes alone are a change too: the index filters on them.
    await store.papers.upsert([dataclasses.replace(PAPER, upvotes=50)], at=now)
    [(sequence, paper)] = await store.changes.changes_since(seen, limit=10)
    assert sequence > seen
    assert (paper.id, paper.upvotes, paper.abstract) == (PAPER.id, 50, PAPER.abstract)  # as stored


async def test_a_paper_changed_twice_comes_once_at_its_last_change(
    store: Store, now: datetime
) -> None:
    await store.papers.upsert([PAPER, OTHER], at=now)
    await store.papers.upsert([dataclasses.replace(PAPER, abstract="Revised.")], at=now)
    changes = await store.changes.changes_since(0, limit=10)
    assert [(paper.id, paper.abstract) for _, paper in changes] == [
        (OTHER.id, OTHER.abstract),
        (PAPER.id, "Revised."),
    ]
    assert [s for s, _ in changes] == sorted(s for s, _ in changes)
    assert await store.changes.changes_since(0, limit=1) == changes[:1]


async def test_writes_by_another_connection_are_seen_in_order(
    tmp_path: Path, now: datetime
) -> None:
    """Two processes on one file: each reader sees the other's writes after its sequence."""
    path = tmp_path / "shared.sqlite3"
    async with await Store.open(path) as bot, await Store.open(path) as cli:
        await bot.papers.upsert([PAPER], at=now)
        seen = await bot.changes.latest_change()
        await cli.papers.upsert([OTHER], at=now)
        assert [p.id for _, p in await bot.changes.changes_since(seen, limit=10)] == [OTHER.id]
