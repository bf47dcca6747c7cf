"""The paper collection: the store's papers and the search index, kept in step.

The index follows the store's change log (`PaperChanges`): it has taken in every
paper written up to a change sequence, and `catch_up` takes in what any process
wrote after it. Papers written through `add_papers` are searchable when the call
returns; papers another process writes (`paperboy ingest`, `add`, another replica)
once `follow` has caught up with them, a couple of seconds later. Either way, the
papers the index takes in for the first time are noted in `arrivals`, which the
follows announce from (core/arrivals.py). The index is saved
beside the store with the sequence it reflects; a start loads it and catches up from
there, so it never trusts a store that moved on since.

Index builds, updates, searches and snippets run in worker threads so the event
loop keeps acking and answering: at 100k papers one `similar` takes ~200 ms of
CPU and the snippets of one page of results a few ms, which on the loop stalled
every other user (bench/load.py). At most SEARCH_THREADS such jobs run at once;
more wait their turn here instead of crowding the interpreter lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

from paperboy.core.arrivals import Arrivals
from paperboy.core.models import Paper
from paperboy.core.ports import (
    PaperChanges,
    PaperRepository,
    StoreBroken,
    StoreUnavailable,
    UpsertCounts,
)
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

# Papers read from the change log at a time, when building and when catching up.
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
        changes: PaperChanges,
        index_path: Path | None,
        options: IndexOptions | None = None,
        after_build: Callable[[], None] = lambda: None,
    ) -> None:
        """`after_build` runs once a build from the store is done (the composition root
        gives the memory the build freed back to the system there)."""
        self.papers = papers
        self._changes = changes
        self._after_build = after_build
        self._index_path = index_path
        self._options = options
        self._index = SearchIndex.build([], options=options)
        # The change sequence the index reflects: every paper written up to it is in.
        self._seen = 0
        self._write_lock = asyncio.Lock()
        self._search_slots = asyncio.Semaphore(SEARCH_THREADS)
        self._dirty = False
        self._save_failing = False
        self._follow_failing = False
        # Papers new to the index, from whichever process stored them (follows).
        self.arrivals = Arrivals()

    @property
    def index(self) -> SearchIndex:
        return self._index

    @property
    def sequence(self) -> int:
        """The store's change sequence the index has taken in everything up to."""
        return self._seen

    def query_terms(self, text: str) -> frozenset[str]:
        """The searchable terms of `text` (none: only very common or unsearchable words)."""
        return self._index.query_terms(text)

    async def open(self) -> None:
        """Load the saved index and take in what changed since it was saved; without a
        usable saved index, build it from the store."""
        await asyncio.to_thread(warm_up)  # compiled scoring loops, off the event loop
        if await self._load():
            await self.catch_up()
            return
        async with self._write_lock:
            self._index, self._seen = await self._build_from_store()
        log.info("search index built: %d papers", len(self._index))
        if len(self._index):
            self._dirty = True
            await self.save_index()
            # Saved: use the file, mapped, like every other process on this host (the
            # built arrays, private to this one, are let go).
            if not self._dirty and await self._load():
                await self.catch_up()
        self._after_build()

    async def _load(self) -> bool:
        if self._index_path is None:
            return False
        saved = await asyncio.to_thread(SearchIndex.load, self._index_path, options=self._options)
        if saved is None:
            return False
        latest = await self._changes.latest_change()
        if saved.sequence > latest:
            # It has papers this store never had (the store was replaced, say).
            log.warning(
                "saved search index %s is ahead of the store (change %d, the store is at "
                "%d); it will be rebuilt",
                self._index_path,
                saved.sequence,
                latest,
            )
            return False
        self._index, self._seen = saved.index, saved.sequence
        log.info("search index loaded: %d papers, up to change %d", len(saved.index), self._seen)
        return True

    async def _build_from_store(self) -> tuple[SearchIndex, int]:
        """Build in a worker thread that pulls papers from the change log in batches, so
        a million abstracts are never all in memory at once and the loop stays free.

        Returns the index and the last change it took in. A paper written meanwhile
        comes again later in the log, and its later version wins."""
        loop = asyncio.get_running_loop()
        seen = 0

        async def next_batch() -> list[Paper]:
            nonlocal seen
            batch = await self._changes.changes_since(seen, limit=BUILD_BATCH)
            if batch:
                seen = batch[-1][0]
            return [paper for _, paper in batch]

        def records() -> Iterator[Mapping[str, Any]]:
            while batch := asyncio.run_coroutine_threadsafe(next_batch(), loop).result():
                yield from (index_record(paper) for paper in batch)

        index = await asyncio.to_thread(SearchIndex.build, records(), options=self._options)
        return index, seen

    async def catch_up(self) -> int:
        """Take into the index every paper written (by any process) after the last
        change it has; returns how many papers it took in. Those it did not have before
        are noted in `arrivals`."""
        async with self._write_lock:
            taken = 0
            while batch := await self._changes.changes_since(self._seen, limit=BUILD_BATCH):
                records = [index_record(paper) for _, paper in batch]
                index = self._index
                fresh = (
                    [paper.id for _, paper in batch if paper.id not in index]
                    if self.arrivals.listening
                    else []
                )
                await asyncio.to_thread(index.add, records)
                self._seen = batch[-1][0]
                self._dirty = True
                taken += len(batch)
                self.arrivals.note(fresh)  # searchable now, as the follows need them
            return taken

    async def follow(self, *, every: float) -> None:
        """Catch up every `every` seconds, until cancelled: what another process stores
        becomes searchable here without a restart. A store that is busy or failing is
        logged (once while it lasts) and tried again at the next turn."""
        while True:
            await asyncio.sleep(every)
            try:
                taken = await self.catch_up()
            except Exception as error:  # the follower must outlive any one failure
                expected = isinstance(error, StoreUnavailable | StoreBroken | OSError)
                log.log(
                    logging.DEBUG if self._follow_failing else logging.WARNING,
                    "could not take in the papers other processes stored (%s); trying "
                    "again in %g s",
                    error,
                    every,
                    exc_info=not expected,
                )
                self._follow_failing = True
                continue
            self._follow_failing = False
            if taken:
                log.info("search index took in %d papers stored elsewhere", taken)

    async def add_papers(self, papers: Sequence[Paper], *, at: datetime) -> UpsertCounts:
        """Store the papers, then make them searchable (with anything else stored since
        the index last caught up), as the store merged them with what it had."""
        counts = await self.papers.upsert(papers, at=at)
        await self.catch_up()
        return counts

    def gathering(self) -> AbstractAsyncContextManager[None]:
        """While inside, the papers new to the index are announced together, at the exit
        (`Arrivals.gathered`): an ingest of several days is one message per follower."""
        return self.arrivals.gathered()

    async def save_index(self) -> None:
        """Write the index beside the store, with the change sequence it reflects, if it
        changed since the last save.

        A failed save (disk full, read-only directory) is a warning, not an error:
        searches go on from the index in memory, the next save tries again, and the
        next start rebuilds what it cannot load."""
        if self._index_path is None or not self._dirty:
            return
        async with self._write_lock:
            try:
                await asyncio.to_thread(self._index.save, self._index_path, sequence=self._seen)
            except OSError as error:
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
        among: Collection[str] | None = None,
    ) -> list[SearchHit]:
        """The best papers for `query` (see `SearchIndex.search`), ranked off the loop."""
        index = self._index
        async with self._search_slots:
            return await asyncio.to_thread(
                index.search,
                query,
                limit=limit,
                offset=offset,
                where=where,
                exclude=exclude,
                among=among,
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
