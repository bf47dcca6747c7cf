"""Ranking papers for one person from their labels: a linear SVM over the index's terms.

The way arxiv-sanity-lite ranks new papers by a person's tags: every paper is a
sparse TF-IDF vector of its words, a linear SVM is trained per request with the
person's saved papers as positives and everything else as negatives (the papers
they marked "not for me", and a fixed sample of the rest), and the candidates are
ranked by its decision value; its best SHORTLIST are then ordered by how like
each is to its nearest save (below). The vectors come from the index's own postings
(title, abstract and authors' tokens, exactly as searched), built once per index
state and kept until the next `add`, so a request only trains and scores:
`bench/recommend.py` measured this against scikit-learn's TfidfVectorizer over
the raw text and kept it: at least as good on SciFact (hit@10 0.57 against 0.51
for people of three interests), and a vectorizer fitted per request over 100k
papers takes over 40 s where this ranks them in ~0.1 s (p50, 50 saves).

Pure: arrays in, ranked documents out.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from paperboy.search.postings import F64, I64
    from paperboy.search.state import IndexState

# Unlabelled papers drawn as background negatives: enough for the SVM to learn what
# is common everywhere, few enough that training stays a few milliseconds.
BACKGROUND = 2000
# arxiv-sanity-lite's regularisation, with classes balanced (a few saves against
# thousands of others). Measured against 0.01-100 and unbalanced classes on SciFact
# train (bench/recommend.py --tune): the best.
C = 0.1
SEED = 0  # the same sample every request, so "More" continues the same ranking
# The SVM's best are ordered again by how like one save each is: the SVM averages
# someone's interests into one direction, so a paper on one of several interests,
# or like one save only, ranks below papers vaguely like all of them. Its likeness to
# the nearest save decides among the shortlist: BM25 of the save's words (as `similar`
# scores it, relative to the save's score for itself) and cosine of the TF-IDF rows,
# blended as standard scores. Chosen on SciFact's train interests and checked on its
# test ones (`python -m bench.recommend --tune`): for people of three interests hit@10
# 0.53 -> 0.60 and MRR 0.22 -> 0.34 on train. A shortlist keeps it a few milliseconds
# whatever the number of candidates (likeness to every paper: over a second at 100k).
SHORTLIST = 200
BM25_SHARE = 0.75  # and 0.25 cosine


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate's internal number, its score, and the positive it is most like."""

    doc: int
    score: float
    like: int


class DocVectors:
    """The L2-normalised TF-IDF rows (1 + ln tf, smoothed idf) of one index state, and
    the term counts beside them (for BM25 likeness)."""

    def __init__(self, state: IndexState) -> None:
        self.state = state
        n_docs, n_terms = state.docs.n_docs, state.n_terms
        # Every posting of every segment at once: (doc, term, tf) triples, one conversion.
        docs = [segment.docs for segment in state.segments]
        terms = [
            np.repeat(np.arange(segment.n_terms), np.diff(segment.indptr))
            for segment in state.segments
        ]
        tfs = [segment.tfs.astype(np.float32) for segment in state.segments]
        counts = sp.coo_matrix(
            (
                np.concatenate(tfs) if tfs else np.zeros(0, dtype=np.float32),
                (
                    np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64),
                    np.concatenate(terms) if terms else np.zeros(0, dtype=np.int64),
                ),
            ),
            shape=(n_docs, n_terms),
        ).tocsr()
        counts.sum_duplicates()  # sorted, one entry per (doc, term)
        self.counts: sp.csr_matrix = counts
        # The TF-IDF rows share the counts' structure: only their values differ.
        idf = np.log((1.0 + state.n_live) / (1.0 + state.df.astype(np.float64))) + 1.0
        values = (1.0 + np.log(counts.data.astype(np.float64))) * idf[counts.indices]
        squares = sp.csr_matrix(
            (values * values, counts.indices, counts.indptr), shape=counts.shape
        )
        norms = np.sqrt(np.asarray(squares.sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        values /= np.repeat(norms, np.diff(counts.indptr))
        self.rows: sp.csr_matrix = sp.csr_matrix(
            (values, counts.indices, counts.indptr), shape=(n_docs, n_terms)
        )

    def likeness(self, docs: I64, saves: I64) -> tuple[F64, F64]:
        """(cosine, BM25) of each of `docs` (rows) to each of `saves` (columns); a BM25
        score as `similar` gives it, divided by the save's score for itself."""
        cosine: F64 = (self.rows[docs] @ self.rows[saves].T).toarray()
        query = self.counts[saves]
        bm25: F64 = (self._bm25(docs) @ query.T).toarray()
        own = np.asarray(self._bm25(saves).multiply(query).sum(axis=1)).ravel()
        own[own <= 0] = 1.0
        return cosine, bm25 / own

    def _bm25(self, docs: I64) -> sp.csr_matrix:
        """The BM25 weight of each term of `docs` (rank_bm25's idf, tf and length)."""
        state = self.state
        counts = self.counts[docs]
        tf = counts.data.astype(np.float64)
        length = np.repeat(state.norms(docs), np.diff(counts.indptr))
        k1 = state.options.k1
        weights = state.idf[counts.indices] * tf * (k1 + 1) / (tf + length)
        return sp.csr_matrix((weights, counts.indices, counts.indptr), shape=counts.shape)


def rank(
    vectors: DocVectors,
    *,
    positives: I64,
    negatives: I64,
    candidates: I64,
    limit: int,
    offset: int = 0,
    shortlist: int = SHORTLIST,
    bm25_share: float = BM25_SHARE,
) -> list[Ranked]:
    """The best `candidates` for someone who saved `positives` and marked `negatives`
    (internal numbers), best first, from `offset` on; each with the positive it is most
    like. Needs at least one positive.

    The order: the SVM's best `shortlist` by likeness to the nearest save (`bm25_share`
    BM25, the rest cosine; the bench tunes both), then the rest by the SVM. A score is
    the SVM's decision value (positive: on the side of the saves), so it does not
    always fall down the order."""
    if limit <= 0 or not len(positives) or not len(candidates):
        return []
    # Masks, not set operations: at 100k papers np.setdiff1d took half the request.
    unlabelled = vectors.state.docs.live.copy()
    unlabelled[positives] = False
    unlabelled[negatives] = False
    others = np.flatnonzero(unlabelled)
    background = np.random.default_rng(SEED).choice(
        others, size=min(BACKGROUND, len(others)), replace=False
    )
    train = np.concatenate([positives, negatives, background])
    labels = np.zeros(len(train), dtype=np.int8)
    labels[: len(positives)] = 1
    rows = vectors.rows
    weights = _fit(rows[train], labels)
    scores: F64 = (rows @ weights)[candidates]  # cheaper than copying the candidates' rows
    short = _best(scores, candidates, min(shortlist, len(candidates)))
    ranked, likes = short, positives[:0]
    if len(short):
        cosine, bm25 = vectors.likeness(candidates[short], positives)
        closeness, nearest = _closeness(cosine, bm25, bm25_share=bm25_share)
        order = np.lexsort((candidates[short], -closeness))
        ranked, likes = short[order], positives[nearest[order]]
    wanted = offset + limit
    if wanted > len(short):  # past the shortlist: the SVM's order
        rest = _best(scores, candidates, min(wanted, len(candidates)))
        rest = rest[~np.isin(rest, short)][: wanted - len(short)]
        near = (rows[candidates[rest]] @ rows[positives].T).toarray().argmax(axis=1)
        ranked = np.concatenate([ranked, rest])
        likes = np.concatenate([likes, positives[near]])
    return [
        Ranked(int(candidates[at]), float(scores[at]), int(like))
        for at, like in zip(ranked[offset:wanted], likes[offset:wanted], strict=True)
    ]


def _best(scores: F64, keys: I64, k: int) -> I64:
    """The positions of the `k` best scores, best first, equal scores by key (lowest
    first), so that page 2 continues page 1 exactly."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]
    top = np.flatnonzero(scores >= kth)  # every one tied with the k-th, ordered below
    best: I64 = top[np.lexsort((keys[top], -scores[top]))][:k]
    return best


def _closeness(cosine: F64, bm25: F64, *, bm25_share: float) -> tuple[F64, I64]:
    """Each shortlisted paper's likeness to its nearest save (the blend of the two
    measures' standard scores, each of the paper's best save), and which save is the
    nearest by the same blend (the card's "like X you saved")."""
    shift_c, scale_c = _spread(cosine.max(axis=1))
    shift_b, scale_b = _spread(bm25.max(axis=1))
    cosine_share = 1.0 - bm25_share

    def blend(c: F64, b: F64) -> F64:
        mixed: F64 = cosine_share * (c - shift_c) / scale_c + bm25_share * (b - shift_b) / scale_b
        return mixed

    nearest: I64 = blend(cosine, bm25).argmax(axis=1)
    return blend(cosine.max(axis=1), bm25.max(axis=1)), nearest


def _spread(values: F64) -> tuple[float, float]:
    """(mean, standard deviation) to standardise by; a deviation of 0 is taken as 1."""
    deviation = float(values.std())
    return float(values.mean()), deviation if deviation > 0 else 1.0


def _fit(features: sp.csr_matrix, labels: np.ndarray) -> F64:
    """The SVM's weights (the intercept ranks nothing)."""
    # Imported here: scikit-learn takes seconds to import, which every paperboy command
    # (a one-line `search`, the console's start) would otherwise pay.
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    if labels.min() == labels.max():  # nothing to contrast with: rank by likeness
        weights: F64 = np.asarray(features.mean(axis=0)).ravel()
        return weights
    model = LinearSVC(
        C=C, class_weight="balanced", dual="auto", max_iter=2000, tol=1e-4, random_state=SEED
    )
    with warnings.catch_warnings():
        # A few hundred iterations give a ranking as good as the converged one.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features, labels)
    coef: F64 = np.asarray(model.coef_, dtype=np.float64).ravel()
    return coef
