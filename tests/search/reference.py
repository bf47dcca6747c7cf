"""rank_bm25.BM25Okapi as the reference the index must match exactly."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from rank_bm25 import BM25Okapi

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from paperboy.search import SearchHit, SearchIndex

REL = 1e-9
# Scores this close to zero are rounding noise: an idf of 1e-16 where rank_bm25
# and the index take logs and sums in another order. Such a "match" is
# neither expected nor forbidden.
NOISE = 1e-12


class Reference:
    """BM25Okapi over the same token lists, documents in the index's insertion order.

    A document's tokens are its title's, `title_weight` times, then its
    abstract's, then its authors' names' (each name once). A re-added document
    with new text or authors moves to the end, as the index numbers it.
    """

    def __init__(self, index: SearchIndex, records: Sequence[Mapping[str, Any]]) -> None:
        latest: dict[str, Mapping[str, Any]] = {}
        text: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for rec in records:
            key = (
                str(rec.get("title") or ""),
                str(rec.get("abstract") or ""),
                tuple(rec.get("authors") or ()),
            )
            if rec["id"] in latest and text[rec["id"]] != key:
                del latest[rec["id"]]
            latest[rec["id"]] = rec
            text[rec["id"]] = key
        self.ids = list(latest)
        tok = index.tokenizer
        weight = index.options.title_weight
        self.corpus = [
            tok.tokens(str(r.get("title") or "")) * weight
            + tok.tokens(str(r.get("abstract") or ""))
            + [token for name in r.get("authors") or () for token in tok.tokens(name)]
            for r in latest.values()
        ]
        opts = index.options
        # rank_bm25 divides by zero on a corpus without any token; nothing scores there.
        self.bm25 = (
            BM25Okapi(self.corpus, k1=opts.k1, b=opts.b, epsilon=opts.epsilon)
            if any(self.corpus)
            else None
        )

    def scores(self, tokens: list[str]) -> dict[str, float]:
        if self.bm25 is None:
            return dict.fromkeys(self.ids, 0.0)
        # With b = 1 an empty document divides 0 by 0: it has no term, so it scores 0.
        with np.errstate(invalid="ignore"):
            values = np.nan_to_num(self.bm25.get_scores(tokens), nan=0.0)
        return {pid: float(s) for pid, s in zip(self.ids, values, strict=True)}

    def ranking(
        self, tokens: list[str], k: int, exclude: frozenset[str] = frozenset()
    ) -> list[tuple[str, float]]:
        scored = [
            (pid, s) for pid, s in self.scores(tokens).items() if s > 0 and pid not in exclude
        ]
        order = {pid: i for i, pid in enumerate(self.ids)}
        scored.sort(key=lambda ps: (-ps[1], order[ps[0]]))
        return scored[:k]


def assert_same_ranking(
    hits: list[SearchHit], expected: list[tuple[str, float]], all_scores: Mapping[str, float]
) -> None:
    """Same length and scores rank by rank; ids equal except inside near-ties."""
    hits = [h for h in hits if h.score > NOISE]
    expected = [(p, s) for p, s in expected if s > NOISE]
    assert len(hits) == len(expected), (hits, expected)
    for hit, (pid, score) in zip(hits, expected, strict=True):
        assert math.isclose(hit.score, score, rel_tol=REL), (hit, pid, score)
        if hit.paper_id != pid:
            assert math.isclose(all_scores[hit.paper_id], score, rel_tol=REL), (hit, pid, score)
        assert math.isclose(hit.score, all_scores[hit.paper_id], rel_tol=REL)


def assert_searches_rank_like(
    index: SearchIndex, ref: Reference, queries: Sequence[str], k: int
) -> None:
    """For each query, the index's top k is the reference's (see `assert_same_ranking`)."""
    for query in queries:
        tokens = index.analyse_query(query)
        assert_same_ranking(
            index.search(query, limit=k), ref.ranking(tokens, k), ref.scores(tokens)
        )
