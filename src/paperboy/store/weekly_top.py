"""Weekly top lists: which channels want one, and each week's run (posted once)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, select, update

from paperboy.core.models import ChannelRef, WeeklyTop
from paperboy.core.times import checked_time_of_day, hh_mm
from paperboy.store.database import AnyRow, Database
from paperboy.store.keys import CHANNEL_KEYS, at_channel, channel_values
from paperboy.store.schema import top_runs, top_subscriptions

_t = top_subscriptions.c
_r = top_runs.c


class WeeklyTopLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, weekly: WeeklyTop, *, at: datetime) -> None:
        """Create or replace a channel's weekly list."""
        statement = self._db.replace(
            top_subscriptions,
            {
                **channel_values(weekly.channel),
                "weekday": weekly.weekday,
                "time": hh_mm(weekly.time),  # stored as text: "09:30"
                "timezone": weekly.timezone,
                "created_by": weekly.created_by,
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
                delete(top_subscriptions).where(at_channel(top_subscriptions, channel))
            )
            return result.rowcount > 0

    async def remove_workspace(self, platform: str, workspace: str) -> list[ChannelRef]:
        """Delete every channel's weekly list in one workspace; the channels that had one."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                delete(top_subscriptions)
                .where(_t.platform == platform, _t.workspace == workspace)
                .returning(_t.channel)
            )
            channels = list(result.scalars())
        return [ChannelRef(platform, workspace, channel) for channel in channels]

    async def get(self, channel: ChannelRef) -> WeeklyTop | None:
        row = await self._db.fetchone(
            select(top_subscriptions).where(at_channel(top_subscriptions, channel))
        )
        return _weekly(row) if row else None

    async def active(self) -> list[WeeklyTop]:
        rows = await self._db.fetchall(select(top_subscriptions))
        return [_weekly(row) for row in rows]

    async def status(self, channel: ChannelRef, day: date) -> str | None:
        row = await self._db.fetchone(select(_r.status).where(_run(channel, day)))
        return str(row[0]) if row else None

    async def begin(self, channel: ChannelRef, day: date, *, at: datetime) -> bool:
        """Claim the day's list for posting: True for exactly one caller, ever (every
        replica and restart included) — unless `release` gives the claim back."""
        async with self._db.transaction() as conn:
            await conn.execute(
                self._db.insert(top_runs)
                .values(
                    **channel_values(channel),
                    local_date=day.isoformat(),
                    status="claimed",
                    claimed_at=at.isoformat(),
                )
                .on_conflict_do_nothing()
            )
            result = await conn.execute(
                update(top_runs)
                .where(_run(channel, day), _r.status == "claimed")
                .values(status="posting", claimed_at=at.isoformat())
            )
            return result.rowcount > 0

    async def release(self, channel: ChannelRef, day: date) -> None:
        """The list could not be posted: a later attempt (the catch-up) may try again."""
        await self._set(channel, day, "claimed", None, None)

    async def finish(
        self, channel: ChannelRef, day: date, message_id: str, *, at: datetime
    ) -> None:
        await self._set(channel, day, "done", message_id, at)

    async def skip(self, channel: ChannelRef, day: date, *, at: datetime) -> None:
        """Record a list too late to post (beyond the grace period) as skipped."""
        async with self._db.transaction() as conn:
            await conn.execute(
                self._db.insert(top_runs)
                .values(
                    **channel_values(channel),
                    local_date=day.isoformat(),
                    status="skipped",
                    claimed_at=at.isoformat(),
                    finished_at=at.isoformat(),
                )
                .on_conflict_do_nothing()
            )

    async def _set(
        self,
        channel: ChannelRef,
        day: date,
        status: str,
        message_id: str | None,
        at: datetime | None,
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                update(top_runs)
                .where(_run(channel, day))
                .values(
                    status=status,
                    message_id=message_id,
                    finished_at=at.isoformat() if at else None,
                )
            )


def _run(channel: ChannelRef, day: date) -> ColumnElement[bool]:
    return at_channel(top_runs, channel) & (_r.local_date == day.isoformat())


def _weekly(row: AnyRow) -> WeeklyTop:
    m = row._mapping
    return WeeklyTop(
        channel=ChannelRef(m["platform"], m["workspace"], m["channel"]),
        weekday=int(m["weekday"]),
        time=checked_time_of_day(m["time"]),
        timezone=m["timezone"],
        created_by=m["created_by"],
    )
