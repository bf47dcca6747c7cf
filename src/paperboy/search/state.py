"""One consistent, immutable view of the index.

`SearchIndex` holds a single reference to an `IndexState`; a search reads
that reference once and works on that state only, while `add` builds a new
state beside it and publishes it by replacing the reference. Nothing in a
published state is ever modified (arrays are replaced, not written to).

Documents have internal numbers 0..n_docs-1 in insertion order. A document
whose text changed gets a new number; the old one stays in the postings but
is dead (`live` False) and counts for nothing: not in N, avgdl, df, nor any
result.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from paperboy.search.filters import AuthorTable
    from paperboy.search.keys import Keys
    from paperboy.search.options import IndexOptions
    from paperboy.search.postings import F64, I32, I64, Postings, TfArray

U64 = npt.NDArray[np.uint64]
BoolArray = npt.NDArray[np.bool_]
LengthArray = npt.NDArray[Any]  # uint16, or int32 when some length needs it


@dataclass(frozen=True, slots=True)
class Compounds:
    """Hyphenated compounds seen in documents: joined term -> its part terms.

    Lets a query for `finetuning` also look for `fine` and `tune`, as a query
    for `fine-tuning` does. Sorted by `joined`; parts of entry i are
    `parts[indptr[i]:indptr[i+1]]`.
    """

    joined: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    indptr: I64 = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    parts: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def parts_of(self, term: int) -> list[int]:
        i = int(np.searchsorted(self.joined, term))
        if i == len(self.joined) or self.joined[i] != term:
            return []
        return [int(p) for p in self.parts[self.indptr[i] : self.indptr[i + 1]]]

    def with_entries(self, entries: dict[int, tuple[int, ...]]) -> Compounds:
        new = {j: p for j, p in entries.items() if len(p) > 1 and self.parts_of(j) == []}
        if not new:
            return self
        old = {
            int(j): tuple(int(p) for p in self.parts[self.indptr[i] : self.indptr[i + 1]])
            for i, j in enumerate(self.joined)
        }
        merged = sorted({**old, **new}.items())
        lengths = np.array([len(p) for _, p in merged], dtype=np.int64)
        indptr = np.zeros(len(merged) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        return Compounds(
            np.array([j for j, _ in merged], dtype=np.int64),
            indptr,
            np.array([x for _, p in merged for x in p], dtype=np.int64),
        )


@dataclass(frozen=True, slots=True)
class DocTable:
    """Per-document arrays, indexed by internal number.

    `ids[doc]` is a document's paper id; `ids.find(paper_id)` the live document
    of a paper (a replaced document's number is never found)."""

    ids: Keys
    length: I32
    live: BoolArray
    text_key: U64
    authors_key: U64
    dates: I32
    votes: I64

    @property
    def n_docs(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True)
class IndexState:
    """Everything a search needs, consistent and never mutated after creation.

    `segments` cover the documents in order: a large main segment, then
    smaller ones for documents added since (see `builder`).
    """

    options: IndexOptions
    docs: DocTable
    segments: tuple[Postings, ...]
    df: I64
    authors: AuthorTable
    compounds: Compounds
    n_live: int = field(init=False)
    total_len: int = field(init=False)
    avgdl: float = field(init=False)
    # A document's length, as the smallest integer type that holds every length.
    # Scoring reads K(doc) and the tf factor through it: a long list reads a
    # document's 2 bytes instead of 8 of a per-document float, so 4 times as many
    # documents share a cache line (at 3M papers a query touched half as much memory).
    length_code: LengthArray = field(init=False)
    # By length: K = k1 (1 - b + b dl / avgdl), and the tf factor of a term found
    # once, 1 * (k1 + 1) / (1 + K), the same operations as rank_bm25's.
    norm_of: F64 = field(init=False)
    tf1_of: F64 = field(init=False)
    idf: F64 = field(init=False)
    # (length_code, idf) as a saved state had them: computed from the same arrays by
    # the same code, so a load maps them from the file instead of computing them.
    derived: InitVar[tuple[LengthArray, F64] | None] = None

    def __post_init__(self, derived: tuple[LengthArray, F64] | None) -> None:
        n_live, total_len, avgdl = live_stats(self.docs)
        object.__setattr__(self, "n_live", n_live)
        object.__setattr__(self, "total_len", total_len)
        object.__setattr__(self, "avgdl", avgdl)
        if derived is None:
            derived = (
                length_codes(self.docs.length),
                okapi_idf(self.df, n_live, self.options.epsilon),
            )
        object.__setattr__(self, "length_code", derived[0])
        object.__setattr__(self, "idf", derived[1])
        lengths = np.arange(int(self.docs.length.max(initial=0)) + 1, dtype=np.int64)
        norm_of = norms(lengths, self.options, avgdl)
        one = np.float64(1.0)
        object.__setattr__(self, "norm_of", norm_of)
        object.__setattr__(self, "tf1_of", one * (self.options.k1 + 1) / (one + norm_of))

    @property
    def by_length(self) -> tuple[LengthArray, F64, F64]:
        """(length_code, tf1_of, norm_of): what the scoring kernels read per document."""
        return self.length_code, self.tf1_of, self.norm_of

    def norms(self, docs: I64) -> F64:
        """K(doc) of each of `docs`."""
        norm: F64 = self.norm_of[self.length_code[docs]]
        return norm

    @property
    def n_terms(self) -> int:
        return len(self.df)

    def doc_terms(self, doc: int) -> tuple[I64, TfArray]:
        """(term ids, tfs) of one document, found by scanning its segment."""
        for seg in self.segments:
            if seg.base <= doc < seg.base + seg.n_docs:
                return seg.doc_terms(doc)
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint16)


def length_stats(docs: DocTable, options: IndexOptions) -> tuple[int, int, float, F64]:
    """(live documents, their total length, avgdl, K(doc) of every document)."""
    n_live, total_len, avgdl = live_stats(docs)
    return n_live, total_len, avgdl, doc_norms(docs, options, avgdl)


def live_stats(docs: DocTable) -> tuple[int, int, float]:
    """(live documents, their total length, avgdl)."""
    live = docs.live
    n_live = int(np.count_nonzero(live))
    total_len = int(docs.length[live].sum(dtype=np.int64))
    return n_live, total_len, total_len / n_live if n_live else 0.0


def doc_norms(docs: DocTable, options: IndexOptions, avgdl: float) -> F64:
    """K(doc) of every document."""
    return norms(docs.length, options, avgdl)


def norms(lengths: npt.NDArray[np.integer[Any]], options: IndexOptions, avgdl: float) -> F64:
    """K of documents of the given lengths."""
    k1, b = options.k1, options.b
    with np.errstate(divide="ignore", invalid="ignore"):
        # Same expression and order as rank_bm25, so K(doc) matches it bit for bit.
        norm: F64 = k1 * (1 - b + b * lengths.astype(np.float64) / avgdl)
    return norm


def length_codes(length: I32) -> LengthArray:
    """`length` as uint16 when every length fits (they always do for abstracts)."""
    if int(length.max(initial=0)) <= np.iinfo(np.uint16).max:
        return length.astype(np.uint16)
    return length


def okapi_idf(df: I64, n_docs: int, epsilon: float) -> F64:
    """BM25Okapi idf per term, exactly as rank_bm25 computes it.

    idf = ln(N - df + 0.5) - ln(df + 0.5); a negative idf is replaced by
    epsilon times the mean idf over every term present in the corpus.
    Terms absent from the corpus (df 0) get 0, as rank_bm25 gives unknown terms.
    """
    idf = np.zeros(len(df), dtype=np.float64)
    present = df > 0
    if not present.any():
        return idf
    dfp = df[present].astype(np.float64)
    raw = np.log(n_docs - dfp + 0.5) - np.log(dfp + 0.5)
    floor = epsilon * (float(raw.sum()) / len(raw))
    raw[raw < 0] = floor
    idf[present] = raw
    return idf
