"""Digest runs (one per channel per local day) and the papers each channel was sent.

The run is claimed before anything is posted; each paper is written as
'posting' before its message goes out and as 'sent' (with the message id) after.
So a restart knows exactly what a channel already has, and never sends a paper
twice. Which paper a message shows (for reactions) is another fact, recorded by
the publisher in the posts table like every other post (store/posts.py).

A claim names its holder (this process) and holds for a lease: another process
asking for the same run while that lease holds gets it back as "held" and posts
nothing. A claim whose lease expired, or whose holder has exited (holders.py), is
taken over and resumed where it stopped.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, delete, select, update

from paperboy.core.models import ChannelRef
from paperboy.core.ports import HEADER_POSTING, DigestRun
from paperboy.store.database import Database
from paperboy.store.holders import holder_is_gone, new_holder, stamp
from paperboy.store.keys import at_channel, channel_values
from paperboy.store.schema import digest_items, digest_runs

# How long a claim holds without being finished. A digest posts one paper a second
# or so; a run cut short is resumed by whoever claims it next, paper by paper.
CLAIM_LEASE = timedelta(minutes=10)

_r = digest_runs.c
_i = digest_items.c


class DigestRunLog:
    """The `DigestRuns` port."""

    def __init__(
        self, db: Database, *, holder: str | None = None, lease: timedelta = CLAIM_LEASE
    ) -> None:
        self._db = db
        self.holder = holder or new_holder()
        self._lease = lease

    async def claim(
        self,
        channel: ChannelRef,
        local_date: date,
        *,
        at: datetime,
        lease: timedelta | None = None,
    ) -> DigestRun:
        """Claim the channel's run for that day until `at + lease`, or return the run
        already there (an unfinished one that is free counts one more attempt; one
        another process holds comes back as "held")."""
        key = _run(channel, local_date)
        until = stamp(at + (lease or self._lease))
        async with self._db.transaction() as conn:
            created = await conn.execute(
                self._db.insert(digest_runs)
                .values(
                    **channel_values(channel),
                    local_date=local_date.isoformat(),
                    status="claimed",
                    claimed_at=at.isoformat(),
                    holder=self.holder,
                    lease_until=until,
                )
                .on_conflict_do_nothing()
            )
            if created.rowcount == 0:  # there already
                # FOR UPDATE: on PostgreSQL another claimer waits here until we commit.
                row = (
                    await conn.execute(
                        select(_r.status, _r.holder, _r.lease_until).where(key).with_for_update()
                    )
                ).one()
                if self._may_take(row.status, row.holder, row.lease_until, at):
                    await conn.execute(
                        update(digest_runs)
                        .where(key)
                        .values(
                            attempts=_r.attempts + 1,
                            status="claimed",
                            holder=self.holder,
                            lease_until=until,
                        )
                    )
                elif row.status == "claimed":
                    return DigestRun(channel, local_date, "held", None)
            found = (await conn.execute(select(_r.status, _r.header_id).where(key))).one()
        return DigestRun(channel, local_date, found.status, found.header_id)

    def _may_take(self, status: str, holder: str | None, until: str | None, at: datetime) -> bool:
        if status == "failed":
            return True
        if status != "claimed":
            return False
        return (
            holder is None
            or holder == self.holder
            or until is None
            or until <= stamp(at)
            or holder_is_gone(holder)
        )

    async def renew(
        self,
        channel: ChannelRef,
        local_date: date,
        *,
        at: datetime,
        lease: timedelta | None = None,
    ) -> bool:
        """Hold our claim until `at + lease`; False when it is no longer ours (finished,
        or taken over after our lease expired)."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                update(digest_runs)
                .where(
                    _run(channel, local_date),
                    _r.status == "claimed",
                    _r.holder == self.holder,
                )
                .values(lease_until=stamp(at + (lease or self._lease)))
            )
            return result.rowcount > 0

    async def release(self, channel: ChannelRef, local_date: date) -> None:
        """Give up our claim of an unfinished run (a graceful stop): another process
        resumes it at once instead of waiting for the lease to expire."""
        async with self._db.transaction() as conn:
            await conn.execute(
                update(digest_runs)
                .where(
                    _run(channel, local_date),
                    _r.status == "claimed",
                    _r.holder == self.holder,
                )
                .values(holder=None, lease_until=None)
            )

    async def run(self, channel: ChannelRef, local_date: date) -> DigestRun | None:
        row = await self._db.fetchone(
            select(_r.status, _r.header_id).where(_run(channel, local_date))
        )
        return DigestRun(channel, local_date, row[0], row[1]) if row else None

    async def skip(self, channel: ChannelRef, local_date: date, *, at: datetime) -> None:
        """Record that the day's digest will not be posted (missed beyond the grace period)."""
        statement = self._db.insert(digest_runs).values(
            **channel_values(channel),
            local_date=local_date.isoformat(),
            status="skipped",
            claimed_at=at.isoformat(),
            finished_at=at.isoformat(),
        )
        statement = statement.on_conflict_do_update(
            index_elements=[_r.platform, _r.workspace, _r.channel, _r.local_date],
            set_={"status": "skipped", "finished_at": statement.excluded.finished_at},
            where=_r.status != "done",
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)

    async def begin_header(self, channel: ChannelRef, local_date: date) -> bool:
        async with self._db.transaction() as conn:
            result = await conn.execute(
                update(digest_runs)
                .where(_run(channel, local_date), _r.header_id.is_(None))
                .values(header_id=HEADER_POSTING)
            )
            return result.rowcount > 0

    async def set_header(
        self, channel: ChannelRef, local_date: date, message_id: str | None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                update(digest_runs).where(_run(channel, local_date)).values(header_id=message_id)
            )

    async def finish(
        self, channel: ChannelRef, local_date: date, *, status: str, at: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                update(digest_runs)
                .where(_run(channel, local_date))
                .values(status=status, finished_at=at.isoformat())
            )


class DigestItemLog:
    """The `DigestItems` port."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def sent_papers(self, channel: ChannelRef) -> set[str]:
        """Every paper the channel was sent (or was being sent) in any digest."""
        rows = await self._db.fetchall(select(_i.paper_id).where(at_channel(digest_items, channel)))
        return {row[0] for row in rows}

    async def items(self, channel: ChannelRef, local_date: date) -> list[tuple[str, str]]:
        """(paper id, status) of one day's digest, in posting order."""
        rows = await self._db.fetchall(
            select(_i.paper_id, _i.status)
            .where(at_channel(digest_items, channel), _i.local_date == local_date.isoformat())
            .order_by(_i.position)
        )
        return [(row[0], row[1]) for row in rows]

    async def begin(
        self, channel: ChannelRef, local_date: date, paper_id: str, *, position: int, at: datetime
    ) -> bool:
        """Mark the paper as being posted; False if the channel already has it."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                self._db.insert(digest_items)
                .values(
                    **channel_values(channel),
                    paper_id=paper_id,
                    local_date=local_date.isoformat(),
                    position=position,
                    status="posting",
                    sent_at=at.isoformat(),
                )
                .on_conflict_do_nothing()
            )
            return result.rowcount > 0

    async def sent(
        self, channel: ChannelRef, paper_id: str, message_id: str, *, at: datetime
    ) -> None:
        """The paper's message is out: mark it sent."""
        async with self._db.transaction() as conn:
            await conn.execute(
                update(digest_items)
                .where(at_channel(digest_items, channel), _i.paper_id == paper_id)
                .values(status="sent", message_id=message_id, sent_at=at.isoformat())
            )

    async def forget(self, channel: ChannelRef, paper_id: str) -> None:
        """The post failed for certain (the platform refused it): the paper was not sent."""
        async with self._db.transaction() as conn:
            await conn.execute(
                delete(digest_items).where(
                    at_channel(digest_items, channel),
                    _i.paper_id == paper_id,
                    _i.status == "posting",
                )
            )


def _run(channel: ChannelRef, local_date: date) -> ColumnElement[bool]:
    return at_channel(digest_runs, channel) & (_r.local_date == local_date.isoformat())
