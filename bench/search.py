"""Search speed: paperboy beside rank_bm25, bm25s, rank-bm25-rs and tantivy.

    python -m bench.search [--sizes 10000,100000,1000000] [--shared ../shared]

For each corpus size, a seeded synthetic corpus (bench/synthetic.py) is
indexed by every engine and queried with the 300 SciFact test claims, one
query per call, top 10. Each engine runs in a freshly started process that
makes its own input, so build time and peak memory are its own; all get the
same token lists (bench/engines.py). Also printed: paperboy's time to save
and load its index, and to add 500 new papers to it.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import multiprocessing as mp
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import psutil

from bench.engines import BM25S, OPTIONS, Paperboy, RankBM25, RankBM25Rs, Tantivy
from bench.scifact import default_shared, load_scifact
from bench.synthetic import SyntheticCorpus

if TYPE_CHECKING:
    from bench.engines import Engine

WARMUP = 5
ENGINES = {"rank_bm25": RankBM25, "bm25s": BM25S, "rank-bm25-rs": RankBM25Rs, "tantivy": Tantivy}


class PeakMemory:
    """Peak resident memory of this process above where it started, sampled."""

    def __init__(self) -> None:
        self._proc = psutil.Process()
        self._start = self._proc.memory_info().rss
        self._peak = self._start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self._peak = max(self._peak, self._proc.memory_info().rss)

    def stop(self) -> float:
        """Peak extra MB."""
        self._stop.set()
        self._thread.join()
        self._peak = max(self._peak, self._proc.memory_info().rss)
        return (self._peak - self._start) / 2**20


def settle() -> None:
    """Free what can be freed, so that memory growth from here is the engine's."""
    gc.collect()
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def measure(engine: Engine, n_queries: int) -> dict[str, Any]:
    settle()
    memory = PeakMemory()
    start = time.perf_counter()
    engine.build()
    build = time.perf_counter() - start
    peak = memory.stop()
    for i in range(min(WARMUP, n_queries)):
        engine.query(i)
    times, results = [], []
    for i in range(n_queries):
        start = time.perf_counter()
        hits = engine.query(i)
        times.append(time.perf_counter() - start)
        results.append(hits)
    return {
        "build": build,
        "peak_mb": peak,
        "p50": float(np.percentile(times, 50)) * 1000,
        "p99": float(np.percentile(times, 99)) * 1000,
        "queries": n_queries,
        "results": results,
    }


def run_paperboy(shared: Path, size: int, seed: int, claims: list[str]) -> dict[str, Any]:
    """In a fresh process: build, query, then save, load and add 500 papers."""
    syn = SyntheticCorpus.like(load_scifact(shared), size, seed=seed)
    engine = Paperboy(list(syn.records()), claims)
    out = measure(engine, len(claims))
    index = engine.index
    out["n_terms"] = index.n_terms
    out["tokens"] = [index.analyse_query(c) for c in claims]
    engine.records = []
    settle()
    out["rss_mb"] = psutil.Process().memory_info().rss / 2**20
    with tempfile.TemporaryDirectory(prefix="bench-paperboy-") as tmp:
        path = Path(tmp) / "papers.idx"
        start = time.perf_counter()
        index.save(path, fingerprint="bench")
        out["save"] = time.perf_counter() - start
        out["file_mb"] = path.stat().st_size / 2**20
        start = time.perf_counter()
        loaded = type(index).load(path, fingerprint="bench")
        out["load"] = time.perf_counter() - start
        if loaded is None or len(loaded) != len(index):
            raise RuntimeError("the saved index did not load back")
    del loaded
    new = list(syn.records(size, 500))
    start = time.perf_counter()
    index.add(new)
    out["add500"] = time.perf_counter() - start
    return out


def run_other(name: str, corpus_file: Path, queries: list[list[str]], n: int) -> dict[str, Any]:
    """In a fresh process: one of the other engines on the shared token lists."""
    corpus = read_token_lists(corpus_file)
    return measure(ENGINES[name](corpus, queries), n)


def write_token_lists(shared: Path, size: int, seed: int, path: Path) -> None:
    """Each paper's token list as paperboy analyses it, stored compactly."""
    from paperboy.search import Tokenizer
    from paperboy.search.records import read_records
    from paperboy.search.vocabulary import Vocabulary

    syn = SyntheticCorpus.like(load_scifact(shared), size, seed=seed)
    vocab = Vocabulary(Tokenizer(OPTIONS.tokenizer))
    blocks = vocab.encode_docs(read_records(syn.records()), OPTIONS.title_weight).blocks
    rows = [b.tocsr() for b in blocks]
    lengths = np.concatenate([np.diff(r.indptr) for r in rows])
    np.savez(
        path,
        lengths=lengths,
        terms=np.concatenate([r.indices for r in rows]),
        counts=np.concatenate([r.data for r in rows]),
        vocab=np.frombuffer("\n".join(vocab.terms).encode(), dtype=np.uint8),
    )


def read_token_lists(path: Path) -> list[list[str]]:
    data = np.load(path)
    vocab = np.array(data["vocab"].tobytes().decode().split("\n"), dtype=object)
    counts = data["counts"]
    tokens = vocab[np.repeat(data["terms"], counts)]
    # Where each paper's tokens end: the running total of counts at its last entry.
    total = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
    ends = total[np.cumsum(data["lengths"])]
    return [chunk.tolist() for chunk in np.split(tokens, ends[:-1])]


def run_size(size: int, claims: list[str], args: argparse.Namespace, pool: Any) -> None:
    print(f"\n== {size:,} synthetic abstracts; {len(claims)} SciFact test claims ==", flush=True)
    rows: dict[str, dict[str, Any]] = {}
    pb = rows["paperboy"] = pool.apply(run_paperboy, (args.shared, size, args.seed, claims))
    engines = [e for e in args.engines.split(",") if e != "paperboy"]
    if engines:
        with tempfile.TemporaryDirectory(prefix="bench-tokens-") as tmp:
            corpus_file = Path(tmp) / "tokens.npz"
            pool.apply(write_token_lists, (args.shared, size, args.seed, corpus_file))
            for name in engines:
                n = len(claims)
                if name == "rank_bm25":
                    n = min(n, args.rank_bm25_queries.get(size, n))
                rows[name] = pool.apply(run_other, (name, corpus_file, pb["tokens"], n))
    if "rank_bm25" in rows:
        ref = rows["rank_bm25"]["results"]
        agree = sum(a == b for a, b in zip(pb["results"], ref, strict=False))
        print(f"(top 10 identical to rank_bm25's for {agree} of {len(ref)} queries)")
    print_table(rows)
    print(
        f"paperboy: {pb['n_terms']:,} terms; process RSS with the index {pb['rss_mb']:.0f} MB; "
        f"saved index {pb['file_mb']:.0f} MB, saved in {pb['save']:.2f} s, "
        f"loaded in {pb['load']:.2f} s; add 500 papers {pb['add500']:.2f} s",
        flush=True,
    )


def print_table(rows: dict[str, dict[str, Any]]) -> None:
    pb = rows["paperboy"]
    print(
        f"{'engine':<22}{'build s':>9}{'peak MB':>9}{'p50 ms':>10}{'p99 ms':>10}"
        f"{'p50 x':>9}{'p99 x':>9}"
    )
    for name, row in rows.items():
        label = name if row["queries"] == pb["queries"] else f"{name} ({row['queries']} q)"
        print(
            f"{label:<22}{row['build']:>9.1f}{row['peak_mb']:>9.0f}{row['p50']:>10.2f}"
            f"{row['p99']:>10.2f}{row['p50'] / pb['p50']:>9.1f}{row['p99'] / pb['p99']:>9.1f}"
        )
    print("(x = that engine's time / paperboy's: above 1 means paperboy is faster)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--engines", default="paperboy,rank_bm25,bm25s,rank-bm25-rs,tantivy")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    # rank_bm25 scores every document in Python: a subset of queries at scale.
    args.rank_bm25_queries = {1_000_000: 20, 100_000: 100}
    scifact = load_scifact(args.shared)
    qids, _ = scifact.split("test")
    claims = [scifact.queries[q] for q in qids]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; paperboy {OPTIONS}")
    print(f"rank_bm25 runs only the first {args.rank_bm25_queries} queries at those sizes")
    # A fresh process per task: each engine's memory and time are its own.
    with mp.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        for size in (int(s) for s in args.sizes.split(",")):
            run_size(size, claims, args, pool)


if __name__ == "__main__":
    main()
