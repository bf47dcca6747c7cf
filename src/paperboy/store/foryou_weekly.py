"""Weekly `foryou` messages: who wants one, and each week's run, sent exactly once.

A run is claimed per person and local day before anything is sent; the papers it
chose are written as 'planned' before the first goes out, each turns to 'posting'
just before its message and to 'sent' after. So a restart posts exactly the papers
still planned: none twice, none dropped (see digest/weekly_foryou.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, insert, select, update

from paperboy.core.models import UserRef, WeeklyForYou
from paperboy.core.times import checked_time_of_day, hh_mm
from paperboy.store.database import AnyRow, Database
from paperboy.store.schema import foryou_weekly, foryou_weekly_items, foryou_weekly_runs

_w, _runs, _items = foryou_weekly.c, foryou_weekly_runs.c, foryou_weekly_items.c


class WeeklyForYouLog:
    """The `WeeklyForYous` port."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- who wants one -----------------------------------------------------------------

    async def put(self, weekly: WeeklyForYou, *, at: datetime) -> None:
        """Create or replace a person's weekly message."""
        statement = self._db.replace(
            foryou_weekly,
            {
                **_person(weekly.user),
                "weekday": weekly.weekday,
                "time": hh_mm(weekly.time),  # stored as text: "09:30"
                "timezone": weekly.timezone,
                "created_at": at.isoformat(),
                "updated_at": at.isoformat(),
            },
            keys=("platform", "workspace", "user_id"),
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)

    async def remove(self, user: UserRef) -> bool:
        async with self._db.transaction() as conn:
            result = await conn.execute(delete(foryou_weekly).where(_who(foryou_weekly, user)))
            return result.rowcount > 0

    async def remove_workspace(self, platform: str, workspace: str) -> list[UserRef]:
        """Delete every weekly message of one workspace; the people who had one."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                delete(foryou_weekly)
                .where(_w.platform == platform, _w.workspace == workspace)
                .returning(_w.user_id)
            )
            people = list(result.scalars())
        return [UserRef(platform, workspace, user_id) for user_id in people]

    async def get(self, user: UserRef) -> WeeklyForYou | None:
        row = await self._db.fetchone(select(foryou_weekly).where(_who(foryou_weekly, user)))
        return _weekly(row) if row else None

    async def active(self) -> list[WeeklyForYou]:
        rows = await self._db.fetchall(select(foryou_weekly))
        return [_weekly(row) for row in rows]

    # -- each week's run ---------------------------------------------------------------

    async def claim(self, user: UserRef, day: date, *, at: datetime) -> str:
        statement = (
            self._db.insert(foryou_weekly_runs)
            .values(**_run(user, day), status="claimed", claimed_at=at.isoformat())
            .on_conflict_do_nothing()
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)
            status = await conn.scalar(
                select(_runs.status).where(_at_run(foryou_weekly_runs, user, day))
            )
        assert status is not None
        return str(status)

    async def status(self, user: UserRef, day: date) -> str | None:
        row = await self._db.fetchone(
            select(_runs.status).where(_at_run(foryou_weekly_runs, user, day))
        )
        return str(row[0]) if row else None

    async def header(self, user: UserRef, day: date) -> str | None:
        row = await self._db.fetchone(
            select(_runs.header_id).where(_at_run(foryou_weekly_runs, user, day))
        )
        return str(row[0]) if row and row[0] is not None else None

    async def set_header(self, user: UserRef, day: date, message_id: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                update(foryou_weekly_runs)
                .where(_at_run(foryou_weekly_runs, user, day))
                .values(header_id=message_id)
            )

    async def begin_header(self, user: UserRef, day: date) -> bool:
        """Take the opening message's turn: True for exactly one caller (replicas whose
        jobs fire at once), its header then "" (being sent) until `set_header`."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                update(foryou_weekly_runs)
                .where(_at_run(foryou_weekly_runs, user, day), _runs.header_id.is_(None))
                .values(header_id="")
            )
            return result.rowcount > 0

    async def release_header(self, user: UserRef, day: date) -> None:
        """The opening message failed for certain: the next run sends it."""
        async with self._db.transaction() as conn:
            await conn.execute(
                update(foryou_weekly_runs)
                .where(_at_run(foryou_weekly_runs, user, day), _runs.header_id == "")
                .values(header_id=None)
            )

    async def plan(self, user: UserRef, day: date, papers: Sequence[tuple[str, str]]) -> None:
        async with self._db.transaction() as conn:
            planned = await conn.scalar(
                select(_items.paper_id).where(_at_run(foryou_weekly_items, user, day)).limit(1)
            )
            if planned is not None or not papers:
                return  # planned already (another replica, or before a restart)
            await conn.execute(
                insert(foryou_weekly_items),
                [
                    {
                        **_run(user, day),
                        "paper_id": paper_id,
                        "position": position,
                        "like_id": like,
                        "status": "planned",
                    }
                    for position, (paper_id, like) in enumerate(papers)
                ],
            )

    async def planned(self, user: UserRef, day: date) -> list[tuple[str, str, str]]:
        rows = await self._db.fetchall(
            select(_items.paper_id, _items.like_id, _items.status)
            .where(_at_run(foryou_weekly_items, user, day))
            .order_by(_items.position)
        )
        return [(str(row[0]), str(row[1]), str(row[2])) for row in rows]

    async def begin(self, user: UserRef, day: date, paper_id: str) -> bool:
        return await self._move(user, day, paper_id, "planned", "posting", None)

    async def sent(self, user: UserRef, day: date, paper_id: str, message_id: str) -> None:
        await self._move(user, day, paper_id, "posting", "sent", message_id)

    async def unsent(self, user: UserRef, day: date, paper_id: str) -> None:
        await self._move(user, day, paper_id, "posting", "planned", None)

    async def finish(self, user: UserRef, day: date, *, at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                update(foryou_weekly_runs)
                .where(_at_run(foryou_weekly_runs, user, day))
                .values(status="done", finished_at=at.isoformat())
            )

    async def skip(self, user: UserRef, day: date, *, at: datetime) -> None:
        """Record a message too late to send (beyond the grace period) as skipped."""
        statement = (
            self._db.insert(foryou_weekly_runs)
            .values(
                **_run(user, day),
                status="skipped",
                claimed_at=at.isoformat(),
                finished_at=at.isoformat(),
            )
            .on_conflict_do_nothing()
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)

    async def _move(
        self,
        user: UserRef,
        day: date,
        paper_id: str,
        before: str,
        after: str,
        message_id: str | None,
    ) -> bool:
        async with self._db.transaction() as conn:
            result = await conn.execute(
                update(foryou_weekly_items)
                .where(
                    _at_run(foryou_weekly_items, user, day),
                    _items.paper_id == paper_id,
                    _items.status == before,
                )
                .values(status=after, message_id=message_id)
            )
            return result.rowcount > 0


def _weekly(row: AnyRow) -> WeeklyForYou:
    values = row._mapping
    return WeeklyForYou(
        user=UserRef(values["platform"], values["workspace"], values["user_id"]),
        weekday=int(values["weekday"]),
        time=checked_time_of_day(values["time"]),
        timezone=values["timezone"],
    )


def _person(user: UserRef) -> dict[str, Any]:
    return {"platform": user.platform, "workspace": user.workspace, "user_id": user.user}


def _run(user: UserRef, day: date) -> dict[str, Any]:
    return {**_person(user), "local_date": day.isoformat()}


def _who(table: Table, user: UserRef) -> ColumnElement[bool]:
    c = table.c
    return (
        (c.platform == user.platform) & (c.workspace == user.workspace) & (c.user_id == user.user)
    )


def _at_run(table: Table, user: UserRef, day: date) -> ColumnElement[bool]:
    return _who(table, user) & (table.c.local_date == day.isoformat())
