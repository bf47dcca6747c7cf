"""BM25Okapi top-k over an `IndexState`, exact, with MaxScore pruning.

Scores are rank_bm25's: for each query token q (repeats count again),
idf(q) * tf * (k1 + 1) / (tf + K(doc)), summed over the query; the
documents returned are those containing a query term, ties by internal
number (insertion order). Every such document scores above zero unless a
term's idf is zero or negative, which BM25Okapi only gives in a tiny corpus
(a word in one of two papers has idf 0); such queries are scored
exhaustively, so a paper with the word is still found.

Each query term has an upper bound of what it can add to any document.
`theta` is always a lower bound of the final k-th best score: the k-th best
of some real documents' scores that are complete or still growing (every
contribution is positive on this path).

1. The shortest lists are added into a per-thread array over all
   documents, and the complete scores of the documents leading there are
   looked up: their k-th best seeds theta.
2. MaxScore: the terms with the smallest bounds whose bounds sum to less
   than theta are *non-essential*: a document found in none of the other
   lists cannot reach theta. The other lists are added into the array.
3. The candidates are the documents whose score so far plus the
   non-essential bounds reaches theta; theta is seeded again from the
   complete scores of the leading candidates. The non-essential terms are
   then added to them (shortest list first, by binary search in the list
   or by reading it, whichever is cheaper), dropping candidates that can no
   longer reach theta, which rises as their scores complete.

Every document left out scores strictly below theta, hence below the final
k-th best: the top k is exact, ties included.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from paperboy.search.kernels import gather_add, pick, scatter_add, unmark, zero

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

    from paperboy.search.postings import F64, I64, Postings, TfArray
    from paperboy.search.state import BoolArray, IndexState

# Bounds are inflated by this factor so that rounding in the score sums can
# never make a real contribution exceed its bound.
_SAFETY = 1 + 1e-9
# Theta is set from scores summed in another order than the scores it is later
# compared with (a document completed by binary search, then found in `acc`),
# so the two may differ in the last bits; theta is kept this much lower, so
# that a document tying with the k-th best is never dropped for an ulp.
_THETA_MARGIN = 1 - 1e-9
# Step 1 reads the shortest lists up to about this many postings (or a
# sixteenth of the documents, if fewer), and seeds theta from this many
# leading documents.
_SEED_POSTINGS = 5_000
_SEED_DOCS = 32
# Seeding from the candidates pays only when there are many to drop.
_SEED_CANDIDATES = 2000
# Reading one posting into the array costs about as much as this many steps
# of a binary search (measured).
_READ_COST = 3
# Zeroing what a query added costs a cache miss a posting once the lists are
# long; filling the whole array runs at memory speed, and is cheaper from about
# this many documents per posting read on (measured at 3M papers).
_FILL_RATIO = 8
# Below any real score: scores are sums of positive contributions.
_TINY = 1e-300


@dataclass(frozen=True, slots=True, eq=False)
class _List:
    """One segment's part of a term's postings: `seg`'s positions lo:hi."""

    seg: Postings
    lo: int
    hi: int

    @property
    def docs(self) -> npt.NDArray[np.int32]:
        return self.seg.docs[self.lo : self.hi]

    @property
    def tfs(self) -> TfArray:
        return self.seg.tfs[self.lo : self.hi]


@dataclass(frozen=True, slots=True, eq=False)
class _Term:
    weight: float  # count x idf
    bound: float  # upper bound of the term's contribution to any document
    lists: tuple[_List, ...]

    @property
    def length(self) -> int:
        return sum(part.hi - part.lo for part in self.lists)


class Scorer:
    """Runs queries; keeps one score array over all documents per thread."""

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
        if any(t.weight <= 0 for t in terms):
            return _exhaustive(state, terms, k, allowed)
        run = _Run(state, k, allowed, self._array(state.docs.n_docs))
        try:
            return run.top(terms)
        finally:
            run.clear()

    def _array(self, n_docs: int) -> F64:
        """This thread's score array over all documents, all zero between queries."""
        acc: F64 | None = getattr(self._local, "acc", None)
        if acc is None or len(acc) < n_docs:
            acc = np.zeros(max(n_docs, 1024) * 5 // 4, dtype=np.float64)
            self._local.acc = acc
        return acc


def _terms(state: IndexState, query: Mapping[int, int]) -> list[_Term]:
    """Query terms present in the corpus with a non-zero weight, shortest list first."""
    k1p1 = state.options.k1 + 1
    out = []
    for term, count in query.items():
        if not (0 <= term < state.n_terms and state.df[term] > 0):
            continue
        weight = count * float(state.idf[term])
        lists = []
        factor = 0.0
        for seg in state.segments:
            lo, hi = seg.span(term)
            if lo < hi:
                lists.append(_List(seg, lo, hi))
                factor = max(factor, float(seg.bound[term]) * seg.bound_scale(state.avgdl))
        if lists:
            out.append(_Term(weight, abs(weight) * k1p1 * factor * _SAFETY, tuple(lists)))
    out.sort(key=lambda t: t.length)
    return out


class _Run:
    """One query's evaluation (see the module docstring)."""

    def __init__(self, state: IndexState, k: int, allowed: BoolArray | None, acc: F64) -> None:
        self.state, self.k, self.allowed, self.acc = state, k, allowed, acc
        self.theta = 0.0
        # Documents of every list added into `acc`.
        self.added: list[npt.NDArray[np.integer[Any]]] = []
        self.n_added = 0

    def clear(self) -> None:
        """Leave `acc` all zero for the next query."""
        n_docs = self.state.docs.n_docs
        if self.n_added * _FILL_RATIO > n_docs:
            self.acc[:n_docs].fill(0.0)
        else:
            for docs in self.added:
                zero(self.acc, docs)

    def top(self, terms: list[_Term]) -> list[tuple[int, float]]:
        # 1. The shortest lists, and theta from the leaders' complete scores.
        read = 0
        n_seed = 0
        budget = min(_SEED_POSTINGS, self.state.docs.n_docs // 16)
        while n_seed < len(terms) and (n_seed == 0 or read < budget):
            read += self._add(terms[n_seed])
            n_seed += 1
        first_lists = list(self.added)
        self._seed(terms[n_seed:], first_lists)
        # 2. Non-essential terms: smallest bounds, summing to less than theta.
        later = sorted(terms[n_seed:], key=lambda t: t.bound)
        spare = 0.0
        n_spare = 0
        while n_spare < len(later) and spare + later[n_spare].bound < self.theta:
            spare += later[n_spare].bound
            n_spare += 1
        for term in later[n_spare:]:
            self._add(term)
        # 3. Candidates, completed with the non-essential terms, shortest list
        #    first; theta seeded again from the leading candidates. While the
        #    candidates would be many, reading the next list whole is cheaper.
        spare_terms = sorted(later[:n_spare], key=lambda t: t.length)
        n_docs = self.state.docs.n_docs
        if spare_terms and n_seed < len(terms) - len(spare_terms):
            # The first lists' documents now hold every essential term's share.
            self._seed(spare_terms, first_lists)
        reaching: npt.NDArray[np.bool_] | None = None  # the candidates, when found below
        while spare_terms and self.n_added * 10 > n_docs:
            shortest = spare_terms[0]
            reaching = self.acc[:n_docs] >= max(self.theta - spare, _TINY)
            count = int(np.count_nonzero(reaching))
            if count * shortest.length.bit_length() <= shortest.length * _READ_COST:
                break
            reaching = None
            self._add(shortest)
            spare -= shortest.bound
            spare_terms.pop(0)
        cands = (
            np.flatnonzero(reaching)
            if reaching is not None
            else self._candidates(self.theta - spare)
        )
        if self.allowed is not None:
            cands = cands[self.allowed[cands]]
        scores = self.acc[cands]
        if len(cands) > _SEED_CANDIDATES:
            lead = np.sort(np.argpartition(scores, len(scores) - _SEED_DOCS)[-_SEED_DOCS:])
            total = self._completed(spare_terms, cands[lead], scores[lead])
            self._raise_theta(_kth(total, self.k))
        for term in spare_terms:
            spare -= term.bound
            if len(cands) > self.k:
                self._raise_theta(_kth(scores, self.k))
                keep = scores + term.bound + spare >= self.theta
                cands, scores = cands[keep], scores[keep]
            scores = self._complete(term, cands, scores)
        return best(cands, scores, self.k)

    def _candidates(self, cut: float) -> I64:
        """Documents read so far whose score reaches `cut` (and is positive), sorted."""
        acc = self.acc
        if self.n_added * 10 > self.state.docs.n_docs:
            return np.flatnonzero(acc[: self.state.docs.n_docs] >= max(cut, _TINY))
        # Fewer postings read than documents: pick from the lists read.
        out = np.empty(self.n_added, dtype=np.int64)
        n = 0
        for docs in self.added:
            n = pick(acc, docs, max(cut, _TINY), out, n)
        cands = out[:n]
        unmark(acc, cands)
        cands.sort()
        return cands

    def _add(self, term: _Term) -> int:
        """Add a term's whole lists into `acc`; returns the postings read."""
        return sum(self._add_list(part, term.weight) for part in term.lists)

    def _add_list(self, part: _List, weight: float) -> int:
        """Add one list into `acc`; returns its length."""
        state = self.state
        docs = part.docs
        scatter_add(
            self.acc,
            docs,
            part.tfs,
            *state.by_length,
            weight,
            state.options.k1 + 1,
        )
        self.added.append(docs)
        self.n_added += len(docs)
        return len(docs)

    def _seed(self, later: list[_Term], lists: list[npt.NDArray[np.integer[Any]]]) -> None:
        """Theta from the complete scores of the documents leading in `lists`
        (the terms still to add, `later`, looked up)."""
        pool = np.concatenate(lists)
        if self.allowed is not None:
            pool = pool[self.allowed[pool]]
        if len(pool) > 2 * _SEED_DOCS:
            values = self.acc[pool]
            pool = pool[np.argpartition(values, len(values) - 2 * _SEED_DOCS)[-2 * _SEED_DOCS :]]
        # A document read in several lists appears once per list.
        lead = np.unique(pool)
        lead = lead[np.argsort(self.acc[lead])[-_SEED_DOCS:]]
        lead.sort()
        total = self._completed(later, lead, self.acc[lead])
        if len(total) >= self.k:
            self._raise_theta(_kth(total, self.k))

    def _raise_theta(self, kth_score: float) -> None:
        self.theta = max(self.theta, kth_score * _THETA_MARGIN)

    def _completed(self, later: list[_Term], docs: I64, scores: F64) -> F64:
        """Complete scores of a few documents, by binary search only (the
        terms may still be added into `acc` later)."""
        total = scores.copy()
        for term in later:
            total = self._complete(term, docs, total, may_read=False)
        return total

    def _complete(self, term: _Term, docs: I64, scores: F64, *, may_read: bool = True) -> F64:
        """`scores` of (sorted) `docs` plus the term's contributions to them.

        With `may_read`, a list may be added into `acc` whole when that is
        cheaper than searching it; each term is completed that way once.
        """
        state = self.state
        k1p1 = state.options.k1 + 1
        out = scores.copy()
        for part in term.lists:
            n = len(part.docs)
            if may_read and len(docs) * n.bit_length() > n * _READ_COST:
                # Cheaper to read the list into `acc` and pick the documents there.
                before = self.acc[docs]
                self._add_list(part, term.weight)
                out += self.acc[docs] - before
            else:
                gather_add(
                    out,
                    docs,
                    part.docs,
                    part.tfs,
                    *state.by_length,
                    term.weight,
                    k1p1,
                )
        return out


def _kth(values: F64, k: int) -> float:
    """The k-th largest value (the smallest when there are fewer)."""
    if len(values) <= k:
        return float(values.min()) if len(values) else 0.0
    return float(np.partition(values, len(values) - k)[len(values) - k])


def _exhaustive(
    state: IndexState, terms: list[_Term], k: int, allowed: BoolArray | None
) -> list[tuple[int, float]]:
    """Every document with a query term scored, whatever the sign of its score;
    for queries with a weight of zero or less (tiny corpora)."""
    scores = np.zeros(state.docs.n_docs, dtype=np.float64)
    seen = np.zeros(state.docs.n_docs, dtype=np.bool_)
    k1p1 = state.options.k1 + 1
    for term in terms:
        for part in term.lists:
            scatter_add(
                scores,
                part.docs,
                part.tfs,
                *state.by_length,
                term.weight,
                k1p1,
            )
            seen[part.docs] = True
    if allowed is not None:
        seen &= allowed
    cands = np.flatnonzero(seen)
    return best(cands, scores[cands], k)


def best(docs: I64, scores: F64, k: int) -> list[tuple[int, float]]:
    """The k highest scores, ties by lower doc number, best first."""
    if len(docs) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        sel = scores >= kth
        docs, scores = docs[sel], scores[sel]
    order = np.lexsort((docs, -scores))[:k]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))
