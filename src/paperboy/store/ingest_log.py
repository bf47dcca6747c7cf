"""Which Daily Papers days are ingested, and which failed and must be retried."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from paperboy.store.database import Database
from paperboy.store.schema import ingest_days

_d = ingest_days.c


class IngestLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def mark_done(self, day: date, *, papers: int, at: datetime) -> None:
        statement = self._db.insert(ingest_days).values(
            day=day.isoformat(),
            status="done",
            papers=papers,
            attempts=1,
            error=None,
            updated_at=at.isoformat(),
        )
        statement = statement.on_conflict_do_update(
            index_elements=[_d.day],
            set_={
                "status": "done",
                "papers": statement.excluded.papers,
                "attempts": _d.attempts + 1,
                "error": None,
                "updated_at": statement.excluded.updated_at,
            },
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)

    async def mark_failed(self, day: date, *, error: str, at: datetime) -> None:
        """Record a failure; a day once done stays done (its papers are stored)."""
        statement = self._db.insert(ingest_days).values(
            day=day.isoformat(),
            status="failed",
            papers=0,
            attempts=1,
            error=error[:500],
            updated_at=at.isoformat(),
        )
        statement = statement.on_conflict_do_update(
            index_elements=[_d.day],
            set_={
                "attempts": _d.attempts + 1,
                "error": statement.excluded.error,
                "updated_at": statement.excluded.updated_at,
            },
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)

    async def done_days(self, since: date, until: date) -> set[date]:
        rows = await self._db.fetchall(
            select(_d.day).where(
                _d.status == "done", _d.day.between(since.isoformat(), until.isoformat())
            )
        )
        return {date.fromisoformat(row[0]) for row in rows}
