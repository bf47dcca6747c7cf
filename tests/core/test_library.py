"""The library keeps the store and the index in step, across restarts."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pytest

from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.core.ports import PaperChanges, StoreUnavailable
from paperboy.search import DocFilter, IndexOptions, Recommendation, SearchHit
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
    ahead = 75  # the other store's latest change
    latest = await store.changes.latest_change()
    with caplog.at_level(logging.INFO, logger="paperboy.core.library"):
        await library.open()
    assert _messages(caplog, logging.WARNING) == [
        f"saved search index {path} is ahead of the store (change {ahead}, the store is at "
        f"{latest}); it will be rebuilt"
    ]
    assert _messages(caplog)[0] == "search index built: 10 papers"
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


def _messages(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == level]


async def test_a_built_index_is_logged_saved_and_then_used_from_its_file(
    store: Store,
    sample_papers: list[Paper],
    now: datetime,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What an operator reads at a start: the build, then the load of the file it saved
    (every process on the host maps the same file)."""
    await store.papers.upsert(sample_papers, at=now)
    latest = await store.changes.latest_change()
    builds: list[int] = []
    path = tmp_path / "papers.index"
    with caplog.at_level(logging.INFO, logger="paperboy.core.library"):
        await Library(store.papers, changes=store.changes, index_path=path).open()
        memory = Library(
            store.papers,
            changes=store.changes,
            index_path=None,
            after_build=lambda: builds.append(1),
        )
        await memory.open()
    assert _messages(caplog) == [
        "search index built: 74 papers",
        f"search index loaded: 74 papers, up to change {latest}",
        "search index built: 74 papers",  # no file to use: built, and kept in memory
    ]
    assert builds == [1]
    assert memory.sequence == latest


async def test_an_index_built_with_other_options_is_searched_and_reloaded_with_them(
    store: Store, now: datetime, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A title counted zero times: a word only in the title finds nothing, after the
    build and after a restart loads the index saved with those options."""
    await store.papers.upsert([ZEPPELIN], at=now)
    options = IndexOptions(title_weight=0)
    path = tmp_path / "papers.index"
    built = Library(store.papers, changes=store.changes, index_path=path, options=options)
    await built.open()
    assert await built.search("zeppelin", limit=1) == []
    assert [h.paper_id for h in await built.search("airships", limit=1)] == [ZEPPELIN.id]
    with caplog.at_level(logging.INFO, logger="paperboy.core.library"):
        loaded = Library(store.papers, changes=store.changes, index_path=path, options=options)
        await loaded.open()
    assert _messages(caplog) == ["search index loaded: 1 papers, up to change 1"]
    assert await loaded.search("zeppelin", limit=1) == []


async def test_a_loaded_index_nothing_was_added_to_is_not_written_again(
    store: Store, sample_papers: list[Paper], now: datetime, tmp_path: Path
) -> None:
    """Saving rewrites the whole file: only an index that changed is saved."""
    await store.papers.upsert(sample_papers, at=now)
    path = tmp_path / "papers.index"
    await Library(store.papers, changes=store.changes, index_path=path).open()
    written = path.stat()
    loaded = Library(store.papers, changes=store.changes, index_path=path)
    await loaded.open()
    await loaded.save_index()
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    empty = tmp_path / "empty.index"
    async with await Store.open(tmp_path / "empty.sqlite3") as nothing:
        library = Library(nothing.papers, changes=nothing.changes, index_path=empty)
        await library.open()
        await library.save_index()
    assert not empty.exists()  # an empty store: nothing worth a file


async def test_a_save_that_fails_again_after_saves_recovered_is_warned_again(
    store: Store,
    sample_papers: list[Paper],
    now: datetime,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Once while a failure lasts: a new one after a good save is a new warning, naming
    the file and what failed."""
    await store.papers.upsert(sample_papers, at=now)
    path = tmp_path / "papers.index"
    library = Library(store.papers, changes=store.changes, index_path=path)
    await library.open()  # saved
    path.unlink()
    path.mkdir()  # now the rename into place fails
    with caplog.at_level(logging.DEBUG, logger="paperboy.core.library"):
        await library.add_papers([ZEPPELIN], at=now)
        await library.save_index()
    warnings = _messages(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"could not save the search index to {path} ([Errno ")
    assert "Is a directory" in warnings[0]


async def test_catching_up_in_batches_counts_every_paper_taken_in(
    store: Store, sample_papers: list[Paper], now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("paperboy.core.library.BUILD_BATCH", 2)
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await store.papers.upsert(sample_papers[:5], at=now)  # another process
    assert await library.catch_up() == 5
    assert len(library.index) == 5


class _FlakyChanges:
    """The store's change log, failing as `script` says, one entry a read (None: it
    reads); `used_up` is set at the read that takes the script's last entry."""

    def __init__(self, changes: PaperChanges) -> None:
        self._changes = changes
        self.script: list[Exception | None] = []
        self.used_up = asyncio.Event()

    async def changes_since(self, sequence: int, *, limit: int) -> list[tuple[int, Paper]]:
        if self.script:
            outcome = self.script.pop(0)
            if not self.script:
                self.used_up.set()
            if outcome is not None:
                raise outcome
        return await self._changes.changes_since(sequence, limit=limit)

    async def latest_change(self) -> int:
        return await self._changes.latest_change()


async def test_the_follower_warns_once_while_the_store_fails_and_goes_on(
    store: Store, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    """A busy store is one warning (no traceback) until it recovers, a bug is logged with
    its traceback; the follower outlives both, says what it took in, and warns again at
    the next failure after a recovery."""
    changes = _FlakyChanges(store.changes)
    library = Library(store.papers, changes=changes, index_path=None)
    await library.open()
    await store.papers.upsert([ZEPPELIN], at=now)  # another process
    changes.script = [
        StoreUnavailable("database is locked"),
        RuntimeError("a bug"),
        None,  # Zeppelin
        None,  # nothing more
        OSError("disk gone"),
        None,
    ]
    with caplog.at_level(logging.DEBUG, logger="paperboy.core.library"):
        following = asyncio.create_task(library.follow(every=0))
        used_up = asyncio.create_task(changes.used_up.wait())
        try:
            async with asyncio.timeout(10):
                await asyncio.wait([following, used_up], return_when=asyncio.FIRST_COMPLETED)
            assert not following.done()  # it goes on after every failure
        finally:
            for task in (following, used_up):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    said = [
        (r.levelno, r.getMessage(), bool(r.exc_info))
        for r in caplog.records
        if r.name == "paperboy.core.library"
    ]
    trying = "could not take in the papers other processes stored ({}); trying again in 0 s"
    assert said == [
        (logging.WARNING, trying.format("database is locked"), False),
        (logging.DEBUG, trying.format("a bug"), True),
        (logging.INFO, "search index took in 1 papers stored elsewhere", False),
        (logging.WARNING, trying.format("disk gone"), False),
    ]
    assert [h.paper_id for h in await library.search("zeppelin", limit=1)] == [ZEPPELIN.id]


async def test_searches_keep_every_option_they_are_given(library: Library) -> None:
    """The library runs each query off the loop with the options as given: how many,
    from where, which papers, and which to leave out."""

    def ids(hits: Sequence[SearchHit] | Sequence[Recommendation]) -> list[str]:
        return [hit.paper_id for hit in hits]

    query = "language models"
    best = ids(await library.search(query, limit=5, offset=0))
    assert len(best) == 5
    assert ids(await library.search(query, limit=5)) == best  # from the first by default
    assert ids(await library.search(query, limit=2, offset=1)) == best[1:3]
    assert ids(await library.search(query, limit=4, exclude=best[:1])) == best[1:]
    assert ids(await library.search(query, limit=4, among={best[2], best[3]})) == best[2:4]
    recent = DocFilter(since=date(2024, 6, 1))
    dated = ids(await library.search(query, limit=4, where=recent))
    assert dated
    assert dated != best

    paper = best[0]
    like = ids(await library.similar(paper, limit=4, offset=0))
    assert len(like) == 4
    assert ids(await library.similar(paper, limit=4)) == like
    assert ids(await library.similar(paper, limit=4, among={like[3]})) == like[3:]
    assert ids(await library.similar(paper, limit=4, where=recent)) != like

    by_yang = DocFilter(authors=("yang",))
    newest = await library.newest(by_yang, limit=3, offset=0)
    assert len(newest) == 3
    assert await library.newest(by_yang, limit=3) == newest

    ranked = ids(await library.recommend([paper], [], among=None, limit=4, offset=0))
    assert len(ranked) == 4
    assert ids(await library.recommend([paper], [], among=None, limit=4)) == ranked
    assert ids(await library.recommend([paper], [], among={ranked[3]}, limit=4)) == ranked[3:]
