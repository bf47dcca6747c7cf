"""Channel subscriptions to the daily digest."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from paperboy.core.models import ChannelRef, Subscription
from paperboy.core.times import checked_time_of_day, hh_mm
from paperboy.store.database import Database

_COLUMNS = (
    "platform, workspace, channel, time, timezone, topics, max_papers, min_upvotes,"
    " weekdays_only, failures, paused, created_by"
)


class SubscriptionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, subscription: Subscription, *, at: datetime) -> None:
        """Create or replace a channel's subscription; failures and pause are reset."""
        s, c = subscription, subscription.channel
        async with self._db.transaction() as conn:
            await conn.execute(
                f"INSERT INTO subscriptions ({_COLUMNS}, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)"
                " ON CONFLICT (platform, workspace, channel) DO UPDATE SET"
                " time = excluded.time, timezone = excluded.timezone, topics = excluded.topics,"
                " max_papers = excluded.max_papers, min_upvotes = excluded.min_upvotes,"
                " weekdays_only = excluded.weekdays_only, failures = 0, paused = 0,"
                " updated_at = excluded.updated_at",
                (
                    c.platform,
                    c.workspace,
                    c.channel,
                    hh_mm(s.time),  # stored as text: "09:30"
                    s.timezone,
                    s.topics,
                    s.max_papers,
                    s.min_upvotes,
                    int(s.weekdays_only),
                    s.created_by,
                    at.isoformat(),
                    at.isoformat(),
                ),
            )

    async def remove(self, channel: ChannelRef) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM subscriptions WHERE platform = ? AND workspace = ? AND channel = ?",
                _key(channel),
            )
            return cursor.rowcount > 0

    async def remove_workspace(self, platform: str, workspace: str) -> list[ChannelRef]:
        """Delete every channel's subscription in one workspace; the channels that had one."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "DELETE FROM subscriptions WHERE platform = ? AND workspace = ? RETURNING channel",
                (platform, workspace),
            )
        return [ChannelRef(platform, workspace, row[0]) for row in rows]

    async def get(self, channel: ChannelRef) -> Subscription | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions"
            " WHERE platform = ? AND workspace = ? AND channel = ?",
            _key(channel),
        )
        return _from_row(row) if row else None

    async def active(self) -> list[Subscription]:
        """Every subscription that is not paused after repeated failures."""
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM subscriptions WHERE paused = 0")
        return [_from_row(row) for row in rows]

    async def record_failure(self, channel: ChannelRef, *, pause_after: int, at: datetime) -> int:
        """Count one more failed run; pause the subscription at `pause_after`. Returns the count."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE subscriptions SET failures = failures + 1,"
                " paused = (failures + 1 >= ?), updated_at = ?"
                " WHERE platform = ? AND workspace = ? AND channel = ?",
                (pause_after, at.isoformat(), *_key(channel)),
            )
            async with conn.execute(
                "SELECT failures FROM subscriptions"
                " WHERE platform = ? AND workspace = ? AND channel = ?",
                _key(channel),
            ) as cursor:
                row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def record_success(self, channel: ChannelRef) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE subscriptions SET failures = 0"
                " WHERE platform = ? AND workspace = ? AND channel = ? AND failures <> 0",
                _key(channel),
            )


def _key(channel: ChannelRef) -> tuple[str, str, str]:
    return (channel.platform, channel.workspace, channel.channel)


def _from_row(row: sqlite3.Row) -> Subscription:
    return Subscription(
        channel=ChannelRef(row["platform"], row["workspace"], row["channel"]),
        time=checked_time_of_day(row["time"]),
        timezone=row["timezone"],
        topics=row["topics"],
        max_papers=int(row["max_papers"]),
        min_upvotes=int(row["min_upvotes"]),
        weekdays_only=bool(row["weekdays_only"]),
        failures=int(row["failures"]),
        created_by=row["created_by"],
    )
