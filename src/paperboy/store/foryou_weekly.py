"""Weekly `foryou` messages: who wants one, and each week's run, sent exactly once.

A run is claimed per person and local day before anything is sent; the papers it
chose are written as 'planned' before the first goes out, each turns to 'posting'
just before its message and to 'sent' after. So a restart posts exactly the papers
still planned: none twice, none dropped (see digest/weekly_foryou.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime

from paperboy.core.models import UserRef, WeeklyForYou
from paperboy.core.times import checked_time_of_day, hh_mm
from paperboy.store.database import Database

_WHO = "platform = ? AND workspace = ? AND user_id = ?"
_RUN = f"{_WHO} AND local_date = ?"


class WeeklyForYouLog:
    """The `WeeklyForYous` port."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- who wants one -----------------------------------------------------------------

    async def put(self, weekly: WeeklyForYou, *, at: datetime) -> None:
        """Create or replace a person's weekly message."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO foryou_weekly (platform, workspace, user_id, weekday, time,"
                " timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (platform, workspace, user_id) DO UPDATE SET"
                " weekday = excluded.weekday, time = excluded.time,"
                " timezone = excluded.timezone, updated_at = excluded.updated_at",
                (
                    *_key(weekly.user),
                    weekly.weekday,
                    hh_mm(weekly.time),  # stored as text: "09:30"
                    weekly.timezone,
                    at.isoformat(),
                    at.isoformat(),
                ),
            )

    async def remove(self, user: UserRef) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(f"DELETE FROM foryou_weekly WHERE {_WHO}", _key(user))
            return cursor.rowcount > 0

    async def remove_workspace(self, platform: str, workspace: str) -> list[UserRef]:
        """Delete every weekly message of one workspace; the people who had one."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "DELETE FROM foryou_weekly WHERE platform = ? AND workspace = ? RETURNING user_id",
                (platform, workspace),
            )
        return [UserRef(platform, workspace, row[0]) for row in rows]

    async def get(self, user: UserRef) -> WeeklyForYou | None:
        row = await self._db.fetchone(f"SELECT * FROM foryou_weekly WHERE {_WHO}", _key(user))
        return _weekly(row) if row else None

    async def active(self) -> list[WeeklyForYou]:
        rows = await self._db.fetchall("SELECT * FROM foryou_weekly")
        return [_weekly(row) for row in rows]

    # -- each week's run ---------------------------------------------------------------

    async def claim(self, user: UserRef, day: date, *, at: datetime) -> str:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO foryou_weekly_runs (platform, workspace, user_id,"
                " local_date, status, claimed_at) VALUES (?, ?, ?, ?, 'claimed', ?)",
                (*_key(user), day.isoformat(), at.isoformat()),
            )
            async with conn.execute(
                f"SELECT status FROM foryou_weekly_runs WHERE {_RUN}", _run(user, day)
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return str(row[0])

    async def status(self, user: UserRef, day: date) -> str | None:
        row = await self._db.fetchone(
            f"SELECT status FROM foryou_weekly_runs WHERE {_RUN}", _run(user, day)
        )
        return str(row[0]) if row else None

    async def header(self, user: UserRef, day: date) -> str | None:
        row = await self._db.fetchone(
            f"SELECT header_id FROM foryou_weekly_runs WHERE {_RUN}", _run(user, day)
        )
        return str(row[0]) if row and row[0] is not None else None

    async def set_header(self, user: UserRef, day: date, message_id: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE foryou_weekly_runs SET header_id = ? WHERE {_RUN}",
                (message_id, *_run(user, day)),
            )

    async def plan(self, user: UserRef, day: date, papers: Sequence[tuple[str, str]]) -> None:
        async with self._db.transaction() as conn:
            async with conn.execute(
                f"SELECT 1 FROM foryou_weekly_items WHERE {_RUN} LIMIT 1", _run(user, day)
            ) as cursor:
                if await cursor.fetchone() is not None:
                    return  # planned already (another replica, or before a restart)
            await conn.executemany(
                "INSERT INTO foryou_weekly_items (platform, workspace, user_id, local_date,"
                " paper_id, position, like_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'planned')",
                [
                    (*_run(user, day), paper_id, position, like)
                    for position, (paper_id, like) in enumerate(papers)
                ],
            )

    async def planned(self, user: UserRef, day: date) -> list[tuple[str, str, str]]:
        rows = await self._db.fetchall(
            f"SELECT paper_id, like_id, status FROM foryou_weekly_items WHERE {_RUN}"
            " ORDER BY position",
            _run(user, day),
        )
        return [(str(row[0]), str(row[1]), str(row[2])) for row in rows]

    async def begin(self, user: UserRef, day: date, paper_id: str) -> bool:
        return await self._move(user, day, paper_id, "planned", "posting", None)

    async def sent(self, user: UserRef, day: date, paper_id: str, message_id: str) -> None:
        await self._move(user, day, paper_id, "posting", "sent", message_id)

    async def unsent(self, user: UserRef, day: date, paper_id: str) -> None:
        await self._move(user, day, paper_id, "posting", "planned", None)

    async def finish(self, user: UserRef, day: date, *, at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE foryou_weekly_runs SET status = 'done', finished_at = ? WHERE {_RUN}",
                (at.isoformat(), *_run(user, day)),
            )

    async def skip(self, user: UserRef, day: date, *, at: datetime) -> None:
        """Record a message too late to send (beyond the grace period) as skipped."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO foryou_weekly_runs (platform, workspace, user_id,"
                " local_date, status, claimed_at, finished_at)"
                " VALUES (?, ?, ?, ?, 'skipped', ?, ?)",
                (*_run(user, day), at.isoformat(), at.isoformat()),
            )

    async def _move(
        self,
        user: UserRef,
        day: date,
        paper_id: str,
        before: str,
        after: str,
        message_id: str | None,
    ) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE foryou_weekly_items SET status = ?, message_id = ?"
                f" WHERE {_RUN} AND paper_id = ? AND status = ?",
                (after, message_id, *_run(user, day), paper_id, before),
            )
            return cursor.rowcount > 0


def _weekly(row: sqlite3.Row) -> WeeklyForYou:
    return WeeklyForYou(
        user=UserRef(row["platform"], row["workspace"], row["user_id"]),
        weekday=int(row["weekday"]),
        time=checked_time_of_day(row["time"]),
        timezone=row["timezone"],
    )


def _key(user: UserRef) -> tuple[str, str, str]:
    return (user.platform, user.workspace, user.user)


def _run(user: UserRef, day: date) -> tuple[str, str, str, str]:
    return (*_key(user), day.isoformat())
