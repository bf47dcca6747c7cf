"""The papers' change log: which papers were written after a given change sequence.

Every upsert that inserts or changes a paper gives it the next `change_seq`
(store/papers.py, migration 6), inside the write transaction. SQLite runs one
write transaction at a time across processes, so sequences commit in order and a
reader that sees sequence n sees everything below it (the `PaperChanges` contract).
"""

from __future__ import annotations

from paperboy.core.models import Paper
from paperboy.store.database import Database
from paperboy.store.papers import _COLUMNS, _from_row


class PaperChangeLog:
    """`PaperChanges` over the papers table, read through its `change_seq` index."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def changes_since(self, sequence: int, *, limit: int) -> list[tuple[int, Paper]]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS}, change_seq FROM papers WHERE change_seq > ?"
            " ORDER BY change_seq LIMIT ?",
            (sequence, limit),
        )
        return [(int(row["change_seq"]), _from_row(row)) for row in rows]

    async def latest_change(self) -> int:
        row = await self._db.fetchone("SELECT max(change_seq) FROM papers")
        return int(row[0] or 0) if row else 0
