"""Saved papers: one reading list per (platform, workspace, user)."""

from __future__ import annotations

from datetime import datetime

from paperboy.core.models import SavedPaper, UserRef
from paperboy.store.database import Database
from paperboy.store.papers import _COLUMNS, _from_row

_PAPER_COLUMNS = ", ".join(f"p.{name.strip()}" for name in _COLUMNS.split(","))


class ReadingListRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, user: UserRef, paper_id: str, *, at: datetime) -> bool:
        """Add the paper to the user's list; False if it was already there."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO saved_papers"
                " (platform, workspace, user_id, paper_id, saved_at) VALUES (?, ?, ?, ?, ?)",
                (*_key(user), paper_id, at.isoformat()),
            )
            return cursor.rowcount > 0

    async def unsave(self, user: UserRef, paper_id: str) -> bool:
        """Remove it; False if it was not on the list."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM saved_papers"
                " WHERE platform = ? AND workspace = ? AND user_id = ? AND paper_id = ?",
                (*_key(user), paper_id),
            )
            return cursor.rowcount > 0

    async def mark_read(self, user: UserRef, paper_id: str, *, at: datetime) -> bool:
        """Mark a saved paper read; False if it is not saved or already read."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE saved_papers SET read_at = ?"
                " WHERE platform = ? AND workspace = ? AND user_id = ? AND paper_id = ?"
                " AND read_at IS NULL",
                (at.isoformat(), *_key(user), paper_id),
            )
            return cursor.rowcount > 0

    async def is_saved(self, user: UserRef, paper_id: str) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM saved_papers"
            " WHERE platform = ? AND workspace = ? AND user_id = ? AND paper_id = ?",
            (*_key(user), paper_id),
        )
        return row is not None

    async def titles(self, user: UserRef) -> list[tuple[str, str]]:
        """(paper id, title) of every saved paper, newest first: what autocomplete
        needs, without reading the abstracts."""
        rows = await self._db.fetchall(
            "SELECT p.id, p.title FROM saved_papers s JOIN papers p ON p.id = s.paper_id"
            " WHERE s.platform = ? AND s.workspace = ? AND s.user_id = ?"
            " ORDER BY s.saved_at DESC, s.rowid DESC",
            _key(user),
        )
        return [(str(row[0]), str(row[1])) for row in rows]

    async def list(self, user: UserRef, *, limit: int, offset: int = 0) -> list[SavedPaper]:
        """Newest first."""
        rows = await self._db.fetchall(
            f"SELECT {_PAPER_COLUMNS}, s.saved_at, s.read_at FROM saved_papers s"
            " JOIN papers p ON p.id = s.paper_id"
            " WHERE s.platform = ? AND s.workspace = ? AND s.user_id = ?"
            " ORDER BY s.saved_at DESC, s.rowid DESC LIMIT ? OFFSET ?",
            (*_key(user), limit, offset),
        )
        return [
            SavedPaper(
                paper=_from_row(row),
                saved_at=datetime.fromisoformat(row["saved_at"]),
                read_at=datetime.fromisoformat(row["read_at"]) if row["read_at"] else None,
            )
            for row in rows
        ]

    async def count(self, user: UserRef) -> int:
        row = await self._db.fetchone(
            "SELECT count(*) FROM saved_papers"
            " WHERE platform = ? AND workspace = ? AND user_id = ?",
            _key(user),
        )
        return int(row[0]) if row else 0


def _key(user: UserRef) -> tuple[str, str, str]:
    return (user.platform, user.workspace, user.user)
