"""Replicas (issue 15): three `paperboy run` processes on one PostgreSQL database and one
Slack app in Socket Mode (the simulator hands each envelope to one of their connections,
in turn). Any replica answers any command; each channel's digest is posted exactly once
across them, also when one of them is killed half-way; a paper stored by the CLI is
searchable through every one within 10 s. The real processes, the real slack-bolt, a
real PostgreSQL server."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from datetime import date
from datetime import time as clock_time
from pathlib import Path

import asyncpg
import pytest

from tests.processes import digest_just_missed, start_paperboy
from tests.replicas import Replica, Replicas
from tests.simulators.slack import Message, SlackSimulator
from tests.simulators.slack.records import Ack
from tests.simulators.sources.fixtures import sample_day
from tests.simulators.sources.servers import PaperSourceSimulator

REPLICAS = 3
CHANNELS = tuple(f"CREP{n:04d}" for n in range(200))
PAPERS = 2  # each digest: a header and the day's two most upvoted papers
START_SECONDS = 60  # three processes starting at once on a loaded 2-core machine
# The promise: searchable in every running bot within 10 s.
WITHIN_SECONDS = 10
ZEPPELIN = {
    "id": "2501.00001",
    "title": "Zeppelin logistics over the Arctic",
    "abstract": "Airships carry cargo to remote stations.",
    "authors": ["Ada Airship"],
}

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
async def slack() -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator(channels=CHANNELS) as simulator:
        yield simulator


@pytest.fixture
def env(
    cli_env: dict[str, str],
    postgres_url: str,
    slack: SlackSimulator,
    sources: PaperSourceSimulator,
) -> dict[str, str]:
    """One store (PostgreSQL) and one Slack app for every replica; a short pace and no
    overall rate limit, so that 200 digests take seconds, and a search index that follows
    the store every half second."""
    return {
        **cli_env,
        "PAPERBOY_STORE_URL": postgres_url,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_APP_TOKEN": slack.app_token,
        "PAPERBOY_SLACK_API_URL": slack.api_url,
        "PAPERBOY_SOURCES_HUGGINGFACE_URL": sources.huggingface_url,
        "PAPERBOY_CHAT_CHANNEL_PACE_SECONDS": "0.05",
        "PAPERBOY_CHAT_POSTS_PER_SECOND": "0",
        "PAPERBOY_SEARCH_FOLLOW_SECONDS": "0.5",
        # A replica looks at a run another holds every quarter of the lease (a holder
        # that has exited, on this host, is taken over at the next look), and a holder
        # renews every third of it: much shorter, and a replica busy with a hundred
        # digests on a loaded machine loses claims to the others while it still posts.
        "PAPERBOY_DIGEST_CLAIM_LEASE_SECONDS": "20",
    }


async def start(replicas: Replicas, slack: SlackSimulator) -> Sequence[Replica]:
    """Start the replicas; back once each has its Socket Mode connection open and has
    done its start-up catch-up of missed digests."""
    started = await replicas.start()
    await slack.wait_for_connections(len(started), timeout=START_SECONDS)
    for replica in started:
        await replica.wait_logged("digest catch-up done", seconds=START_SECONDS)
    return started


def digest_posts(slack: SlackSimulator, channel: str) -> list[Message]:
    return [m for m in slack.messages(channel) if m.via == "chat.postMessage"]


def paper_ids(messages: list[Message]) -> list[str]:
    """The paper on each digest post (its Save button), in order."""
    return [
        element["value"]
        for message in messages
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == "paperboy_save"
    ]


def most_upvoted(day: date, count: int) -> list[str]:
    items = sorted(sample_day(day), key=lambda i: (-i["paper"]["upvotes"], i["paper"]["id"]))
    return [item["paper"]["id"] for item in items[:count]]


HEADER = "header"  # in a set of a digest's posts cut off by a replica's death: its header


def assert_each_digest_exactly_once(
    slack: SlackSimulator, day: date, *, lost: dict[str, set[str]] | None = None
) -> None:
    """Every channel: one chat.postMessage for the header and one per paper, no more; the
    day's most upvoted papers, each once. But `lost`: channel → the posts (HEADER or paper
    ids) that a replica's death cut off; those must not be there."""
    lost = lost or {}
    posts = Counter(str(call.body.get("channel")) for call in slack.calls("chat.postMessage"))
    for channel in CHANNELS:
        missing = lost.get(channel, set())
        expected = sorted(set(most_upvoted(day, PAPERS)) - missing)
        header = int(HEADER not in missing)
        assert posts[channel] == header + len(expected), f"{channel}: {posts[channel]} posts"
        messages = digest_posts(slack, channel)
        headers = [m for m in messages if m.text.startswith("Trending papers")]
        assert len(headers) == header, f"{channel}: {len(headers)} headers"
        assert sorted(paper_ids(messages)) == expected, f"{channel}: {paper_ids(messages)}"


async def subscribe_every_channel(slack: SlackSimulator, at: clock_time) -> list[Ack]:
    """`/papers subscribe HH:MM UTC papers:2` in each channel, a few at a time, as people
    type them; each answered that the channel now gets a digest. Returns the acks."""
    typing = asyncio.Semaphore(8)

    async def subscribe(channel: str) -> Ack:
        async with typing:
            ack = await slack.send_command(
                f"subscribe {at:%H:%M} UTC papers:{PAPERS}", channel_id=channel
            )
            answer = await slack.next_response(ack, timeout=20)
        assert answer.message is not None, answer
        assert "gets a daily digest" in answer.message.text, answer.message.text
        return ack

    return await asyncio.gather(*(subscribe(channel) for channel in CHANNELS))


async def ingest(env: dict[str, str], tmp_path: Path, paper: dict[str, object]) -> None:
    """`paperboy ingest --jsonl` with one paper, in a process of its own, to the end."""
    jsonl = tmp_path / "ours.jsonl"
    jsonl.write_text(json.dumps(paper) + "\n", encoding="utf-8")
    process = await start_paperboy(env, "ingest", "--jsonl", str(jsonl))
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert "1 new" in out.decode()


async def search_through_each_replica(slack: SlackSimulator, query: str, title: str) -> None:
    """`/papers search QUERY` again and again (each goes to the next connection in turn)
    until every replica's connection has answered with `title`."""
    found: set[int] = set()
    while len(found) < REPLICAS:
        ack = await slack.send_command(f"search {query}")
        answer = await slack.next_response(ack, timeout=WITHIN_SECONDS)
        assert answer.message is not None, answer
        if title in json.dumps(answer.message.blocks):
            found.add(ack.connection)
        else:
            await asyncio.sleep(0.1)  # not in that replica's index yet: ask again


async def claimed_runs(url: str) -> dict[int, set[str]]:
    """pid of the holding process → the channels whose digest run it holds unfinished."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT holder, channel FROM digest_runs WHERE status = 'claimed'")
    finally:
        await conn.close()
    held: dict[int, set[str]] = {}
    for row in rows:
        held.setdefault(int(row["holder"].split("/")[1]), set()).add(row["channel"])
    return held


async def on_their_way(url: str, channels: set[str]) -> dict[str, set[str]]:
    """channel → its digest's posts recorded as on their way, not yet as sent: HEADER
    (the run's header_id is the "on its way" mark, '') and paper ids ('posting')."""
    conn = await asyncpg.connect(url)
    try:
        headers = await conn.fetch("SELECT channel FROM digest_runs WHERE header_id = ''")
        papers = await conn.fetch(
            "SELECT channel, paper_id FROM digest_items WHERE status = 'posting'"
        )
    finally:
        await conn.close()
    found: dict[str, set[str]] = {}
    for row in headers:
        found.setdefault(row["channel"], set()).add(HEADER)
    for row in papers:
        found.setdefault(row["channel"], set()).add(row["paper_id"])
    return {channel: posts for channel, posts in found.items() if channel in channels}


def delivered(slack: SlackSimulator, channel: str) -> set[str]:
    messages = digest_posts(slack, channel)
    header = {HEADER} if any(m.text.startswith("Trending papers") for m in messages) else set()
    return header | set(paper_ids(messages))


async def test_three_replicas_find_a_cli_paper_and_post_200_digests_once_though_one_dies(
    env: dict[str, str],
    slack: SlackSimulator,
    sources: PaperSourceSimulator,
    postgres_url: str,
    tmp_path: Path,
) -> None:
    """A paper `paperboy ingest` stores is found through every replica within 10 s. The
    200 channels' subscriptions go in through all three replicas; the digest time then
    passes while the replicas restart (a deploy), and all three, back at once, race for
    the same 200 due digests. Half-way, the one holding the most unfinished digests is
    killed outright; the other two take them over where they stopped. Every digest is
    finished once, by one replica: one header, every paper, none twice.

    A post that was on its way when the replica died (recorded as being posted, not yet
    as sent; a header or a paper) is not posted again by the one that resumes, so that it
    never comes twice; if that message never reached Slack, it is the one post that
    channel misses. Every other post arrives, once."""
    now, due = await digest_just_missed(sources)
    async with Replicas(env, count=REPLICAS) as replicas:
        await start(replicas, slack)

        await ingest(env, tmp_path, ZEPPELIN)
        ingested = time.monotonic()
        async with asyncio.timeout(WITHIN_SECONDS):
            await search_through_each_replica(slack, "zeppelin airships", "Zeppelin logistics")
        assert time.monotonic() - ingested < WITHIN_SECONDS

        acks = await subscribe_every_channel(slack, due)
        by_connection = Counter(ack.connection for ack in acks)
        assert len(by_connection) == REPLICAS, by_connection  # every replica took some
        assert slack.calls("chat.postMessage") == []  # due at a time already past: tomorrow
        assert set((await replicas.stop()).values()) == {0}

        restarted = await replicas.start()
        await slack.wait_for_connections(REPLICAS, timeout=START_SECONDS)
        all_posts = len(CHANNELS) * (1 + PAPERS)
        await slack.wait_until(
            lambda: len(slack.calls("chat.postMessage")) >= all_posts // 4 or None,
            timeout=START_SECONDS,
            what="a quarter of the digests' posts",
        )
        held = await claimed_runs(postgres_url)
        victim = max(restarted, key=lambda r: len(held.get(r.pid, ())))
        await victim.kill()
        # What the dead replica left unfinished (nothing changes it any more).
        orphaned = (await claimed_runs(postgres_url)).get(victim.pid, set())
        in_flight = await on_their_way(postgres_url, orphaned)
        assert orphaned, f"replica {victim.number} held no digest when killed"
        assert len(slack.calls("chat.postMessage")) < all_posts

        for replica in restarted:
            if replica is not victim:
                # Its catch-up ends when every due digest is done: posted by it, watched
                # to the end, or taken over from the dead replica and finished.
                await replica.wait_logged("digest catch-up done", seconds=60)
        assert await claimed_runs(postgres_url) == {}
        finished = sum(r.log.count(f"posted: {PAPERS} papers") for r in restarted)
        assert finished == len(CHANNELS)  # each digest finished by one replica

    lost = {
        channel: posts - delivered(slack, channel)
        for channel, posts in in_flight.items()
        if posts - delivered(slack, channel)
    }
    # A channel's posts go out one after another: at most one was on its way.
    assert all(len(posts) == 1 for posts in lost.values()), lost
    assert_each_digest_exactly_once(slack, now.date(), lost=lost)
