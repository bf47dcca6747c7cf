"""Everything stored about one person in one workspace, counted and deleted at once (`forget me`).

`PERSON_COLUMNS` is the one list of where a person is named: every table with a column
that holds a person's id is here, or in `NOT_A_PERSONS_DATA` with the reason it stays
(tests/store/test_people.py fails for a table in neither). Most rows are the person's
own and go; a row that is a channel's (a digest someone set up) stays, and only the
person's id on it is blanked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from paperboy.core.models import PersonalData, UserRef
from paperboy.store.database import Database
from paperboy.store.schema import (
    follow_sent,
    follows,
    foryou_weekly,
    foryou_weekly_items,
    foryou_weekly_runs,
    marked_papers,
    saved_papers,
    slack_bots,
    slack_installations,
    subscriptions,
    top_subscriptions,
)


@dataclass(frozen=True, slots=True)
class PersonColumn:
    """Where `table` names a person: `column` holds `prefix` + their user id, beside the
    table's platform and workspace. `blank`: the row is a channel's, not the person's;
    forgetting them empties the column and keeps the row."""

    table: Table
    column: str
    kind: PersonalData
    prefix: str = ""
    blank: bool = False

    def of(self, user: UserRef) -> ColumnElement[bool]:
        c = self.table.c
        return (
            (c.platform == user.platform)
            & (c.workspace == user.workspace)
            & (c[self.column] == self.prefix + user.user)
        )


# Children before parents (a weekly message's papers, its runs, then the message itself).
PERSON_COLUMNS: tuple[PersonColumn, ...] = (
    PersonColumn(saved_papers, "user_id", PersonalData.READING_LIST),
    PersonColumn(marked_papers, "user_id", PersonalData.MARKS),
    PersonColumn(follows, "user_id", PersonalData.FOLLOWS),
    # What their follows sent to their direct messages; a channel's record stays with it.
    PersonColumn(follow_sent, "destination", PersonalData.FOLLOW_SENT, prefix="user:"),
    PersonColumn(foryou_weekly_items, "user_id", PersonalData.WEEKLY_PAPERS),
    PersonColumn(foryou_weekly_runs, "user_id", PersonalData.WEEKLY_SENT),
    PersonColumn(foryou_weekly, "user_id", PersonalData.WEEKLY),
    # A channel's digest and weekly list belong to the channel: they keep running.
    PersonColumn(subscriptions, "created_by", PersonalData.SET_UP, blank=True),
    PersonColumn(top_subscriptions, "created_by", PersonalData.SET_UP, blank=True),
)

# Tables with a column that looks like a person's, which `forget me` leaves, and why.
NOT_A_PERSONS_DATA: dict[Table, str] = {
    slack_installations: "who installed the app into the workspace: part of the "
    "workspace's installation (slack_sdk's), deleted with it when the app is uninstalled",
    slack_bots: "bot_user_id is the bot's own user, not a person's",
}


class PersonData:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def count(self, user: UserRef) -> dict[PersonalData, int]:
        """What is stored about the person, per kind (kinds with none left out)."""
        counts: dict[PersonalData, int] = {}
        for place in PERSON_COLUMNS:
            found = await self._db.fetchone(
                select(func.count()).select_from(place.table).where(place.of(user)),
                after_writes=True,  # right after a save, the count includes it
            )
            _add(counts, place.kind, int(found[0]) if found else 0)
        return counts

    async def forget(self, user: UserRef) -> dict[PersonalData, int]:
        """Delete (or, in a channel's row, blank) everything that names the person, in
        one transaction; rows per kind (kinds with none left out). Nobody else's rows,
        nor the same id's in another workspace or platform."""
        done: dict[PersonalData, int] = {}
        async with self._db.transaction() as conn:
            for place in PERSON_COLUMNS:
                _add(done, place.kind, await _forget(conn, place, user))
        return done


async def _forget(conn: AsyncConnection, place: PersonColumn, user: UserRef) -> int:
    if place.blank:
        statement = update(place.table).where(place.of(user)).values({place.column: ""})
        return (await conn.execute(statement)).rowcount
    return (await conn.execute(delete(place.table).where(place.of(user)))).rowcount


def _add(counts: dict[PersonalData, int], kind: PersonalData, rows: int) -> None:
    if rows:
        counts[kind] = counts.get(kind, 0) + rows
