"""What a channel asked for, on SQLite and PostgreSQL: its daily digest (every setting
kept, failures counted until it pauses), its weekly top list (each week's list posted
once) and how its digest is ordered. Each is one channel's: the same channel id in
another workspace or on another platform is another channel."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

from paperboy.core.models import ChannelRef, Subscription, WeeklyTop
from paperboy.store import Store
from tests.conftest import NOW

HERE = ChannelRef("slack", "T1", "C1")
# Each differs from HERE in one part only.
NOT_HERE = (
    ChannelRef("slack", "T1", "C2"),
    ChannelRef("slack", "T2", "C1"),
    ChannelRef("discord", "T1", "C1"),
)
DAY = date(2025, 3, 24)


def digest(channel: ChannelRef = HERE, **changes: object) -> Subscription:
    settings: dict[str, object] = {
        "time": time(7, 45),
        "timezone": "Asia/Tokyo",
        "topics": "diffusion",
        "max_papers": 3,
        "min_upvotes": 12,
        "weekdays_only": True,
        "created_by": "U9",
    } | changes
    return Subscription(channel, **settings)  # type: ignore[arg-type]


async def test_a_digest_keeps_every_setting_and_a_new_one_replaces_all_but_who_made_it(
    store: Store,
) -> None:
    subscriptions = store.subscriptions
    await subscriptions.put(digest(), at=NOW)
    assert await subscriptions.get(HERE) == digest()
    for other in NOT_HERE:
        assert await subscriptions.get(other) is None

    replaced = digest(
        time=time(18, 5),
        timezone="America/New_York",
        topics="",
        max_papers=10,
        min_upvotes=0,
        weekdays_only=False,
        created_by="U8",
    )
    await subscriptions.put(replaced, at=NOW + timedelta(days=1))
    kept = dataclasses.replace(replaced, created_by="U9")  # who set it up first
    assert await subscriptions.get(HERE) == kept
    assert await subscriptions.active() == [kept]


async def test_failures_are_counted_until_the_digest_pauses_and_a_new_one_starts_over(
    store: Store,
) -> None:
    subscriptions = store.subscriptions
    await subscriptions.put(digest(), at=NOW)
    await subscriptions.put(digest(NOT_HERE[0]), at=NOW)

    counts = [await subscriptions.record_failure(HERE, pause_after=3, at=NOW) for _ in range(2)]
    assert counts == [1, 2]
    stored = await subscriptions.get(HERE)
    assert stored is not None
    assert stored.failures == 2
    assert {s.channel for s in await subscriptions.active()} == {HERE, NOT_HERE[0]}  # not yet

    assert await subscriptions.record_failure(HERE, pause_after=3, at=NOW) == 3
    assert [s.channel for s in await subscriptions.active()] == [NOT_HERE[0]]  # paused
    other = await subscriptions.get(NOT_HERE[0])
    assert other is not None
    assert other.failures == 0  # the other channel's count is its own

    await subscriptions.put(digest(), at=NOW)  # set up again: counted from nothing
    assert {s.channel for s in await subscriptions.active()} == {HERE, NOT_HERE[0]}
    assert await subscriptions.record_failure(HERE, pause_after=3, at=NOW) == 1


async def test_a_success_clears_the_failures_of_its_channel_only(store: Store) -> None:
    subscriptions = store.subscriptions
    for channel in (HERE, NOT_HERE[0]):
        await subscriptions.put(digest(channel), at=NOW)
        await subscriptions.record_failure(channel, pause_after=5, at=NOW)

    await subscriptions.record_success(HERE)

    here, other = await subscriptions.get(HERE), await subscriptions.get(NOT_HERE[0])
    assert here is not None
    assert here.failures == 0
    assert other is not None
    assert other.failures == 1
    assert await subscriptions.record_failure(HERE, pause_after=5, at=NOW) == 1


async def test_a_failure_of_a_channel_without_a_digest_counts_nothing(store: Store) -> None:
    await store.subscriptions.put(digest(NOT_HERE[0]), at=NOW)
    assert await store.subscriptions.record_failure(HERE, pause_after=1, at=NOW) == 0
    assert await store.subscriptions.get(HERE) is None
    assert len(await store.subscriptions.active()) == 1


async def test_removing_a_digest_removes_that_channels_only_once(store: Store) -> None:
    subscriptions = store.subscriptions
    for channel in (HERE, *NOT_HERE):
        await subscriptions.put(digest(channel), at=NOW)

    assert await subscriptions.remove(HERE)
    assert not await subscriptions.remove(HERE)
    assert await subscriptions.get(HERE) is None
    assert {s.channel for s in await subscriptions.active()} == set(NOT_HERE)
    assert await subscriptions.remove_workspace("slack", "T1") == [NOT_HERE[0]]
    assert {s.channel for s in await subscriptions.active()} == set(NOT_HERE[1:])


async def test_a_weekly_list_keeps_every_setting_and_a_new_one_replaces_all_but_who_made_it(
    store: Store,
) -> None:
    weekly_top = store.weekly_top
    first = WeeklyTop(HERE, weekday=4, time=time(16, 30), timezone="Europe/Berlin", created_by="U9")
    await weekly_top.put(first, at=NOW)
    assert await weekly_top.get(HERE) == first
    for other in NOT_HERE:
        assert await weekly_top.get(other) is None

    again = WeeklyTop(HERE, weekday=0, time=time(8, 5), timezone="UTC", created_by="U8")
    await weekly_top.put(again, at=NOW)
    assert await weekly_top.active() == [dataclasses.replace(again, created_by="U9")]

    assert await weekly_top.remove(HERE)
    assert not await weekly_top.remove(HERE)
    assert await weekly_top.get(HERE) is None


async def test_a_weeks_list_is_claimed_once_until_released_and_never_after_it_is_done(
    store: Store,
) -> None:
    weekly_top = store.weekly_top
    assert await weekly_top.status(HERE, DAY) is None
    assert await weekly_top.begin(HERE, DAY, at=NOW)
    assert await weekly_top.status(HERE, DAY) == "posting"
    assert not await weekly_top.begin(HERE, DAY, at=NOW)  # another replica, or a restart
    for other in NOT_HERE:  # another channel's list of the same day is its own
        assert await weekly_top.status(other, DAY) is None
        assert await weekly_top.begin(other, DAY, at=NOW)
    assert await weekly_top.begin(HERE, DAY + timedelta(days=7), at=NOW)  # next week's

    await weekly_top.release(HERE, DAY)  # the list could not be posted
    assert await weekly_top.status(HERE, DAY) == "claimed"
    assert await weekly_top.begin(HERE, DAY, at=NOW + timedelta(minutes=5))

    await weekly_top.finish(HERE, DAY, "m1", at=NOW)
    assert await weekly_top.status(HERE, DAY) == "done"
    await weekly_top.release(NOT_HERE[0], DAY)  # another channel's: this one stays done
    assert not await weekly_top.begin(HERE, DAY, at=NOW)
    await weekly_top.skip(HERE, DAY, at=NOW)
    assert await weekly_top.status(HERE, DAY) == "done"  # done is never turned to skipped


async def test_a_weeks_list_too_late_to_post_is_skipped_and_never_claimed(store: Store) -> None:
    weekly_top = store.weekly_top
    await weekly_top.skip(HERE, DAY, at=NOW)
    assert await weekly_top.status(HERE, DAY) == "skipped"
    assert not await weekly_top.begin(HERE, DAY, at=NOW)
    assert await weekly_top.status(NOT_HERE[0], DAY) is None


async def test_a_channels_order_is_its_own_and_forgotten_with_its_workspace(
    store: Store,
) -> None:
    ranks = store.digest_ranks
    assert await ranks.get(HERE) == "votes"
    await ranks.put(HERE, "team")
    await ranks.put(HERE, "votes")  # asked again: the last one holds
    assert await ranks.get(HERE) == "votes"
    await ranks.put(HERE, "team")
    for other in NOT_HERE:
        assert await ranks.get(other) == "votes"
        await ranks.put(other, "team")
    assert await ranks.get(HERE) == "team"

    await ranks.remove(HERE)
    assert await ranks.get(HERE) == "votes"
    assert [await ranks.get(other) for other in NOT_HERE] == ["team"] * 3

    await ranks.remove_workspace("slack", "T1")
    assert [await ranks.get(other) for other in NOT_HERE] == ["votes", "team", "team"]
