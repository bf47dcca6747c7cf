"""Replicas benchmark: 1, 2 and 3 `paperboy run` processes on one PostgreSQL database.

    python -m bench.replicas                              # 1, 2 and 3 replicas
    python -m bench.replicas --replicas 1,3 --channels 50 --search-seconds 5

Each replica count gets a fresh database on an embedded PostgreSQL server (the test
suite's), the Slack simulator in Socket Mode (each envelope to one replica's connection,
in turn) and the paper-source simulator, all on 127.0.0.1 in this process; the replicas
are real `paperboy run` processes. Per count it measures:

- searches a second: `/papers search` from `--people` people at once for
  `--search-seconds`, each search timed from its envelope to its answer at the response
  URL (answers lost: no ack within 3 s, or no answer within 30 s);
- the digest minute: `--channels` channels subscribed for the same minute (in the store,
  before the replicas start, so that every replica schedules every channel and they race
  for each run); seconds from the minute to the last channel's digest complete, and a
  check that each channel got exactly one (one header, every paper once);
- resident memory (RSS, and USS: the pages no other process shares) of each replica
  after the digests.

Pacing is paperboy's own (`chat.posts_per_second` per replica, `chat.channel_pace_seconds`),
so the digest time shows how the work spreads over the replicas, not only CPU. Nothing
is asserted on time: on a 2-core machine shared with other work, more replicas cannot be
proportionally faster; the table reports what this machine did.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
from tests.postgres import PostgresServer, postgres_server
from tests.replicas import Replica, Replicas
from tests.simulators.slack import SlackSimulator
from tests.simulators.sources.fixtures import sample_day
from tests.simulators.sources.servers import PaperSourceSimulator

from bench.load_corpus import query_words
from bench.load_stats import Latencies, table
from paperboy.core.models import ChannelRef, Subscription
from paperboy.store import Store, parse_location

SCRUBBED = ("PAPERBOY_", "SLACK_", "DISCORD_")
START_SECONDS = 120.0  # several processes starting at once on a busy machine
ANSWER_SECONDS = 30.0
# The digest minute is at least this far past the search phase's planned end; the
# replicas' start is given START_LEAD of it.
START_LEAD = 45.0
MINUTE_LEAD = 5.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", default="1,2,3", help="replica counts to run, in order")
    parser.add_argument("--channels", type=int, default=200, help="channels with a digest")
    parser.add_argument("--papers-per-digest", type=int, default=3, help="papers:N of each")
    parser.add_argument("--people", type=int, default=16, help="people searching at once")
    parser.add_argument("--search-seconds", type=float, default=15.0, help="search phase")
    parser.add_argument(
        "--posts-per-second",
        type=float,
        default=10.0,
        help="chat.posts_per_second of each replica (paperboy's default: 10; 0: no limit)",
    )
    parser.add_argument(
        "--channel-pace",
        type=float,
        default=1.0,
        help="chat.channel_pace_seconds (paperboy's default: 1)",
    )
    parser.add_argument("--seed", type=int, default=8)
    return parser.parse_args(argv)


@dataclass
class Result:
    replicas: int
    started_after: float  # seconds until every replica was connected and caught up
    searches: Latencies
    search_seconds: float
    answered_by: Counter[int]  # Socket Mode connection → searches it answered
    digest_seconds: float | None  # from the minute to the last digest complete
    exactly_once: int  # channels with one header and every paper once
    extra_posts: int  # chat.postMessage calls beyond one digest per channel
    rss_mb: list[float]
    uss_mb: list[float]


def channel_id(n: int) -> str:
    return f"CB{n:05d}"


def replica_env(
    slack: SlackSimulator, url: str, workdir: Path, args: argparse.Namespace
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED)}
    env.update(
        PAPERBOY_STORE_URL=url,
        PAPERBOY_STORE_PATH=str(workdir / "data" / "paperboy.sqlite3"),  # the saved index
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_APP_TOKEN=slack.app_token,
        PAPERBOY_SLACK_API_URL=slack.api_url,
        PAPERBOY_SOURCES_ARXIV_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_RETRIES="0",
        PAPERBOY_SOURCES_CATCH_UP_DAYS="0",
        PAPERBOY_OPS_PORT="0",
        PAPERBOY_CHAT_POSTS_PER_SECOND=str(args.posts_per_second),
        PAPERBOY_CHAT_CHANNEL_PACE_SECONDS=str(args.channel_pace),
    )
    return env


def digest_minute(after: datetime) -> datetime:
    """The first whole minute at or after `after`."""
    minute = after.replace(second=0, microsecond=0)
    return minute if minute >= after else minute + timedelta(minutes=1)


async def subscribe_in_store(
    url: str, slack: SlackSimulator, *, channels: int, at: datetime, papers: int
) -> None:
    team = slack.identity.team_id
    async with await Store.open(parse_location(url)) as store:
        for n in range(channels):
            channel = ChannelRef("slack", team, channel_id(n))
            subscription = Subscription(channel, at.time(), "UTC", max_papers=papers)
            await store.subscriptions.put(subscription, at=datetime.now(UTC))


async def search_phase(
    slack: SlackSimulator, words: Sequence[str], *, people: int, seconds: float, seed: int
) -> tuple[Latencies, float, Counter[int]]:
    """Everyone searches, one search after another, for `seconds`."""
    latencies = Latencies()
    answered_by: Counter[int] = Counter()
    rng = random.Random(seed)
    deadline = time.perf_counter() + seconds

    async def person() -> None:
        while time.perf_counter() < deadline:
            query = " ".join(rng.sample(list(words), 2))
            started = time.perf_counter()
            try:
                ack = await slack.send_command(f"search {query}")
                answer = await slack.next_response(ack, timeout=ANSWER_SECONDS)
            except AssertionError:  # no ack within 3 s, or no answer
                latencies.add(None)
                continue
            if answer.status != 200 or answer.message is None:
                latencies.add(None)
                continue
            latencies.add(time.perf_counter() - started)
            answered_by[ack.connection] += 1

    started = time.perf_counter()
    await asyncio.gather(*(person() for _ in range(people)))
    return latencies, time.perf_counter() - started, answered_by


def digests_complete(slack: SlackSimulator, *, channels: int, papers: int) -> int:
    """Channels whose digest is all there: one header and `papers` papers, none twice."""
    complete = 0
    for n in range(channels):
        posts = [m for m in slack.messages(channel_id(n)) if m.via == "chat.postMessage"]
        headers = sum(m.text.startswith("Trending papers") for m in posts)
        shown = [
            element["value"]
            for m in posts
            for block in m.blocks
            if block.get("type") == "actions"
            for element in block["elements"]
            if element.get("action_id") == "paperboy_save"
        ]
        complete += headers == 1 and len(shown) == len(set(shown)) == papers
    return complete


def memory_mb(replicas: Sequence[Replica]) -> tuple[list[float], list[float]]:
    infos = [psutil.Process(replica.pid).memory_full_info() for replica in replicas]
    return [i.rss / 2**20 for i in infos], [i.uss / 2**20 for i in infos]


async def run_count(
    count: int, server: PostgresServer, args: argparse.Namespace, words: Sequence[str]
) -> Result:
    today = datetime.now(UTC).date()
    channels = [channel_id(n) for n in range(args.channels)]
    with tempfile.TemporaryDirectory(prefix="paperboy-replicas-") as workdir:
        async with (
            SlackSimulator(channels=tuple(channels)) as slack,
            PaperSourceSimulator() as sources,
        ):
            sources.huggingface.set_day(today, sample_day(today))
            database = server.create_database()
            url = server.url(database)
            env = replica_env(slack, url, Path(workdir), args)
            env["PAPERBOY_SOURCES_HUGGINGFACE_URL"] = sources.huggingface_url
            # Far enough ahead for the start and the search phase (a slow start only
            # shortens the wait for the minute; it is checked below).
            minute = digest_minute(
                datetime.now(UTC)
                + timedelta(seconds=START_LEAD + args.search_seconds + MINUTE_LEAD)
            )
            await subscribe_in_store(
                url, slack, channels=args.channels, at=minute, papers=args.papers_per_digest
            )
            try:
                async with Replicas(env, count=count) as replicas:
                    began = time.perf_counter()
                    started = await replicas.start()
                    await slack.wait_for_connections(count, timeout=START_SECONDS)
                    for replica in started:
                        await replica.wait_logged("digest catch-up done", seconds=START_SECONDS)
                    started_after = time.perf_counter() - began
                    searches, searched, answered_by = await search_phase(
                        slack,
                        words,
                        people=args.people,
                        seconds=args.search_seconds,
                        seed=args.seed + count,
                    )
                    if datetime.now(UTC) >= minute:
                        raise SystemExit(f"the digest minute {minute:%H:%M} passed before it began")
                    await asyncio.sleep((minute - datetime.now(UTC)).total_seconds())
                    digest_seconds = await _digest_time(slack, args)
                    rss, uss = memory_mb(started)
            finally:
                server.drop_database(database)
            posts = len(slack.calls("chat.postMessage"))
            return Result(
                replicas=count,
                started_after=started_after,
                searches=searches,
                search_seconds=searched,
                answered_by=answered_by,
                digest_seconds=digest_seconds,
                exactly_once=digests_complete(
                    slack, channels=args.channels, papers=args.papers_per_digest
                ),
                extra_posts=posts - args.channels * (1 + args.papers_per_digest),
                rss_mb=rss,
                uss_mb=uss,
            )


async def _digest_time(slack: SlackSimulator, args: argparse.Namespace) -> float | None:
    """Seconds from now (the minute) until every digest message is out (all there is to
    post; `digests_complete` checks them after); None when not within five minutes."""
    began = time.perf_counter()
    expected = args.channels * (1 + args.papers_per_digest)
    try:
        await slack.wait_until(
            lambda: len(slack.calls("chat.postMessage")) >= expected or None,
            timeout=300,
            what="every digest",
        )
    except AssertionError:
        return None
    return time.perf_counter() - began


def results_table(results: Sequence[Result], args: argparse.Namespace) -> str:
    rows = []
    for r in results:
        done = r.searches.count - r.searches.lost
        rows.append(
            [
                r.replicas,
                f"{r.started_after:.1f}",
                f"{done / r.search_seconds:.1f}",
                f"{r.searches.ms(50):.0f} / {r.searches.ms(99):.0f}",
                r.searches.lost,
                " ".join(str(n) for _, n in sorted(r.answered_by.items())),
                "never" if r.digest_seconds is None else f"{r.digest_seconds:.1f}",
                f"{r.exactly_once}/{args.channels}",
                r.extra_posts,
                " ".join(f"{mb:.0f}" for mb in r.rss_mb),
                " ".join(f"{mb:.0f}" for mb in r.uss_mb),
            ]
        )
    header = [
        "replicas",
        "start s",
        "searches/s",
        "p50 / p99 ms",
        "lost",
        "answered by each",
        f"{args.channels} digests s",
        "exactly once",
        "extra posts",
        "RSS MB each",
        "USS MB each",
    ]
    return table(
        f"{args.people} people searching for {args.search_seconds:g} s, then "
        f"{args.channels} digests of {args.papers_per_digest} papers due at one minute "
        f"(posts/s per replica {args.posts_per_second:g}, channel pace {args.channel_pace:g} s)",
        header,
        rows,
    )


async def main(args: argparse.Namespace) -> int:
    counts = [int(n) for n in args.replicas.split(",")]
    print(f"machine: {os.cpu_count()} cores, load average {_load()} at the start")
    words = query_words(seed=args.seed)
    results = []
    with postgres_server() as server:
        for count in counts:
            result = await run_count(count, server, args, words)
            print(
                f"  {count} replica(s): {result.searches.count} searches, digests done in "
                f"{result.digest_seconds} s",
                flush=True,
            )
            results.append(result)
    print(results_table(results, args))
    one = results[0]
    for r in results[1:]:
        if one.digest_seconds and r.digest_seconds and one.searches.count and r.searches.count:
            digest_ratio = r.digest_seconds / one.digest_seconds
            print(
                f"  {r.replicas} vs {one.replicas}: searches/s x{_rate(r) / _rate(one):.2f}, "
                f"digest time x{digest_ratio:.2f}, RSS total x{sum(r.rss_mb) / sum(one.rss_mb):.2f}"
            )
    print(f"machine: load average {_load()} at the end (other busy processes skew the figures)")
    return 0


def _rate(result: Result) -> float:
    return (result.searches.count - result.searches.lost) / result.search_seconds


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
