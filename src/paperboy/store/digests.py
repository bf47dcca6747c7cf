"""Digest runs (one per channel per local day) and the papers each channel was sent.

The run is claimed before anything is posted; each paper is written as
'posting' before its message goes out and as 'sent' (with the message id) after.
So a restart knows exactly what a channel already has, and never sends a paper
twice. Which paper a message shows (for reactions) is another fact, recorded by
the publisher in the posts table like every other post (store/posts.py).
"""

from __future__ import annotations

from datetime import date, datetime

from paperboy.core.models import ChannelRef
from paperboy.core.ports import DigestRun
from paperboy.store.database import Database


class DigestRunLog:
    """The `DigestRuns` port."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, channel: ChannelRef, local_date: date, *, at: datetime) -> DigestRun:
        """Claim the channel's run for that day, or return the run already there
        (an unfinished one counts one more attempt)."""
        key = (*_key(channel), local_date.isoformat())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO digest_runs"
                " (platform, workspace, channel, local_date, status, claimed_at)"
                " VALUES (?, ?, ?, ?, 'claimed', ?)",
                (*key, at.isoformat()),
            )
            if cursor.rowcount == 0:  # there already: one more attempt
                await conn.execute(
                    "UPDATE digest_runs SET attempts = attempts + 1, status = 'claimed'"
                    " WHERE platform = ? AND workspace = ? AND channel = ? AND local_date = ?"
                    " AND status IN ('claimed', 'failed')",
                    key,
                )
            async with conn.execute(
                "SELECT status, header_id FROM digest_runs"
                " WHERE platform = ? AND workspace = ? AND channel = ? AND local_date = ?",
                key,
            ) as cur:
                row = await cur.fetchone()
        assert row is not None
        return DigestRun(channel, local_date, row[0], row[1])

    async def run(self, channel: ChannelRef, local_date: date) -> DigestRun | None:
        row = await self._db.fetchone(
            "SELECT status, header_id FROM digest_runs"
            " WHERE platform = ? AND workspace = ? AND channel = ? AND local_date = ?",
            (*_key(channel), local_date.isoformat()),
        )
        return DigestRun(channel, local_date, row[0], row[1]) if row else None

    async def skip(self, channel: ChannelRef, local_date: date, *, at: datetime) -> None:
        """Record that the day's digest will not be posted (missed beyond the grace period)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO digest_runs"
                " (platform, workspace, channel, local_date, status, claimed_at, finished_at)"
                " VALUES (?, ?, ?, ?, 'skipped', ?, ?)"
                " ON CONFLICT DO UPDATE SET status = 'skipped', finished_at = excluded.finished_at"
                " WHERE status <> 'done'",
                (*_key(channel), local_date.isoformat(), at.isoformat(), at.isoformat()),
            )

    async def set_header(self, channel: ChannelRef, local_date: date, message_id: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE digest_runs SET header_id = ?"
                " WHERE platform = ? AND workspace = ? AND channel = ? AND local_date = ?",
                (message_id, *_key(channel), local_date.isoformat()),
            )

    async def finish(
        self, channel: ChannelRef, local_date: date, *, status: str, at: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE digest_runs SET status = ?, finished_at = ?"
                " WHERE platform = ? AND workspace = ? AND channel = ? AND local_date = ?",
                (status, at.isoformat(), *_key(channel), local_date.isoformat()),
            )


class DigestItemLog:
    """The `DigestItems` port."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def sent_papers(self, channel: ChannelRef) -> set[str]:
        """Every paper the channel was sent (or was being sent) in any digest."""
        rows = await self._db.fetchall(
            "SELECT paper_id FROM digest_items"
            " WHERE platform = ? AND workspace = ? AND channel = ?",
            _key(channel),
        )
        return {row[0] for row in rows}

    async def items(self, channel: ChannelRef, local_date: date) -> list[tuple[str, str]]:
        """(paper id, status) of one day's digest, in posting order."""
        rows = await self._db.fetchall(
            "SELECT paper_id, status FROM digest_items"
            " WHERE platform = ? AND workspace = ? AND channel = ? AND local_date = ?"
            " ORDER BY position",
            (*_key(channel), local_date.isoformat()),
        )
        return [(row[0], row[1]) for row in rows]

    async def begin(
        self, channel: ChannelRef, local_date: date, paper_id: str, *, position: int, at: datetime
    ) -> bool:
        """Mark the paper as being posted; False if the channel already has it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO digest_items (platform, workspace, channel, paper_id,"
                " local_date, position, status, sent_at) VALUES (?, ?, ?, ?, ?, ?, 'posting', ?)",
                (*_key(channel), paper_id, local_date.isoformat(), position, at.isoformat()),
            )
            return cursor.rowcount > 0

    async def sent(
        self, channel: ChannelRef, paper_id: str, message_id: str, *, at: datetime
    ) -> None:
        """The paper's message is out: mark it sent."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE digest_items SET status = 'sent', message_id = ?, sent_at = ?"
                " WHERE platform = ? AND workspace = ? AND channel = ? AND paper_id = ?",
                (message_id, at.isoformat(), *_key(channel), paper_id),
            )

    async def forget(self, channel: ChannelRef, paper_id: str) -> None:
        """The post failed for certain (the platform refused it): the paper was not sent."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM digest_items WHERE platform = ? AND workspace = ? AND channel = ?"
                " AND paper_id = ? AND status = 'posting'",
                (*_key(channel), paper_id),
            )


def _key(channel: ChannelRef) -> tuple[str, str, str]:
    return (channel.platform, channel.workspace, channel.channel)
