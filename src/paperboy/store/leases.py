"""Named leases: at most one holder at a time, until the lease expires.

A replica that wants to do something once across all replicas (the daily ingest,
a catch-up) takes the lease named for it; the holder renews it while working and
releases it when done. One that dies simply stops renewing, and the lease is free
again when it expires. Each call is one conditional write, so two processes asking
at once cannot both get it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from paperboy.store.database import Database
from paperboy.store.holders import stamp
from paperboy.store.schema import leases

_l = leases.c


class LeaseRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def try_acquire(self, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
        """Take the lease until `now + ttl` when it is free, expired, or already ours."""
        statement = self._db.insert(leases).values(
            name=name, holder=holder, expires_at=stamp(now + ttl)
        )
        statement = statement.on_conflict_do_update(
            index_elements=[_l.name],
            set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
            where=or_(_l.holder == holder, _l.expires_at <= stamp(now)),
        )
        async with self._db.transaction() as conn:
            return (await conn.execute(statement)).rowcount > 0

    async def renew(self, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
        """Extend our lease to `now + ttl`; False when it is no longer ours."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                update(leases)
                .where(_l.name == name, _l.holder == holder)
                .values(expires_at=stamp(now + ttl))
            )
            return result.rowcount > 0

    async def release(self, name: str, holder: str) -> None:
        """Give the lease up at once (nothing, when it is not ours)."""
        async with self._db.transaction() as conn:
            await conn.execute(delete(leases).where(_l.name == name, _l.holder == holder))

    async def holder(self, name: str, *, now: datetime) -> str | None:
        """Who holds the lease now, or None."""
        row = await self._db.fetchone(
            select(_l.holder).where(_l.name == name, _l.expires_at > stamp(now))
        )
        return str(row[0]) if row else None
