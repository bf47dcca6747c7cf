"""Search speed: paperboy beside rank_bm25, bm25s, rank-bm25-rs and tantivy.

    python -m bench.search [--sizes 10000,100000,1000000] [--shared ../shared]

For each corpus size, a seeded synthetic corpus (bench/synthetic.py) is
indexed by every engine and queried with the 300 SciFact test claims, one
query per call, top 10. Every engine runs in its own forked process, so
build time and peak memory are its own; all get the same token lists (see
bench/engines.py). Also printed: paperboy's load time for the saved index
and the time to add 500 new papers to it.
"""

from __future__ import annotations

import argparse
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

from bench.engines import BM25S, Engine, Paperboy, RankBM25, RankBM25Rs, Tantivy
from bench.scifact import default_shared, load_scifact
from bench.synthetic import SyntheticCorpus

if TYPE_CHECKING:
    from collections.abc import Callable

WARMUP = 5


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


def measure(
    engine: Engine, n_queries: int, extra: Callable[[Engine], dict[str, Any]] | None
) -> dict[str, Any]:
    gc.collect()
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
    out = {
        "build": build,
        "peak_mb": peak,
        "p50": float(np.percentile(times, 50)) * 1000,
        "p99": float(np.percentile(times, 99)) * 1000,
        "queries": n_queries,
        "results": results,
    }
    if extra is not None:
        out.update(extra(engine))
    return out


def in_child(
    make: Callable[[], Engine],
    n_queries: int,
    extra: Callable[[Engine], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run `measure` in a forked process (its memory and time are its own)."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def run() -> None:
        try:
            child.send(measure(make(), n_queries, extra))
        except BaseException as exc:
            child.send({"error": repr(exc)})
        finally:
            child.close()

    proc = ctx.Process(target=run)
    proc.start()
    result: dict[str, Any] = parent.recv()
    proc.join()
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def paperboy_extras(
    size: int, syn: SyntheticCorpus, claims: list[str]
) -> Callable[[Engine], dict[str, Any]]:
    """Load-the-saved-index and add-500-papers timings, plus the analysed queries."""

    def extra(engine: Engine) -> dict[str, Any]:
        assert isinstance(engine, Paperboy)
        index = engine.index
        out: dict[str, Any] = {
            "n_terms": index.n_terms,
            # The other engines get exactly these query token lists.
            "tokens": [index.analyse_query(c) for c in claims],
        }
        with tempfile.TemporaryDirectory(prefix="bench-paperboy-") as tmp:
            path = Path(tmp) / "papers.idx"
            start = time.perf_counter()
            index.save(path, fingerprint="bench")
            out["save"] = time.perf_counter() - start
            out["file_mb"] = path.stat().st_size / 2**20
            start = time.perf_counter()
            loaded = type(index).load(path, fingerprint="bench")
            out["load"] = time.perf_counter() - start
            assert loaded is not None
            assert len(loaded) == len(index)
        del loaded
        new = list(syn.records(size, 500))
        start = time.perf_counter()
        index.add(new)
        out["add500"] = time.perf_counter() - start
        out["rss_mb"] = psutil.Process().memory_info().rss / 2**20
        return out

    return extra


def run_size(size: int, claims: list[str], args: argparse.Namespace, syn: SyntheticCorpus) -> None:
    print(f"\n== {size:,} synthetic abstracts; {len(claims)} SciFact test claims ==", flush=True)
    start = time.perf_counter()
    records = list(syn.records())
    print(f"(corpus generated in {time.perf_counter() - start:.0f} s)", flush=True)
    rows: dict[str, dict[str, Any]] = {}
    rows["paperboy"] = in_child(
        lambda: Paperboy(records, claims), len(claims), paperboy_extras(size, syn, claims)
    )
    pb = rows["paperboy"]
    engines = [e for e in args.engines.split(",") if e != "paperboy"]
    if engines:
        # The token lists every other engine gets: paperboy's own analysis.
        start = time.perf_counter()
        corpus = same_tokens(records)
        queries = pb["tokens"]
        print(
            f"(token lists for the other engines made in {time.perf_counter() - start:.0f} s)",
            flush=True,
        )
        del records
        gc.collect()
        makers: dict[str, Callable[[], Engine]] = {
            "rank_bm25": lambda: RankBM25(corpus, queries),
            "bm25s": lambda: BM25S(corpus, queries),
            "rank-bm25-rs": lambda: RankBM25Rs(corpus, queries),
            "tantivy": lambda: Tantivy(corpus, queries),
        }
        for name in engines:
            n = len(claims)
            if name == "rank_bm25":
                n = min(n, args.rank_bm25_queries.get(size, n))
            rows[name] = in_child(makers[name], n)
        agree = sum(
            a == [f"syn{d}" for d in b]
            for a, b in zip(
                pb["results"], rows.get("rank_bm25", {}).get("results", []), strict=False
            )
        )
        if "rank_bm25" in rows:
            print(
                f"(top-10 identical to rank_bm25 for {agree} of {rows['rank_bm25']['queries']}"
                " queries)"
            )
    print_table(rows)
    print(
        f"paperboy: vocabulary {pb['n_terms']:,} terms; saved index {pb['file_mb']:.0f} MB, "
        f"saved in {pb['save']:.2f} s, loaded in {pb['load']:.2f} s; "
        f"add 500 papers {pb['add500']:.2f} s; process RSS after all that {pb['rss_mb']:.0f} MB",
        flush=True,
    )


def same_tokens(records: list[dict[str, str]]) -> list[list[str]]:
    """Each paper's token list as paperboy analyses it (title repeated, then abstract)."""
    from paperboy.search import IndexOptions, Tokenizer
    from paperboy.search.records import read_records
    from paperboy.search.vocabulary import Vocabulary

    options = IndexOptions()
    vocab = Vocabulary(Tokenizer(options.tokenizer))
    blocks = vocab.doc_blocks(read_records(records), options.title_weight)
    terms = np.array(vocab.terms, dtype=object)
    corpus: list[list[str]] = []
    for block in blocks:
        for row in range(block.shape[0]):
            lo, hi = block.indptr[row], block.indptr[row + 1]
            corpus.append(terms[np.repeat(block.indices[lo:hi], block.data[lo:hi])].tolist())
    return corpus


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
    print("(x = that engine's time / paperboy's time: above 1 means paperboy is faster)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"rank_bm25 runs {args.rank_bm25_queries} queries at those sizes"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        run_size(size, claims, args, SyntheticCorpus.like(scifact, size, seed=args.seed))


if __name__ == "__main__":
    main()
