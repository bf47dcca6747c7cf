"""Inverted lists of a block of documents, as flat numpy arrays.

A `Postings` segment holds, for each term id, the (sorted) numbers of the
documents that contain it and how often (term frequency). It is immutable
once built: the index adds documents by building a small new segment and
publishing it, and from time to time merges the small one into the large one.

Alongside the lists a segment keeps, per term, an upper bound of the BM25
term-frequency factor tf / (tf + K(doc)) over its documents, computed with the
average document length at build time. Pruning (`scorer.py`) relies on those
bounds; `bound_scale` adjusts them when the average length has grown since.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
TfArray = npt.NDArray[np.unsignedinteger[npt.NBitBase]]


@dataclass(frozen=True, slots=True)
class Postings:
    """Term-major lists for documents `base .. base + n_docs - 1`.

    `indptr[t]:indptr[t+1]` slices `docs` (global document numbers,
    ascending) and `tfs` for term t; terms at or past `len(indptr) - 1` have
    no postings here. `bound[t]` is max tf / (tf + K(doc)) over those
    postings when the corpus average length was `bound_avgdl`.
    """

    base: int
    n_docs: int
    indptr: I64
    docs: I32
    tfs: TfArray
    bound: F64
    bound_avgdl: float

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

    def docs_terms(self, docs: I64) -> tuple[I64, I64, TfArray]:
        """(doc, term id, tf) of every posting of the given documents."""
        if not len(docs) or not self.nnz:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, self.tfs[:0]
        where = np.flatnonzero(np.isin(self.docs, docs))
        terms = np.searchsorted(self.indptr, where, side="right") - 1
        return self.docs[where].astype(np.int64), terms.astype(np.int64), self.tfs[where]


def forward_matrix(term_ids: list[I32], n_terms: int) -> sp.csr_matrix:
    """Documents x terms matrix of term frequencies from each document's term ids."""
    lengths = np.fromiter((len(ids) for ids in term_ids), dtype=np.int64, count=len(term_ids))
    rows = np.repeat(np.arange(len(term_ids), dtype=np.int32), lengths)
    cols = np.concatenate(term_ids) if term_ids else np.zeros(0, dtype=np.int32)
    data = np.ones(len(cols), dtype=np.uint32)
    # COO -> CSR sums duplicate (doc, term) pairs into term frequencies.
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(term_ids), n_terms))
    matrix.sum_duplicates()
    return matrix


def build_postings(forward: sp.csr_matrix, *, base: int, norm: F64, avgdl: float) -> Postings:
    """Postings of the documents whose term frequencies are the rows of `forward`.

    `norm` is K(doc) for every global document number (at least up to
    base + rows), used for the per-term bounds.
    """
    csc = forward.tocsc()
    csc.sort_indices()
    indptr = csc.indptr.astype(np.int64)
    docs = csc.indices.astype(np.int32)
    if base:
        docs += np.int32(base)
    tf_max = int(csc.data.max()) if csc.nnz else 0
    tfs = csc.data.astype(np.uint16 if tf_max <= np.iinfo(np.uint16).max else np.uint32)
    return Postings(
        base=base,
        n_docs=forward.shape[0],
        indptr=indptr,
        docs=docs,
        tfs=tfs,
        bound=term_bounds(indptr, docs, tfs, norm),
        bound_avgdl=avgdl,
    )


def term_bounds(indptr: I64, docs: I32, tfs: TfArray, norm: F64) -> F64:
    """Per term, max over its postings of tf / (tf + K(doc))."""
    bound = np.zeros(len(indptr) - 1, dtype=np.float64)
    if not len(docs):
        return bound
    tf = tfs.astype(np.float64)
    factor = tf / (tf + norm[docs])
    nonempty = np.flatnonzero(indptr[1:] > indptr[:-1])
    bound[nonempty] = np.maximum.reduceat(factor, indptr[nonempty])
    return bound


def merge_postings(first: Postings, second: Postings, *, norm: F64, avgdl: float) -> Postings:
    """One segment holding both; `second`'s documents all come after `first`'s."""
    n_terms = max(first.n_terms, second.n_terms)
    len1 = np.zeros(n_terms, dtype=np.int64)
    len1[: first.n_terms] = np.diff(first.indptr)
    len2 = np.zeros(n_terms, dtype=np.int64)
    len2[: second.n_terms] = np.diff(second.indptr)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(len1 + len2, out=indptr[1:])
    # Each term's list is its first-segment run followed by its second-segment run.
    dest1 = np.arange(first.nnz, dtype=np.int64) + np.repeat(indptr[:-1] - _starts(len1), len1)
    dest2 = np.arange(second.nnz, dtype=np.int64) + np.repeat(
        indptr[:-1] + len1 - _starts(len2), len2
    )
    docs = np.empty(first.nnz + second.nnz, dtype=np.int32)
    docs[dest1] = first.docs
    docs[dest2] = second.docs
    tf_dtype = np.promote_types(first.tfs.dtype, second.tfs.dtype)
    tfs = np.empty(len(docs), dtype=tf_dtype)
    tfs[dest1] = first.tfs
    tfs[dest2] = second.tfs
    return Postings(
        base=first.base,
        n_docs=first.n_docs + second.n_docs,
        indptr=indptr,
        docs=docs,
        tfs=tfs,
        bound=term_bounds(indptr, docs, tfs, norm),
        bound_avgdl=avgdl,
    )


def _starts(lengths: I64) -> I64:
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    return starts
