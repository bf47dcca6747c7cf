"""Choosing paperboy's default IndexOptions on the SciFact *train* split.

    python -m bench.tune [--data DIR] [--split train]

A coordinate search: starting from a base, each option in turn is set to the
value that maximises train nDCG@10 (Recall@100 breaks ties), until a full
pass changes nothing. Test is only looked at by bench/quality.py, for the
chosen options.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from typing import Any

from bench.quality import evaluate, paperboy_ranker
from bench.scifact import SciFact, add_data_argument, load_scifact
from paperboy.search import IndexOptions, TokenizerOptions

GRID: dict[str, list[Any]] = {
    "k1": [0.6, 0.8, 0.9, 1.0, 1.2, 1.5, 1.8, 2.2],
    "b": [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0],
    "epsilon": [0.0, 0.1, 0.25, 0.5],
    "title_weight": [1, 2, 3, 4, 5],
    "hyphens": ["parts_and_joined", "parts", "joined"],
    "query_joins": [True, False],
    "stopwords": [True, False],
    "alnum_parts": [True, False],
}
_TOKENIZER_FIELDS = {f.name for f in dataclasses.fields(TokenizerOptions)}


def with_value(options: IndexOptions, name: str, value: Any) -> IndexOptions:
    if name in _TOKENIZER_FIELDS:
        return dataclasses.replace(
            options, tokenizer=dataclasses.replace(options.tokenizer, **{name: value})
        )
    return dataclasses.replace(options, **{name: value})


def score(scifact: SciFact, options: IndexOptions, split: str) -> tuple[float, float]:
    return evaluate(paperboy_ranker(scifact, options), scifact, split)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--split", default="train", choices=["train"])
    args = parser.parse_args(argv)
    scifact = load_scifact(args.data)
    known: dict[IndexOptions, tuple[float, float]] = {}  # a pass re-tries the values it chose

    def score_of(options: IndexOptions) -> tuple[float, float]:
        if options not in known:
            known[options] = score(scifact, options, args.split)
        return known[options]

    best = IndexOptions()
    best_score = score_of(best)
    print(f"start {best} -> nDCG@10 {best_score[0]:.4f} R@100 {best_score[1]:.4f}", flush=True)
    changed = True
    while changed:
        changed = False
        for name, values in GRID.items():
            start = time.perf_counter()
            results = {v: score_of(with_value(best, name, v)) for v in values}
            value = max(results, key=lambda v: results[v])
            line = "  ".join(f"{v}: {s[0]:.4f}/{s[1]:.4f}" for v, s in results.items())
            print(f"{name:<13} {line}  ({time.perf_counter() - start:.0f} s)", flush=True)
            if results[value] > best_score:
                best, best_score, changed = with_value(best, name, value), results[value], True
        print(
            f"pass done: {best} -> nDCG@10 {best_score[0]:.4f} R@100 {best_score[1]:.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
