"""A store whose papers' days are known, for the trend tests, which run on Thursday
13 March 2025 (`TODAY`) whatever the other tests' clock says."""

from __future__ import annotations

from datetime import UTC, date, datetime

from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.store import Store

TODAY = datetime(2025, 3, 13, 9, 0, tzinfo=UTC)


def paper(paper_id: str, title: str, **fields: object) -> Paper:
    return Paper(paper_id, title, f"{title}. An abstract.", **fields)  # type: ignore[arg-type]


KNOWN_PAPERS = (
    # Featured on Tue 4 Mar, published in the week of 17 Feb: counted on its featured day.
    paper(
        "d1",
        "Diffusion Transformers at Scale: A Study",
        published=date(2025, 2, 20),
        featured=date(2025, 3, 4),
        upvotes=30,
    ),
    paper("d2", "Latent diffusion for audio", published=date(2025, 3, 5), upvotes=5),
    paper("d3", "Diffusion policies for robots", featured=date(2025, 3, 11), upvotes=12),
    paper("d4", "Diffusion from tomorrow", featured=date(2025, 3, 14), upvotes=99),
    paper("d5", "Diffusion of the Sunday before", published=date(2025, 2, 16), upvotes=50),
    paper("d6", "Diffusion on a Monday", published=date(2025, 2, 17), upvotes=3),
    paper("d7", "Undated diffusion", upvotes=80),
    paper("a1", "Agents that plan", featured=date(2025, 2, 24), upvotes=7),
    paper("x1", "Protein folding", featured=date(2025, 3, 4), upvotes=40),
)


async def known_library(store: Store) -> Library:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(list(KNOWN_PAPERS), at=TODAY)
    return library
