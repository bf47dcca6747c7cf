"""Exact top-k on corpora big enough for pruning to skip most of the work."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from paperboy.search import DocFilter, SearchIndex
from tests.search.reference import Reference, assert_same_ranking, assert_searches_rank_like


def zipf_corpus(n: int, seed: int) -> list[dict[str, Any]]:
    """Papers whose words follow a Zipf law over a made-up vocabulary."""
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(3000)]
    weights = 1 / np.arange(1, len(vocab) + 1) ** 1.1
    weights /= weights.sum()
    out = []
    for i in range(n):
        title = rng.choice(len(vocab), rng.integers(3, 10), p=weights)
        abstract = rng.choice(len(vocab), rng.integers(20, 120), p=weights)
        out.append(
            {
                "id": f"d{i}",
                "title": " ".join(vocab[j] for j in title),
                "abstract": " ".join(vocab[j] for j in abstract),
                "upvotes": int(rng.integers(0, 50)),
            }
        )
    return out


def queries(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    # Mostly frequent words (long lists) with some rare ones, repeats allowed.
    return [
        " ".join(f"w{int(rng.paretovariate(0.6)) - 1}" for _ in range(rng.randint(1, 9)))
        for _ in range(count)
    ]


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return zipf_corpus(2500, seed=11)


@pytest.mark.parametrize("k", [1, 10, 37])
def test_top_k_is_exact_on_a_zipf_corpus(corpus: list[dict[str, Any]], k: int) -> None:
    index = SearchIndex.build(corpus)
    ref = Reference(index, corpus)
    assert_searches_rank_like(index, ref, queries(seed=k, count=25), k)


def test_top_k_stays_exact_after_adds_and_replacements(corpus: list[dict[str, Any]]) -> None:
    index = SearchIndex.build(corpus[:1500])
    # Longer documents raise the average length: bounds from the first build must stay valid.
    longer = [dict(p, abstract=p["abstract"] + " " + p["abstract"]) for p in corpus[1500:2000]]
    index.add(longer)
    replaced = [dict(p, abstract=p["abstract"] + " w1 w2 w3") for p in corpus[:200]]
    index.add(replaced + corpus[2000:])
    records = corpus[:1500] + longer + replaced + corpus[2000:]
    ref = Reference(index, records)
    assert_searches_rank_like(index, ref, queries(seed=5, count=30), 10)


def test_filters_and_paging_stay_exact(corpus: list[dict[str, Any]]) -> None:
    index = SearchIndex.build(corpus)
    ref = Reference(index, corpus)
    votes = {p["id"]: p["upvotes"] for p in corpus}
    for query in queries(seed=9, count=15):
        tokens = index.analyse_query(query)
        scores = ref.scores(tokens)
        full = ref.ranking(tokens, 60)
        page = index.search(query, limit=10, offset=20)
        assert_same_ranking(page, full[20:30], scores)
        wanted = [(p, s) for p, s in ref.ranking(tokens, len(corpus)) if votes[p] >= 40][:10]
        assert_same_ranking(index.search(query, where=DocFilter(min_votes=40)), wanted, scores)
        excluded = {p for p, _ in full[:5]}
        assert_same_ranking(
            index.search(query, exclude=excluded),
            ref.ranking(tokens, 10, frozenset(excluded)),
            scores,
        )


def test_queries_of_rare_words_are_exact(corpus: list[dict[str, Any]]) -> None:
    """Short lists only: the candidates are picked from the lists read."""
    index = SearchIndex.build(corpus)
    ref = Reference(index, corpus)
    rng = random.Random(3)
    rare = []
    for _ in range(30):
        query = " ".join(f"w{rng.randint(300, 2999)}" for _ in range(rng.randint(2, 6)))
        query += " w1" * rng.randint(0, 1)  # sometimes one very common word too
        rare.append(query)
    assert_searches_rank_like(index, ref, rare, 10)
