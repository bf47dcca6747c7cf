"""Load benchmark: paperboy under many people at once, against the loopback simulators.

    python -m bench.load                                   # the full run (100k papers)
    python -m bench.load --papers 10000 --searches 200     # a quick one

The bot runs as `paperboy run` does (the App, built by app.py) in a process of its
own, so the event-loop lag it reports is the bot's alone; the simulators and the
simulated people run in this process. Everything listens on 127.0.0.1 only. Prints:
per platform, acks within 3 s, answer latency, answers lost and the bot's largest
loop stall, run after run, with the bot's memory after each; then a digest to many
channels at the same minute while searches continue.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.load_corpus import copy_store, prepare_store, query_words
from bench.load_digest import OPENING, DigestResults, run_digest
from bench.load_process import BotProcess
from bench.load_stats import LagMonitor, table
from bench.load_workload import ACK_LIMIT, WorkloadResults, run_workload

SCRUBBED = ("PAPERBOY_", "SLACK_", "DISCORD_")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000, help="papers in the store")
    parser.add_argument("--searches", type=int, default=1000, help="searches per run")
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated people")
    parser.add_argument("--runs", type=int, default=3, help="runs per platform (for memory)")
    parser.add_argument("--channels", type=int, default=200, help="channels for the digest")
    parser.add_argument("--platforms", default="slack,discord", help="slack, discord or both")
    parser.add_argument("--digest-on", default="slack", help="platform for the digest phase")
    parser.add_argument("--no-digest", action="store_true", help="skip the digest phase")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a person pauses after an answer (0: none)",
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "paperboy-load",
        help="where the prepared store is cached and runs keep their logs",
    )
    return parser.parse_args(argv)


def bot_env(store: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED)}
    env.update(
        PAPERBOY_STORE_PATH=str(store),
        PAPERBOY_SOURCES_HUGGINGFACE_URL="http://127.0.0.1:9",  # closed: the source is down
        PAPERBOY_SOURCES_ARXIV_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_RETRIES="0",
        PAPERBOY_SOURCES_CATCH_UP_DAYS="0",
    )
    return env


@asynccontextmanager
async def running_bot(
    store: Path, run_dir: Path, platform_env: dict[str, str]
) -> AsyncIterator[BotProcess]:
    bot = BotProcess(
        {**bot_env(copy_store(store, run_dir)), **platform_env}, log_path=run_dir / "bot.log"
    )
    await bot.start()
    try:
        yield bot
    finally:
        code, seconds = await bot.stop()
        print(f"  bot process stopped by SIGTERM: exit code {code} after {seconds:.1f} s")


def run_row(label: str, results: WorkloadResults, stats: dict[str, Any]) -> list[object]:
    searches = results.kinds["search"]
    acks = results.all_acks()
    answers = sum((k.answers.count for k in results.kinds.values()), 0)
    lost = sum(k.answers.lost for k in results.kinds.values())
    failed = sum(k.failed for k in results.kinds.values())
    return [
        label,
        f"{searches.answers.count}/{results.kinds['button'].answers.count}/"
        f"{results.kinds['reaction'].answers.count}",
        f"{100 * acks.within(ACK_LIMIT) / max(1, acks.count):.1f}%",
        searches.answers.ms(50),
        searches.answers.ms(99),
        results.kinds["button"].answers.ms(99),
        results.kinds["reaction"].answers.ms(99),
        f"{lost}/{answers}",
        failed,
        answers / results.seconds if results.seconds else 0.0,
        stats["lag_p99_ms"],
        stats["lag_max_ms"],
        stats["lag_over_100ms"],
        stats["rss_mb"],
        stats["gc_objects"],
    ]


RUN_HEADER = [
    "run",
    "search/btn/react",
    "acked<=3s",
    "search p50",
    "search p99",
    "button p99",
    "react p99",
    "lost",
    "failed",
    "acts/s",
    "lag p99",
    "stall max",
    "stalls>100",
    "RSS MB",
    "objects",
]


async def platform_runs(
    name: str, driver: Any, bot: BotProcess, args: argparse.Namespace, words: list[str]
) -> list[list[object]]:
    started = time.perf_counter()
    await driver.wait_ready(seconds=300)
    print(f"  {name}: bot pid {bot.pid} connected after {time.perf_counter() - started:.1f} s")
    await run_workload(
        driver,
        users=args.users,
        searches=max(50, args.searches // 10),
        words=words,
        seed=args.seed + 99,
    )
    rows = [["warm-up", *[""] * (len(RUN_HEADER) - 3), *_memory(await bot.stats())]]
    types = await bot.ask("types")
    for run in range(1, args.runs + 1):
        quiet_collector()
        await bot.reset()
        results = await run_workload(
            driver,
            users=args.users,
            searches=args.searches,
            words=words,
            seed=args.seed + run,
            think=args.think,
        )
        rows.append(run_row(f"run {run}", results, await bot.stats()))
        for note in results.lost_notes[:5]:
            print(f"  {name} run {run}: lost {note}")
        types, before = await bot.ask("types"), types
        print(f"  {name} run {run}: live objects that grew most: {growth(before, types)}")
    return rows


def quiet_collector() -> None:
    """Keep this process's garbage collector from stalling the simulators, which would
    show up as the bot's latency: the records they keep grow to hundreds of thousands of
    objects, and a full collection over them took up to a second. Between phases, collect
    and move what is alive out of the collector's sight; during a phase it stays off
    (`main` disables it), so the simulators never pause."""
    gc.collect()
    gc.freeze()


def growth(before: dict[str, int], after: dict[str, int], *, top: int = 6) -> str:
    grown = {name: count - before.get(name, 0) for name, count in after.items()}
    biggest = sorted(grown.items(), key=lambda item: -item[1])[:top]
    return ", ".join(f"{name} {delta:+d}" for name, delta in biggest if delta > 0) or "none"


def _memory(stats: dict[str, Any]) -> list[object]:
    return [stats["rss_mb"], stats["gc_objects"]]


def digest_table(result: DigestResults, stats: dict[str, Any]) -> str:
    check = result.check
    rows = [
        ["channels subscribed", f"{result.subscribed}/{result.channels}"],
        ["digest minute (UTC)", f"{result.fire_at:%H:%M}"],
        [
            "all digests complete after",
            "never"
            if result.finished_after is None
            else f"{result.finished_after:.0f} s (checked every 1 s)",
        ],
        ["channels with exactly one full digest", f"{check.complete}/{result.channels}"],
        ["channels missing messages", len(check.missing)],
        ["channels with a duplicate", len(check.duplicated)],
        ["paper messages posted", check.papers],
        ["searches before: n / p50 / p99 ms", _lat(result.before)],
        ["searches during: n / p50 / p99 ms", _lat(result.during)],
        [f"  of which in its first {OPENING:g} s", _lat(result.opening)],
        ["answers lost before / during", f"{result.before.lost} / {result.during.lost}"],
        ["bot loop lag p50 / p99 / max (ms)", _lag(stats)],
        ["bot RSS after (MB)", f"{stats['rss_mb']:.1f}"],
    ]
    return table("digest while searching", ["", "value"], rows)


def _lag(stats: dict[str, Any]) -> str:
    return f"{stats['lag_p50_ms']:.1f} / {stats['lag_p99_ms']:.1f} / {stats['lag_max_ms']:.1f}"


def _lat(latencies: Any) -> str:
    return f"{latencies.count} / {latencies.ms(50):.0f} / {latencies.ms(99):.0f}"


async def run_platform(
    name: str,
    make_driver: Callable[[AsyncExitStack], Any],
    store: Path,
    args: argparse.Namespace,
    words: list[str],
) -> None:
    run_dir = args.workdir / "runs" / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{name}"
    async with AsyncExitStack() as stack:
        driver = await make_driver(stack)
        monitor = LagMonitor()
        monitor.start()
        stack.push_async_callback(monitor.aclose)
        async with running_bot(store, run_dir, driver.env()) as bot:
            rows = await platform_runs(name, driver, bot, args, words)
            print(
                table(
                    f"{name}: {args.searches} searches a run from {args.users} concurrent "
                    f"people, {args.papers:,} papers (ms; bot in its own process, "
                    "stall = its loop lag)",
                    RUN_HEADER,
                    rows,
                )
            )
            print(
                f"  (driver+simulator loop stall max {monitor.summary()['lag_max_ms']:.0f} ms;"
                f" log: {run_dir / 'bot.log'})"
            )
            if not args.no_digest and name == args.digest_on:
                quiet_collector()
                await bot.reset()
                monitor.reset()
                result = await run_digest(
                    driver, channels=args.channels, users=args.users, words=words, seed=args.seed
                )
                print(digest_table(result, await bot.stats()))
                print(
                    f"  (driver+simulator loop stall max {monitor.summary()['lag_max_ms']:.0f} ms)"
                )


async def slack_driver(stack: AsyncExitStack, args: argparse.Namespace) -> Any:
    from tests.simulators.slack import SlackSimulator

    from bench.load_slack import SlackDriver

    sim = await stack.enter_async_context(SlackSimulator())
    return SlackDriver(sim, users=args.users, digest_channels=args.channels)


async def discord_driver(stack: AsyncExitStack, args: argparse.Namespace) -> Any:
    from bench.load_discord import DiscordDriver

    sim = DiscordDriver.simulator(users=args.users, digest_channels=args.channels)
    await stack.enter_async_context(sim)
    return DiscordDriver(sim)


async def main(args: argparse.Namespace) -> int:
    today = datetime.now(UTC).date()
    started = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, load average {_load()} at the start")
    store = await prepare_store(args.workdir, papers=args.papers, today=today)
    print(
        f"store: {args.papers:,} synthetic papers at {store} "
        f"(ready after {time.perf_counter() - started:.0f} s)"
    )
    words = query_words(seed=args.seed)
    gc.disable()  # see quiet_collector
    makers = {"slack": slack_driver, "discord": discord_driver}
    for name in args.platforms.split(","):
        await run_platform(name, lambda stack, n=name: makers[n](stack, args), store, args, words)
    print(f"machine: load average {_load()} at the end (other busy processes skew the figures)")
    return 0


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
