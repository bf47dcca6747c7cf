"""Weekly top lists: which channels want one, and each week's run (posted once)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from paperboy.core.models import ChannelRef, WeeklyTop
from paperboy.core.times import checked_time_of_day, hh_mm
from paperboy.store.database import Database

_WHERE = "platform = ? AND workspace = ? AND channel = ?"


class WeeklyTopLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, weekly: WeeklyTop, *, at: datetime) -> None:
        """Create or replace a channel's weekly list."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO top_subscriptions (platform, workspace, channel, weekday, time,"
                " timezone, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (platform, workspace, channel) DO UPDATE SET"
                " weekday = excluded.weekday, time = excluded.time,"
                " timezone = excluded.timezone, updated_at = excluded.updated_at",
                (
                    *_key(weekly.channel),
                    weekly.weekday,
                    hh_mm(weekly.time),  # stored as text: "09:30"
                    weekly.timezone,
                    weekly.created_by,
                    at.isoformat(),
                    at.isoformat(),
                ),
            )

    async def remove(self, channel: ChannelRef) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"DELETE FROM top_subscriptions WHERE {_WHERE}", _key(channel)
            )
            return cursor.rowcount > 0

    async def remove_workspace(self, platform: str, workspace: str) -> list[ChannelRef]:
        """Delete every channel's weekly list in one workspace; the channels that had one."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "DELETE FROM top_subscriptions WHERE platform = ? AND workspace = ?"
                " RETURNING channel",
                (platform, workspace),
            )
        return [ChannelRef(platform, workspace, row[0]) for row in rows]

    async def get(self, channel: ChannelRef) -> WeeklyTop | None:
        row = await self._db.fetchone(
            f"SELECT * FROM top_subscriptions WHERE {_WHERE}", _key(channel)
        )
        return _weekly(row) if row else None

    async def active(self) -> list[WeeklyTop]:
        rows = await self._db.fetchall("SELECT * FROM top_subscriptions")
        return [_weekly(row) for row in rows]

    async def status(self, channel: ChannelRef, day: date) -> str | None:
        row = await self._db.fetchone(
            f"SELECT status FROM top_runs WHERE {_WHERE} AND local_date = ?",
            (*_key(channel), day.isoformat()),
        )
        return str(row[0]) if row else None

    async def begin(self, channel: ChannelRef, day: date, *, at: datetime) -> bool:
        """Claim the day's list for posting: True for exactly one caller, ever (every
        replica and restart included) — unless `release` gives the claim back."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO top_runs (platform, workspace, channel, local_date,"
                " status, claimed_at) VALUES (?, ?, ?, ?, 'claimed', ?)",
                (*_key(channel), day.isoformat(), at.isoformat()),
            )
            cursor = await conn.execute(
                "UPDATE top_runs SET status = 'posting', claimed_at = ?"
                f" WHERE {_WHERE} AND local_date = ? AND status = 'claimed'",
                (at.isoformat(), *_key(channel), day.isoformat()),
            )
            return cursor.rowcount > 0

    async def release(self, channel: ChannelRef, day: date) -> None:
        """The list could not be posted: a later attempt (the catch-up) may try again."""
        await self._set(channel, day, "claimed", None, None)

    async def finish(
        self, channel: ChannelRef, day: date, message_id: str, *, at: datetime
    ) -> None:
        await self._set(channel, day, "done", message_id, at)

    async def skip(self, channel: ChannelRef, day: date, *, at: datetime) -> None:
        """Record a list too late to post (beyond the grace period) as skipped."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO top_runs (platform, workspace, channel, local_date,"
                " status, claimed_at, finished_at) VALUES (?, ?, ?, ?, 'skipped', ?, ?)",
                (*_key(channel), day.isoformat(), at.isoformat(), at.isoformat()),
            )

    async def _set(
        self,
        channel: ChannelRef,
        day: date,
        status: str,
        message_id: str | None,
        at: datetime | None,
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE top_runs SET status = ?, message_id = ?, finished_at = ?"
                f" WHERE {_WHERE} AND local_date = ?",
                (
                    status,
                    message_id,
                    at.isoformat() if at else None,
                    *_key(channel),
                    day.isoformat(),
                ),
            )


def _weekly(row: sqlite3.Row) -> WeeklyTop:
    return WeeklyTop(
        channel=ChannelRef(row["platform"], row["workspace"], row["channel"]),
        weekday=int(row["weekday"]),
        time=checked_time_of_day(row["time"]),
        timezone=row["timezone"],
        created_by=row["created_by"],
    )


def _key(channel: ChannelRef) -> tuple[str, str, str]:
    return (channel.platform, channel.workspace, channel.channel)
