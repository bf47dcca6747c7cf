"""The score of a recommendation is the decision value of a linear SVM over TF-IDF rows
(1 + ln tf, smoothed idf, L2-normalised): the same as scikit-learn's TfidfVectorizer and
LinearSVC give over each paper's token list (title three times, then abstract)."""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from paperboy.search import SearchIndex
from tests.search.reference import Reference

WORDS = [
    "graph",
    "protein",
    "adapter",
    "galaxy",
    "model",
    "robot",
    "cell",
    "gene",
    "light",
    "water",
    "stone",
    "fire",
    "tree",
]


def corpus(seed: int, n: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "id": f"p{i}",
            "title": " ".join(rng.choices(WORDS, k=3)),
            "abstract": " ".join(rng.choices(WORDS, k=rng.randint(2, 12))),
        }
        for i in range(n)
    ]


def reference_scores(
    index: SearchIndex, papers: list[dict[str, Any]], saved: list[str], marked: list[str]
) -> dict[str, float]:
    tok = index.tokenizer
    lists = [tok.tokens(p["title"]) * 3 + tok.tokens(p["abstract"]) for p in papers]
    rows = TfidfVectorizer(analyzer=lambda tokens: tokens, sublinear_tf=True).fit_transform(lists)
    ids = [p["id"] for p in papers]
    labelled = saved + marked
    train = [ids.index(i) for i in labelled] + [k for k, i in enumerate(ids) if i not in labelled]
    labels = [1] * len(saved) + [0] * (len(train) - len(saved))
    model = LinearSVC(
        C=0.1, class_weight="balanced", dual="auto", max_iter=2000, tol=1e-4, random_state=0
    )
    weights = np.asarray(model.fit(rows[train], labels).coef_).ravel()
    return {i: float(score) for i, score in zip(ids, rows @ weights, strict=True)}


def test_recommendation_scores_are_the_svm_decision_over_tf_idf_rows() -> None:
    papers = corpus(1, 40)
    index = SearchIndex.build(papers[:39])
    # One paper replaced and one added: the rows are those of the live papers only.
    papers[5] = {"id": "p5", "title": "galaxy galaxy stone", "abstract": "fire fire fire water"}
    index.add([papers[5], papers[39]])
    saved, marked = ["p1", "p2", "p3"], ["p4"]
    ranked = index.recommend(saved, marked, limit=100)
    expected = reference_scores(index, papers, saved, marked)
    assert len(ranked) == len(papers) - 4
    for recommendation in ranked:
        assert recommendation.score == pytest.approx(
            expected[recommendation.paper_id], rel=1e-6, abs=1e-9
        )


def test_an_empty_index_or_a_paper_without_words_recommends_without_failing() -> None:
    assert SearchIndex.build([]).recommend(["p1"], limit=5) == []
    papers = [*corpus(2, 10), {"id": "empty", "title": "The", "abstract": "of and"}]
    ranked = SearchIndex.build(papers).recommend(["p1"], limit=20)
    assert {r.paper_id for r in ranked} == {p["id"] for p in papers} - {"p1"}
    assert {r.paper_id: r.score for r in ranked}["empty"] == 0.0


ADAPTERS = {
    "id": "long",
    "title": "Adapters for transformers",
    "abstract": "Low-rank adapters make parameter-efficient fine-tuning of large language"
    " transformers cheap, with adapters in every layer and quantised weights for speed.",
}
HALOS = {"id": "short", "title": "Dark matter halos", "abstract": "Galaxy rotation."}
LIKE_HALOS = {
    "id": "c",
    "title": "Dark matter halos of galaxy rotation",
    "abstract": "Adapters transformers fine-tuning layer weights.",
}
LIKE_ADAPTERS = {
    "id": "d",
    "title": "Adapters for vision transformers",
    "abstract": "Parameter-efficient fine-tuning with low-rank adapters.",
}
NOISE = [
    {"id": f"n{i}", "title": f"Noise {i} cooking", "abstract": f"recipes soup bread number{i}"}
    for i in range(10)
]


def test_a_paper_with_every_word_of_a_short_save_comes_first_and_is_like_it() -> None:
    """Likeness to a save is relative to that save's score for itself: a paper with all
    of the short save's words is nearer to it than one with some of the long save's."""
    index = SearchIndex.build([ADAPTERS, HALOS, LIKE_HALOS, LIKE_ADAPTERS, *NOISE])
    ranked = index.recommend(["long", "short"], limit=2)
    assert [(r.paper_id, r.like) for r in ranked] == [("c", "short"), ("d", "long")]


def test_a_saved_paper_without_words_does_not_spoil_the_others() -> None:
    wordless = {"id": "empty", "title": "The", "abstract": "of and"}
    index = SearchIndex.build([wordless, ADAPTERS, HALOS, LIKE_HALOS, LIKE_ADAPTERS, *NOISE])
    ranked = index.recommend(["empty", "short"], limit=1)
    assert [(r.paper_id, r.like) for r in ranked] == [("c", "short")]
    ranked = index.recommend(["empty", "long", "n1"], limit=2)
    assert [(r.paper_id, r.like) for r in ranked] == [("d", "long"), ("c", "long")]


def test_pages_continue_the_same_ranking_past_the_background_sample() -> None:
    """More papers than the 2,000 unlabelled ones drawn for training: the same sample is
    drawn every time, so page 2 continues page 1 and the scores repeat exactly."""
    papers = corpus(3, 2100)
    index = SearchIndex.build(papers)
    saved, marked = ["p1", "p2", "p3"], ["p4"]
    whole = index.recommend(saved, marked, limit=4)
    pages = index.recommend(saved, marked, limit=2)
    pages += index.recommend(saved, marked, limit=2, offset=2)
    assert pages == whole
    assert len(whole) == 4


def test_a_single_candidate_is_recommended() -> None:
    index = SearchIndex.build([ADAPTERS, HALOS, LIKE_HALOS, LIKE_ADAPTERS, *NOISE])
    ranked = index.recommend(["long"], among=["d"], limit=5)
    assert [(r.paper_id, r.like) for r in ranked] == [("d", "long")]


def test_past_the_shortlist_papers_come_in_the_order_of_their_scores() -> None:
    """The 200 best scores are reordered by likeness to the nearest save; the papers
    after them keep the model's order, best score first."""
    index = SearchIndex.build(corpus(4, 260))
    ranked = index.recommend(["p1", "p2", "p3"], ["p4"], limit=210)
    shortlist, rest = ranked[:200], ranked[200:]
    assert len(rest) == 10
    scores = [r.score for r in rest]
    assert scores == sorted(scores, reverse=True)
    assert min(r.score for r in shortlist) >= scores[0]


def test_the_shortlist_is_ordered_by_likeness_to_the_nearest_save() -> None:
    """Likeness to a save: a quarter the cosine of the TF-IDF rows, three quarters the
    paper's BM25 score for the save's words over the save's own, each as a standard score
    over the shortlist; a paper is as like as its nearest save, and named after it."""
    assert_ordered_by_likeness(corpus(5, 60), ["p1", "p2", "p3", "p4"])


@pytest.mark.parametrize(
    ("seed", "saved"), [(5, ["p0", "p1", "p2", "p3"]), (6, ["p1", "p2", "p3", "p4"])]
)
def test_a_save_of_common_words_is_likened_over_its_own_score_below_one(
    seed: int, saved: list[str]
) -> None:
    """Saves of only common words score well below 1 for themselves (p0 of seed 5: 0.31,
    p2 of seed 6: 0.47); papers are still measured against that own score."""
    assert_ordered_by_likeness(corpus(seed, 60), saved)


def assert_ordered_by_likeness(papers: list[dict[str, Any]], saved: list[str]) -> None:
    """The shortlist's order and each paper's nearest save, recomputed with a reference
    BM25 (valid where every save scores above 0 for itself)."""
    index = SearchIndex.build(papers)
    ranked = index.recommend(saved, limit=100)
    ids = [p["id"] for p in papers]
    tok = index.tokenizer
    lists = [tok.tokens(p["title"]) * 3 + tok.tokens(p["abstract"]) for p in papers]
    rows = TfidfVectorizer(analyzer=lambda tokens: tokens, sublinear_tf=True).fit_transform(lists)
    bm25 = Reference(index, papers)
    cosine = np.array(
        [
            [rows[ids.index(r.paper_id)].multiply(rows[ids.index(s)]).sum() for s in saved]
            for r in ranked
        ]
    )
    relative = []
    for s in saved:
        scores = bm25.scores(lists[ids.index(s)])
        relative.append([scores[r.paper_id] / scores[s] for r in ranked])
    likeness = np.array(relative).T

    def standard(values: np.ndarray, of: np.ndarray) -> np.ndarray:
        return (values - of.mean()) / (of.std() or 1.0)

    best_c, best_b = cosine.max(axis=1), likeness.max(axis=1)
    blend = 0.25 * standard(cosine, best_c) + 0.75 * standard(likeness, best_b)
    closeness = 0.25 * standard(best_c, best_c) + 0.75 * standard(best_b, best_b)
    assert len(ranked) == len(papers) - len(saved)
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(closeness))
    assert closeness[0] > closeness[-1] + 1
    for r, row in zip(ranked, blend, strict=True):
        assert row[saved.index(r.like)] >= row.max() - 1e-9
