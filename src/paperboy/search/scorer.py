"""BM25Okapi top-k over an `IndexState`, exact, with block-max MaxScore pruning.

Scores are rank_bm25's: for each query token q (repeats count again),
idf(q) * tf * (k1 + 1) / (tf + K(doc)), summed over the query; only
documents scoring above zero are returned, ties by internal number
(insertion order).

Pruning, term at a time: query terms are taken from the highest possible
contribution down (in practice the rarest first), and a dense per-thread
array accumulates the scores of *candidates*. `theta`, the k-th best
candidate score so far, only grows (every contribution is positive on this
path) and never exceeds the final k-th best score. `rest[i]` bounds what
terms i.. can still add to any document. While reading term i:

- a document not yet a candidate can only make the top k if its
  contribution here plus `rest[i+1]` reaches theta; it becomes a candidate
  only then, and blocks of the list whose per-block bound cannot reach it
  are not read at all;
- candidates get their contribution by binary search in the list when that
  is cheaper than reading the list;
- candidates whose score plus `rest[i+1]` falls below theta are dropped.

Every document left out scores strictly below theta, hence below the final
k-th best: the top k is exact, ties included.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from paperboy.search.postings import BLOCK

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

    from paperboy.search.postings import F64, I64, TfArray
    from paperboy.search.state import BoolArray, IndexState

# Bounds are inflated by this factor so that rounding in the score sums can
# never make a real contribution exceed its bound.
_SAFETY = 1 + 1e-9


@dataclass(frozen=True, slots=True)
class _List:
    """One segment's part of a term's postings, with its block bounds."""

    docs: npt.NDArray[np.int32]
    tfs: TfArray
    block_max: F64  # bound of tf / (tf + K) per block of BLOCK postings, scaled


@dataclass(frozen=True, slots=True)
class _Term:
    weight: float  # count x idf
    bound: float  # upper bound of the term's contribution to any document
    lists: tuple[_List, ...]


class Scorer:
    """Runs queries; keeps one reusable score array per thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def top_docs(
        self,
        state: IndexState,
        query: Mapping[int, int],
        *,
        k: int,
        allowed: BoolArray | None = None,
    ) -> list[tuple[int, float]]:
        """The k best (internal doc, score) for a query given as term id -> count.

        `allowed` (one flag per document) restricts the result; dead
        documents are never returned.
        """
        if k <= 0 or state.n_live == 0:
            return []
        if state.n_live < state.docs.n_docs:
            allowed = state.docs.live if allowed is None else allowed & state.docs.live
        terms = _terms(state, query)
        if not terms:
            return []
        if any(t.weight < 0 for t in terms):
            return _exhaustive(state, terms, k, allowed)
        scores = self._buffer(state.docs.n_docs)
        touched: list[npt.NDArray[np.int64]] = []
        try:
            return _maxscore(state, terms, k, allowed, scores, touched)
        finally:
            for docs in touched:
                scores[docs] = 0.0

    def _buffer(self, n_docs: int) -> F64:
        scores: F64 | None = getattr(self._local, "scores", None)
        if scores is None or len(scores) < n_docs:
            scores = np.zeros(max(n_docs, 1024) * 5 // 4, dtype=np.float64)
            self._local.scores = scores
        return scores


def _terms(state: IndexState, query: Mapping[int, int]) -> list[_Term]:
    """Query terms present in the corpus with a non-zero weight, shortest list first.

    Any order is exact; reading short lists first raises theta cheaply, so
    that by the time the long lists come, little of them needs reading.
    """
    k1p1 = state.options.k1 + 1
    out = []
    for term, count in query.items():
        if not (0 <= term < state.n_terms and state.df[term] > 0):
            continue
        weight = count * float(state.idf[term])
        if weight == 0:
            continue
        lists = []
        factor = 0.0
        for seg in state.segments:
            lo, hi = seg.span(term)
            if lo < hi:
                scale = seg.bound_scale(state.avgdl)
                first, last = seg.blocks(term)
                lists.append(
                    _List(seg.docs[lo:hi], seg.tfs[lo:hi], seg.block_max[first:last] * scale)
                )
                factor = max(factor, float(seg.bound[term]) * scale)
        if lists:
            out.append(_Term(weight, abs(weight) * k1p1 * factor * _SAFETY, tuple(lists)))
    out.sort(key=lambda t: sum(len(part.docs) for part in t.lists))
    return out


def _contributions(
    state: IndexState, term: _Term, docs: npt.NDArray[np.integer], tfs: TfArray
) -> F64:
    # Same operations, in the same order, as rank_bm25 for one query token.
    tf: F64 = tfs.astype(np.float64)
    out: F64 = term.weight * (tf * (state.options.k1 + 1) / (tf + state.norm[docs]))
    return out


def _maxscore(
    state: IndexState,
    terms: list[_Term],
    k: int,
    allowed: BoolArray | None,
    scores: F64,
    touched: list[I64],
) -> list[tuple[int, float]]:
    rest = [0.0] * (len(terms) + 1)
    for i in range(len(terms) - 1, -1, -1):
        rest[i] = rest[i + 1] + terms[i].bound
    k1p1 = state.options.k1 + 1
    cands = np.zeros(0, dtype=np.int64)  # sorted
    theta = 0.0  # k-th best candidate score, once there are k candidates
    for i, term in enumerate(terms):
        after = rest[i + 1]
        for part in term.lists:
            if len(cands) >= k and after + term.bound < theta:
                live = np.zeros(0, dtype=np.int64)  # no new candidate possible
            elif len(cands) < k:
                live = None  # every block
            else:
                # Blocks where some document could still reach theta.
                reach = term.weight * k1p1 * part.block_max * _SAFETY + after
                live = np.flatnonzero(reach >= theta)
                if len(live) == len(part.block_max):
                    live = None
            new = _read(state, term, part, live, cands, after, theta, allowed, scores)
            if len(new):
                touched.append(new)
                cands = np.sort(np.concatenate((cands, new)), kind="stable")
        if len(cands) >= k:
            theta = max(theta, _kth(scores[cands], k))
            keep = scores[cands] + after >= theta
            if not keep.all():
                scores[cands[~keep]] = -np.inf  # never a candidate again
                cands = cands[keep]
    return best(cands, scores[cands], k)


def _read(
    state: IndexState,
    term: _Term,
    part: _List,
    live: I64 | None,
    cands: I64,
    after: float,
    theta: float,
    allowed: BoolArray | None,
    scores: F64,
) -> I64:
    """Add `part`'s contributions to candidates; return the new candidates.

    `live`: the blocks that may hold new candidates (None: all of them).
    """
    docs, tfs = part.docs, part.tfs
    n_live = len(part.block_max) if live is None else len(live)
    # Reading the whole list costs about its length; probing it for each
    # candidate about log2(length) each, plus reading the live blocks.
    probe_cost = len(cands) * max(1, len(docs).bit_length()) + n_live * BLOCK
    if live is None or probe_cost >= len(docs):
        doc64 = docs.astype(np.int64)
        contrib = _contributions(state, term, doc64, tfs)
        current = scores[doc64]
        fresh = current == 0
        admit = fresh & (contrib + after >= theta)
        if allowed is not None:
            admit &= allowed[doc64]
        add = ~fresh | admit
        scores[doc64[add]] = current[add] + contrib[add]
        admitted: I64 = doc64[admit]
        return admitted
    if len(cands):
        at = np.searchsorted(docs, cands)
        at[at == len(docs)] = 0
        hit = docs[at] == cands
        if hit.any():
            hits = cands[hit]
            scores[hits] += _contributions(state, term, hits, tfs[at[hit]])
    if not len(live):
        return np.zeros(0, dtype=np.int64)
    # Postings of the live blocks only.
    starts = live * BLOCK
    lengths = np.minimum(starts + BLOCK, len(docs)) - starts
    where = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    doc64 = docs[where].astype(np.int64)
    contrib = _contributions(state, term, doc64, tfs[where])
    admit = (scores[doc64] == 0) & (contrib + after >= theta)
    if allowed is not None:
        admit &= allowed[doc64]
    new: I64 = doc64[admit]
    scores[new] = contrib[admit]
    return new


def _kth(values: F64, k: int) -> float:
    """The k-th largest value (the smallest when there are fewer)."""
    if len(values) <= k:
        return float(values.min()) if len(values) else 0.0
    return float(np.partition(values, len(values) - k)[len(values) - k])


def _exhaustive(
    state: IndexState, terms: list[_Term], k: int, allowed: BoolArray | None
) -> list[tuple[int, float]]:
    """Every document with a query term scored; for queries with negative weights."""
    scores = np.zeros(state.docs.n_docs, dtype=np.float64)
    seen = np.zeros(state.docs.n_docs, dtype=np.bool_)
    for term in terms:
        for part in term.lists:
            scores[part.docs] += _contributions(state, term, part.docs, part.tfs)
            seen[part.docs] = True
    keep = seen & (scores > 0)
    if allowed is not None:
        keep &= allowed
    cands = np.flatnonzero(keep)
    return best(cands, scores[cands], k)


def best(docs: I64, scores: F64, k: int) -> list[tuple[int, float]]:
    """The k highest positive scores, ties by lower doc number, best first."""
    positive = scores > 0
    docs, scores = docs[positive], scores[positive]
    if len(docs) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        sel = scores >= kth
        docs, scores = docs[sel], scores[sel]
    order = np.lexsort((docs, -scores))[:k]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))
