"""Trend benchmark: `trend` for three topics over a large store, end to end.

    python -m bench.trend                      # 100k papers, 26 and 156 weeks
    python -m bench.trend --papers 10000

Times `Bot.handle("trend a, b, c N")` from the command line to the PNG bytes: the
store read, the index matching, the weekly counts and the drawing, on the synthetic
store of bench/load_corpus.py (built once and cached in --workdir). Prints the first
call (matplotlib's import and font cache included) and the median of the next ones,
in wall-clock seconds and in CPU seconds of this process (every thread; on a shared
machine the wall clock also counts the time other processes held the cores).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

from bench.load_corpus import prepare_store
from paperboy.app import index_path
from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Context, UserRef
from paperboy.core.replies import ImageReply
from paperboy.store import Store

TOPICS = "diffusion, agents, reasoning"
HERE = Context(UserRef("console", "local", "bench"), ChannelRef("console", "local", "bench"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000, help="papers in the store")
    parser.add_argument("--runs", type=int, default=7, help="timed calls per span")
    parser.add_argument("--topics", default=TOPICS, help="comma-separated, up to 3")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "paperboy-load",
        help="where the prepared store is cached",
    )
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> None:
    today = datetime.now(UTC).date()
    path = await prepare_store(args.workdir, papers=args.papers, today=today)
    now = datetime.combine(today, clock_time(12, 0), UTC)
    async with await Store.open(path) as store:
        library = Library(store.papers, changes=store.changes, index_path=index_path(path))
        await library.open()
        bot = Bot(
            library=library,
            reading_lists=store.reading_lists,
            marks=store.marks,
            posts=store.posts,
            clock=lambda: now,
        )
        print(f"trend {args.topics} over {await store.papers.count():,} stored papers")
        for weeks in (26, 156):
            await run(bot, f"trend {args.topics} {weeks}", runs=args.runs, today=today)


async def run(bot: Bot, command: str, *, runs: int, today: date) -> None:
    times, cpu = [], []
    reply = None
    for _ in range(runs + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        reply = await bot.handle(command, HERE)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    if not isinstance(reply, ImageReply):
        print(f"  {command}: no chart ({reply})")
        return
    print(
        f"  {command}: first {times[0]:.2f} s, then median {statistics.median(times[1:]):.2f} s"
        f" (max {max(times[1:]):.2f} s; CPU {statistics.median(cpu[1:]):.2f} s);"
        f" {len(reply.png) / 1024:.0f} KB PNG"
    )
    print(f"    {reply.summary}")


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
