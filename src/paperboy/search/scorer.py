"""BM25Okapi top-k over an `IndexState`.

Scores are rank_bm25's: for each query token q (repeats count again),
idf(q) * tf * (k1 + 1) / (tf + K(doc)), summed; a document's score is only
computed where it has at least one query term, and only documents scoring
above zero are returned. Ties are broken by internal number (insertion
order), so results are deterministic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from collections.abc import Mapping

    from paperboy.search.postings import F64, I64
    from paperboy.search.state import BoolArray, IndexState


def top_docs(
    state: IndexState,
    query: Mapping[int, int],
    *,
    k: int,
    allowed: BoolArray | None = None,
) -> list[tuple[int, float]]:
    """The k best (internal doc, score) for a query given as term id -> count.

    `allowed` (one flag per document) restricts the result; dead documents
    are never returned.
    """
    if k <= 0 or state.n_live == 0:
        return []
    weights = _weights(state, query)
    if not weights:
        return []
    scores = np.zeros(state.docs.n_docs, dtype=np.float64)
    touched: list[npt.NDArray[np.int32]] = []
    k1p1 = state.options.k1 + 1
    for term, weight in weights:
        for seg in state.segments:
            lo, hi = seg.span(term)
            if lo == hi:
                continue
            docs = seg.docs[lo:hi]
            tf = seg.tfs[lo:hi].astype(np.float64)
            scores[docs] += weight * (tf * k1p1 / (tf + state.norm[docs]))
            touched.append(docs)
    if not touched:
        return []
    cand = np.unique(np.concatenate(touched))
    keep = state.docs.live[cand] & (scores[cand] > 0)
    if allowed is not None:
        keep &= allowed[cand]
    cand = cand[keep]
    return best(cand.astype(np.int64), scores[cand], k)


def best(docs: I64, scores: F64, k: int) -> list[tuple[int, float]]:
    """The k highest scores, ties by lower doc number, best first."""
    if len(docs) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        sel = scores >= kth
        docs, scores = docs[sel], scores[sel]
    order = np.lexsort((docs, -scores))[:k]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))


def _weights(state: IndexState, query: Mapping[int, int]) -> list[tuple[int, float]]:
    """(term, count x idf) for query terms present in the corpus with a non-zero idf."""
    out = []
    for term, count in query.items():
        if 0 <= term < state.n_terms and state.df[term] > 0:
            weight = count * float(state.idf[term])
            if weight != 0:
                out.append((term, weight))
    return out
