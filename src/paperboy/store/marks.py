"""Papers a person marked "not for me": one set per (platform, workspace, user).

The negatives `foryou` learns from. Every call is idempotent and says whether
it changed anything, like the reading list's.
"""

from __future__ import annotations

from datetime import datetime

from paperboy.core.models import UserRef
from paperboy.store.database import Database


class MarkRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def mark(self, user: UserRef, paper_id: str, *, at: datetime) -> bool:
        """Mark the paper; False if it was marked already."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO marked_papers"
                " (platform, workspace, user_id, paper_id, marked_at) VALUES (?, ?, ?, ?, ?)",
                (*_key(user), paper_id, at.isoformat()),
            )
            return cursor.rowcount > 0

    async def unmark(self, user: UserRef, paper_id: str) -> bool:
        """Take the mark off; False if the paper was not marked."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM marked_papers"
                " WHERE platform = ? AND workspace = ? AND user_id = ? AND paper_id = ?",
                (*_key(user), paper_id),
            )
            return cursor.rowcount > 0

    async def marked(self, user: UserRef) -> list[str]:
        """The ids of the user's marked papers, newest mark first."""
        rows = await self._db.fetchall(
            "SELECT paper_id FROM marked_papers"
            " WHERE platform = ? AND workspace = ? AND user_id = ?"
            " ORDER BY marked_at DESC, rowid DESC",
            _key(user),
        )
        return [str(row[0]) for row in rows]


def _key(user: UserRef) -> tuple[str, str, str]:
    return (user.platform, user.workspace, user.user)
