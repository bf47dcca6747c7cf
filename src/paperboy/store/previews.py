"""When each channel last got a preview digest, for the preview cooldown.

The cooldown holds across every process on the store: a claim reads and writes in
one immediate transaction, so two replicas asked at the same moment cannot both
post a preview.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from paperboy.core.models import ChannelRef
from paperboy.store.database import Database

_KEY = "platform = ? AND workspace = ? AND channel = ?"


class PreviewLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(
        self, channel: ChannelRef, *, at: datetime, cooldown: timedelta
    ) -> datetime | None:
        """Record a preview in `channel` at `at` and return None; or, when the last one
        was less than `cooldown` before `at`, change nothing and return its time."""
        key = (channel.platform, channel.workspace, channel.channel)
        async with self._db.transaction() as conn:
            async with conn.execute(
                f"SELECT posted_at FROM digest_previews WHERE {_KEY}", key
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                last = datetime.fromisoformat(row[0])
                if at - last < cooldown:
                    return last
            await conn.execute(
                "INSERT INTO digest_previews (platform, workspace, channel, posted_at)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO UPDATE SET posted_at = excluded.posted_at",
                (*key, at.isoformat()),
            )
        return None

    async def release(self, channel: ChannelRef, *, at: datetime) -> None:
        """Forget the preview claimed at `at`: nothing was posted after all."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"DELETE FROM digest_previews WHERE {_KEY} AND posted_at = ?",
                (channel.platform, channel.workspace, channel.channel, at.isoformat()),
            )
