"""The paper collection: the store's papers and the search index, kept in step.

Every paper written through `add_papers` is searchable when the call returns.
Index builds, updates, searches and snippets run in worker threads so the event
loop keeps acking and answering: at 100k papers one `similar` takes ~200 ms of
CPU and the snippets of one page of results a few ms, which on the loop stalled
every other user (bench/load.py). At most SEARCH_THREADS such jobs run at once;
more wait their turn here instead of crowding the interpreter lock. The index is
saved beside the store and trusted at start-up only when it matches the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from paperboy.core.models import Paper
from paperboy.core.ports import PaperRepository, StoreUnavailable, UpsertCounts
from paperboy.search import (
    DocFilter,
    IndexOptions,
    Recommendation,
    SearchHit,
    SearchIndex,
    Snippet,
    make_snippet,
    warm_up,
)

log = logging.getLogger(__name__)

BUILD_BATCH = 5000
# Searches running at once in worker threads. More would only share the same
# interpreter lock (and the machine's cores) and make the loop wait longer for it.
SEARCH_THREADS = 2


def index_record(paper: Paper) -> Mapping[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": paper.authors,
        "date": paper.date,
        "upvotes": paper.upvotes,
    }


class Library:
    def __init__(
        self,
        papers: PaperRepository,
        *,
        index_path: Path | None,
        options: IndexOptions | None = None,
        after_build: Callable[[], None] = lambda: None,
    ) -> None:
        """`after_build` runs once a build from the store is done (the composition root
        gives the memory the build freed back to the system there)."""
        self.papers = papers
        self._after_build = after_build
        self._index_path = index_path
        self._options = options
        self._index = SearchIndex.build([], options=options)
        self._write_lock = asyncio.Lock()
        self._search_slots = asyncio.Semaphore(SEARCH_THREADS)
        self._dirty = False
        self._save_failing = False

    @property
    def index(self) -> SearchIndex:
        return self._index

    def query_terms(self, text: str) -> frozenset[str]:
        """The searchable terms of `text` (none: only very common or unsearchable words)."""
        return self._index.query_terms(text)

    async def open(self) -> None:
        """Load the saved index if it matches the store, else build it from the store."""
        await asyncio.to_thread(warm_up)  # compiled scoring loops, off the event loop
        state = await self.papers.version()
        if self._index_path is not None:
            loaded = await asyncio.to_thread(
                SearchIndex.load,
                self._index_path,
                fingerprint=state.fingerprint,
                options=self._options,
            )
            if loaded is not None:
                self._index = loaded
                log.info("search index loaded: %d papers", len(loaded))
                return
        self._index = await self._build_from_store()
        log.info("search index built: %d papers", len(self._index))
        if len(self._index):
            self._dirty = True
            await self.save_index()
        self._after_build()

    async def _build_from_store(self) -> SearchIndex:
        """Build in a worker thread that pulls papers from the store in batches, so a
        million abstracts are never all in memory at once and the loop stays free."""
        loop = asyncio.get_running_loop()
        papers = aiter(self.papers.iter_all())

        async def next_batch() -> list[Paper]:
            batch: list[Paper] = []
            async for paper in papers:
                batch.append(paper)
                if len(batch) == BUILD_BATCH:
                    break
            return batch

        def records() -> Iterator[Mapping[str, Any]]:
            while batch := asyncio.run_coroutine_threadsafe(next_batch(), loop).result():
                yield from (index_record(paper) for paper in batch)

        return await asyncio.to_thread(SearchIndex.build, records(), options=self._options)

    async def add_papers(self, papers: Sequence[Paper], *, at: datetime) -> UpsertCounts:
        """Store the papers and make them searchable, in that order."""
        async with self._write_lock:
            counts = await self.papers.upsert(papers, at=at)
            # Re-read: the store merged them with what it had (upvotes, optional fields).
            stored = await self.papers.get_many([p.id for p in papers])
            records = [index_record(paper) for paper in stored.values()]
            await asyncio.to_thread(self._index.add, records)
            self._dirty = True
        return counts

    async def save_index(self) -> None:
        """Write the index beside the store if it changed since the last save.

        A failed save (disk full, read-only directory) is a warning, not an error:
        searches go on from the index in memory, the next save tries again, and the
        next start rebuilds what it cannot load."""
        if self._index_path is None or not self._dirty:
            return
        async with self._write_lock:
            try:
                state = await self.papers.version()
                await asyncio.to_thread(
                    self._index.save, self._index_path, fingerprint=state.fingerprint
                )
            except (OSError, StoreUnavailable) as error:
                # Said once, not at every save while the disk stays full.
                log.log(
                    logging.DEBUG if self._save_failing else logging.WARNING,
                    "could not save the search index to %s (%s); searching goes on from "
                    "memory, and the next start rebuilds it",
                    self._index_path,
                    error,
                )
                self._save_failing = True
                return
            self._dirty = self._save_failing = False

    async def search(
        self,
        query: str,
        *,
        limit: int,
        offset: int = 0,
        where: DocFilter | None = None,
        exclude: Sequence[str] = (),
    ) -> list[SearchHit]:
        """The best papers for `query` (see `SearchIndex.search`), ranked off the loop."""
        index = self._index
        async with self._search_slots:
            return await asyncio.to_thread(
                index.search, query, limit=limit, offset=offset, where=where, exclude=exclude
            )

    async def newest(self, where: DocFilter, *, limit: int, offset: int = 0) -> list[str]:
        """Ids of the papers that satisfy `where`, newest first (`SearchIndex.newest`)."""
        index = self._index
        async with self._search_slots:
            return await asyncio.to_thread(index.newest, where, limit=limit, offset=offset)

    async def snippets(self, texts: Sequence[str], terms: frozenset[str]) -> list[Snippet]:
        """`make_snippet` of each text (matched `terms` marked), off the loop."""
        tokenizer = self._index.tokenizer

        def make_all() -> list[Snippet]:
            return [make_snippet(text, terms, tokenizer) for text in texts]

        async with self._search_slots:
            return await asyncio.to_thread(make_all)

    async def matching(self, topic: str) -> frozenset[str]:
        """The ids of the papers `topic` matches (see `SearchIndex.matching`), off the loop."""
        index = self._index
        async with self._search_slots:
            return await asyncio.to_thread(index.matching, topic)

    async def similar(
        self,
        paper_id: str,
        *,
        limit: int,
        offset: int = 0,
        where: DocFilter | None = None,
        among: Collection[str] | None = None,
    ) -> list[SearchHit]:
        """Papers most like `paper_id` (see `SearchIndex.similar`), ranked off the loop."""
        index = self._index
        async with self._search_slots:
            return await asyncio.to_thread(
                index.similar, paper_id, limit=limit, offset=offset, where=where, among=among
            )

    async def recommend(
        self,
        liked: Collection[str],
        disliked: Collection[str],
        *,
        among: Collection[str] | None,
        limit: int,
        offset: int = 0,
    ) -> list[Recommendation]:
        """Papers ranked for someone's labels (see `SearchIndex.recommend`), off the loop."""
        index = self._index
        async with self._search_slots:
            return await asyncio.to_thread(
                index.recommend, liked, disliked, among=among, limit=limit, offset=offset
            )
