"""Digests to many channels at the same minute while people keep searching.

Every channel subscribes (through the chat, as a person would) for the same minute,
at least `lead` seconds ahead. People search throughout; their searches are split
into those that started before the minute and those that started while digests were
being posted. Afterwards every channel's history is checked: one header, then as many
papers as it announces, none twice.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bench.load_stats import Latencies
from bench.load_workload import Outcome, make_query

HEADER = re.compile(r"Trending papers .* (\d+) papers?")
TOPICS = "language models"  # every fourth channel asks for a topic
OPENING = 5.0  # seconds: when every channel starts its digest at once


class DigestDriver(Protocol):
    async def search(self, user: int, text: str) -> Outcome: ...

    async def subscribe(self, channel: int, at: str) -> bool: ...

    def digest_posts(self, channel: int) -> list[tuple[str, str | None]]: ...


@dataclass
class ChannelCheck:
    complete: int = 0  # channels with one header and every announced paper, once
    missing: list[int] = field(default_factory=list)  # channels without a full digest
    duplicated: list[int] = field(default_factory=list)  # a header or paper twice
    papers: int = 0


@dataclass
class DigestResults:
    channels: int
    subscribed: int
    fire_at: datetime
    finished_after: float | None  # seconds from the minute to the last digest complete
    check: ChannelCheck
    before: Latencies
    during: Latencies
    opening: Latencies  # the searches of the minute's first OPENING seconds (also in `during`)


def check_channel(posts: Sequence[tuple[str, str | None]]) -> tuple[bool, bool, int]:
    """(complete, duplicated, papers) for one channel's history (the `subscribe`
    confirmation comes first; then the header, then its papers)."""
    headers = [n for n, (text, _) in enumerate(posts) if HEADER.search(text)]
    papers = [paper for _, paper in posts if paper is not None]
    duplicated = len(headers) > 1 or len(set(papers)) != len(papers)
    if not headers:
        return False, duplicated, len(papers)
    match = HEADER.search(posts[headers[0]][0])
    announced = int(match.group(1)) if match else -1
    before_header = any(paper is not None for _, paper in posts[: headers[0]])
    complete = not before_header and len(papers) == announced and not duplicated
    return complete, duplicated, len(papers)


def check_all(driver: DigestDriver, channels: int) -> ChannelCheck:
    check = ChannelCheck()
    for channel in range(channels):
        complete, duplicated, papers = check_channel(driver.digest_posts(channel))
        check.papers += papers
        check.complete += complete
        if not complete:
            check.missing.append(channel)
        if duplicated:
            check.duplicated.append(channel)
    return check


def next_minute(now: datetime, *, lead: float) -> datetime:
    """The first whole minute at least `lead` seconds after `now`."""
    earliest = now + timedelta(seconds=lead)
    minute = earliest.replace(second=0, microsecond=0)
    return minute if minute >= earliest else minute + timedelta(minutes=1)


async def run_digest(
    driver: DigestDriver,
    *,
    channels: int,
    users: int,
    words: Sequence[str],
    seed: int,
    lead: float = 30.0,
    give_up_after: float = 180.0,
) -> DigestResults:
    fire_at = next_minute(datetime.now(UTC), lead=lead)
    clock = f"{fire_at:%H:%M}"
    gate = asyncio.Semaphore(20)

    async def subscribe(channel: int) -> bool:
        async with gate:
            arguments = clock if channel % 4 else f"{clock} {TOPICS}"
            return await driver.subscribe(channel, arguments)

    subscribed = sum(await asyncio.gather(*(subscribe(c) for c in range(channels))))
    timed: list[tuple[float, Outcome]] = []
    stop = asyncio.Event()
    fire_wall = fire_at.timestamp()

    async def person(user: int) -> None:
        rng = random.Random(seed * 7919 + user)
        while not stop.is_set():
            started = time.time()
            timed.append((started, await driver.search(user, make_query(rng, words))))

    people = [asyncio.create_task(person(u)) for u in range(users)]
    finished_after: float | None = None
    waiting = set(range(channels))
    try:
        deadline = fire_wall + give_up_after
        while time.time() < deadline:
            await asyncio.sleep(1.0)
            if time.time() < fire_wall:
                continue
            waiting = {c for c in waiting if not check_channel(driver.digest_posts(c))[0]}
            if not waiting:
                finished_after = time.time() - fire_wall
                break
    finally:
        stop.set()
        await asyncio.gather(*people)
    end = fire_wall + (finished_after if finished_after is not None else give_up_after)
    before, during, opening = Latencies(), Latencies(), Latencies()
    for started, outcome in timed:
        if started < fire_wall:
            before.add(outcome.answered)
        elif started <= end:
            during.add(outcome.answered)
            if started < fire_wall + OPENING:
                opening.add(outcome.answered)
    return DigestResults(
        channels=channels,
        subscribed=subscribed,
        fire_at=fire_at,
        finished_after=finished_after,
        check=check_all(driver, channels),
        before=before,
        during=during,
        opening=opening,
    )
