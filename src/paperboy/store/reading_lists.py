"""Saved papers: one reading list per (platform, workspace, user)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, update

from paperboy.core.models import SavedPaper, UserRef
from paperboy.store.database import Database
from paperboy.store.papers import PAPER_COLUMNS, paper_from_row
from paperboy.store.schema import papers, saved_papers

_s = saved_papers.c


class ReadingListRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, user: UserRef, paper_id: str, *, at: datetime) -> bool:
        """Add the paper to the user's list; False if it was already there."""
        # seq: the next number, so saves of the same instant list in the order made.
        next_seq = select(func.coalesce(func.max(_s.seq), 0) + 1).scalar_subquery()
        statement = (
            self._db.insert(saved_papers)
            .values(
                platform=user.platform,
                workspace=user.workspace,
                user_id=user.user,
                paper_id=paper_id,
                saved_at=at.isoformat(),
                seq=next_seq,
            )
            .on_conflict_do_nothing()
        )
        async with self._db.transaction() as conn:
            return (await conn.execute(statement)).rowcount > 0

    async def unsave(self, user: UserRef, paper_id: str) -> bool:
        """Remove it; False if it was not on the list."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                delete(saved_papers).where(_of(user), _s.paper_id == paper_id)
            )
            return result.rowcount > 0

    async def mark_read(self, user: UserRef, paper_id: str, *, at: datetime) -> bool:
        """Mark a saved paper read; False if it is not saved or already read."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                update(saved_papers)
                .where(_of(user), _s.paper_id == paper_id, _s.read_at.is_(None))
                .values(read_at=at.isoformat())
            )
            return result.rowcount > 0

    async def is_saved(self, user: UserRef, paper_id: str) -> bool:
        row = await self._db.fetchone(select(_s.paper_id).where(_of(user), _s.paper_id == paper_id))
        return row is not None

    async def titles(self, user: UserRef) -> list[tuple[str, str]]:
        """(paper id, title) of every saved paper, newest first: what autocomplete
        needs, without reading the abstracts."""
        rows = await self._db.fetchall(
            select(papers.c.id, papers.c.title)
            .join(saved_papers, papers.c.id == _s.paper_id)
            .where(_of(user))
            .order_by(_s.saved_at.desc(), _s.seq.desc())
        )
        return [(str(row[0]), str(row[1])) for row in rows]

    async def list(self, user: UserRef, *, limit: int, offset: int = 0) -> list[SavedPaper]:
        """Newest first."""
        rows = await self._db.fetchall(
            select(*PAPER_COLUMNS, _s.saved_at, _s.read_at)
            .join(saved_papers, papers.c.id == _s.paper_id)
            .where(_of(user))
            .order_by(_s.saved_at.desc(), _s.seq.desc())
            .limit(limit)
            .offset(offset)
        )
        return [
            SavedPaper(
                paper=paper_from_row(row),
                saved_at=datetime.fromisoformat(row.saved_at),
                read_at=datetime.fromisoformat(row.read_at) if row.read_at else None,
            )
            for row in rows
        ]

    async def count(self, user: UserRef) -> int:
        row = await self._db.fetchone(select(func.count()).where(_of(user)))
        return int(row[0]) if row else 0


def _of(user: UserRef) -> ColumnElement[bool]:
    return (
        (_s.platform == user.platform)
        & (_s.workspace == user.workspace)
        & (_s.user_id == user.user)
    )
