"""A stored setting made anew (`subscribe` again in a channel that has a digest) takes
every new value but keeps who made it first, and when."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from paperboy.core.models import ChannelRef, Subscription, WeeklyTop
from paperboy.store import Store

CHANNEL = ChannelRef("slack", "T1", "C1")


async def test_a_digest_subscribed_again_keeps_who_set_it_up_first_and_when(
    store: Store, now: datetime
) -> None:
    later = now + timedelta(days=3)
    await store.subscriptions.put(Subscription(CHANNEL, time(9), "UTC", created_by="U1"), at=now)
    again = Subscription(CHANNEL, time(10), "Asia/Tokyo", topics="lora", created_by="U2")

    await store.subscriptions.put(again, at=later)

    stored = await store.subscriptions.get(CHANNEL)
    assert stored == Subscription(CHANNEL, time(10), "Asia/Tokyo", topics="lora", created_by="U1")
    rows = await store.db.fetchall("SELECT created_at, updated_at FROM subscriptions")
    assert [tuple(row) for row in rows] == [(now.isoformat(), later.isoformat())]


async def test_a_weekly_list_subscribed_again_keeps_who_set_it_up_first(
    store: Store, now: datetime
) -> None:
    await store.weekly_top.put(WeeklyTop(CHANNEL, 0, time(9), "UTC", created_by="U1"), at=now)

    await store.weekly_top.put(WeeklyTop(CHANNEL, 4, time(16), "UTC", created_by="U2"), at=now)

    assert await store.weekly_top.active() == [
        WeeklyTop(CHANNEL, 4, time(16), "UTC", created_by="U1")
    ]
