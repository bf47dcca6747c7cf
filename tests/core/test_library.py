"""The library keeps the store and the index in step, across restarts."""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

import pytest

from paperboy.core.library import Library
from paperboy.core.models import Paper
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
