"""`foryou` offline: does the model find what a person would save next, and how fast?

    python -m bench.recommend [--data DIR] [--size 100000] [--repeat 15] [--tune]

Quality, on BEIR SciFact: every query with two or more relevant abstracts is a
person interested in that claim. Leave one out: each relevant abstract in turn is
held out, the others are the person's saves, and the whole corpus but the saves
is ranked. Where the held-out one lands gives hit@10 and MRR (reciprocal rank
within the first 100, else 0), averaged over every (query, held-out) pair; for
people of one interest and people of three (interests grouped at random), on the
train and test queries together and on the test queries alone (held out from the
tuning below), for:

- model: paperboy's ranking (`SearchIndex.recommend`: a linear SVM over the
  index's own TF-IDF term vectors, saves against a background sample; its best
  SHORTLIST ordered again by likeness to the nearest save, BM25 and cosine);
- svm alone: the same SVM without that second step (the model before it);
- tfidf-svm: the same SVM over scikit-learn's TfidfVectorizer of title + abstract
  (arxiv-sanity-lite's features), to choose between the two feature sets;
- newest first: SciFact has no dates, so each abstract gets a seeded random day;
- similar to the last save: BM25 `similar` of the last saved abstract.

A person of one interest has one save in most rankings (most claims have two
relevant abstracts): there every ranker that looks at that save alone is "similar
to the last save", and `foryou` itself answers with `similar` under 3 saves. The
table also gives those with 3 saves or more, the people the model is for.

`--tune` chooses SHORTLIST and BM25_SHARE (`search/recommend.py`) on the train
queries' interests only: every pair of a grid, scored by the mean of hit@10 and
MRR over both kinds of people; the best wins, and a larger shortlist wins a tie
within 0.005 (a larger corpus has more candidates for the SVM to shortlist). The
choice is then shown on the test queries' interests, which it never saw.

Latency, on a seeded synthetic corpus of `--size` abstracts shaped like SciFact
(bench/synthetic.py): a person with 50 saves and 5 marks, p50 of one ranking of
every paper (`foryou all`, the worst case) and of a week's 1,000, after the
first call has built the index's vectors (timed apart); and one request of the
TF-IDF variant, whose vectorizer is fitted on the candidates at each request.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from bench.scifact import SciFact, add_data_argument, load_scifact
from bench.synthetic import SyntheticCorpus
from paperboy.core.foryou import MIN_SAVES
from paperboy.search import SearchIndex
from paperboy.search.recommend import BACKGROUND, BM25_SHARE, SEED, DocVectors, _fit, rank

DEPTH = 100
Ranker = Callable[[list[str]], list[str]]  # saves -> doc ids, best first (saves left out)


def interests(data: SciFact, splits: Sequence[str] = ("train", "test")) -> list[list[str]]:
    """The relevant abstracts of each query with two or more, of the queries of
    `splits`; each abstract in one interest only, the first that has it (train's
    queries come first, so a test interest shares no abstract with a train one)."""
    known = {doc["id"] for doc in data.corpus}
    seen: set[str] = set()
    found = []
    for split in ("train", "test"):
        queries, judged = data.split(split)
        for query in queries:
            relevant = [d for d, rel in judged[query].items() if rel > 0 and d in known]
            relevant = [d for d in relevant if d not in seen]
            if len(relevant) >= 2:
                seen.update(relevant)
                if split in splits:
                    found.append(relevant)
    return found


def people(groups: list[list[str]], per_person: int) -> list[tuple[list[str], str]]:
    """(saves, held-out) pairs: people with `per_person` interests each (seeded groups),
    leave-one-out over all they saved; their saves in a seeded random order, so the
    last save is any of their interests."""
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(groups))
    pairs = []
    for start in range(0, len(order) - per_person + 1, per_person):
        saved = [d for i in order[start : start + per_person] for d in groups[i]]
        saved = [saved[i] for i in rng.permutation(len(saved))]
        pairs += [([d for d in saved if d != held], held) for held in saved]
    return pairs


def model(index: SearchIndex, *, shortlist: int, bm25_share: float) -> Ranker:
    """`SearchIndex.recommend` with the second step's settings given (0: the SVM alone)."""
    state = index._state  # the bench's own look inside: the settings are not options
    vectors = DocVectors(state)
    ids = state.docs.ids

    def ranker(saves: list[str]) -> list[str]:
        positives = np.unique([state.docs.ids.find(s) for s in saves]).astype(np.int64)
        pool = state.docs.live.copy()
        pool[positives] = False
        found = rank(
            vectors,
            positives=positives,
            negatives=np.zeros(0, dtype=np.int64),
            candidates=np.flatnonzero(pool),
            limit=DEPTH,
            shortlist=shortlist,
            bm25_share=bm25_share,
        )
        return [ids[r.doc] for r in found]

    return ranker


def score(ranker: Ranker, pairs: Sequence[tuple[list[str], str]]) -> tuple[float, float, float]:
    """(hit@10, MRR within DEPTH, mean ms per ranking)."""
    hits, reciprocal = 0, 0.0
    start = time.perf_counter()
    for saves, held in pairs:
        ranked = ranker(saves)[:DEPTH]
        if held in ranked:
            rank = ranked.index(held) + 1
            hits += rank <= 10
            reciprocal += 1 / rank
    elapsed = (time.perf_counter() - start) * 1000 / len(pairs)
    return hits / len(pairs), reciprocal / len(pairs), elapsed


def tfidf_svm(records: list[dict[str, str]]) -> Ranker:
    """The SVM of `recommend.py` over TfidfVectorizer features (arxiv-sanity-lite's)."""
    ids = [r["id"] for r in records]
    where = {paper_id: i for i, paper_id in enumerate(ids)}
    vectorizer = TfidfVectorizer(
        lowercase=True, strip_accents="unicode", stop_words="english", sublinear_tf=True
    )
    rows = sp.csr_matrix(
        vectorizer.fit_transform(f"{r['title']}. {r['abstract']}" for r in records)
    )
    everyone = np.arange(len(ids))

    def rank(saves: list[str]) -> list[str]:
        positives = np.array(sorted(where[s] for s in saves))
        others = np.setdiff1d(everyone, positives)
        rng = np.random.default_rng(SEED)
        background = rng.choice(others, size=min(BACKGROUND, len(others)), replace=False)
        train = np.concatenate([positives, background])
        labels = np.zeros(len(train), dtype=np.int8)
        labels[: len(positives)] = 1
        scores = rows[others] @ _fit(rows[train], labels)
        top = others[np.argsort(-scores, kind="stable")[:DEPTH]]
        return [ids[i] for i in top]

    return rank


def newest_first(records: list[dict[str, str]]) -> Ranker:
    order = [records[i]["id"] for i in np.random.default_rng(SEED).permutation(len(records))]

    def rank(saves: list[str]) -> list[str]:
        saved = set(saves)
        return [paper_id for paper_id in order if paper_id not in saved][:DEPTH]

    return rank


def quality(data: SciFact) -> None:
    records = data.corpus
    index = SearchIndex.build(records)
    rankers: dict[str, Ranker] = {
        "model (index TF-IDF + SVM + likeness)": lambda saves: [
            r.paper_id for r in index.recommend(saves, limit=DEPTH)
        ],
        "svm alone (the model before)": model(index, shortlist=0, bm25_share=BM25_SHARE),
        "tfidf-svm (TfidfVectorizer + SVM)": tfidf_svm(records),
        "newest first": newest_first(records),
        "similar to the last save (BM25)": lambda saves: [
            h.paper_id
            for h in index.similar(saves[-1], limit=DEPTH + len(saves))
            if h.paper_id not in saves
        ],
    }
    for label, splits in (("train and test", ("train", "test")), ("test only", ("test",))):
        groups = interests(data, splits)
        print(
            f"\nSciFact {label}: {len(records):,} abstracts; {len(groups)} interests (queries "
            "with 2+ relevant abstracts); the whole corpus ranked, leave one out"
        )
        for per_person in (1, 3):
            pairs = people(groups, per_person)
            _table(rankers, pairs, f"{len(groups) // per_person} people, {per_person} each")
            if per_person == 1:
                learned = [(saves, held) for saves, held in pairs if len(saves) >= MIN_SAVES]
                _table(rankers, learned, f"of them, the rankings with {MIN_SAVES}+ saves")


def _table(rankers: dict[str, Ranker], pairs: list[tuple[list[str], str]], who: str) -> None:
    print(f"\n{who}: {len(pairs)} rankings")
    print(f"  {'ranker':40} {'hit@10':>7} {'MRR':>7} {'ms/ranking':>11}")
    results = {}
    for name, ranker in rankers.items():
        results[name] = found = score(ranker, pairs)
        print(f"  {name:40} {found[0]:7.3f} {found[1]:7.3f} {found[2]:11.1f}")
    first, *others = rankers
    for name in others:
        ours, theirs = results[first], results[name]
        print(
            f"  model / {name}: hit@10 x{_ratio(ours[0], theirs[0])}, "
            f"MRR x{_ratio(ours[1], theirs[1])}"
        )


def tune(data: SciFact) -> None:
    """Choose SHORTLIST and BM25_SHARE on the train queries; show the choice on test."""
    index = SearchIndex.build(data.corpus)
    train = interests(data, ("train",))
    test = interests(data, ("test",))
    print(f"tuning on {len(train)} train interests; checking on {len(test)} test interests")
    grid = [(0, 0.0)] + [
        (shortlist, share) for shortlist in (50, 100, 200) for share in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    found = {}
    print(f"  {'shortlist':>9} {'bm25':>5}   1: hit@10    MRR   3: hit@10    MRR    mean")
    for shortlist, share in grid:
        ranker = model(index, shortlist=shortlist, bm25_share=share)
        figures = [f for n in (1, 3) for f in score(ranker, people(train, n))[:2]]
        found[shortlist, share] = mean = sum(figures) / len(figures)
        print(
            f"  {shortlist:9} {share:5.2f}   "
            + "   ".join(f"{figures[i]:6.3f} {figures[i + 1]:6.3f}" for i in (0, 2))
            + f"  {mean:6.3f}"
        )
    best = max(found.values())
    shortlist, share = max((k for k, v in found.items() if v >= best - 0.005), key=lambda k: k[0])
    print(f"chosen: shortlist {shortlist}, bm25 share {share} (SHORTLIST, BM25_SHARE)")
    for name, ranker in (
        ("chosen", model(index, shortlist=shortlist, bm25_share=share)),
        ("svm alone", model(index, shortlist=0, bm25_share=share)),
    ):
        figures = [score(ranker, people(test, n))[:2] for n in (1, 3)]
        print(
            f"  test, {name:9}: 1 interest hit@10 {figures[0][0]:.3f} MRR {figures[0][1]:.3f}; "
            f"3 interests hit@10 {figures[1][0]:.3f} MRR {figures[1][1]:.3f}"
        )


def latency(data: SciFact, size: int, repeat: int) -> None:
    corpus = SyntheticCorpus.like(data, size)
    records = list(corpus.records())
    start = time.perf_counter()
    index = SearchIndex.build(records)
    took = time.perf_counter() - start
    print(f"\nsynthetic corpus: {len(index):,} abstracts, indexed in {took:.1f} s")
    rng = np.random.default_rng(1)
    ids = [r["id"] for r in records]
    chosen = rng.choice(len(ids), size=55 + 1000, replace=False)
    saves = [ids[i] for i in chosen[:50]]
    marks = [ids[i] for i in chosen[50:55]]
    week = [ids[i] for i in chosen[55:]]
    start = time.perf_counter()
    index.recommend(saves, marks, limit=11)
    print(f"  first call after an add (builds the vectors): {time.perf_counter() - start:.2f} s")
    for label, among in (("every paper (foryou all)", None), ("a week's 1,000 (foryou)", week)):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            index.recommend(saves, marks, among=among, limit=11)
            times.append((time.perf_counter() - start) * 1000)
        p50 = statistics.median(times)
        print(
            f"  model, 50 saves, {label}: p50 {p50:.0f} ms ({p50 / 200:.2f} of the 200 ms target)"
        )
    start = time.perf_counter()
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    rows = vectorizer.fit_transform(f"{r['title']}. {r['abstract']}" for r in records)
    where = {paper_id: i for i, paper_id in enumerate(ids)}
    positives = np.array([where[s] for s in saves])
    background = rng.choice(len(ids), size=BACKGROUND, replace=False)
    train = np.concatenate([positives, background])
    labels = np.zeros(len(train), dtype=np.int8)
    labels[:50] = 1
    rows @ _fit(sp.csr_matrix(rows)[train], labels)
    took = (time.perf_counter() - start) * 1000
    print(f"  tfidf-svm fitted per request, every paper: {took:.0f} ms (one request)")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}" if b else "inf"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--size", type=int, default=100_000, help="synthetic papers for latency")
    parser.add_argument("--repeat", type=int, default=15, help="timed rankings per case")
    parser.add_argument("--skip-latency", action="store_true", help="quality only")
    parser.add_argument(
        "--tune", action="store_true", help="choose the model's settings on train, show test"
    )
    args = parser.parse_args(argv)
    data = load_scifact(args.data)
    if args.tune:
        tune(data)
        return
    quality(data)
    if not args.skip_latency:
        latency(data, args.size, args.repeat)


if __name__ == "__main__":
    main()
