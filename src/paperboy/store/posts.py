"""Posts: which paper each bot message shows, so a reaction on it names the paper."""

from __future__ import annotations

from datetime import datetime

from paperboy.core.models import PostRef
from paperboy.store.database import Database


class PostLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, post: PostRef, paper_id: str, *, at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR REPLACE INTO posts"
                " (platform, workspace, channel, message_id, paper_id, posted_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (*_key(post), paper_id, at.isoformat()),
            )

    async def paper_for(self, post: PostRef) -> str | None:
        row = await self._db.fetchone(
            "SELECT paper_id FROM posts"
            " WHERE platform = ? AND workspace = ? AND channel = ? AND message_id = ?",
            _key(post),
        )
        return str(row[0]) if row else None


def _key(post: PostRef) -> tuple[str, str, str, str]:
    c = post.channel
    return (c.platform, c.workspace, c.channel, post.message_id)
