"""BM25Okapi top-k over an `IndexState`, exact, with block-max MaxScore pruning.

Scores are rank_bm25's: for each query token q (repeats count again),
idf(q) * tf * (k1 + 1) / (tf + K(doc)), summed over the query; only
documents scoring above zero are returned, ties by internal number
(insertion order).

Pruning, term at a time: query terms are read shortest list first, and the
scores of *candidates* are accumulated in compact arrays. `theta`, the k-th
best candidate score so far, only grows (every contribution is positive on
this path) and never exceeds the final k-th best score. `rest[i]` bounds
what terms i.. can still add to any document. While reading term i:

- a document not yet a candidate can only make the top k if its
  contribution here plus `rest[i+1]` reaches theta; it becomes a candidate
  only then, and blocks of the list whose per-block bound cannot reach it
  are not read at all;
- candidates get their contribution by binary search in the list when that
  is cheaper than reading the list;
- candidates whose score plus `rest[i]` is below theta are dropped.

A document turned away once is never admitted later: its score is bounded
by what was left when it was turned away, and that bound only shrinks
while theta grows. Every document left out scores strictly below theta,
hence below the final k-th best: the top k is exact, ties included.
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

    from paperboy.search.postings import F64, I32, I64, TfArray
    from paperboy.search.state import BoolArray, IndexState

# Bounds are inflated by this factor so that rounding in the score sums can
# never make a real contribution exceed its bound.
_SAFETY = 1 + 1e-9
# Reading one posting into the candidates costs about as much as this many
# steps of a binary search (measured).
_READ_COST = 12
# Candidates are pruned again once the cut has risen by this factor.
_PRUNE_STEP = 1.1
_NO_DOCS = np.zeros(0, dtype=np.int64)
_NO_SCORES = np.zeros(0, dtype=np.float64)


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


class _Candidates:
    """Documents admitted so far, with their partial scores.

    Compact arrays in admission order (`docs`, `scores`: views of the first
    `n` entries of buffers that grow by doubling) plus `slot`: a per-thread
    array over all documents giving each admitted document's position (-1:
    never admitted), so that checking a posting's document costs one read.
    A dropped candidate keeps its place with a score of -inf.
    """

    def __init__(self, slot: I32) -> None:
        self.slot = slot
        self._docs = np.zeros(16384, dtype=np.int64)
        self._scores = np.zeros(16384, dtype=np.float64)
        self.n = 0
        self.alive = 0
        self._probe: tuple[I64, I64] | None = None

    @property
    def docs(self) -> I64:
        return self._docs[: self.n]

    @property
    def scores(self) -> F64:
        return self._scores[: self.n]

    def add(self, docs: I64, scores: F64) -> None:
        if not len(docs):
            return
        n, end = self.n, self.n + len(docs)
        if end > len(self._docs):
            size = max(end, 2 * len(self._docs))
            self._docs = np.concatenate((self._docs[:n], np.zeros(size - n, np.int64)))
            self._scores = np.concatenate((self._scores[:n], np.zeros(size - n)))
        self._docs[n:end] = docs
        self._scores[n:end] = scores
        self.slot[docs] = np.arange(n, end, dtype=np.int32)
        self.n = end
        self.alive += len(docs)
        self._probe = None

    def drop_below(self, cut: float) -> None:
        """Drop the candidates scoring below `cut`."""
        low = self.scores < cut
        dropped = int(np.count_nonzero(low & (self.scores > -np.inf)))
        if dropped:
            self.scores[low] = -np.inf
            self.alive -= dropped
            self._probe = None

    def probe_keys(self) -> tuple[I64, I64]:
        """(documents, their positions) of the live candidates, by document."""
        if self._probe is None:
            at = np.flatnonzero(self.scores > -np.inf)
            docs = self.docs[at]
            order = np.argsort(docs)
            self._probe = (docs[order], at[order])
        return self._probe

    def reset(self) -> None:
        """Leave `slot` all -1 again for the next query."""
        self.slot[self.docs] = -1


class Scorer:
    """Runs queries; keeps one reusable per-document array per thread."""

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
        documents are never returned. Safe to call from several threads.
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
        cands = _Candidates(self._slots(state.docs.n_docs))
        try:
            return _maxscore(state, terms, k, allowed, cands)
        finally:
            cands.reset()

    def _slots(self, n_docs: int) -> I32:
        slot: I32 | None = getattr(self._local, "slot", None)
        if slot is None or len(slot) < n_docs:
            slot = np.full(max(n_docs, 1024) * 5 // 4, -1, dtype=np.int32)
            self._local.slot = slot
        return slot


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
                block_max = seg.block_max[first:last] * scale
                lists.append(_List(seg.docs[lo:hi], seg.tfs[lo:hi], block_max))
                factor = max(factor, float(seg.bound[term]) * scale)
        if lists:
            out.append(_Term(weight, abs(weight) * k1p1 * factor * _SAFETY, tuple(lists)))
    out.sort(key=lambda t: sum(len(part.docs) for part in t.lists))
    return out


def _contributions(
    state: IndexState, term: _Term, docs: npt.NDArray[np.integer], tfs: TfArray
) -> F64:
    """weight x tf (k1 + 1) / (tf + K(doc)): the same operations, in the same
    order, as rank_bm25 for one query token (tf 1 precomputed per document)."""
    out: F64 = state.tf1[docs]
    out *= term.weight
    more = np.flatnonzero(tfs != 1)
    if len(more):
        tf = tfs[more].astype(np.float64)
        out[more] = term.weight * (tf * (state.options.k1 + 1) / (tf + state.norm[docs[more]]))
    return out


def _maxscore(
    state: IndexState, terms: list[_Term], k: int, allowed: BoolArray | None, cands: _Candidates
) -> list[tuple[int, float]]:
    rest = [0.0] * (len(terms) + 1)
    for i in range(len(terms) - 1, -1, -1):
        rest[i] = rest[i + 1] + terms[i].bound
    k1p1 = state.options.k1 + 1
    theta = 0.0  # never above the final k-th best score; 0 until there are k candidates
    pruned_at = 0.0
    for i, term in enumerate(terms):
        # Drop candidates that can no longer reach theta, when the cut has
        # risen enough since the last time to be worth a pass.
        cut = theta - rest[i]
        if cands.alive > k and cut > 0 and cut >= pruned_at * _PRUNE_STEP:
            cands.drop_below(cut)
            pruned_at = cut
        after = rest[i + 1]
        for part in term.lists:
            if cands.alive < k:
                live: I64 | None = None  # every block
            elif after + term.bound < theta:
                live = _NO_DOCS  # no new candidate possible
            else:
                # Blocks where some document could still reach theta.
                reach = term.weight * k1p1 * part.block_max * _SAFETY + after
                live = np.flatnonzero(reach >= theta)
                if len(live) == len(part.block_max):
                    live = None
            _read(state, term, part, live, cands, after, theta, allowed)
        if cands.alive >= k:
            theta = max(theta, _kth(cands.scores, k))
    return best(cands.docs, cands.scores, k)


def _read(
    state: IndexState,
    term: _Term,
    part: _List,
    live: I64 | None,
    cands: _Candidates,
    after: float,
    theta: float,
    allowed: BoolArray | None,
) -> None:
    """Add `part`'s contributions to the candidates and admit new ones.

    `live`: the blocks that may hold new candidates (None: all of them).
    """
    docs, tfs = part.docs, part.tfs
    n_live = len(part.block_max) if live is None else len(live)
    probe_cost = cands.alive * len(docs).bit_length() + n_live * BLOCK * _READ_COST
    if live is None or probe_cost >= len(docs) * _READ_COST:
        _merge(state, term, docs.astype(np.int64), tfs, cands, after, theta, allowed)
        return
    if cands.alive:
        keys, where = cands.probe_keys()
        at = np.searchsorted(docs, keys.astype(np.int32))
        at[at == len(docs)] = 0
        hit = docs[at] == keys
        if hit.any():
            cands.scores[where[hit]] += _contributions(state, term, keys[hit], tfs[at[hit]])
    if len(live):
        # Postings of the live blocks only.
        starts = live * BLOCK
        lengths = np.minimum(starts + BLOCK, len(docs)) - starts
        first = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        where = first + np.arange(int(lengths.sum()))
        doc64 = docs[where].astype(np.int64)
        _merge(state, term, doc64, tfs[where], cands, after, theta, allowed, known=False)


def _merge(
    state: IndexState,
    term: _Term,
    docs: I64,
    tfs: TfArray,
    cands: _Candidates,
    after: float,
    theta: float,
    allowed: BoolArray | None,
    *,
    known: bool = True,
) -> None:
    """Postings into the candidates: existing ones get their contribution when
    `known` (else they already had it), unseen ones are admitted when they
    can still reach theta."""
    contrib = _contributions(state, term, docs, tfs)
    if not cands.n:
        admit = contrib + after >= theta
        if allowed is not None:
            admit &= allowed[docs]
        cands.add(docs[admit], contrib[admit])
        return
    slot = cands.slot[docs]
    if known:
        present = slot >= 0
        if present.any():
            cands.scores[slot[present]] += contrib[present]
    admit = (slot == -1) & (contrib + after >= theta)
    if allowed is not None:
        admit &= allowed[docs]
    cands.add(docs[admit], contrib[admit])


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
