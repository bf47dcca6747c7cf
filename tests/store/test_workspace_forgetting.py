"""Forgetting a workspace the bot left, on SQLite and PostgreSQL: every row of it goes in
one step, counted per table, and nothing of a workspace of another id or platform."""

from __future__ import annotations

from datetime import time, timedelta

from paperboy.core.models import (
    ChannelRef,
    PostRef,
    Subscription,
    UserRef,
    WeeklyForYou,
    WeeklyTop,
)
from paperboy.store import Store
from paperboy.store.workspaces import WORKSPACE_TABLES
from tests.conftest import NOW
from tests.store.test_store import PAPER

DAY = NOW.date()


async def fill(store: Store, platform: str, workspace: str) -> None:
    """One row in each of the workspace's tables."""
    user = UserRef(platform, workspace, "U1")
    channel = ChannelRef(platform, workspace, "C1")
    await store.reading_lists.save(user, PAPER.id, at=NOW)
    await store.marks.mark(user, PAPER.id, at=NOW)
    await store.posts.record(PostRef(channel, "m1"), PAPER.id, at=NOW)
    await store.subscriptions.put(Subscription(channel, time(9), "UTC"), at=NOW)
    await store.digest_runs.claim(channel, DAY, at=NOW)
    await store.digest_items.begin(channel, DAY, PAPER.id, position=0, at=NOW)
    await store.previews.claim(channel, at=NOW, cooldown=timedelta(hours=1))
    await store.weekly_top.put(WeeklyTop(channel, 0, time(9), "UTC"), at=NOW)
    await store.weekly_top.begin(channel, DAY, at=NOW)
    await store.weekly_foryou.put(WeeklyForYou(user, 0, time(9), "UTC"), at=NOW)
    await store.weekly_foryou.claim(user, DAY, at=NOW)
    await store.weekly_foryou.plan(user, DAY, [(PAPER.id, PAPER.id)])
    await store.digest_ranks.put(channel, "team")
    await store.follows.add(user, "author", "Ada Lovelace", at=NOW)
    await store.follows.claim(platform, workspace, "user:U1", [PAPER.id], at=NOW)


async def test_forgetting_a_workspace_deletes_a_row_of_each_table_and_only_its_own(
    store: Store,
) -> None:
    await store.papers.upsert([PAPER], at=NOW)
    places = (("slack", "T1"), ("slack", "T2"), ("discord", "T1"))
    for platform, workspace in places:
        await fill(store, platform, workspace)
    one_of_each = {table.name: 1 for table in WORKSPACE_TABLES}

    assert await store.workspaces.forget("slack", "T1") == one_of_each
    assert await store.workspaces.forget("slack", "T1") == {}  # nothing left to delete
    for platform, workspace in places[1:]:  # theirs were all still there
        assert await store.workspaces.forget(platform, workspace) == one_of_each
