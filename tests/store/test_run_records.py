"""What a finished run leaves in the store for an operator, on SQLite and PostgreSQL:
which message each post became and when a run was claimed, finished or skipped. No
command reads these back; they are what someone looking into a channel's history
queries, so the rows themselves are checked."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import Table, select

from paperboy.core.models import ChannelRef, Paper, Subscription, UserRef
from paperboy.store import Store
from paperboy.store.schema import (
    digest_items,
    digest_runs,
    foryou_weekly_items,
    subscriptions,
    top_runs,
)
from paperboy.store.schema import foryou_weekly_runs as weekly_runs
from tests.conftest import NOW

HERE = ChannelRef("slack", "T1", "C1")
ANN = UserRef("slack", "T1", "U1")
DAY = date(2025, 3, 20)
LATER = NOW + timedelta(minutes=7)
PAPER = Paper("2503.00001", "Paper 1", "Abstract 1.", featured=date(2025, 3, 13))


async def row(store: Store, table: Table, *columns: str, **key: str) -> tuple[Any, ...]:
    """`columns` of the one row of `table` with the values `key`."""
    found = await store.db.fetchall(
        select(*(table.c[name] for name in columns)).where(
            *(table.c[name] == value for name, value in key.items())
        )
    )
    assert len(found) == 1
    return tuple(found[0])


async def test_a_digest_run_records_when_it_was_claimed_and_finished(store: Store) -> None:
    runs = store.digest_runs
    await runs.claim(HERE, DAY, at=NOW)
    await runs.finish(HERE, DAY, status="done", at=LATER)
    await runs.skip(HERE, DAY + timedelta(days=1), at=LATER)
    columns = ("status", "claimed_at", "finished_at")
    day, next_day = DAY.isoformat(), (DAY + timedelta(days=1)).isoformat()
    assert await row(store, digest_runs, *columns, channel="C1", local_date=day) == (
        "done",
        NOW.isoformat(),
        LATER.isoformat(),
    )
    assert await row(store, digest_runs, *columns, channel="C1", local_date=next_day) == (
        "skipped",
        LATER.isoformat(),
        LATER.isoformat(),
    )


async def test_a_digest_paper_records_its_message_and_when_it_went_out(store: Store) -> None:
    await store.papers.upsert([PAPER], at=NOW)
    await store.digest_runs.claim(HERE, DAY, at=NOW)
    await store.digest_items.begin(HERE, DAY, PAPER.id, position=0, at=NOW)
    columns = ("status", "message_id", "sent_at")
    assert await row(store, digest_items, *columns, paper_id=PAPER.id) == (
        "posting",
        None,
        NOW.isoformat(),
    )
    await store.digest_items.sent(HERE, PAPER.id, "m1", at=LATER)
    assert await row(store, digest_items, *columns, paper_id=PAPER.id) == (
        "sent",
        "m1",
        LATER.isoformat(),
    )


async def test_a_weekly_list_records_its_message_and_when_it_was_posted(store: Store) -> None:
    weekly_top = store.weekly_top
    columns = ("status", "message_id", "claimed_at", "finished_at")
    await weekly_top.begin(HERE, DAY, at=NOW)
    await weekly_top.finish(HERE, DAY, "m1", at=LATER)
    day = DAY.isoformat()
    assert await row(store, top_runs, *columns, local_date=day) == (
        "done",
        "m1",
        NOW.isoformat(),
        LATER.isoformat(),
    )
    await weekly_top.release(HERE, DAY)  # claimable again: no message, not finished
    assert await row(store, top_runs, *columns, local_date=day) == (
        "claimed",
        None,
        NOW.isoformat(),
        None,
    )
    assert await weekly_top.begin(HERE, DAY, at=LATER)  # claimed again: when, this time
    assert await row(store, top_runs, *columns, local_date=day) == (
        "posting",
        None,
        LATER.isoformat(),
        None,
    )
    await weekly_top.skip(HERE, DAY + timedelta(days=7), at=LATER)
    next_week = (DAY + timedelta(days=7)).isoformat()
    assert await row(store, top_runs, *columns, local_date=next_week) == (
        "skipped",
        None,
        LATER.isoformat(),
        LATER.isoformat(),
    )


async def test_a_weekly_message_records_each_papers_message_and_when_it_finished(
    store: Store,
) -> None:
    log = store.weekly_foryou
    await log.claim(ANN, DAY, at=NOW)
    await log.plan(ANN, DAY, [("p1", "s1"), ("p2", "s2")])
    await log.begin(ANN, DAY, "p1")
    await log.sent(ANN, DAY, "p1", "m1")
    await log.begin(ANN, DAY, "p2")
    await log.unsent(ANN, DAY, "p2")
    await log.finish(ANN, DAY, at=LATER)
    await log.skip(ANN, DAY + timedelta(days=7), at=LATER)

    items = ("status", "message_id")
    assert await row(store, foryou_weekly_items, *items, paper_id="p1") == ("sent", "m1")
    assert await row(store, foryou_weekly_items, *items, paper_id="p2") == ("planned", None)
    runs = ("status", "claimed_at", "finished_at")
    assert await row(store, weekly_runs, *runs, local_date=DAY.isoformat()) == (
        "done",
        NOW.isoformat(),
        LATER.isoformat(),
    )
    next_week = (DAY + timedelta(days=7)).isoformat()
    assert await row(store, weekly_runs, *runs, local_date=next_week) == (
        "skipped",
        LATER.isoformat(),
        LATER.isoformat(),
    )


async def test_a_digest_records_when_it_was_set_up_and_last_changed(store: Store) -> None:
    await store.subscriptions.put(Subscription(HERE, time(9), "UTC"), at=NOW)
    await store.subscriptions.put(Subscription(HERE, time(10), "UTC"), at=LATER)
    columns = ("created_at", "updated_at")
    assert await row(store, subscriptions, *columns, channel="C1") == (
        NOW.isoformat(),
        LATER.isoformat(),
    )
    failed = LATER + timedelta(days=1)
    await store.subscriptions.record_failure(HERE, pause_after=3, at=failed)
    assert await row(store, subscriptions, *columns, channel="C1") == (
        NOW.isoformat(),
        failed.isoformat(),
    )
