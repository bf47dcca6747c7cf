"""Follows in the store, on SQLite and PostgreSQL: numbered in the order made, one of a
kind per person, a paper claimed once per place, a workspace's follows forgotten."""

from __future__ import annotations

import asyncio
from pathlib import Path

from paperboy.core.models import Follow, UserRef
from paperboy.store import Store, parse_location
from tests.conftest import NOW

ADA = UserRef("slack", "T1", "U1")
BOB = UserRef("slack", "T1", "U2")
ELSEWHERE = UserRef("slack", "T2", "U1")


async def test_follows_are_kept_in_order_once_each_and_removed_by_id(store: Store) -> None:
    follows = store.follows
    # Made in the order that sorts last by kind and words: `following` lists oldest first.
    assert await follows.add(ADA, "words", "mixture of experts", channel="C1", at=NOW)
    assert await follows.add(ADA, "author", "Yann LeCun", at=NOW)
    assert not await follows.add(ADA, "author", "Yann LeCun", at=NOW)
    assert await follows.add(BOB, "author", "Yann LeCun", at=NOW)
    mine = await follows.of(ADA)
    assert [(f.kind, f.query, f.channel) for f in mine] == [
        ("words", "mixture of experts", "C1"),
        ("author", "Yann LeCun", ""),
    ]
    assert [f.destination for f in mine] == ["channel:C1", "user:U1"]
    assert await follows.remove(mine[0].id)
    assert not await follows.remove(mine[0].id)
    assert [f.query for f in await follows.of(ADA)] == ["Yann LeCun"]
    assert len(await follows.every()) == 2


async def test_two_replicas_claiming_the_same_papers_at_once_claim_each_once(
    store: Store, store_location: Path | str
) -> None:
    """Two bots caught up with the same change announce the same papers at the same
    moment, listed in any order: each paper is claimed (and so sent) by one of them, and
    neither fails (claims that wait on each other's rows in opposite orders deadlocked
    on PostgreSQL)."""
    location = parse_location(store_location) if isinstance(store_location, str) else store_location
    papers = [f"2501.{n:05d}" for n in range(30)]
    async with await Store.open(location, holder="replica-2/2/beef") as other:
        mine, theirs = await asyncio.gather(
            store.follows.claim("slack", "T1", "user:U1", papers, at=NOW),
            other.follows.claim("slack", "T1", "user:U1", papers[::-1], at=NOW),
        )
    assert sorted(mine + theirs) == papers
    assert mine == [p for p in papers if p in mine]  # each in the order it was given
    assert theirs == [p for p in papers[::-1] if p in theirs]


async def test_a_paper_is_claimed_once_per_place(store: Store) -> None:
    follows = store.follows
    first = await follows.claim("slack", "T1", "user:U1", ["a", "b", "a"], at=NOW)
    assert first == ["a", "b"]
    assert await follows.claim("slack", "T1", "user:U1", ["b", "c"], at=NOW) == ["c"]
    assert await follows.claim("slack", "T1", "channel:C1", ["a"], at=NOW) == ["a"]
    assert await follows.claim("slack", "T2", "user:U1", ["a"], at=NOW) == ["a"]


async def test_leaving_a_workspace_forgets_its_follows_and_what_they_sent(store: Store) -> None:
    follows = store.follows
    await follows.add(ADA, "author", "Ada", at=NOW)
    await follows.add(ELSEWHERE, "author", "Ada", at=NOW)
    await follows.claim("slack", "T1", "user:U1", ["a"], at=NOW)
    assert await follows.remove_workspace("slack", "T1") == 1
    assert await follows.of(ADA) == []
    assert len(await follows.of(ELSEWHERE)) == 1
    assert await follows.claim("slack", "T1", "user:U1", ["a"], at=NOW) == ["a"]


async def test_every_follow_of_every_workspace_is_listed_by_number(store: Store) -> None:
    follows = store.follows
    discord = UserRef("discord", "T1", "U1")
    for owner, kind, query, channel in (
        (ELSEWHERE, "words", "graph neural networks", "C7"),
        (ADA, "author", "Yann LeCun", ""),
        (discord, "author", "Geoffrey Hinton", ""),
        (BOB, "words", "diffusion", "C1"),
    ):
        assert await follows.add(owner, kind, query, channel=channel, at=NOW)

    assert await follows.every() == [
        Follow(1, ELSEWHERE, "words", "graph neural networks", "C7"),
        Follow(2, ADA, "author", "Yann LeCun", ""),
        Follow(3, discord, "author", "Geoffrey Hinton", ""),
        Follow(4, BOB, "words", "diffusion", "C1"),
    ]
    assert await follows.of(discord) == [Follow(3, discord, "author", "Geoffrey Hinton", "")]
    assert await follows.remove(2)
    assert [f.id for f in await follows.every()] == [1, 3, 4]
    assert await follows.add(ADA, "author", "Yann LeCun", at=NOW)  # a new number, after the last
    assert [f.id for f in await follows.of(ADA)] == [5]


async def test_leaving_a_workspace_counts_every_follow_it_had(store: Store) -> None:
    follows = store.follows
    await follows.add(ADA, "author", "Ada", at=NOW)
    await follows.add(ADA, "words", "engines", at=NOW)
    await follows.add(BOB, "author", "Ada", channel="C1", at=NOW)
    await follows.add(ELSEWHERE, "author", "Ada", at=NOW)
    await follows.claim("slack", "T2", "user:U1", ["a"], at=NOW)

    assert await follows.remove_workspace("slack", "T1") == 3
    assert await follows.remove_workspace("slack", "T1") == 0
    assert [f.owner for f in await follows.every()] == [ELSEWHERE]
    assert await follows.claim("slack", "T2", "user:U1", ["a", "b"], at=NOW) == ["b"]


async def test_following_asked_while_a_follow_is_being_written_lists_it(store: Store) -> None:
    """`following` right after `follow`: asked while the new follow is still queued behind
    another write, the list waits for it instead of leaving it out."""
    async with store.db.transaction():  # the store is busy with another write
        adding = asyncio.create_task(store.follows.add(ADA, "author", "Ada", at=NOW))
        await asyncio.sleep(0)  # the follow is asked for first
        listing = asyncio.create_task(store.follows.of(ADA))
        for _ in range(3):  # reads go on meanwhile (a list that did not wait is done)
            await store.papers.count()
    assert await adding
    assert [f.query for f in await listing] == ["Ada"]
