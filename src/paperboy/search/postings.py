"""Inverted lists of a run of documents, as flat numpy arrays.

A `Postings` segment holds, for each term id, the (sorted) numbers of the
documents that contain it and how often (term frequency). It is immutable
once built: the index adds documents as a new segment and merges segments
from time to time (see `builder`).

Alongside the lists a segment keeps, per term, an upper bound of the BM25
term-frequency factor tf / (tf + K(doc)) over its documents, computed with the
average document length at build time. Pruning (`scorer.py`) relies on those
bounds; `bound_scale` adjusts them when the average length has grown since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from paperboy.search.memory import return_freed_memory

if TYPE_CHECKING:
    import scipy.sparse as sp

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
TfArray = npt.NDArray[Any]  # uint16, or uint32 when some tf needs it


@dataclass(frozen=True, slots=True)
class Postings:
    """Term-major lists for documents `base .. base + n_docs - 1`.

    `indptr[t]:indptr[t+1]` slices `docs` (global document numbers,
    ascending) and `tfs` for term t; terms at or past `len(indptr) - 1` have
    no postings here.
    `bound[t]` is the largest tf / (tf + K(doc)) in t's list when the corpus
    average length was `bound_avgdl`.
    """

    base: int
    n_docs: int
    indptr: I64
    docs: I32
    tfs: TfArray
    bound: F64
    bound_avgdl: float

    @classmethod
    def of(
        cls,
        base: int,
        n_docs: int,
        indptr: I64,
        docs: I32,
        tfs: TfArray,
        *,
        norm: F64,
        avgdl: float,
    ) -> Postings:
        """Postings with their bounds computed at average length `avgdl`."""
        bound = term_bounds(indptr, docs, tfs, norm)
        return cls(base, n_docs, indptr, docs, tfs, bound, avgdl)

    @property
    def n_terms(self) -> int:
        return len(self.indptr) - 1

    @property
    def nnz(self) -> int:
        return len(self.docs)

    def span(self, term: int) -> tuple[int, int]:
        if term >= self.n_terms:
            return 0, 0
        return int(self.indptr[term]), int(self.indptr[term + 1])

    def bound_scale(self, avgdl: float) -> float:
        """Factor that keeps `bound` an upper bound at another average length.

        K(doc) = k1 (1 - b + b dl / avgdl) only shrinks when avgdl grows, and
        shrinks by at most the ratio of the two averages, so tf / (tf + K)
        grows by at most that ratio. When avgdl shrank, K grew: no change.
        """
        return max(1.0, avgdl / self.bound_avgdl) if self.bound_avgdl > 0 else 1.0

    def doc_terms(self, doc: int) -> tuple[I64, TfArray]:
        """(term ids, tfs) of one document, found by scanning the lists."""
        where = np.flatnonzero(self.docs == doc)
        terms = np.searchsorted(self.indptr, where, side="right") - 1
        return terms.astype(np.int64), self.tfs[where]

    def docs_terms(self, docs: I64) -> I64:
        """The term id of every posting of the given documents."""
        where = np.flatnonzero(np.isin(self.docs, docs))
        terms: I64 = np.searchsorted(self.indptr, where, side="right") - 1
        return terms


def postings_from_blocks(
    blocks: list[sp.csc_matrix], *, base: int, n_terms: int, norm: F64, avgdl: float
) -> Postings:
    """Postings of consecutive blocks of documents, each a term-major (CSC)
    doc x term matrix of term frequencies with sorted documents.

    Each block's runs are copied to where they belong (a counting sort by
    term). The blocks are consumed: each leaves `blocks` once copied, and the
    caller must hold no other reference, so that memory holds the final arrays
    as far as they are filled plus the blocks still to copy, instead of both
    whole (each term's run is filled block after block, so the final arrays'
    pages are touched about as fast as the blocks go: 1M papers peaked 0.8 GB
    lower).
    """
    counts = np.zeros(n_terms, dtype=np.int64)
    tf_max = 0
    for block in blocks:
        counts[: block.shape[1]] += np.diff(block.indptr)
        tf_max = max(tf_max, int(block.data.max()) if block.nnz else 0)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    docs = np.empty(int(indptr[-1]), dtype=np.int32)
    tfs = np.empty(len(docs), dtype=np.uint16 if tf_max <= 0xFFFF else np.uint32)
    fill = indptr[:-1].copy()
    first = base
    blocks.reverse()  # popped from the end, in order
    while blocks:
        by_term = blocks.pop()
        width = by_term.shape[1]
        lengths = np.diff(by_term.indptr).astype(np.int64)
        dest = np.repeat(fill[:width] - by_term.indptr[:-1], lengths)
        dest += np.arange(by_term.nnz, dtype=np.int64)
        docs[dest] = by_term.indices + first
        tfs[dest] = by_term.data
        fill[:width] += lengths
        first += by_term.shape[0]
        del by_term, dest, lengths
        return_freed_memory()
    return Postings.of(base, first - base, indptr, docs, tfs, norm=norm, avgdl=avgdl)


def term_bounds(indptr: I64, docs: I32, tfs: TfArray, norm: F64) -> F64:
    """Per term, max over its postings of tf / (tf + K(doc)), a slice of terms at a time."""
    n_terms = len(indptr) - 1
    bound = np.zeros(n_terms, dtype=np.float64)
    lo = 0
    while lo < n_terms:
        hi = _term_chunk_end(indptr, lo)
        start, end = int(indptr[lo]), int(indptr[hi])
        if end > start:
            tf = tfs[start:end].astype(np.float64)
            factor = tf / (tf + norm[docs[start:end]])
            nonempty = lo + np.flatnonzero(indptr[lo + 1 : hi + 1] > indptr[lo:hi])
            bound[nonempty] = np.maximum.reduceat(factor, indptr[nonempty] - start)
        lo = hi
    return bound


def merge_postings(first: Postings, second: Postings, *, norm: F64, avgdl: float) -> Postings:
    """One segment holding both; `second`'s documents all come after `first`'s."""
    n_terms = max(first.n_terms, second.n_terms)
    ptr1 = _padded(first.indptr, n_terms)
    ptr2 = _padded(second.indptr, n_terms)
    indptr = ptr1 + ptr2
    docs = np.empty(int(indptr[-1]), dtype=np.int32)
    tfs = np.empty(len(docs), dtype=np.promote_types(first.tfs.dtype, second.tfs.dtype))
    # Each term's list is its run from `first` then its run from `second`.
    lo = 0
    while lo < n_terms:
        hi = _term_chunk_end(indptr, lo)
        for src, ptr, offset in ((first, ptr1, 0), (second, ptr2, np.diff(ptr1)[lo:hi])):
            lengths = np.diff(ptr[lo : hi + 1])
            start = int(ptr[lo])
            dest = np.repeat(indptr[lo:hi] + offset - ptr[lo:hi], lengths)
            dest += np.arange(start, int(ptr[hi]), dtype=np.int64)
            docs[dest] = src.docs[start : int(ptr[hi])]
            tfs[dest] = src.tfs[start : int(ptr[hi])]
        lo = hi
    return Postings.of(
        first.base, first.n_docs + second.n_docs, indptr, docs, tfs, norm=norm, avgdl=avgdl
    )


# A slice of postings worked on at once; its float64 temporaries (tf factors of a
# slice) take a few times 8 bytes a posting, so 2M keeps them near 50 MB.
_CHUNK_POSTINGS = 2_000_000


def _term_chunk_end(indptr: I64, lo: int) -> int:
    """End of a run of terms from `lo` holding about `_CHUNK_POSTINGS` postings."""
    hi = int(np.searchsorted(indptr, indptr[lo] + _CHUNK_POSTINGS, side="right")) - 1
    return min(max(hi, lo + 1), len(indptr) - 1)


def _padded(indptr: I64, n_terms: int) -> I64:
    out = np.full(n_terms + 1, indptr[-1], dtype=np.int64)
    out[: len(indptr)] = indptr
    return out
