"""Papers a person marked "not for me": one set per (platform, workspace, user).

The negatives `foryou` learns from. Every call is idempotent and says whether
it changed anything, like the reading list's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select

from paperboy.core.models import UserRef
from paperboy.store.database import Database
from paperboy.store.schema import marked_papers

_m = marked_papers.c


class MarkRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def mark(self, user: UserRef, paper_id: str, *, at: datetime) -> bool:
        """Mark the paper; False if it was marked already."""
        # seq: the next number, so marks of the same instant list in the order made.
        next_seq = select(func.coalesce(func.max(_m.seq), 0) + 1).scalar_subquery()
        statement = (
            self._db.insert(marked_papers)
            .values(
                platform=user.platform,
                workspace=user.workspace,
                user_id=user.user,
                paper_id=paper_id,
                marked_at=at.isoformat(),
                seq=next_seq,
            )
            .on_conflict_do_nothing()
        )
        async with self._db.transaction() as conn:
            return (await conn.execute(statement)).rowcount > 0

    async def unmark(self, user: UserRef, paper_id: str) -> bool:
        """Take the mark off; False if the paper was not marked."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                delete(marked_papers).where(_of(user), _m.paper_id == paper_id)
            )
            return result.rowcount > 0

    async def marked(self, user: UserRef) -> list[str]:
        """The ids of the user's marked papers, newest mark first."""
        rows = await self._db.fetchall(
            select(_m.paper_id).where(_of(user)).order_by(_m.marked_at.desc(), _m.seq.desc())
        )
        return [str(row[0]) for row in rows]


def _of(user: UserRef) -> ColumnElement[bool]:
    return (
        (_m.platform == user.platform)
        & (_m.workspace == user.workspace)
        & (_m.user_id == user.user)
    )
