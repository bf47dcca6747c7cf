"""The database under the store, on SQLite: an in-memory store (one connection, no file)
keeps what is written for as long as it is open; a read cannot write; a store opened
and closed leaves nothing running."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest

from paperboy.core.models import Paper, UserRef
from paperboy.core.ports import StoreBroken, StoreUnavailable
from paperboy.store import Database, Store
from paperboy.store import database as database_module
from paperboy.store.migrations import MIGRATIONS, NewerStore
from paperboy.store.schema import papers as papers_table

PAPER = Paper("2503.00001", "A paper", "An abstract.")
ADA = UserRef("console", "local", "ada")


async def test_an_in_memory_store_keeps_what_is_written_and_makes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: datetime
) -> None:
    monkeypatch.chdir(tmp_path)
    async with await Store.open(":memory:") as store:
        assert store.db.in_memory
        assert store.db.shared_engine() is store.db.shared_engine()
        await store.papers.upsert([PAPER], at=now)
        await store.reading_lists.save(ADA, PAPER.id, at=now)

        assert await store.papers.get(PAPER.id) == PAPER
        assert await store.papers.count() == 1
        assert [s.paper.id for s in await store.reading_lists.list(ADA, limit=5)] == [PAPER.id]
        rows = await store.db.fetchall("SELECT count(*) FROM papers", after_writes=True)
        assert rows[0][0] == 1
        found = await store.db.fetchall("SELECT title FROM papers WHERE id = :id", {"id": PAPER.id})
        assert [row[0] for row in found] == [PAPER.title]
        one = await store.db.fetchone("SELECT title FROM papers WHERE id = :id", {"id": PAPER.id})
        assert one is not None
        assert one[0] == PAPER.title

    assert os.listdir(tmp_path) == []


async def test_a_read_from_a_store_file_does_not_wait_for_a_write_under_way(
    tmp_path: Path, now: datetime
) -> None:
    # A reading list shown while a large import is being written: the read sees the
    # committed papers at once instead of queueing behind the import.
    async with await Store.open(tmp_path / "paperboy.sqlite3") as store:
        await store.papers.upsert([PAPER], at=now)
        async with store.db.transaction() as conn:
            await conn.execute(papers_table.delete())
            rows = await asyncio.wait_for(store.db.fetchall("SELECT title FROM papers"), 5)
            assert [row[0] for row in rows] == [PAPER.title]


async def test_an_in_memory_store_reads_after_a_write_under_way_and_keeps_it(
    now: datetime,
) -> None:
    # An in-memory store has one connection: a read made while another task's
    # transaction is open waits for its commit (and sees it), never meddling with it.
    async with await Store.open(":memory:") as store:
        await store.papers.upsert([PAPER], at=now)
        deleted, release = asyncio.Event(), asyncio.Event()

        async def write() -> None:
            async with store.db.transaction() as conn:
                await conn.execute(papers_table.delete())
                deleted.set()
                await release.wait()

        writer = asyncio.create_task(write())
        await deleted.wait()
        read = asyncio.create_task(store.db.fetchall("SELECT title FROM papers"))
        await asyncio.wait({read}, timeout=0.5)  # time enough to read, were it free to
        release.set()
        await writer
        assert await read == []
        assert await store.papers.get(PAPER.id) is None


async def test_in_memory_stores_are_each_their_own(now: datetime) -> None:
    async with await Store.open(":memory:") as one, await Store.open(":memory:") as other:
        await one.papers.upsert([PAPER], at=now)

        assert await other.papers.get(PAPER.id) is None


async def test_a_read_cannot_change_the_store(tmp_path: Path, now: datetime) -> None:
    path = tmp_path / "paperboy.sqlite3"
    async with await Store.open(path) as store:
        await store.papers.upsert([PAPER], at=now)

        with pytest.raises(StoreBroken) as refused:
            await store.db.fetchall("DELETE FROM papers")

        assert await store.papers.count() == 1
        row = await store.db.fetchone("SELECT id FROM papers WHERE title = :t", {"t": PAPER.title})
        assert row is not None
        assert row[0] == PAPER.id
    assert str(refused.value) == (
        f"the store {path} cannot be read or written (attempt to write a readonly database); "
        "check the disk and the file's permissions"
    )


async def test_a_closed_store_answers_no_more_and_closing_again_is_harmless(
    tmp_path: Path, now: datetime
) -> None:
    db = Database(tmp_path / "paperboy.sqlite3")
    await db.open()
    shared = db.shared_engine()
    assert shared is db.shared_engine()  # one engine, made once

    await db.close()
    await db.close()

    with pytest.raises(RuntimeError, match=r"^database is not open$"):
        await db.fetchall("SELECT 1")
    with pytest.raises(RuntimeError, match=r"^database is not open$"):
        db.shared_engine()
    with pytest.raises(RuntimeError, match=r"^database is not open$"):
        async with db.transaction():
            pass


async def test_a_failed_transaction_of_a_library_on_the_shared_engine_changes_nothing(
    tmp_path: Path, now: datetime
) -> None:
    # slack_sdk's installation store writes a bot and its installation in one transaction
    # on the shared engine: one that fails must leave the store as it was.
    async with await Store.open(tmp_path / "paperboy.sqlite3") as store:
        await store.papers.upsert([PAPER], at=now)

        async def delete_then_fail() -> None:
            async with store.db.shared_engine().begin() as conn:
                await conn.exec_driver_sql("DELETE FROM papers")
                raise RuntimeError("the library failed")

        with pytest.raises(RuntimeError, match=r"^the library failed$"):
            await delete_then_fail()

        assert await store.papers.get(PAPER.id) == PAPER


async def test_opening_a_new_store_logs_the_migrations_applied_and_reopening_logs_none(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "paperboy.sqlite3"
    with caplog.at_level(logging.INFO, logger="paperboy.store.database"):
        async with await Store.open(path):
            pass
        applied = [r.getMessage() for r in caplog.records]
        caplog.clear()
        async with await Store.open(path):
            pass

    names = ", ".join(f"{m.version} ({m.name})" for m in MIGRATIONS)
    assert applied == [f"store {path}: applied migrations {names}"]
    assert caplog.records == []


async def test_a_store_from_a_newer_paperboy_says_which_schema_and_what_to_do(
    tmp_path: Path,
) -> None:
    path = tmp_path / "paperboy.sqlite3"
    async with await Store.open(path) as store, store.db.transaction() as conn:
        await conn.exec_driver_sql("INSERT INTO schema_migrations VALUES (998, 'future', '')")
        await conn.exec_driver_sql("INSERT INTO schema_migrations VALUES (999, 'further', '')")

    with pytest.raises(NewerStore) as newer:
        await Store.open(path)

    assert str(newer.value) == (
        "the store was written by a newer paperboy (schema 999); upgrade paperboy"
    )


async def test_a_store_names_its_file_and_this_process_as_the_holder_of_its_claims(
    tmp_path: Path,
) -> None:
    path = tmp_path / "paperboy.sqlite3"
    async with await Store.open(path) as ours, await Store.open(path, holder="r2/7/beef") as other:
        assert ours.path == path
        assert ours.holder.startswith(f"{socket.gethostname()}/{os.getpid()}/")
        assert other.holder == "r2/7/beef"
        await ours.ping()


async def test_a_store_another_process_holds_locked_while_opening_is_unavailable_for_now(
    tmp_path: Path,
) -> None:
    path = tmp_path / "paperboy.sqlite3"
    async with await Store.open(path):
        pass
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()

        with pytest.raises(StoreUnavailable, match=r"^database is locked$"):
            await Database(path, busy_timeout_ms=50).open()
        # After the 50 ms set (the write check at opening too), not SQLite's default 5 s.
        assert time.monotonic() - started < 2.5

        other.execute("ROLLBACK")
        db = Database(path, busy_timeout_ms=50)
        await db.open()  # free again: it opens
        await db.close()
    finally:
        other.close()


async def test_a_transaction_a_cancelled_task_left_open_does_not_block_the_next_write(
    tmp_path: Path, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    # A stop (SIGTERM) during the start-up ingest cancelled a task while its BEGIN was in
    # aiosqlite's thread: the connection stayed in that transaction, and the next write
    # (the ingest lease's release) failed with "cannot start a transaction within a
    # transaction", a traceback in the log. Here the connection is left that way directly,
    # with a delete in it that was never committed.
    path = tmp_path / "paperboy.sqlite3"
    earlier = Paper("2503.00002", "Another", "Text.")
    async with await Store.open(path) as store:
        await store.papers.upsert([earlier], at=now)
        write_conn = store.db._write_conn
        assert write_conn is not None
        driver = (await write_conn.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.execute("BEGIN IMMEDIATE")
        await driver.execute("DELETE FROM papers")

        with caplog.at_level(logging.DEBUG, logger="paperboy.store"):
            await store.papers.upsert([PAPER], at=now)
        await store.reading_lists.save(ADA, PAPER.id, at=now)

    async with await Store.open(path) as reopened:
        assert await reopened.papers.get(PAPER.id) == PAPER
        assert await reopened.papers.get(earlier.id) == earlier  # the stray delete undone
        assert await reopened.reading_lists.is_saved(ADA, PAPER.id)
    (record,) = [r for r in caplog.records if "left open" in r.getMessage()]
    assert record.getMessage().startswith(
        "rolling back a transaction a cancelled task left open: cannot start a transaction"
    )


async def test_a_read_after_the_writes_under_way_keeps_its_parameters(
    tmp_path: Path, now: datetime
) -> None:
    other = Paper("2503.00002", "Another paper", "Another abstract.")
    async with await Store.open(tmp_path / "paperboy.sqlite3") as store:
        await store.papers.upsert([PAPER, other], at=now)

        rows = await store.db.fetchall(
            "SELECT title FROM papers WHERE id = :id", {"id": other.id}, after_writes=True
        )

    assert [row[0] for row in rows] == [other.title]


class _Clock:
    """The clock the switch to WAL mode waits by: each wait moves it on at once, in
    whole milliseconds; `at_ms` says what happens (e.g. another process's read ends)
    once it reads that many."""

    def __init__(self, *, at_ms: int | None = None, then: object = None) -> None:
        self.now_ms = 0
        self._at_ms, self._then = at_ms, then

    def monotonic(self) -> float:
        return self.now_ms / 1000

    def sleep(self, seconds: float) -> None:
        self.now_ms += round(seconds * 1000)
        assert self.now_ms <= 200, "still waiting long after the busy timeout"
        if self._at_ms is not None and self.now_ms >= self._at_ms and callable(self._then):
            self._then()
            self._at_ms = None


def _reading(path: Path) -> sqlite3.Connection:
    """Another process in the middle of reading a new store file (not yet in WAL mode),
    which keeps the file from switching to it."""
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT * FROM sqlite_master").fetchall()
    return reader


async def test_a_new_store_file_another_process_is_reading_opens_once_the_read_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "paperboy.sqlite3"
    reader = _reading(path)
    clock = _Clock(at_ms=20, then=lambda: reader.execute("ROLLBACK"))
    monkeypatch.setattr(database_module, "time", clock)
    try:
        db = Database(path, busy_timeout_ms=50)
        await db.open()
        await db.close()
    finally:
        reader.close()

    assert clock.now_ms == 20  # opened as the read ended
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        check.close()


async def test_a_new_store_file_read_past_the_busy_timeout_is_unavailable_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "paperboy.sqlite3"
    reader = _reading(path)
    clock = _Clock()
    monkeypatch.setattr(database_module, "time", clock)
    try:
        with pytest.raises(StoreUnavailable, match=r"^database is locked$"):
            await Database(path, busy_timeout_ms=50).open()
    finally:
        reader.close()

    assert clock.now_ms == 50  # retried until the busy timeout, and not once past it
