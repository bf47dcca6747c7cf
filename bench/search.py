"""Search speed: paperboy beside rank_bm25, bm25s, rank-bm25-rs and tantivy.

    python -m bench.search [--sizes 10000,100000,1000000] [--data DIR]

For each corpus size, a seeded synthetic corpus (bench/synthetic.py) is
indexed by every engine and queried with the 300 SciFact test claims, one
query per call, top 10. Each engine lives in a process of its own that
makes its own input, so build time and peak memory are its own; all get the
same token lists (bench/engines.py). The engines are built one after the
other and then queried in turns (queries 1-10 on each engine, then 11-20,
...), so that whatever else the machine is doing weighs on all of them alike.
Also printed: paperboy's time to save and load its index, and to add 500
new papers to it; the memory of 1 and of 3 processes that load the same
saved index (it is memory-mapped, so they share its pages: summed
proportional set sizes say what the host spends); and, as "peak MB", what
a build (a rebuild from the store) needs above the records themselves.
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

from bench.engines import BM25S, OPTIONS, Paperboy, RankBM25, RankBM25Rs, Tantivy
from bench.scifact import add_data_argument, load_scifact
from bench.synthetic import SyntheticCorpus
from paperboy.search.memory import return_freed_memory

if TYPE_CHECKING:
    from bench.engines import Engine

WARMUP = 5
BURST = 10
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
    return_freed_memory()


def serve(conn: Any, name: str, args: tuple[Any, ...]) -> None:
    """An engine's process: build it, then answer ("query", i), ("extras",), ("stop",)."""
    engine = make_engine(name, *args)
    settle()
    memory = PeakMemory()
    start = time.perf_counter()
    engine.build()
    build = time.perf_counter() - start
    peak = memory.stop()
    settle()
    ready: dict[str, Any] = {"build": build, "peak_mb": peak}
    if isinstance(engine, Paperboy):
        ready["tokens"] = [engine.index.analyse_query(c) for c in args[3]]
        ready["n_terms"] = engine.index.n_terms
        engine.records = []
        settle()
        ready["rss_mb"] = psutil.Process().memory_info().rss / 2**20
    for i in range(WARMUP):
        engine.query(i)
    conn.send(ready)
    while True:
        message = conn.recv()
        if message[0] == "query":
            start = time.perf_counter()
            hits = engine.query(message[1])
            conn.send((time.perf_counter() - start, hits))
        elif message[0] == "extras":
            conn.send(paperboy_extras(engine, *args[:3], message[1]))
        else:
            return


def make_engine(name: str, *args: Any) -> Engine:
    if name == "paperboy":
        data, size, seed, claims = args
        syn = SyntheticCorpus.like(load_scifact(data), size, seed=seed)
        return Paperboy(list(syn.records()), claims)
    corpus_file, queries = args
    return ENGINES[name](read_token_lists(corpus_file), queries)


def paperboy_extras(engine: Engine, data: Path, size: int, seed: int, path: Path) -> dict[str, Any]:
    """Save to `path`, load, and add 500 new papers to the index built."""
    assert isinstance(engine, Paperboy)
    index = engine.index
    out: dict[str, Any] = {}
    start = time.perf_counter()
    index.save(path, sequence=1)
    out["save"] = time.perf_counter() - start
    out["file_mb"] = path.stat().st_size / 2**20
    start = time.perf_counter()
    saved = type(index).load(path)
    out["load"] = time.perf_counter() - start
    if saved is None or len(saved.index) != len(index):
        raise RuntimeError("the saved index did not load back")
    del saved
    syn = SyntheticCorpus.like(load_scifact(data), size, seed=seed)
    new = list(syn.records(size, 500))
    start = time.perf_counter()
    index.add(new)
    out["add500"] = time.perf_counter() - start
    return out


def replica(conn: Any, path: Path, claims: list[str]) -> None:
    """A process that loads the saved index as a bot starting beside others would, runs
    a few searches, reports, and waits to be measured and stopped."""
    from paperboy.search import SearchIndex, warm_up

    warm_up()
    before = psutil.Process().memory_full_info()
    start = time.perf_counter()
    saved = SearchIndex.load(path, options=OPTIONS)
    load = time.perf_counter() - start
    assert saved is not None
    for claim in claims[:20]:
        saved.index.search(claim, limit=10)
    conn.send({"load": load, "before_pss_mb": before.pss / 2**20})
    conn.recv()


def replicas_memory(path: Path, claims: list[str], count: int) -> dict[str, float]:
    """Memory of `count` processes that have loaded the same saved index, all measured
    while all are up: the sum of their proportional set sizes (a page shared by n
    processes counts 1/n in each: the sum is what the host spends), and the sum of
    their resident sizes (each counting every shared page in full)."""
    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    for _ in range(count):
        conn, child = ctx.Pipe()
        proc = ctx.Process(target=replica, args=(child, path, claims), daemon=True)
        proc.start()
        pipes.append(conn)
        procs.append(proc)
    reports = [conn.recv() for conn in pipes]
    infos = [psutil.Process(proc.pid).memory_full_info() for proc in procs]
    for conn in pipes:
        conn.send("stop")
    for proc in procs:
        proc.join()
    return {
        "pss_mb": sum(info.pss for info in infos) / 2**20,
        "rss_mb": sum(info.rss for info in infos) / 2**20,
        "before_mb": sum(r["before_pss_mb"] for r in reports),
        "load": max(r["load"] for r in reports),
    }


class Worker:
    """A started engine process."""

    def __init__(self, name: str, args: tuple[Any, ...]) -> None:
        ctx = mp.get_context("spawn")
        self.name = name
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(child, name, args), daemon=True)
        self.proc.start()
        child.close()  # ours closed, the pipe ends with the process: a crash is an EOF, not a hang
        self.ready: dict[str, Any] = self._receive()

    def _receive(self) -> Any:
        try:
            return self.conn.recv()
        except EOFError:
            self.proc.join()
            raise SystemExit(
                f"the {self.name} engine's process ended (exit code {self.proc.exitcode}); its "
                "error is above (the peer engines need `.venv/bin/pip install -e '.[bench]'`)"
            ) from None

    def query(self, i: int) -> tuple[float, list[int]]:
        self.conn.send(("query", i))
        answer: tuple[float, list[int]] = self._receive()
        return answer

    def extras(self, path: Path) -> dict[str, Any]:
        self.conn.send(("extras", path))
        out: dict[str, Any] = self._receive()
        return out

    def stop(self) -> None:
        self.conn.send(("stop",))
        self.proc.join()


def write_token_lists(data: Path, size: int, seed: int, path: Path) -> None:
    """Each paper's token list as paperboy analyses it, stored compactly."""
    from paperboy.search import Tokenizer
    from paperboy.search.records import read_records
    from paperboy.search.vocabulary import Vocabulary

    syn = SyntheticCorpus.like(load_scifact(data), size, seed=seed)
    vocab = Vocabulary(Tokenizer(OPTIONS.tokenizer))
    blocks = vocab.encode_docs(read_records(syn.records()), OPTIONS.title_weight).blocks
    rows = [b.tocsr() for b in blocks]
    lengths = np.concatenate([np.diff(r.indptr) for r in rows])
    np.savez(
        path,
        lengths=lengths,
        terms=np.concatenate([r.indices for r in rows]),
        counts=np.concatenate([r.data for r in rows]),
        vocab=np.frombuffer("\n".join(map(vocab.term, range(len(vocab)))).encode(), dtype=np.uint8),
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


def run_size(size: int, claims: list[str], args: argparse.Namespace) -> None:
    print(f"\n== {size:,} synthetic abstracts; {len(claims)} SciFact test claims ==", flush=True)
    names = [e for e in args.engines.split(",") if e != "paperboy"]
    with tempfile.TemporaryDirectory(prefix="bench-tokens-") as tmp:
        paperboy = Worker("paperboy", (args.data, size, args.seed, claims))
        workers = [paperboy]
        if names:
            corpus_file = Path(tmp) / "tokens.npz"
            with mp.get_context("spawn").Pool(1) as pool:
                pool.apply(write_token_lists, (args.data, size, args.seed, corpus_file))
            tokens = paperboy.ready["tokens"]
            workers += [Worker(name, (corpus_file, tokens)) for name in names]
        n_queries = {w.name: len(claims) for w in workers}
        if "rank_bm25" in n_queries:
            n_queries["rank_bm25"] = min(len(claims), args.rank_bm25_queries.get(size, len(claims)))
        times: dict[str, list[float]] = {w.name: [] for w in workers}
        results: dict[str, list[list[int]]] = {w.name: [] for w in workers}
        # Engines take turns, a burst of queries each: caches stay warm within
        # a burst, and the machine's other load weighs on every engine alike.
        rng = np.random.default_rng(size)
        for first in range(0, len(claims), BURST):
            for w in rng.permutation(np.array(workers, dtype=object)):
                for i in range(first, min(first + BURST, n_queries[w.name])):
                    elapsed, hits = w.query(i)
                    times[w.name].append(elapsed)
                    results[w.name].append(hits)
        saved = Path(tmp) / "papers.idx"
        extras = paperboy.extras(saved)
        for w in workers:
            w.stop()
        extras["one"] = replicas_memory(saved, claims, 1)
        extras["three"] = replicas_memory(saved, claims, 3)
    rows = {
        w.name: {
            **w.ready,
            "p50": float(np.percentile(times[w.name], 50)) * 1000,
            "p99": float(np.percentile(times[w.name], 99)) * 1000,
            "queries": n_queries[w.name],
        }
        for w in workers
    }
    if "rank_bm25" in results:
        ref = results["rank_bm25"]
        agree = sum(a == b for a, b in zip(results["paperboy"], ref, strict=False))
        print(f"(top 10 identical to rank_bm25's for {agree} of {len(ref)} queries)")
    print_table(rows)
    pb = {**rows["paperboy"], **extras}
    print(
        f"paperboy: {pb['n_terms']:,} terms; process RSS with the index {pb['rss_mb']:.0f} MB; "
        f"saved index {pb['file_mb']:.0f} MB, saved in {pb['save']:.2f} s, "
        f"loaded in {pb['load']:.2f} s; add 500 papers {pb['add500']:.2f} s",
        flush=True,
    )
    one, three = pb["one"], pb["three"]
    print(
        f"processes that load the saved index (mapped) and run 20 searches: "
        f"1 uses {one['pss_mb']:.0f} MB ({one['pss_mb'] - one['before_mb']:.0f} MB above the "
        f"interpreter), loaded in {one['load']:.2f} s; 3 use {three['pss_mb']:.0f} MB together "
        f"({three['pss_mb'] - three['before_mb']:.0f} MB above theirs), "
        f"{three['pss_mb'] / one['pss_mb']:.2f}x one (summed proportional set sizes; "
        f"resident sizes, shared pages counted in each: {one['rss_mb']:.0f} and "
        f"{three['rss_mb']:.0f} MB), slowest load {three['load']:.2f} s",
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
    add_data_argument(parser)
    parser.add_argument("--engines", default="paperboy,rank_bm25,bm25s,rank-bm25-rs,tantivy")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    # rank_bm25 scores every document in Python: a subset of queries at scale.
    args.rank_bm25_queries = {1_000_000: 20, 100_000: 100}
    scifact = load_scifact(args.data)
    qids, _ = scifact.split("test")
    claims = [scifact.queries[q] for q in qids]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; paperboy {OPTIONS}")
    print(f"rank_bm25 runs only the first {args.rank_bm25_queries} queries at those sizes")
    for size in (int(s) for s in args.sizes.split(",")):
        run_size(size, claims, args)


if __name__ == "__main__":
    main()
