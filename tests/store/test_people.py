"""Forgetting one person, on SQLite and PostgreSQL: everything that names them in their
workspace is counted, then deleted (a channel's digest they set up stays, without their
id); nobody else's, nor the same user id's in another workspace or on another platform.
And the lists that say where a person and a workspace are stored miss no table."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

from sqlalchemy import Table

from paperboy.core.models import (
    ChannelRef,
    PersonalData,
    Subscription,
    UserRef,
    WeeklyForYou,
    WeeklyTop,
)
from paperboy.store import Store
from paperboy.store.people import NOT_A_PERSONS_DATA, PERSON_COLUMNS
from paperboy.store.schema import metadata
from paperboy.store.workspaces import WORKSPACE_TABLES
from tests.conftest import NOW
from tests.store.test_store import PAPER

ADA = UserRef("slack", "T1", "U1")
BOB = UserRef("slack", "T1", "U2")  # another person of the same workspace
ADA_ELSEWHERE = UserRef("slack", "T2", "U1")  # the same user id in another workspace
ADA_ON_DISCORD = UserRef("discord", "T1", "U1")  # and on another platform
EVERYONE = (ADA, BOB, ADA_ELSEWHERE, ADA_ON_DISCORD)


def _names_a_person(column: str) -> bool:
    return "user" in column or column.endswith("_by") or column == "destination"


def test_every_table_that_names_a_person_is_listed_for_forget_me() -> None:
    listed = {place.table.name for place in PERSON_COLUMNS}
    kept = {table.name for table in NOT_A_PERSONS_DATA}
    naming = {
        table.name
        for table in metadata.sorted_tables
        if any(_names_a_person(column.name) for column in table.columns)
    }
    assert naming - listed - kept == set(), "add the table to PERSON_COLUMNS in store/people.py"
    assert listed & kept == set()
    for place in PERSON_COLUMNS:  # each names the person beside platform and workspace
        assert {"platform", "workspace", place.column} <= set(place.table.columns.keys())


def test_every_table_of_a_workspace_is_listed_for_forgetting_the_workspace() -> None:
    def of_a_workspace(table: Table) -> bool:
        return {"platform", "workspace"} <= set(table.columns.keys())

    keyed = {table.name for table in metadata.sorted_tables if of_a_workspace(table)}
    assert keyed == {table.name for table in WORKSPACE_TABLES}


async def fill(store: Store, user: UserRef) -> None:
    """One of everything a person leaves behind, in their workspace."""
    channel = ChannelRef(user.platform, user.workspace, "C1")
    await store.reading_lists.save(user, PAPER.id, at=NOW)
    await store.marks.mark(user, PAPER.id, at=NOW)
    await store.follows.add(user, "author", "Ada Lovelace", at=NOW)
    await store.follows.claim(
        user.platform, user.workspace, f"user:{user.user}", ["2401.00003"], at=NOW
    )
    weekly = WeeklyForYou(user, weekday=0, time=time(9), timezone="UTC")
    await store.weekly_foryou.put(weekly, at=NOW)
    await store.weekly_foryou.claim(user, NOW.date(), at=NOW)
    await store.weekly_foryou.plan(user, NOW.date(), [(PAPER.id, PAPER.id)])
    if user is ADA:  # the channel's digest and weekly list, set up by Ada
        await store.subscriptions.put(
            Subscription(channel, time(9), "UTC", created_by=user.user), at=NOW
        )
        await store.weekly_top.put(
            WeeklyTop(channel, weekday=0, time=time(9), timezone="UTC", created_by=user.user),
            at=NOW,
        )
        # what a follow of Ada's posted in the channel is the channel's record
        await store.follows.claim(user.platform, user.workspace, "channel:C1", ["x"], at=NOW)


async def test_a_person_is_counted_then_forgotten_and_nobody_else(store: Store) -> None:
    await store.papers.upsert([PAPER], at=NOW - timedelta(days=1))
    for user in EVERYONE:
        await fill(store, user)
    everyone_else = {user: await store.people.count(user) for user in EVERYONE if user != ADA}

    counted = await store.people.count(ADA)
    assert counted == await store.people.count(ADA)  # counting deletes nothing
    forgotten = await store.people.forget(ADA)

    expected = {kind: 1 for kind in PersonalData} | {PersonalData.SET_UP: 2}
    assert counted == forgotten == expected
    assert await store.people.count(ADA) == {}
    assert await store.reading_lists.list(ADA, limit=10) == []
    assert await store.marks.marked(ADA) == []
    assert await store.follows.of(ADA) == []
    assert await store.weekly_foryou.get(ADA) is None
    assert await store.weekly_foryou.planned(ADA, NOW.date()) == []
    # the channel keeps its digest and weekly list, no longer naming who set them up
    channel = ChannelRef("slack", "T1", "C1")
    digest, weekly = await store.subscriptions.get(channel), await store.weekly_top.get(channel)
    assert digest is not None
    assert digest.created_by == ""
    assert weekly is not None
    assert weekly.created_by == ""
    assert await store.follows.claim("slack", "T1", "channel:C1", ["x"], at=NOW) == []
    # her follows' record is gone: a paper sent before could be sent to her again
    assert await store.follows.claim("slack", "T1", "user:U1", ["2401.00003"], at=NOW) == [
        "2401.00003"
    ]
    for user, before in everyone_else.items():
        assert await store.people.count(user) == before
        assert [s.paper.id for s in await store.reading_lists.list(user, limit=10)] == [PAPER.id]


async def test_forgetting_someone_with_nothing_stored_deletes_nothing(store: Store) -> None:
    await store.papers.upsert([PAPER], at=NOW)
    await fill(store, BOB)
    assert await store.people.count(ADA) == {}
    assert await store.people.forget(ADA) == {}
    assert len(await store.reading_lists.list(BOB, limit=10)) == 1


async def test_a_count_asked_while_a_save_is_being_written_includes_it(store: Store) -> None:
    """`forget me` right after a save: the count, asked while the save is still queued
    behind another write, waits for it instead of leaving it out."""
    await store.papers.upsert([PAPER], at=NOW)
    async with store.db.transaction():  # the store is busy with another write
        saving = asyncio.create_task(store.reading_lists.save(ADA, PAPER.id, at=NOW))
        await asyncio.sleep(0)  # the save is asked for first
        counting = asyncio.create_task(store.people.count(ADA))
        for _ in range(50):  # reads go on meanwhile, until a count that did not wait is done
            if counting.done():
                break
            await store.papers.count()
    assert await saving
    assert await counting == {PersonalData.READING_LIST: 1}
