"""Posts: which paper each bot message shows, so a reaction on it names the paper."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from paperboy.core.models import ChannelRef, PostRef
from paperboy.store.database import Database
from paperboy.store.keys import at_channel, channel_values
from paperboy.store.schema import posts, saved_papers


class PostLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, post: PostRef, paper_id: str, *, at: datetime) -> None:
        statement = self._db.insert(posts).values(
            **channel_values(post.channel),
            message_id=post.message_id,
            paper_id=paper_id,
            posted_at=at.isoformat(),
        )
        statement = statement.on_conflict_do_update(
            index_elements=[
                posts.c.platform,
                posts.c.workspace,
                posts.c.channel,
                posts.c.message_id,
            ],
            set_={
                "paper_id": statement.excluded.paper_id,
                "posted_at": statement.excluded.posted_at,
            },
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)

    async def paper_for(self, post: PostRef) -> str | None:
        """The paper a bot message shows, or None.

        A message can be reacted to a moment before its post is recorded (the store
        may be busy with a burst of digest writes), so a miss asks again behind the
        writes already queued."""
        row = await self._db.fetchone(_paper_for(post))
        if row is None:
            row = await self._db.fetchone(_paper_for(post), after_writes=True)
        return str(row[0]) if row else None

    async def most_saved(
        self, channel: ChannelRef, *, since: datetime, limit: int
    ) -> list[tuple[str, int]]:
        """(paper id, saves) for `top`: a save counts for this channel when the bot had
        posted that paper here before it was saved, by someone of the same workspace
        (saves do not record where they were made; the post before them is the trace).
        Most saves first, then the most recently saved."""
        p = posts.c
        first = (
            select(p.platform, p.workspace, p.paper_id, func.min(p.posted_at).label("first_posted"))
            .where(at_channel(posts, channel))
            .group_by(p.platform, p.workspace, p.paper_id)
            .subquery()
        )
        s = saved_papers.c
        saves = func.count().label("saves")
        rows = await self._db.fetchall(
            select(s.paper_id, saves)
            .join(
                first,
                (first.c.platform == s.platform)
                & (first.c.workspace == s.workspace)
                & (first.c.paper_id == s.paper_id),
            )
            .where(s.saved_at >= since.isoformat(), s.saved_at >= first.c.first_posted)
            .group_by(s.paper_id)
            .order_by(saves.desc(), func.max(s.saved_at).desc(), s.paper_id)
            .limit(limit)
        )
        return [(str(row[0]), int(row[1])) for row in rows]


def _paper_for(post: PostRef) -> Select[Any]:
    return select(posts.c.paper_id).where(
        at_channel(posts, post.channel), posts.c.message_id == post.message_id
    )
