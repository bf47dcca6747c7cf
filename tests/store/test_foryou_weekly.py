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


ANN_ELSEWHERE = (UserRef("slack", "T2", "U1"), UserRef("discord", "T1", "U1"))
NEXT_WEEK = date(2025, 3, 27)


async def test_a_weekly_message_keeps_every_setting_and_is_one_persons(store: Store) -> None:
    log = store.weekly_foryou
    mine = WeeklyForYou(ANN, 4, time(16, 45), "Europe/Berlin")
    await log.put(mine, at=AT)
    assert await log.get(ANN) == mine
    for other in (BEN, *ANN_ELSEWHERE):
        assert await log.get(other) is None
        assert not await log.remove(other)
    await log.put(WeeklyForYou(BEN, 1, time(8), "UTC"), at=AT)
    await log.put(WeeklyForYou(ANN_ELSEWHERE[0], 1, time(8), "UTC"), at=AT)

    assert sorted(await log.remove_workspace("slack", "T1"), key=str) == [ANN, BEN]
    assert [w.user for w in await log.active()] == [ANN_ELSEWHERE[0]]
    assert await log.remove_workspace("slack", "T1") == []


async def test_a_run_is_one_persons_one_day(store: Store) -> None:
    log = store.weekly_foryou
    assert await log.status(ANN, DAY) is None
    assert await log.header(ANN, DAY) is None
    assert await log.claim(ANN, DAY, at=AT) == "claimed"
    assert await log.begin_header(ANN, DAY)
    await log.set_header(ANN, DAY, "m0")
    await log.plan(ANN, DAY, [("p1", "s1")])
    await log.finish(ANN, DAY, at=AT)

    for other in (BEN, *ANN_ELSEWHERE):
        assert await log.status(other, DAY) is None
        assert await log.header(other, DAY) is None
        assert await log.claim(other, DAY, at=AT) == "claimed"
        assert await log.begin_header(other, DAY)
        assert await log.planned(other, DAY) == []
        assert not await log.begin(other, DAY, "p1")
    assert await log.status(ANN, NEXT_WEEK) is None
    assert await log.claim(ANN, NEXT_WEEK, at=AT) == "claimed"
    assert await log.header(ANN, NEXT_WEEK) is None
    await log.plan(ANN, NEXT_WEEK, [("p2", "s2")])  # next week's papers are planned anew
    assert await log.planned(ANN, NEXT_WEEK) == [("p2", "s2", "planned")]
    assert await log.status(ANN, DAY) == "done"
    assert await log.header(ANN, DAY) == "m0"


async def test_a_message_too_late_to_send_is_skipped_and_stays_skipped(store: Store) -> None:
    log = store.weekly_foryou
    await log.skip(ANN, DAY, at=AT)
    assert await log.status(ANN, DAY) == "skipped"
    assert await log.claim(ANN, DAY, at=AT) == "skipped"
    assert await log.status(BEN, DAY) is None


async def test_an_empty_plan_plans_nothing_and_a_later_one_is_kept(store: Store) -> None:
    log = store.weekly_foryou
    await log.claim(ANN, DAY, at=AT)
    await log.plan(ANN, DAY, [])  # nothing to send yet
    assert await log.planned(ANN, DAY) == []
    await log.plan(ANN, DAY, [("p3", "s3"), ("p1", "s1"), ("p2", "s2")])
    assert [paper for paper, _, _ in await log.planned(ANN, DAY)] == ["p3", "p1", "p2"]


async def test_only_a_paper_being_posted_turns_sent_or_back_to_planned(store: Store) -> None:
    log = store.weekly_foryou
    await log.claim(ANN, DAY, at=AT)
    await log.plan(ANN, DAY, [("p1", "s1"), ("p2", "s2")])
    await log.sent(ANN, DAY, "p1", "m1")  # never begun: still planned
    await log.unsent(ANN, DAY, "p2")
    assert await log.planned(ANN, DAY) == [("p1", "s1", "planned"), ("p2", "s2", "planned")]

    assert await log.begin(ANN, DAY, "p1")
    await log.sent(ANN, DAY, "p1", "m1")
    await log.unsent(ANN, DAY, "p1")  # sent: stays sent
    assert not await log.begin(ANN, DAY, "p1")
    assert await log.planned(ANN, DAY) == [("p1", "s1", "sent"), ("p2", "s2", "planned")]


async def test_releasing_an_opening_message_frees_only_that_runs(store: Store) -> None:
    log = store.weekly_foryou
    for user, day in ((ANN, DAY), (BEN, DAY), (ANN, NEXT_WEEK)):
        await log.claim(user, day, at=AT)
        assert await log.begin_header(user, day)

    await log.release_header(ANN, DAY)

    assert await log.header(ANN, DAY) is None
    assert await log.header(BEN, DAY) == ""  # still being sent
    assert await log.header(ANN, NEXT_WEEK) == ""


async def test_beginning_an_opening_message_takes_only_that_runs_turn(store: Store) -> None:
    log = store.weekly_foryou
    for user, day in ((ANN, DAY), (BEN, DAY), (ANN, NEXT_WEEK)):
        await log.claim(user, day, at=AT)

    assert await log.begin_header(ANN, DAY)

    assert await log.header(BEN, DAY) is None
    assert await log.header(ANN, NEXT_WEEK) is None
    assert await log.begin_header(BEN, DAY)
    assert await log.begin_header(ANN, NEXT_WEEK)
