"""Shared fixtures: a real SQLite store in a temp dir, a fixed clock, the sample papers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from paperboy.core.bot import Bot, BotOptions
from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.sources.sample import load_sample_papers
from paperboy.store import Store

NOW = datetime(2025, 3, 13, 9, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: NOW


@pytest.fixture(scope="session")
def sample_papers() -> list[Paper]:
    return load_sample_papers()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "paperboy.sqlite3") as opened:
        yield opened


@pytest.fixture
async def library(store: Store, sample_papers: list[Paper], now: datetime) -> Library:
    """The sample papers, stored and indexed."""
    library = Library(store.papers, index_path=None)
    await library.open()
    await library.add_papers(sample_papers, at=now)
    return library


@pytest.fixture
def bot(store: Store, library: Library, clock: Callable[[], datetime]) -> Bot:
    return Bot(
        library=library,
        reading_lists=store.reading_lists,
        posts=store.posts,
        clock=clock,
        options=BotOptions(page_size=5),
    )
