"""Channel subscriptions to the daily digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, select, update

from paperboy.core.models import ChannelRef, Subscription
from paperboy.core.times import checked_time_of_day, hh_mm
from paperboy.store.database import AnyRow, Database
from paperboy.store.keys import CHANNEL_KEYS, at_channel, channel_values
from paperboy.store.schema import subscriptions

_s = subscriptions.c
_COLUMNS = (
    _s.platform,
    _s.workspace,
    _s.channel,
    _s.time,
    _s.timezone,
    _s.topics,
    _s.max_papers,
    _s.min_upvotes,
    _s.weekdays_only,
    _s.failures,
    _s.paused,
    _s.created_by,
)


class SubscriptionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, subscription: Subscription, *, at: datetime) -> None:
        """Create or replace a channel's subscription; failures and pause are reset."""
        s = subscription
        statement = self._db.replace(
            subscriptions,
            {
                **channel_values(s.channel),
                "time": hh_mm(s.time),  # stored as text: "09:30"
                "timezone": s.timezone,
                "topics": s.topics,
                "max_papers": s.max_papers,
                "min_upvotes": s.min_upvotes,
                "weekdays_only": int(s.weekdays_only),
                "failures": 0,
                "paused": 0,
                "created_by": s.created_by,
                "created_at": at.isoformat(),
                "updated_at": at.isoformat(),
            },
            keys=CHANNEL_KEYS,
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)

    async def remove(self, channel: ChannelRef) -> bool:
        async with self._db.transaction() as conn:
            result = await conn.execute(
                delete(subscriptions).where(at_channel(subscriptions, channel))
            )
            return result.rowcount > 0

    async def remove_workspace(self, platform: str, workspace: str) -> list[ChannelRef]:
        """Delete every channel's subscription in one workspace; the channels that had one."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                delete(subscriptions)
                .where(_s.platform == platform, _s.workspace == workspace)
                .returning(_s.channel)
            )
            channels = list(result.scalars())
        return [ChannelRef(platform, workspace, channel) for channel in channels]

    async def get(self, channel: ChannelRef) -> Subscription | None:
        row = await self._db.fetchone(select(*_COLUMNS).where(at_channel(subscriptions, channel)))
        return _from_row(row) if row else None

    async def active(self) -> list[Subscription]:
        """Every subscription that is not paused after repeated failures."""
        rows = await self._db.fetchall(select(*_COLUMNS).where(_s.paused == 0))
        return [_from_row(row) for row in rows]

    async def record_failure(self, channel: ChannelRef, *, pause_after: int, at: datetime) -> int:
        """Count one more failed run; pause the subscription at `pause_after`. Returns the count."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                update(subscriptions)
                .where(at_channel(subscriptions, channel))
                .values(
                    failures=_s.failures + 1,
                    paused=case((_s.failures + 1 >= pause_after, 1), else_=0),
                    updated_at=at.isoformat(),
                )
                .returning(_s.failures)
            )
            failures = result.scalar()
        return int(failures) if failures is not None else 0

    async def record_success(self, channel: ChannelRef) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                update(subscriptions)
                .where(at_channel(subscriptions, channel), _s.failures != 0)
                .values(failures=0)
            )


def _from_row(row: AnyRow) -> Subscription:
    m = row._mapping
    return Subscription(
        channel=ChannelRef(m["platform"], m["workspace"], m["channel"]),
        time=checked_time_of_day(m["time"]),
        timezone=m["timezone"],
        topics=m["topics"],
        max_papers=int(m["max_papers"]),
        min_upvotes=int(m["min_upvotes"]),
        weekdays_only=bool(m["weekdays_only"]),
        failures=int(m["failures"]),
        created_by=m["created_by"],
    )
