"""Which Daily Papers days are ingested, and which failed and must be retried."""

from __future__ import annotations

from datetime import date, datetime

from paperboy.store.database import Database


class IngestLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def mark_done(self, day: date, *, papers: int, at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO ingest_days (day, status, papers, attempts, error, updated_at)"
                " VALUES (?, 'done', ?, 1, NULL, ?) ON CONFLICT (day) DO UPDATE SET"
                " status = 'done', papers = excluded.papers, attempts = attempts + 1,"
                " error = NULL, updated_at = excluded.updated_at",
                (day.isoformat(), papers, at.isoformat()),
            )

    async def mark_failed(self, day: date, *, error: str, at: datetime) -> None:
        """Record a failure; a day once done stays done (its papers are stored)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO ingest_days (day, status, attempts, error, updated_at)"
                " VALUES (?, 'failed', 1, ?, ?) ON CONFLICT (day) DO UPDATE SET"
                " attempts = attempts + 1, error = excluded.error,"
                " updated_at = excluded.updated_at",
                (day.isoformat(), error[:500], at.isoformat()),
            )

    async def done_days(self, since: date, until: date) -> set[date]:
        rows = await self._db.fetchall(
            "SELECT day FROM ingest_days WHERE status = 'done' AND day BETWEEN ? AND ?",
            (since.isoformat(), until.isoformat()),
        )
        return {date.fromisoformat(row[0]) for row in rows}
