"""Posts: which paper each bot message shows, so a reaction on it names the paper."""

from __future__ import annotations

from datetime import datetime

from paperboy.core.models import PostRef
from paperboy.store.database import Database

_PAPER_FOR = (
    "SELECT paper_id FROM posts"
    " WHERE platform = ? AND workspace = ? AND channel = ? AND message_id = ?"
)


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
        """The paper a bot message shows, or None.

        A message can be reacted to a moment before its post is recorded (the store
        may be busy with a burst of digest writes), so a miss asks again behind the
        writes already queued."""
        row = await self._db.fetchone(_PAPER_FOR, _key(post))
        if row is None:
            row = await self._db.fetchone(_PAPER_FOR, _key(post), after_writes=True)
        return str(row[0]) if row else None


def _key(post: PostRef) -> tuple[str, str, str, str]:
    c = post.channel
    return (c.platform, c.workspace, c.channel, post.message_id)
