"""When each channel last got a preview digest, for the preview cooldown.

The cooldown holds across every process on the store: a claim reads and writes in
one transaction that first takes the channel's preview lock (SQLite: the write lock
of its IMMEDIATE transaction; PostgreSQL: an advisory lock), so two replicas asked
at the same moment cannot both post a preview.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from paperboy.core.models import ChannelRef
from paperboy.store.database import Database
from paperboy.store.keys import at_channel, channel_values
from paperboy.store.schema import digest_previews


class PreviewLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(
        self, channel: ChannelRef, *, at: datetime, cooldown: timedelta
    ) -> datetime | None:
        """Record a preview in `channel` at `at` and return None; or, when the last one
        was less than `cooldown` before `at`, change nothing and return its time."""
        statement = self._db.insert(digest_previews).values(
            **channel_values(channel), posted_at=at.isoformat()
        )
        statement = statement.on_conflict_do_update(
            index_elements=[
                digest_previews.c.platform,
                digest_previews.c.workspace,
                digest_previews.c.channel,
            ],
            set_={"posted_at": statement.excluded.posted_at},
        )
        async with self._db.transaction() as conn:
            await self._db.serialize(conn, f"preview {channel}")
            last = (
                await conn.execute(
                    select(digest_previews.c.posted_at).where(at_channel(digest_previews, channel))
                )
            ).scalar()
            if last is not None and at - datetime.fromisoformat(last) < cooldown:
                return datetime.fromisoformat(last)
            await conn.execute(statement)
        return None

    async def release(self, channel: ChannelRef, *, at: datetime) -> None:
        """Forget the preview claimed at `at`: nothing was posted after all."""
        async with self._db.transaction() as conn:
            await conn.execute(
                delete(digest_previews).where(
                    at_channel(digest_previews, channel),
                    digest_previews.c.posted_at == at.isoformat(),
                )
            )
