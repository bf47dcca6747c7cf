"""The database locked by another process, or the disk full: "try again shortly",
nothing half-written, and the bot recovers by itself."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.replies import Notice, PaperList
from paperboy.store import Database, Store
from tests.conftest import bot_options_for_tests, library_ports
from tests.marked import marked
from tests.people import ALICE

PAPER = "2308.10462"


async def open_bot(
    path: Path, clock: Callable[[], datetime], sample: list, *, busy_ms: int
) -> tuple[Bot, Store]:  # type: ignore[type-arg]
    db = Database(path, busy_timeout_ms=busy_ms)
    await db.open()
    store = Store(db)
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(sample, at=clock())
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=clock,
        options=bot_options_for_tests(),
    )
    return bot, store


async def test_a_locked_database_gets_try_again_shortly_and_then_works(
    tmp_path: Path, clock: Callable[[], datetime], sample_papers: list
) -> None:  # type: ignore[type-arg]
    bot, store = await open_bot(tmp_path / "p.sqlite3", clock, sample_papers, busy_ms=100)
    other = sqlite3.connect(tmp_path / "p.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        answer = await bot.handle(f"save {PAPER}", ALICE)
        assert isinstance(answer, Notice)
        assert marked(answer.text) == "My database is unavailable right now; try again shortly."
        other.execute("ROLLBACK")
        assert "Saved" in marked((await bot.handle(f"save {PAPER}", ALICE)).text)  # type: ignore[union-attr]
    finally:
        other.close()
        await store.aclose()


async def test_a_lock_shorter_than_the_busy_timeout_is_simply_waited_out(
    tmp_path: Path, clock: Callable[[], datetime], sample_papers: list
) -> None:  # type: ignore[type-arg]
    bot, store = await open_bot(tmp_path / "p.sqlite3", clock, sample_papers, busy_ms=5000)
    other = sqlite3.connect(tmp_path / "p.sqlite3", isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN EXCLUSIVE")
        release = asyncio.get_running_loop().call_later(0.5, other.execute, "ROLLBACK")
        answer = await bot.handle(f"save {PAPER}", ALICE)
        release.cancel()
        assert "Saved" in marked(answer.text)  # type: ignore[union-attr]
    finally:
        other.close()
        await store.aclose()


async def set_max_pages(store: Store, pages: int) -> None:
    """Limit the file's size as the connection that writes sees it (a full disk)."""
    async with store.db.transaction() as conn:
        await conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")


async def test_a_full_disk_writes_nothing_and_recovers(
    tmp_path: Path, clock: Callable[[], datetime], sample_papers: list
) -> None:  # type: ignore[type-arg]
    bot, store = await open_bot(tmp_path / "p.sqlite3", clock, sample_papers, busy_ms=100)
    try:
        pages = (await store.db.fetchone("PRAGMA page_count"))[0]  # type: ignore[index]
        await set_max_pages(store, pages)  # no room to grow
        for n in range(len(sample_papers)):  # fill the free space left on the last pages
            answer = await bot.handle(f"save {sample_papers[n].id}", ALICE)
            if "unavailable" in marked(answer.text):  # type: ignore[union-attr]
                break
        else:
            raise AssertionError("the database never filled up")
        saved_before = await store.reading_lists.count(ALICE.user)
        assert saved_before == n
        await set_max_pages(store, 1073741823)
        assert "Saved" in marked((await bot.handle(f"save {sample_papers[n].id}", ALICE)).text)  # type: ignore[union-attr]
        listed = await bot.handle("saved", ALICE)
        assert isinstance(listed, PaperList)
        integrity = await store.db.fetchone("PRAGMA integrity_check")
        assert integrity is not None
        assert integrity[0] == "ok"
    finally:
        await store.aclose()
