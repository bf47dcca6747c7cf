"""Synthetic papers for the load benchmark: the bundled sample's words, recombined.

The 74 sample papers give the vocabulary and its frequencies; each synthetic paper
draws a title and an abstract from them (seeded, so every run stores the same
corpus). Ids are distinct, valid new-style arXiv ids. The last few days' papers are
"featured" with upvotes, so trending lists and daily digests have something to post.
"""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from paperboy.app import index_path
from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.sources.sample import load_sample_papers
from paperboy.store import Store

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
FEATURED_DAYS = 3  # today and the two days before: the digest's window
FEATURED_PER_DAY = 50


class Vocabulary:
    """The sample's words with their counts, for weighted drawing."""

    def __init__(self, texts: list[str]) -> None:
        counts = Counter(word for text in texts for word in _WORD.findall(text))
        self.words = list(counts)
        self.cumulative: list[float] = []
        total = 0.0
        for word in self.words:
            total += counts[word]
            self.cumulative.append(total)

    def draw(self, rng: random.Random, n: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=n)


def paper_id(n: int) -> str:
    """The n-th synthetic id: 50,000 a month from January 2020 (`2001.00000`, ...)."""
    month = n // 50_000
    return f"{20 + month // 12:02d}{month % 12 + 1:02d}.{n % 50_000:05d}"


def synthetic_papers(count: int, *, today: date, seed: int = 8) -> Iterator[Paper]:
    """`count` distinct papers, the same ones for the same arguments."""
    sample = load_sample_papers()
    titles = Vocabulary([p.title for p in sample])
    abstracts = Vocabulary([p.abstract for p in sample])
    authors = sorted({a for p in sample for a in p.authors}) or ["A. Author"]
    rng = random.Random(seed)
    featured_total = FEATURED_DAYS * FEATURED_PER_DAY
    for n in range(count):
        recent = n >= count - featured_total
        featured = today - timedelta(days=(count - 1 - n) // FEATURED_PER_DAY) if recent else None
        published = featured or today - timedelta(days=rng.randrange(3, 730))
        yield Paper(
            id=paper_id(n),
            title=" ".join(titles.draw(rng, rng.randint(5, 12))).capitalize(),
            abstract=" ".join(abstracts.draw(rng, rng.randint(120, 220))) + ".",
            authors=tuple(rng.sample(authors, k=min(len(authors), rng.randint(1, 6)))),
            published=published,
            featured=featured,
            upvotes=rng.randint(1, 200) if recent else rng.randint(0, 20),
        )


def query_words(*, seed: int = 8) -> list[str]:
    """Words people might search for: the sample titles' words of four letters or more."""
    sample = load_sample_papers()
    words = sorted({w.lower() for p in sample for w in _WORD.findall(p.title) if len(w) >= 4})
    random.Random(seed).shuffle(words)
    return words


async def prepare_store(directory: Path, *, papers: int, today: date) -> Path:
    """A store of `papers` synthetic papers with its saved index, built once per size and
    day in `directory` and reused after; returns the SQLite file."""
    path = directory / f"papers-{papers}-{today.isoformat()}" / "paperboy.sqlite3"
    done = path.with_name("complete")
    if not done.exists():
        await _fill_store(path, papers=papers, today=today)
        done.write_text("ok\n")
    # Opening the library checks the saved index and rebuilds it when stale (say, an
    # index format newer than the cached store's), so no bot process has to.
    async with await Store.open(path) as store:
        await Library(store.papers, changes=store.changes, index_path=index_path(path)).open()
    return path


async def _fill_store(path: Path, *, papers: int, today: date) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob("paperboy.sqlite3*"):
        stale.unlink()
    at = datetime.combine(today, time(0, 0), UTC)
    async with await Store.open(path) as store:
        batch: list[Paper] = []
        for paper in synthetic_papers(papers, today=today):
            batch.append(paper)
            if len(batch) == 5000:
                await store.papers.upsert(batch, at=at)
                batch = []
        await store.papers.upsert(batch, at=at)


def copy_store(source: Path, directory: Path) -> Path:
    """A fresh copy of a prepared store (and its index) for one bot process."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / source.name
    for path in (source, index_path(source)):
        shutil.copyfile(path, directory / path.name)
    return target
