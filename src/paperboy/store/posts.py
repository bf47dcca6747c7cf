"""Posts: which paper each bot message shows, so a reaction on it names the paper."""

from __future__ import annotations

from datetime import datetime

from paperboy.core.models import ChannelRef, PostRef
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

    async def most_saved(
        self, channel: ChannelRef, *, since: datetime, limit: int
    ) -> list[tuple[str, int]]:
        """(paper id, saves) for `top`: a save counts for this channel when the bot had
        posted that paper here before it was saved, by someone of the same workspace
        (saves do not record where they were made; the post before them is the trace).
        Most saves first, then the most recently saved."""
        key = (*_channel_key(channel), since.isoformat(), limit)
        rows = await self._db.fetchall(_MOST_SAVED, key)
        return [(str(row[0]), int(row[1])) for row in rows]


_MOST_SAVED = """
SELECT s.paper_id, count(*) AS saves
FROM saved_papers s
JOIN (
    SELECT platform, workspace, paper_id, min(posted_at) AS first_posted FROM posts
    WHERE platform = ? AND workspace = ? AND channel = ?
    GROUP BY paper_id
) p ON p.platform = s.platform AND p.workspace = s.workspace AND p.paper_id = s.paper_id
WHERE s.saved_at >= ? AND s.saved_at >= p.first_posted
GROUP BY s.paper_id
ORDER BY saves DESC, max(s.saved_at) DESC, s.paper_id
LIMIT ?
"""


def _channel_key(channel: ChannelRef) -> tuple[str, str, str]:
    return (channel.platform, channel.workspace, channel.channel)


def _key(post: PostRef) -> tuple[str, str, str, str]:
    c = post.channel
    return (c.platform, c.workspace, c.channel, post.message_id)
