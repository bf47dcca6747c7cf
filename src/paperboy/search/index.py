"""`SearchIndex`: BM25Okapi search over paper titles and abstracts."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from paperboy.search import builder, persist
from paperboy.search.filters import NO_DATE, DocFilter, filter_mask
from paperboy.search.options import IndexOptions
from paperboy.search.query import analyse_query
from paperboy.search.recommend import DocVectors, rank
from paperboy.search.scorer import Scorer
from paperboy.search.tokenizer import Tokenizer
from paperboy.search.vocabulary import Vocabulary

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping
    from pathlib import Path

    from paperboy.search.state import BoolArray, IndexState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SavedIndex:
    """A loaded index and the sequence it was saved with (see `SearchIndex.save`)."""

    index: SearchIndex
    sequence: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: the paper and its BM25 score (higher is better)."""

    paper_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One paper ranked for someone: its score (higher is better) and `like`, the
    saved paper it is most like."""

    paper_id: str
    score: float
    like: str


class SearchIndex:
    """An incremental BM25Okapi index over paper titles and abstracts.

    Scores are exactly `rank_bm25.BM25Okapi(k1, b, epsilon)` over each
    paper's token list (title tokens repeated `title_weight` times, then the
    abstract's tokens, then its authors' names' tokens), and the top-k is
    exact.

    Thread safety: any number of threads may call `search`, `similar`,
    `query_terms`, `len`, `in` and `save` while one thread calls `add`
    (writers are serialised by a lock). The index's whole state is one
    immutable `IndexState`; a reader takes the reference once and uses only
    that, and `add` builds a complete new state beside the old one and
    publishes it with a single reference assignment. A search therefore sees
    the index wholly before or wholly after an `add`, never in between.
    """

    def __init__(self, state: IndexState, vocabulary: Vocabulary) -> None:
        """Use `build` or `load`; this wraps an already consistent state."""
        self._state = state
        self._vocab = vocabulary
        self._write_lock = threading.Lock()
        self._scorer = Scorer()
        self._vectors: DocVectors | None = None  # of the state it was built from

    @classmethod
    def build(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        options: IndexOptions | None = None,
    ) -> SearchIndex:
        """An index of `records` (see `add` for their keys)."""
        options = options or IndexOptions()
        vocab = Vocabulary(Tokenizer(options.tokenizer))
        # The token table a large build leaves behind is worth 100 MB at a
        # million abstracts; a later add relearns the few tokens it needs.
        state = builder.add_documents(
            builder.empty_state(options), vocab, records, forget_tokens=True
        )
        return cls(state, vocab)

    def add(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Add or update papers; they are searchable when this returns.

        Each record has "id", "title", "abstract" and optionally "authors"
        (sequence of str), "date" (date or ISO "YYYY-MM-DD" or None) and
        "upvotes" (int); other keys are ignored. A new id is added; a known id
        whose title, abstract or authors changed replaces the old document (the
        authors' names are searchable words); a known id with the same text
        only has its date and upvotes updated, without touching the postings.
        """
        with self._write_lock:
            self._state = builder.add_documents(self._state, self._vocab, records)

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        where: DocFilter | None = None,
        exclude: Collection[str] = (),
        among: Collection[str] | None = None,
    ) -> list[SearchHit]:
        """The best papers for `query`, best first, skipping the first `offset`; only
        papers of `among` when given (scored as in the whole index).

        Only papers sharing a term with the query are returned, ties in
        insertion order (in a store of one or two papers a shared word can
        score zero or less under BM25Okapi; the paper is still returned). A
        query with no searchable word (empty, punctuation, stopwords, words
        no paper has) gives [].
        """
        state = self._state
        counts = self._vocab.query_counts(analyse_query(self._vocab, state, query), state.n_terms)
        if among is None:
            return self._rank(state, counts, limit, offset, where, exclude)
        if limit <= 0 or not counts:
            return []
        allowed = self._allowed(state, where, exclude)
        only = np.zeros(state.docs.n_docs, dtype=np.bool_)
        only[self._docs(state, among)] = True
        mask = only if allowed is None else only & allowed
        ranked = self._scorer.top_docs(state, counts, k=offset + limit, allowed=mask)
        ids = state.docs.ids
        return [SearchHit(ids[doc], score) for doc, score in ranked[offset:]]

    def similar(
        self,
        paper_id: str,
        *,
        limit: int = 10,
        offset: int = 0,
        where: DocFilter | None = None,
        among: Collection[str] | None = None,
    ) -> list[SearchHit]:
        """Papers most like `paper_id`: its own token list as the query, itself excluded;
        only papers of `among` when given.

        [] for an unknown id.
        """
        state = self._state
        doc = state.docs.ids.find(paper_id)
        if doc is None:
            return []
        terms, tfs = state.doc_terms(doc)
        counts = dict(zip(terms.tolist(), tfs.tolist(), strict=True))
        if among is None:
            return self._rank(state, counts, limit, offset, where, (paper_id,))
        allowed = self._allowed(state, where, (paper_id,))
        only = np.zeros(state.docs.n_docs, dtype=np.bool_)
        only[self._docs(state, among)] = True
        mask = only if allowed is None else only & allowed
        ranked = self._scorer.top_docs(state, counts, k=offset + limit, allowed=mask)
        ids = state.docs.ids
        return [SearchHit(ids[doc], score) for doc, score in ranked[offset:]] if limit > 0 else []

    def recommend(
        self,
        liked: Collection[str],
        disliked: Collection[str] = (),
        *,
        among: Collection[str] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[Recommendation]:
        """Papers ranked for someone who saved `liked` and marked `disliked`, best first,
        from `among` (default: every paper), those two excluded; see `recommend.py`.

        [] when none of `liked` is known. The vectors are built at the first call after
        an `add` (about a second at 100k papers), then reused."""
        state = self._state
        vectors = self._vectors
        if vectors is None or vectors.state is not state:
            vectors = self._vectors = DocVectors(state)
        positives = self._docs(state, liked)
        negatives = self._docs(state, disliked)
        negatives = negatives[~np.isin(negatives, positives)]  # a save outweighs a mark
        pool = state.docs.live.copy()
        if among is not None:
            pool[:] = False
            pool[self._docs(state, among)] = True
        pool[positives] = False
        pool[negatives] = False
        candidates = np.flatnonzero(pool)
        found = rank(
            vectors,
            positives=positives,
            negatives=negatives,
            candidates=candidates,
            limit=limit,
            offset=offset,
        )
        ids = state.docs.ids
        return [Recommendation(ids[r.doc], r.score, ids[r.like]) for r in found]

    @staticmethod
    def _docs(state: IndexState, paper_ids: Collection[str]) -> npt.NDArray[np.int64]:
        """The internal numbers of the known ones of `paper_ids`, ascending, unique."""
        found = (state.docs.ids.find(i) for i in paper_ids)
        return np.unique(np.array([d for d in found if d is not None], dtype=np.int64))

    def newest(self, where: DocFilter, *, limit: int = 10, offset: int = 0) -> list[str]:
        """Ids of the papers that satisfy `where`, newest first, skipping `offset`.

        For a search with filters and no words (`author:"Greg Durrett"`).
        Papers without a date come last; among equal dates the later added first.
        """
        if limit <= 0:
            return []
        state = self._state
        allowed = self._allowed(state, where, ())
        docs = np.flatnonzero(state.docs.live if allowed is None else allowed & state.docs.live)
        dates = state.docs.dates[docs].astype(np.int64)
        dates[dates == NO_DATE] = -1
        order = np.lexsort((-docs, -dates))[offset : offset + limit]
        ids = state.docs.ids
        return [ids[doc] for doc in docs[order].tolist()]

    def matching(self, query: str) -> frozenset[str]:
        """The ids of every paper `search(query)` can return, unranked: those that
        share a term with the query, i.e. whose BM25 score for it is above zero.

        This is what "a paper matches a topic" means everywhere (digest topics,
        trend charts). It reads the query terms' postings only, so it costs about
        as much as one search, however many papers match."""
        state = self._state
        counts = self._vocab.query_counts(analyse_query(self._vocab, state, query), state.n_terms)
        if not counts:
            return frozenset()
        hit = np.zeros(state.docs.n_docs, dtype=np.bool_)
        for segment in state.segments:
            for term in counts:
                lo, hi = segment.span(term)
                hit[segment.docs[lo:hi]] = True
        hit &= state.docs.live
        ids = state.docs.ids
        return frozenset(ids[doc] for doc in np.flatnonzero(hit).tolist())

    def analyse_query(self, query: str) -> list[str]:
        """The query's token list as it is scored (see `paperboy.search.query`)."""
        return analyse_query(self._vocab, self._state, query)

    def query_terms(self, query: str) -> frozenset[str]:
        """The analysed terms of `query` (for marking matched words in snippets)."""
        return frozenset(self.analyse_query(query))

    def __len__(self) -> int:
        return self._state.n_live

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._state.docs.ids

    @property
    def n_terms(self) -> int:
        """Distinct terms in the live documents."""
        return int(np.count_nonzero(self._state.df))

    @property
    def options(self) -> IndexOptions:
        return self._state.options

    @property
    def tokenizer(self) -> Tokenizer:
        return self._vocab.tokenizer

    def save(self, path: Path, *, sequence: int) -> None:
        """Write the index to `path` atomically (temporary file, then rename).

        `sequence` says up to which point of its data the index is current (the
        store's change sequence); `load` gives it back, for the caller to take in
        what changed after it.
        """
        state = self._state
        persist.save(path, state, self._vocab.table(state.n_terms), sequence=sequence)

    @classmethod
    def load(cls, path: Path, *, options: IndexOptions | None = None) -> SavedIndex | None:
        """The index saved at `path` and its sequence, or None (logged) when it cannot
        be trusted.

        None when the file is missing, damaged (checksum), from another format
        version or built with other options. Never raises for a bad file. The
        postings and per-document arrays stay in the file, mapped read-only: loading
        copies nothing, and processes that load the same file share its memory.
        """
        options = options or IndexOptions()
        loaded = persist.load(path, options=options)
        if loaded is None:
            return None
        state, terms, sequence = loaded
        index = cls(state, Vocabulary(Tokenizer(options.tokenizer), terms))
        return SavedIndex(index, sequence)

    def _rank(
        self,
        state: IndexState,
        counts: Mapping[int, int],
        limit: int,
        offset: int,
        where: DocFilter | None,
        exclude: Collection[str],
    ) -> list[SearchHit]:
        if limit <= 0 or not counts:
            return []
        allowed = self._allowed(state, where, exclude)
        ranked = self._scorer.top_docs(state, counts, k=offset + limit, allowed=allowed)
        ids = state.docs.ids
        return [SearchHit(ids[doc], score) for doc, score in ranked[offset:]]

    @staticmethod
    def _allowed(
        state: IndexState, where: DocFilter | None, exclude: Collection[str]
    ) -> BoolArray | None:
        mask: BoolArray | None = None
        if where is not None and not where.is_empty:
            docs = state.docs
            mask = filter_mask(where, dates=docs.dates, votes=docs.votes, authors=state.authors)
        found = (state.docs.ids.find(paper_id) for paper_id in exclude)
        excluded = [doc for doc in found if doc is not None]
        if excluded:
            if mask is None:
                mask = np.ones(state.docs.n_docs, dtype=np.bool_)
            mask[excluded] = False
        return mask
