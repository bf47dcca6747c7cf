"""The SQLite store: migrations, upserts, reading lists, posts, failures."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy.exc

from paperboy.core.models import ChannelRef, Paper, PostRef, UserRef
from paperboy.core.ports import StoreUnavailable
from paperboy.store import Database, Store
from paperboy.store.migrations import MIGRATIONS

PAPER = Paper(
    id="2403.12345",
    title="A Paper",
    abstract="An abstract.",
    authors=("Ada Lovelace", "Alan Turing"),
    published=date(2024, 3, 19),
    featured=date(2024, 3, 20),
    upvotes=10,
    github_url="https://github.com/x/y",
)


async def test_a_new_file_gets_every_migration_recorded(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    async with await Store.open(path):
        pass
    with sqlite3.connect(path) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert versions == [m.version for m in MIGRATIONS]
    assert {"papers", "saved_papers", "posts", "subscriptions", "digest_runs"} <= tables
    assert journal == "wal"


async def test_reopening_a_file_keeps_its_papers_and_applies_nothing_twice(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "again.sqlite3"
    async with await Store.open(path) as store:
        await store.papers.upsert([PAPER], at=now)
    async with await Store.open(path) as store:
        assert await store.papers.get(PAPER.id) == PAPER
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(
            MIGRATIONS
        )


async def test_a_store_from_a_newer_paperboy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    async with await Store.open(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', '')")
    with pytest.raises(RuntimeError, match="newer paperboy"):
        await Store.open(path)


async def test_upsert_updates_upvotes_without_duplicating(store: Store, now: datetime) -> None:
    first = await store.papers.upsert([PAPER], at=now)
    second = await store.papers.upsert([dataclasses.replace(PAPER, upvotes=42)], at=now)
    assert (first.inserted, first.updated) == (1, 0)
    assert (second.inserted, second.updated) == (0, 1)
    assert await store.papers.count() == 1
    stored = await store.papers.get(PAPER.id)
    assert stored is not None
    assert stored.upvotes == 42


async def test_storing_the_same_papers_again_counts_them_unchanged_and_writes_nothing(
    store: Store, now: datetime
) -> None:
    other = dataclasses.replace(PAPER, id="2403.00002", upvotes=1)
    first = await store.papers.upsert([PAPER, other], at=now)
    state = await store.papers.version()
    later = now + timedelta(hours=1)
    again = await store.papers.upsert([PAPER, other], at=later)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert again.describe() == "0 new, 0 updated, 2 unchanged"
    assert await store.papers.version() == state  # a saved index stays valid
    # Fewer upvotes or a missing field merge into what is stored: still unchanged.
    sparse = dataclasses.replace(PAPER, upvotes=0, github_url=None, authors=())
    assert (await store.papers.upsert([sparse], at=later)).unchanged == 1
    changed = await store.papers.upsert([dataclasses.replace(other, upvotes=2), PAPER], at=later)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 1)
    assert first.describe() == "2 new, 0 updated, 0 unchanged"


async def test_a_change_of_authors_moves_the_papers_version(store: Store, now: datetime) -> None:
    await store.papers.upsert([PAPER], at=now)
    before = await store.papers.version()
    await store.papers.upsert([dataclasses.replace(PAPER, authors=("Grace Hopper",))], at=now)
    after = await store.papers.version()
    assert after.text_seq > before.text_seq


async def test_upsert_never_loses_fields_or_lowers_upvotes(store: Store, now: datetime) -> None:
    await store.papers.upsert([PAPER], at=now)
    sparse = Paper(id=PAPER.id, title="A Paper, revised", abstract="", upvotes=3)
    await store.papers.upsert([sparse], at=now)
    stored = await store.papers.get(PAPER.id)
    assert stored is not None
    assert stored.title == "A Paper, revised"
    assert stored.abstract == PAPER.abstract
    assert stored.authors == PAPER.authors
    assert stored.upvotes == 10
    assert stored.github_url == PAPER.github_url
    assert stored.featured == PAPER.featured


async def test_only_a_text_change_moves_the_papers_version(store: Store, now: datetime) -> None:
    await store.papers.upsert([PAPER], at=now)
    before = await store.papers.version()
    await store.papers.upsert([dataclasses.replace(PAPER, upvotes=50)], at=now)
    votes_only = await store.papers.version()
    await store.papers.upsert([dataclasses.replace(PAPER, abstract="New words.")], at=now)
    after = await store.papers.version()
    assert votes_only.text_seq == before.text_seq
    assert after.text_seq > before.text_seq
    changed = [p.id async for p in store.papers.iter_all(after_seq=before.text_seq)]
    assert changed == [PAPER.id]


async def test_a_failing_batch_writes_nothing(store: Store, now: datetime) -> None:
    broken = dataclasses.replace(PAPER, id="2403.99999", title=None)  # type: ignore[arg-type]
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        await store.papers.upsert([PAPER, broken], at=now)
    assert await store.papers.count() == 0


async def test_trending_orders_by_upvotes_within_the_days(store: Store, now: datetime) -> None:
    day = date(2025, 3, 13)
    papers = [
        dataclasses.replace(PAPER, id="2503.00001", featured=day, upvotes=5),
        dataclasses.replace(PAPER, id="2503.00002", featured=day, upvotes=50),
        dataclasses.replace(PAPER, id="2503.00003", featured=day - timedelta(days=3), upvotes=99),
    ]
    await store.papers.upsert(papers, at=now)
    today = await store.papers.trending(since=day, until=day, limit=10)
    week = await store.papers.trending(since=day - timedelta(days=6), until=day, limit=10)
    assert [p.id for p in today] == ["2503.00002", "2503.00001"]
    assert [p.id for p in week] == ["2503.00003", "2503.00002", "2503.00001"]
    assert await store.papers.latest_featured_day(on_or_before=day) == day


async def test_saving_twice_keeps_one_entry(store: Store, now: datetime) -> None:
    await store.papers.upsert([PAPER], at=now)
    user = UserRef("slack", "T1", "U1")
    assert await store.reading_lists.save(user, PAPER.id, at=now) is True
    assert await store.reading_lists.save(user, PAPER.id, at=now) is False
    assert await store.reading_lists.count(user) == 1


async def test_reading_lists_are_private_to_platform_workspace_and_user(
    store: Store, now: datetime
) -> None:
    await store.papers.upsert([PAPER], at=now)
    owner = UserRef("slack", "T1", "U1")
    await store.reading_lists.save(owner, PAPER.id, at=now)
    for other in (
        UserRef("slack", "T1", "U2"),
        UserRef("slack", "T2", "U1"),
        UserRef("discord", "T1", "U1"),
    ):
        assert await store.reading_lists.list(other, limit=10) == []
        assert await store.reading_lists.unsave(other, PAPER.id) is False
    assert [s.paper.id for s in await store.reading_lists.list(owner, limit=10)] == [PAPER.id]


async def test_saved_titles_cover_the_whole_list_newest_first(store: Store, now: datetime) -> None:
    """Autocomplete reads every saved paper's id and title, however long the list."""
    papers = [
        dataclasses.replace(PAPER, id=f"2403.{n:05d}", title=f"Paper number {n}")
        for n in range(700)
    ]
    await store.papers.upsert(papers, at=now)
    user = UserRef("discord", "G1", "U1")
    for n, paper in enumerate(papers):
        await store.reading_lists.save(user, paper.id, at=now + timedelta(seconds=n))
    titles = await store.reading_lists.titles(user)
    assert len(titles) == 700
    assert titles[0] == ("2403.00699", "Paper number 699")
    assert titles[-1] == ("2403.00000", "Paper number 0")
    assert await store.reading_lists.titles(UserRef("discord", "G1", "U2")) == []


async def test_reading_list_is_newest_first_with_read_marks(store: Store, now: datetime) -> None:
    older = dataclasses.replace(PAPER, id="2403.00001")
    await store.papers.upsert([PAPER, older], at=now)
    user = UserRef("console", "local", "me")
    await store.reading_lists.save(user, older.id, at=now)
    await store.reading_lists.save(user, PAPER.id, at=now + timedelta(minutes=1))
    assert await store.reading_lists.mark_read(user, older.id, at=now) is True
    assert await store.reading_lists.mark_read(user, older.id, at=now) is False
    items = await store.reading_lists.list(user, limit=10)
    assert [(s.paper.id, s.unread) for s in items] == [(PAPER.id, True), (older.id, False)]


async def test_a_post_names_its_paper_only_in_its_own_channel(store: Store, now: datetime) -> None:
    await store.papers.upsert([PAPER], at=now)
    post = PostRef(ChannelRef("slack", "T1", "C1"), "1710000000.000100")
    await store.posts.record(post, PAPER.id, at=now)
    await store.posts.record(post, PAPER.id, at=now)  # a retried post records once
    assert await store.posts.paper_for(post) == PAPER.id
    elsewhere = PostRef(ChannelRef("slack", "T2", "C1"), post.message_id)
    assert await store.posts.paper_for(elsewhere) is None


async def test_a_database_locked_by_another_process_is_unavailable_after_the_busy_timeout(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "locked.sqlite3"
    db = Database(path, busy_timeout_ms=50)
    await db.open()
    store = Store(db)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        # After the 50 ms set, not the driver's default of 5 s.
        with pytest.raises(StoreUnavailable):
            await asyncio.wait_for(store.papers.upsert([PAPER], at=now), 2)
        other.execute("ROLLBACK")
        await store.papers.upsert([PAPER], at=now)  # recovers by itself
        assert await store.papers.count() == 1
    finally:
        other.close()
        await store.aclose()


async def test_forgetting_a_workspace_removes_its_subscriptions_and_no_others(
    store: Store, now: datetime
) -> None:
    from datetime import time

    from paperboy.core.models import Subscription, WeeklyTop

    gone = [ChannelRef("slack", "T1", "C1"), ChannelRef("slack", "T1", "C2")]
    kept = [ChannelRef("slack", "T2", "C1"), ChannelRef("discord", "T1", "C1")]
    for channel in gone + kept:
        await store.subscriptions.put(Subscription(channel, time(9), "UTC"), at=now)
        await store.weekly_top.put(WeeklyTop(channel, 0, time(9), "UTC"), at=now)
    assert set(await store.subscriptions.remove_workspace("slack", "T1")) == set(gone)
    assert set(await store.weekly_top.remove_workspace("slack", "T1")) == set(gone)
    assert {s.channel for s in await store.subscriptions.active()} == set(kept)
    assert {w.channel for w in await store.weekly_top.active()} == set(kept)
    assert await store.subscriptions.remove_workspace("slack", "T1") == []


async def test_a_ping_answers_while_the_store_is_open(store: Store) -> None:
    await store.ping()
    await store.aclose()
    with pytest.raises(RuntimeError, match="not open"):
        await store.ping()
