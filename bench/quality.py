"""Retrieval quality on BEIR SciFact: paperboy's defaults beside the references.

    python -m bench.quality [--split test] [--data DIR]

Prints nDCG@10 and Recall@100 for paperboy (default `IndexOptions`), and for
rank_bm25.BM25Okapi and bm25s with their own defaults over plain stemmed
tokens (lowercase words, English Snowball stemming, title and abstract
joined): the setting of the published reference points. The defaults were
chosen on the train split (bench/tune.py); report on test.
"""

from __future__ import annotations

import argparse
import math
import re
import time
from collections.abc import Callable, Sequence

import numpy as np
import Stemmer

from bench.scifact import SciFact, add_data_argument, load_scifact
from paperboy.search import IndexOptions, SearchIndex

Ranker = Callable[[str], list[str]]  # query text -> doc ids, best first (at least 100)

_PLAIN_WORD = re.compile(r"\w+")


def ndcg_at_10(ranked: Sequence[str], relevant: dict[str, int]) -> float:
    dcg = sum(relevant.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum(rel / math.log2(rank + 2) for rank, rel in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_100(ranked: Sequence[str], relevant: dict[str, int]) -> float:
    wanted = {doc for doc, rel in relevant.items() if rel > 0}
    return len(wanted.intersection(ranked[:100])) / len(wanted) if wanted else 0.0


def evaluate(rank: Ranker, scifact: SciFact, split: str) -> tuple[float, float]:
    """(mean nDCG@10, mean Recall@100) over the split's queries."""
    qids, qrels = scifact.split(split)
    ndcg, recall = [], []
    for qid in qids:
        ranked = rank(scifact.queries[qid])
        ndcg.append(ndcg_at_10(ranked, qrels[qid]))
        recall.append(recall_at_100(ranked, qrels[qid]))
    return float(np.mean(ndcg)), float(np.mean(recall))


def paperboy_ranker(scifact: SciFact, options: IndexOptions | None = None) -> Ranker:
    index = SearchIndex.build(scifact.corpus, options=options)
    return lambda query: [hit.paper_id for hit in index.search(query, limit=100)]


def plain_tokens(text: str, stemmer: Stemmer.Stemmer) -> list[str]:
    return [str(t) for t in stemmer.stemWords(_PLAIN_WORD.findall(text.lower()))]


def reference_rankers(scifact: SciFact) -> dict[str, Ranker]:
    import bm25s
    from rank_bm25 import BM25Okapi

    stemmer = Stemmer.Stemmer("english")
    ids = [doc["id"] for doc in scifact.corpus]
    corpus = [plain_tokens(d["title"] + " " + d["abstract"], stemmer) for d in scifact.corpus]
    okapi = BM25Okapi(corpus)
    lucene = bm25s.BM25()
    lucene.index(corpus, show_progress=False)

    def rank_okapi(query: str) -> list[str]:
        scores = okapi.get_scores(plain_tokens(query, stemmer))
        return [ids[i] for i in np.argsort(-scores, kind="stable")[:100]]

    def rank_bm25s(query: str) -> list[str]:
        tokens = [t for t in plain_tokens(query, stemmer) if t in lucene.vocab_dict]
        if not tokens:
            return []
        docs, _ = lucene.retrieve([tokens], k=100, show_progress=False)
        return [ids[i] for i in docs[0]]

    return {
        "rank_bm25 BM25Okapi defaults": rank_okapi,
        "bm25s defaults (Lucene)": rank_bm25s,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["test", "train"])
    add_data_argument(parser)
    args = parser.parse_args(argv)
    scifact = load_scifact(args.data)
    n_queries = len(scifact.split(args.split)[0])
    print(f"SciFact {args.split}: {len(scifact.corpus)} abstracts, {n_queries} queries")
    print(f"paperboy defaults: {IndexOptions()}")
    rankers = {"paperboy defaults": paperboy_ranker(scifact), **reference_rankers(scifact)}
    print(f"{'':<32}{'nDCG@10':>9}{'R@100':>9}{'s':>7}")
    for name, rank in rankers.items():
        start = time.perf_counter()
        ndcg, recall = evaluate(rank, scifact, args.split)
        print(f"{name:<32}{ndcg:>9.4f}{recall:>9.4f}{time.perf_counter() - start:>7.1f}")


if __name__ == "__main__":
    main()
