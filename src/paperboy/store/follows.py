"""Follows (an author or some words a person follows) and the papers each place was sent.

`claim` is the exactly-once step: a paper is written down for a place (a person's
direct messages or a channel) before the message that lists it is sent, and a
paper already written down there is never claimed again, by any follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Row, delete, func, select

from paperboy.core.models import Follow, UserRef
from paperboy.store.database import Database
from paperboy.store.schema import follow_sent, follows

_f = follows.c
_s = follow_sent.c
# Numbering follows (max + 1) one writer at a time, on PostgreSQL too.
FOLLOW_WRITES = "follows"


class FollowRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, owner: UserRef, kind: str, query: str, *, channel: str = "", at: datetime
    ) -> bool:
        """Add the follow; False if the person already has it."""
        async with self._db.transaction() as conn:
            await self._db.serialize(conn, FOLLOW_WRITES)
            same = await conn.execute(
                select(_f.id).where(
                    _of(owner), _f.kind == kind, _f.query == query, _f.channel == channel
                )
            )
            if same.first() is not None:
                return False
            next_id = select(func.coalesce(func.max(_f.id), 0) + 1).scalar_subquery()
            await conn.execute(
                self._db.insert(follows).values(
                    id=next_id,
                    platform=owner.platform,
                    workspace=owner.workspace,
                    user_id=owner.user,
                    kind=kind,
                    query=query,
                    channel=channel,
                    created_at=at.isoformat(),
                )
            )
            return True

    async def of(self, owner: UserRef) -> list[Follow]:
        """The person's follows, oldest first (the numbers `following` shows)."""
        rows = await self._db.fetchall(
            select(*follows.c).where(_of(owner)).order_by(_f.id), after_writes=True
        )
        return [_follow(row) for row in rows]

    async def remove(self, follow_id: int) -> bool:
        async with self._db.transaction() as conn:
            result = await conn.execute(delete(follows).where(_f.id == follow_id))
            return result.rowcount > 0

    async def every(self) -> list[Follow]:
        """Every follow of every workspace (matched after each ingest)."""
        rows = await self._db.fetchall(select(*follows.c).order_by(_f.id))
        return [_follow(row) for row in rows]

    async def claim(
        self,
        platform: str,
        workspace: str,
        destination: str,
        paper_ids: Sequence[str],
        *,
        at: datetime,
    ) -> list[str]:
        """Write the papers down as sent to `destination`; those not sent there before,
        in the order given. Each paper is one conditional insert: of two processes
        claiming it at once (replicas caught up with the same change), one wins."""
        claimed = set()
        async with self._db.transaction() as conn:
            # In one order, whatever order each caller lists them in: two transactions
            # inserting the same rows in opposite orders wait on each other (PostgreSQL
            # then aborts one as deadlocked); in one order the second waits for the first
            # to commit, then finds every row taken.
            for paper_id in sorted(set(paper_ids)):
                statement = (
                    self._db.insert(follow_sent)
                    .values(
                        platform=platform,
                        workspace=workspace,
                        destination=destination,
                        paper_id=paper_id,
                        sent_at=at.isoformat(),
                    )
                    .on_conflict_do_nothing()
                )
                if (await conn.execute(statement)).rowcount > 0:
                    claimed.add(paper_id)
        return [paper_id for paper_id in dict.fromkeys(paper_ids) if paper_id in claimed]

    async def remove_workspace(self, platform: str, workspace: str) -> int:
        """Delete a workspace's follows and what they sent (the bot left it)."""
        async with self._db.transaction() as conn:
            removed = await conn.execute(
                delete(follows).where(_f.platform == platform, _f.workspace == workspace)
            )
            await conn.execute(
                delete(follow_sent).where(_s.platform == platform, _s.workspace == workspace)
            )
            return removed.rowcount


def _of(user: UserRef) -> ColumnElement[bool]:
    return (
        (_f.platform == user.platform)
        & (_f.workspace == user.workspace)
        & (_f.user_id == user.user)
    )


def _follow(row: Row[tuple[object, ...]]) -> Follow:
    m = row._mapping
    return Follow(
        int(str(m["id"])),
        UserRef(str(m["platform"]), str(m["workspace"]), str(m["user_id"])),
        str(m["kind"]),
        str(m["query"]),
        str(m["channel"]),
    )
