"""`votes:` bounds are exact: a paper with exactly N upvotes is in or out by the operator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.core.replies import PaperList
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, library_ports
from tests.people import ALICE

# Three papers on one topic whose upvotes sit just below, at and just above 20.
VOTES = {"2503.10019": 19, "2503.10020": 20, "2503.10021": 21}


@pytest.fixture
async def bot(store: Store, now: datetime, clock: Callable[[], datetime]) -> Bot:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    papers = [
        Paper(
            id=pid,
            title=f"Sparse retrieval study number {votes}",
            abstract="We study sparse retrieval with learned term weights.",
            published=date(2025, 3, 1),
            upvotes=votes,
        )
        for pid, votes in VOTES.items()
    ]
    await library.add_papers(papers, at=now)
    return Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=clock,
        options=bot_options_for_tests(page_size=10),
    )


@pytest.mark.parametrize(
    ("bound", "kept"),
    [
        (">20", {21}),
        (">=20", {20, 21}),
        ("<20", {19}),
        ("<=20", {19, 20}),
        ("=20", {20}),
        ("20", {20, 21}),  # a bare number is a minimum
    ],
)
async def test_a_paper_with_exactly_the_bound_is_kept_or_left_out_by_the_operator(
    bot: Bot, bound: str, kept: set[int]
) -> None:
    reply = await bot.handle(f"search sparse retrieval votes:{bound}", ALICE)
    assert isinstance(reply, PaperList), reply
    assert {card.paper.upvotes for card in reply.cards} == kept
