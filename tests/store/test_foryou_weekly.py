"""The weekly foryou log: one run per person and day, its papers planned once, each sent once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time

from paperboy.core.models import ChannelRef, UserRef, WeeklyForYou
from paperboy.store import Store

AT = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
DAY = date(2025, 3, 20)
ANN = UserRef("slack", "T1", "U1")
BEN = UserRef("slack", "T1", "U2")


async def test_a_person_has_at_most_one_weekly_message_and_stop_removes_it(store: Store) -> None:
    log = store.weekly_foryou
    await log.put(WeeklyForYou(ANN, 4, time(16, 0), "Europe/Berlin"), at=AT)
    await log.put(WeeklyForYou(ANN, 0, time(9, 0), "UTC"), at=AT)
    assert await log.active() == [WeeklyForYou(ANN, 0, time(9, 0), "UTC")]
    assert await log.remove(ANN)
    assert not await log.remove(ANN)
    assert await log.get(ANN) is None


async def test_a_runs_papers_are_planned_once_and_each_begins_once(store: Store) -> None:
    log = store.weekly_foryou
    assert await log.claim(ANN, DAY, at=AT) == "claimed"
    await log.plan(ANN, DAY, [("p1", "s1"), ("p2", "s2")])
    await log.plan(ANN, DAY, [("p3", "s3")])  # a second plan (a restart) changes nothing
    assert await log.planned(ANN, DAY) == [("p1", "s1", "planned"), ("p2", "s2", "planned")]
    assert await log.begin(ANN, DAY, "p1")
    assert not await log.begin(ANN, DAY, "p1")  # being posted counts as sent
    await log.sent(ANN, DAY, "p1", "m1")
    assert await log.begin(ANN, DAY, "p2")
    await log.unsent(ANN, DAY, "p2")  # refused for certain: planned again
    assert await log.planned(ANN, DAY) == [("p1", "s1", "sent"), ("p2", "s2", "planned")]
    assert await log.planned(BEN, DAY) == []
    await log.finish(ANN, DAY, at=AT)
    assert await log.claim(ANN, DAY, at=AT) == "done"
    await log.skip(ANN, DAY, at=AT)
    assert await log.status(ANN, DAY) == "done"  # a done run is never turned to skipped


async def test_a_channels_rank_is_votes_unless_stored(store: Store) -> None:
    channel = ChannelRef("slack", "T1", "C1")
    ranks = store.digest_ranks
    assert await ranks.get(channel) == "votes"
    await ranks.put(channel, "team")
    assert await ranks.get(channel) == "team"
    await ranks.remove(channel)
    assert await ranks.get(channel) == "votes"


async def test_a_runs_opening_message_begins_for_exactly_one_caller(store: Store) -> None:
    """Replicas whose jobs fire at the same time: one of them sends the opening message."""
    log = store.weekly_foryou
    assert await log.claim(ANN, DAY, at=AT) == "claimed"
    assert await log.claim(ANN, DAY, at=AT) == "claimed"  # the other replica's claim
    assert sorted(await asyncio.gather(log.begin_header(ANN, DAY), log.begin_header(ANN, DAY))) == [
        False,
        True,
    ]
    assert await log.header(ANN, DAY) == ""  # being sent: counts as sent
    await log.release_header(ANN, DAY)  # refused for certain
    assert await log.header(ANN, DAY) is None
    assert await log.begin_header(ANN, DAY)
    await log.set_header(ANN, DAY, "m1")
    await log.release_header(ANN, DAY)  # sent: nothing to release
    assert await log.header(ANN, DAY) == "m1"
    assert not await log.begin_header(ANN, DAY)
