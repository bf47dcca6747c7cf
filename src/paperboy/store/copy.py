"""Copy every table of one store into another (`paperboy migrate-store`): SQLite to
PostgreSQL, or any direction.

Each table is read in primary-key order, a batch at a time, and written with INSERT …
ON CONFLICT DO NOTHING, one transaction a batch: a copy that was interrupted is
simply run again, and continues without duplicating a row (the rows already there
stay as they are). After the copy each table's rows are counted on both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select, text, tuple_

from paperboy.store.database import AnyRow, Database
from paperboy.store.schema import DATA_TABLES, NUMBERED_TABLES

BATCH = 1000


@dataclass(frozen=True, slots=True)
class TableCopy:
    """One table: rows in the source, rows copied so far, rows in the target."""

    table: str
    source_rows: int
    copied: int = 0
    target_rows: int = 0

    @property
    def matches(self) -> bool:
        return self.source_rows == self.target_rows


@dataclass(frozen=True, slots=True)
class CopyProgress:
    rows_done: int
    rows_total: int
    table: str


class CountMismatch(Exception):
    """After the copy a table has other counts in the two stores; names the table."""

    def __init__(self, copy: TableCopy) -> None:
        rows = "row" if copy.source_rows == 1 else "rows"
        super().__init__(
            f"{copy.table}: {copy.source_rows:,} {rows} in the source, "
            f"{copy.target_rows:,} in the target"
        )
        self.copy = copy


async def count_rows(db: Database, table: Table) -> int:
    row = await db.fetchone(select(func.count()).select_from(table))
    return int(row[0]) if row else 0


async def copy_store(
    source: Database,
    target: Database,
    *,
    batch: int = BATCH,
    on_progress: Callable[[CopyProgress], None] | None = None,
) -> list[TableCopy]:
    """Copy every table, then count; raises CountMismatch for the first table whose
    counts differ. Returns each table's counts, in copy order."""
    totals = {table.name: await count_rows(source, table) for table in DATA_TABLES}
    rows_total = sum(totals.values())
    done = 0
    copies = []
    for table in DATA_TABLES:
        copied = 0
        async for rows in _batches(source, table, batch):
            async with target.transaction() as conn:
                await conn.execute(
                    target.insert(table).on_conflict_do_nothing(),
                    [dict(row._mapping) for row in rows],
                )
            copied += len(rows)
            done += len(rows)
            if on_progress is not None:
                on_progress(CopyProgress(done, rows_total, table.name))
        copies.append(
            TableCopy(table.name, totals[table.name], copied, await count_rows(target, table))
        )
    await _renumber(target)
    for copy in copies:
        if not copy.matches:
            raise CountMismatch(copy)
    return copies


async def _renumber(target: Database) -> None:
    """PostgreSQL numbers new rows from a sequence that the copied keys did not move:
    start it after the largest key, or the next installation would collide."""
    if target.dialect != "postgresql":
        return  # SQLite numbers after the largest key by itself
    async with target.transaction() as conn:
        for table in NUMBERED_TABLES:
            await conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                )
            )


async def _batches(db: Database, table: Table, size: int) -> Any:
    """The table's rows in primary-key order, `size` at a time (keyset pages: each
    page starts after the last key of the one before, however large the table)."""
    key = list(table.primary_key.columns)
    last: AnyRow | None = None
    while True:
        query = select(table).order_by(*key).limit(size)
        if last is not None:
            after = tuple(last._mapping[column.name] for column in key)
            query = query.where(tuple_(*key) > tuple_(*after))
        rows = await db.fetchall(query)
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1]
