"""Reading BEIR SciFact in place (never copied into the repository or the package).

SciFact is licensed CC BY-NC 2.0: evaluation only, never shipped. Every benchmark
that needs it takes `--data DIR`, the folder BEIR's `scifact.zip` unpacks to:

    curl -LO https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/scifact.zip
    unzip scifact.zip            # scifact/corpus.jsonl, queries.jsonl, qrels/{train,test}.tsv
    python -m bench.quality --data scifact

The corpus may be `corpus.jsonl` or `corpus.jsonl.gz`. Without `--data`, the
copy in `shared/eval/scifact` beside the repository is used where it exists.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]
FILES = ("queries.jsonl", "qrels/train.tsv", "qrels/test.tsv")


def default_data() -> Path | None:
    """`shared/eval/scifact` beside the repository, if it is there."""
    for shared in (REPO.parent / "shared", REPO.parents[1] / "shared"):
        if (shared / "eval" / "scifact").is_dir():
            return shared / "eval" / "scifact"
    return None


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    default = default_data()
    parser.add_argument(
        "--data",
        type=Path,
        default=default,
        help="BEIR SciFact folder (corpus.jsonl[.gz], queries.jsonl, qrels/); "
        f"default: {default or 'none found; see bench/scifact.py for how to get it'}",
    )


@dataclass(frozen=True)
class SciFact:
    corpus: list[dict[str, str]]  # {"id", "title", "abstract"}
    queries: dict[str, str]  # query id -> claim
    qrels: dict[str, dict[str, dict[str, int]]]  # split -> query id -> doc id -> relevance

    def split(self, name: str) -> tuple[list[str], dict[str, dict[str, int]]]:
        """(query ids, judgments) of a split, queries in file order."""
        judged = self.qrels[name]
        return [q for q in self.queries if q in judged], judged


def _open_corpus(root: Path) -> IO[str]:
    if (root / "corpus.jsonl.gz").is_file():
        return gzip.open(root / "corpus.jsonl.gz", "rt", encoding="utf-8")
    return (root / "corpus.jsonl").open(encoding="utf-8")


def load_scifact(root: Path | None) -> SciFact:
    """SciFact from `root`; exits with one line saying what is missing."""
    corpora = ("corpus.jsonl", "corpus.jsonl.gz")
    if (
        root is None
        or not all((root / name).is_file() for name in FILES)
        or not any((root / name).is_file() for name in corpora)
    ):
        where = root or "no --data given and no shared/eval/scifact beside the repository"
        raise SystemExit(f"SciFact not found at {where}: see bench/scifact.py for how to get it")
    with _open_corpus(root) as f:
        corpus = [
            {"id": d["_id"], "title": d["title"], "abstract": d["text"]} for d in map(json.loads, f)
        ]
    with (root / "queries.jsonl").open(encoding="utf-8") as f:
        queries = {q["_id"]: q["text"] for q in map(json.loads, f)}
    qrels: dict[str, dict[str, dict[str, int]]] = {}
    for split in ("train", "test"):
        judged: dict[str, dict[str, int]] = defaultdict(dict)
        with (root / "qrels" / f"{split}.tsv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                judged[row["query-id"]][row["corpus-id"]] = int(row["score"])
        qrels[split] = dict(judged)
    return SciFact(corpus, queries, qrels)
