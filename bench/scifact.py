"""Reading BEIR SciFact in place from ../shared/eval/scifact (never copied)."""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def default_shared() -> Path:
    """`shared/` beside the repository (the repo is /work/main, shared /work/shared)."""
    for candidate in (REPO.parent / "shared", REPO.parents[1] / "shared"):
        if (candidate / "eval" / "scifact").is_dir():
            return candidate
    return REPO.parent / "shared"


@dataclass(frozen=True)
class SciFact:
    corpus: list[dict[str, str]]  # {"id", "title", "abstract"}
    queries: dict[str, str]  # query id -> claim
    qrels: dict[str, dict[str, dict[str, int]]]  # split -> query id -> doc id -> relevance

    def split(self, name: str) -> tuple[list[str], dict[str, dict[str, int]]]:
        """(query ids, judgments) of a split, queries in file order."""
        judged = self.qrels[name]
        return [q for q in self.queries if q in judged], judged


def load_scifact(shared: Path) -> SciFact:
    root = shared / "eval" / "scifact"
    with gzip.open(root / "corpus.jsonl.gz", "rt", encoding="utf-8") as f:
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
