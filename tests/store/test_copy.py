"""Copying a store into another (`paperboy migrate-store`), here between two SQLite files
in this process: every row arrives once, a batch at a time in key order with the
progress told, a copy stopped halfway is run again without a duplicate, and a table
whose counts differ afterwards is named."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from paperboy.core.models import Paper, UserRef
from paperboy.store import Store
from paperboy.store.copy import CopyProgress, CountMismatch, TableCopy, copy_store
from paperboy.store.schema import DATA_TABLES

ADA = UserRef("slack", "T1", "ada")
BOB = UserRef("slack", "T1", "bob")


def paper(n: int) -> Paper:
    return Paper(f"2503.0000{n}", f"Paper {n}", f"Abstract {n}.", featured=date(2025, 3, 13))


@pytest.fixture
async def source(tmp_path: Path, now: datetime) -> AsyncIterator[Store]:
    """Four papers, three saves (a key of four columns) and a follow."""
    async with await Store.open(tmp_path / "source.sqlite3") as store:
        await store.papers.upsert([paper(n) for n in (1, 2, 3, 4)], at=now)
        for user, n in ((ADA, 1), (ADA, 2), (BOB, 1)):
            await store.reading_lists.save(user, paper(n).id, at=now)
        await store.follows.add(ADA, "author", "Ada Lovelace", at=now)
        yield store


@pytest.fixture
async def target(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "target.sqlite3") as store:
        yield store


async def every_row(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        table.name: [
            tuple(row)
            for row in await store.db.fetchall(select(table).order_by(*table.primary_key.columns))
        ]
        for table in DATA_TABLES
    }


def counts(copies: list[TableCopy]) -> dict[str, tuple[int, int, int]]:
    return {c.table: (c.source_rows, c.copied, c.target_rows) for c in copies if c.source_rows}


async def test_every_row_is_copied_a_batch_at_a_time_and_each_table_counted(
    source: Store, target: Store
) -> None:
    seen: list[CopyProgress] = []

    copies = await copy_store(source.db, target.db, batch=2, on_progress=seen.append)

    assert await every_row(target) == await every_row(source)
    assert [c.table for c in copies] == [table.name for table in DATA_TABLES]
    assert all(c.matches for c in copies)
    assert counts(copies) == {
        "papers": (4, 4, 4),
        "saved_papers": (3, 3, 3),
        "follows": (1, 1, 1),
    }
    assert [(p.rows_done, p.rows_total, p.table) for p in seen] == [
        (2, 8, "papers"),
        (4, 8, "papers"),
        (6, 8, "saved_papers"),
        (7, 8, "saved_papers"),
        (8, 8, "follows"),
    ]


async def test_a_copy_with_batches_larger_than_a_table_tells_no_progress_when_not_asked(
    source: Store, target: Store
) -> None:
    copies = await copy_store(source.db, target.db)

    assert counts(copies) == {
        "papers": (4, 4, 4),
        "saved_papers": (3, 3, 3),
        "follows": (1, 1, 1),
    }
    assert await every_row(target) == await every_row(source)


async def test_a_copy_stopped_halfway_is_run_again_and_finishes_without_duplicates(
    source: Store, target: Store
) -> None:
    class Interrupted(Exception):
        pass

    def stop_in_the_saves(progress: CopyProgress) -> None:
        if progress.table == "saved_papers":
            raise Interrupted

    with pytest.raises(Interrupted):
        await copy_store(source.db, target.db, batch=2, on_progress=stop_in_the_saves)
    halfway = await every_row(target)
    assert len(halfway["papers"]) == 4
    assert len(halfway["saved_papers"]) == 2
    assert halfway["follows"] == []

    copies = await copy_store(source.db, target.db, batch=3)

    assert await every_row(target) == await every_row(source)
    assert counts(copies) == {
        "papers": (4, 4, 4),
        "saved_papers": (3, 3, 3),
        "follows": (1, 1, 1),
    }


async def test_a_table_whose_counts_differ_after_the_copy_is_named_with_both_counts(
    source: Store, target: Store, now: datetime
) -> None:
    # The target already held two ingested days and a lease the source does not have.
    await source.ingest_log.mark_done(date(2025, 3, 13), papers=4, at=now)
    for day in (date(2025, 3, 12), date(2025, 3, 14)):
        await target.ingest_log.mark_done(day, papers=1, at=now)
    await target.leases.try_acquire("ingest", "replica-2", now=now, ttl=timedelta(minutes=5))

    with pytest.raises(CountMismatch) as mismatch:
        await copy_store(source.db, target.db, batch=3)

    # The first table in copy order whose counts differ.
    assert str(mismatch.value) == "ingest_days: 1 row in the source, 3 in the target"
    assert mismatch.value.copy == TableCopy("ingest_days", 1, 1, 3)
    # Every table was copied before the counts were compared.
    assert len((await every_row(target))["follows"]) == 1

    async with target.db.transaction() as conn:
        await conn.exec_driver_sql("DELETE FROM ingest_days WHERE day != '2025-03-13'")
    with pytest.raises(CountMismatch) as mismatch:
        await copy_store(source.db, target.db)

    assert str(mismatch.value) == "leases: 0 rows in the source, 1 in the target"


async def test_a_store_copied_into_keeps_numbering_its_rows_after_the_copied_ones(
    source: Store, target: Store, now: datetime
) -> None:
    await copy_store(source.db, target.db)

    assert await target.follows.add(BOB, "words", "analytical engine", at=now + timedelta(1))

    assert [f.id for f in await target.follows.of(BOB)] == [2]
