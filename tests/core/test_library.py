"""The library keeps the store and the index in step, across restarts."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest

from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.search import DocFilter
from paperboy.store import Store


async def test_an_index_is_built_from_the_store_when_none_is_saved(
    store: Store, sample_papers: list[Paper], now: datetime
) -> None:
    await store.papers.upsert(sample_papers, at=now)
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    assert len(library.index) == len(sample_papers)
    hits = await library.search("parameter efficient fine-tuning", limit=1)
    assert hits[0].paper_id == "2308.10462"


async def test_a_saved_index_is_loaded_and_a_stale_or_corrupt_one_rebuilt(
    store: Store,
    sample_papers: list[Paper],
    now: datetime,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "papers.index"
    first = Library(store.papers, changes=store.changes, index_path=path)
    await first.open()
    await first.add_papers(sample_papers, at=now)
    await first.save_index()
    assert path.exists()

    loaded = Library(store.papers, changes=store.changes, index_path=path)
    with caplog.at_level(logging.INFO, logger="paperboy.core.library"):
        await loaded.open()
    assert "search index loaded: 74 papers" in caplog.text

    extra = Paper(id="2501.00001", title="Zeppelin logistics", abstract="Airships carry cargo.")
    await store.papers.upsert([extra], at=now)  # written behind the saved index's back
    stale = Library(store.papers, changes=store.changes, index_path=path)
    await stale.open()
    assert (await stale.search("zeppelin", limit=1))[0].paper_id == extra.id

    path.write_bytes(b"garbage" * 100)
    rebuilt = Library(store.papers, changes=store.changes, index_path=path)
    await rebuilt.open()
    assert len(rebuilt.index) == 75


async def test_an_index_that_cannot_be_saved_is_one_warning_and_searches_go_on(
    store: Store,
    sample_papers: list[Paper],
    now: datetime,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await store.papers.upsert(sample_papers, at=now)
    path = tmp_path / "papers.index"
    path.mkdir()  # the rename into place fails, as on a full disk or read-only directory
    library = Library(store.papers, changes=store.changes, index_path=path)

    with caplog.at_level(logging.DEBUG, logger="paperboy.core.library"):
        await library.open()  # builds, and tries to save
        hits = await library.search("parameter efficient fine-tuning", limit=1)
        extra = Paper(id="2501.00001", title="Zeppelin logistics", abstract="Airships.")
        await library.add_papers([extra], at=now)
        await library.save_index()  # tries again, quietly

    assert hits[0].paper_id == "2308.10462"
    assert (await library.search("zeppelin", limit=1))[0].paper_id == extra.id
    saves = [r for r in caplog.records if "could not save" in r.getMessage()]
    assert [r.levelno for r in saves] == [logging.WARNING, logging.DEBUG]  # said once
    warnings = [r.getMessage() for r in saves if r.levelno == logging.WARNING]
    assert warnings[0].startswith(f"could not save the search index to {path} (")
    assert warnings[0].endswith("searching goes on from memory, and the next start rebuilds it")
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


async def test_the_after_build_hook_runs_after_a_build_from_the_store_not_after_a_load(
    store: Store, sample_papers: list[Paper], now: datetime, tmp_path: Path
) -> None:
    """The composition root gives the memory a build freed back to the system there."""
    await store.papers.upsert(sample_papers, at=now)
    builds: list[int] = []
    path = tmp_path / "papers.index"
    built = Library(
        store.papers, changes=store.changes, index_path=path, after_build=lambda: builds.append(1)
    )
    await built.open()
    assert builds == [1]
    loaded = Library(
        store.papers, changes=store.changes, index_path=path, after_build=lambda: builds.append(2)
    )
    await loaded.open()
    assert builds == [1]


ZEPPELIN = Paper(
    id="2501.00001",
    title="Zeppelin logistics",
    abstract="Airships carry cargo.",
    authors=("Ada Airship",),
    upvotes=3,
)


async def test_what_another_process_stores_is_taken_in_with_its_changes(
    store: Store, sample_papers: list[Paper], now: datetime, tmp_path: Path
) -> None:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(sample_papers, at=now)
    async with await Store.open(tmp_path / "paperboy.sqlite3") as other:  # another process
        await other.papers.upsert([ZEPPELIN], at=now)
        assert await library.search("zeppelin", limit=1) == []
        assert await library.catch_up() == 1
        assert [h.paper_id for h in await library.search("zeppelin", limit=5)] == [ZEPPELIN.id]
        assert library.sequence == await store.changes.latest_change()

        # A change replaces the paper's old version: its new upvotes and its new words.
        await other.papers.upsert(
            [dataclasses.replace(ZEPPELIN, upvotes=40, abstract="Dirigibles carry mail.")],
            at=now,
        )
        await library.catch_up()
    many_votes = DocFilter(min_votes=40, authors=("ada airship",))
    assert [h.paper_id for h in await library.search("dirigibles", limit=5, where=many_votes)] == [
        ZEPPELIN.id
    ]
    assert await library.search("cargo", limit=5) == []  # the old words are gone
    assert len(library.index) == len(sample_papers) + 1


async def test_a_running_library_follows_the_store(
    store: Store, now: datetime, tmp_path: Path
) -> None:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    following = asyncio.create_task(library.follow(every=0.01))
    try:
        async with await Store.open(tmp_path / "paperboy.sqlite3") as other:
            await other.papers.upsert([ZEPPELIN], at=now)
        # What a user sees is the search's answer: ask until it lists the paper.
        async with asyncio.timeout(10):
            while not await library.search("zeppelin", limit=1):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        following.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await following


async def test_papers_stored_elsewhere_stay_searchable_after_a_later_save_and_a_restart(
    store: Store, sample_papers: list[Paper], now: datetime, tmp_path: Path
) -> None:
    """The bug of issue 15: the bot saved its index, which lacked a paper another process
    had stored, as valid for the store as it then was; after a restart the paper was
    never found again."""
    path = tmp_path / "papers.index"
    bot = Library(store.papers, changes=store.changes, index_path=path)
    await bot.open()
    await bot.add_papers(sample_papers, at=now)
    async with await Store.open(tmp_path / "paperboy.sqlite3") as other:
        cli = Library(other.papers, changes=other.changes, index_path=path)
        await cli.open()
        await cli.add_papers([ZEPPELIN], at=now)
        await cli.save_index()
    await bot.save_index()  # the bot stops after the ingest, without having taken it in

    restarted = Library(store.papers, changes=store.changes, index_path=path)
    await restarted.open()
    assert [h.paper_id for h in await restarted.search("zeppelin", limit=5)] == [ZEPPELIN.id]
    assert len(restarted.index) == len(sample_papers) + 1


async def test_a_saved_index_ahead_of_the_store_is_rebuilt(
    store: Store,
    sample_papers: list[Paper],
    now: datetime,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An index saved for another store (the store file was replaced by an older copy)
    has papers this one lacks: it is not trusted."""
    path = tmp_path / "papers.index"
    async with await Store.open(tmp_path / "elsewhere.sqlite3") as elsewhere:
        first = Library(elsewhere.papers, changes=elsewhere.changes, index_path=path)
        await first.open()
        await first.add_papers([*sample_papers, ZEPPELIN], at=now)
        await first.save_index()
    await store.papers.upsert(sample_papers[:10], at=now)
    library = Library(store.papers, changes=store.changes, index_path=path)
    with caplog.at_level(logging.WARNING, logger="paperboy.core.library"):
        await library.open()
    assert "is ahead of the store" in caplog.text
    assert len(library.index) == 10
    assert await library.search("zeppelin", limit=1) == []


async def test_the_papers_new_to_the_index_are_announced_once_from_whichever_process(
    store: Store, sample_papers: list[Paper], now: datetime
) -> None:
    """What the follows are told: each paper the first time the index takes it in,
    stored here or by another process; never again when it is written again (new
    upvotes); and, while an ingest gathers them, all of its papers in one batch."""
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(sample_papers[:2], at=now)  # before anyone listens: kept out
    told: list[list[str]] = []

    async def announce(paper_ids: Sequence[str]) -> None:
        told.append(list(paper_ids))

    async with library.arrivals.announcing(announce):
        zeppelin = Paper(id="2501.00001", title="Zeppelin logistics", abstract="Airships.")
        await store.papers.upsert([zeppelin], at=now)  # another process
        await library.catch_up()
        await library.arrivals.settled()
        assert told == [["2501.00001"]]

        await store.papers.upsert([dataclasses.replace(zeppelin, upvotes=40)], at=now)
        await library.add_papers([dataclasses.replace(sample_papers[0], upvotes=99)], at=now)
        await library.catch_up()
        await library.arrivals.settled()
        assert told == [["2501.00001"]]  # written again, not new

        async with library.gathering():
            await library.add_papers(sample_papers[2:3], at=now)
            await library.add_papers(sample_papers[3:4], at=now)
        await library.arrivals.settled()
        assert told[1:] == [[sample_papers[2].id, sample_papers[3].id]]
