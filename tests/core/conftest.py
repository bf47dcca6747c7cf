"""A Bot over the sample papers in a real SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from paperboy.core.bot import Bot, BotOptions
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Context, Paper, UserRef
from paperboy.store import Store

ALICE = Context(UserRef("slack", "T1", "alice"), ChannelRef("slack", "T1", "C1"))
BOB = Context(UserRef("slack", "T1", "bob"), ChannelRef("slack", "T1", "C1"))


@pytest.fixture
async def library(store: Store, sample_papers: list[Paper], now: datetime) -> Library:
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
