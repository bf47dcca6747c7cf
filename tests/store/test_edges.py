"""Edges of the store's contract, on SQLite and PostgreSQL: unsaving one paper of one
person, reading every paper in batches in the order its text last changed, follows told
apart by kind, words and channel and numbered in the order made, a workspace of one
platform forgotten without another platform's of the same id."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

from paperboy.core.models import ChannelRef, Paper, UserRef, WeeklyForYou
from paperboy.store import Store
from tests.conftest import NOW

ADA = UserRef("slack", "T1", "U1")
BOB = UserRef("slack", "T1", "U2")
DISCORD_ADA = UserRef("discord", "T1", "U1")  # a Discord guild whose id is the same


def paper(n: int) -> Paper:
    return Paper(f"2503.0000{n}", f"Paper {n}", f"Abstract {n}.", featured=date(2025, 3, 13))


async def test_unsaving_removes_only_that_persons_paper(store: Store) -> None:
    await store.papers.upsert([paper(1), paper(2)], at=NOW)
    lists = store.reading_lists
    for user, n in ((ADA, 1), (ADA, 2), (BOB, 1)):
        await lists.save(user, paper(n).id, at=NOW)

    assert await lists.unsave(ADA, paper(1).id)
    assert not await lists.unsave(ADA, paper(1).id)  # no longer saved
    assert [s.paper.id for s in await lists.list(ADA, limit=10)] == [paper(2).id]
    assert [s.paper.id for s in await lists.list(BOB, limit=10)] == [paper(1).id]


async def test_every_paper_is_read_once_in_batches_in_the_order_its_text_changed(
    store: Store,
) -> None:
    await store.papers.upsert([paper(n) for n in range(1, 6)], at=NOW)
    await store.papers.upsert([dataclasses.replace(paper(1), abstract="A new abstract.")], at=NOW)

    in_twos = [p.id for p in [p async for p in store.papers.iter_all(batch=2)]]
    at_once = [p.id for p in [p async for p in store.papers.iter_all()]]

    expected = [paper(n).id for n in (2, 3, 4, 5, 1)]
    assert in_twos == expected
    assert at_once == expected


async def test_follows_are_told_apart_by_kind_words_and_channel_and_numbered_in_order(
    store: Store,
) -> None:
    follows = store.follows
    assert await follows.add(ADA, "author", "Ada Lovelace", at=NOW)
    assert await follows.add(BOB, "author", "Ada Lovelace", at=NOW)
    assert await follows.add(ADA, "words", "Ada Lovelace", at=NOW)
    assert await follows.add(ADA, "words", "analytical engine", at=NOW)
    assert await follows.add(ADA, "words", "analytical engine", channel="C1", at=NOW)
    assert not await follows.add(ADA, "words", "analytical engine", channel="C1", at=NOW)

    assert [f.id for f in await follows.of(ADA)] == [1, 3, 4, 5]
    assert [f.id for f in await follows.of(BOB)] == [2]


async def test_forgetting_a_workspace_keeps_another_platforms_of_the_same_id(
    store: Store,
) -> None:
    follows = store.follows
    await follows.add(ADA, "author", "Ada", at=NOW)
    await follows.add(DISCORD_ADA, "author", "Ada", at=NOW)
    await follows.claim("discord", "T1", "user:U1", ["a"], at=NOW)

    assert await follows.remove_workspace("slack", "T1") == 1

    assert len(await follows.of(DISCORD_ADA)) == 1
    assert await follows.claim("discord", "T1", "user:U1", ["a"], at=NOW) == []


async def test_leases_of_different_names_are_held_renewed_and_released_apart(
    store: Store,
) -> None:
    leases, ttl = store.leases, timedelta(minutes=5)
    assert await leases.try_acquire("ingest", "a", now=NOW, ttl=ttl)
    assert await leases.try_acquire("catch-up", "a", now=NOW, ttl=ttl)

    assert await leases.renew("ingest", "a", now=NOW + ttl / 2, ttl=ttl)
    await leases.release("catch-up", "a")

    assert await leases.holder("catch-up", now=NOW) is None
    assert await leases.holder("ingest", now=NOW + ttl) == "a"  # renewed at the half
    assert await leases.holder("ingest", now=NOW + ttl * 3 / 2) is None  # to the second
    assert not await leases.renew("catch-up", "a", now=NOW, ttl=ttl)


async def test_marking_read_is_one_persons_mark(store: Store) -> None:
    await store.papers.upsert([paper(1)], at=NOW)
    for user in (ADA, BOB):
        await store.reading_lists.save(user, paper(1).id, at=NOW)

    assert await store.reading_lists.mark_read(ADA, paper(1).id, at=NOW)

    [bobs] = await store.reading_lists.list(BOB, limit=10)
    assert bobs.read_at is None


async def test_a_failed_paper_is_forgotten_only_in_its_channel_and_only_while_posting(
    store: Store,
) -> None:
    items, day = store.digest_items, date(2025, 3, 13)
    p1, p2 = paper(1).id, paper(2).id
    await store.papers.upsert([paper(1), paper(2)], at=NOW)
    here, there = ChannelRef("slack", "T1", "C1"), ChannelRef("slack", "T1", "C2")
    for channel in (here, there):
        await store.digest_runs.claim(channel, day, at=NOW)
        assert await items.begin(channel, day, p1, position=0, at=NOW)
    assert await items.begin(here, day, p2, position=1, at=NOW)
    await items.sent(here, p2, "m2", at=NOW)

    await items.forget(here, p1)
    await items.forget(here, p2)  # sent: stays

    assert await items.sent_papers(here) == {p2}
    assert await items.sent_papers(there) == {p1}


async def test_a_released_preview_frees_only_its_own_channel(store: Store) -> None:
    previews, cooldown = store.previews, timedelta(hours=1)
    here, there = ChannelRef("slack", "T1", "C1"), ChannelRef("slack", "T1", "C2")
    assert await previews.claim(here, at=NOW, cooldown=cooldown) is None
    assert await previews.claim(there, at=NOW, cooldown=cooldown) is None

    await previews.release(here, at=NOW + timedelta(minutes=1))  # not the one claimed
    assert await previews.claim(here, at=NOW, cooldown=cooldown) == NOW
    await previews.release(here, at=NOW)

    assert await previews.claim(here, at=NOW, cooldown=cooldown) is None
    assert await previews.claim(there, at=NOW, cooldown=cooldown) == NOW


async def test_forgetting_a_slack_workspace_keeps_a_discord_guild_of_the_same_id(
    store: Store,
) -> None:
    for user in (ADA, DISCORD_ADA):
        await store.weekly_foryou.put(WeeklyForYou(user, 4, time(16), "UTC"), at=NOW)
        channel = ChannelRef(user.platform, user.workspace, "C1")
        await store.digest_ranks.put(channel, "team")

    await store.weekly_foryou.remove_workspace("slack", "T1")
    await store.digest_ranks.remove_workspace("slack", "T1")

    assert [w.user for w in await store.weekly_foryou.active()] == [DISCORD_ADA]
    assert await store.digest_ranks.get(ChannelRef("discord", "T1", "C1")) == "team"
    assert await store.digest_ranks.get(ChannelRef("slack", "T1", "C1")) == "votes"
