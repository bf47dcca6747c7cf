"""Follows in the store, on SQLite and PostgreSQL: numbered in the order made, one of a
kind per person, a paper claimed once per place, a workspace's follows forgotten."""

from __future__ import annotations

from paperboy.core.models import UserRef
from paperboy.store import Store
from tests.conftest import NOW

ADA = UserRef("slack", "T1", "U1")
BOB = UserRef("slack", "T1", "U2")
ELSEWHERE = UserRef("slack", "T2", "U1")


async def test_follows_are_kept_in_order_once_each_and_removed_by_id(store: Store) -> None:
    follows = store.follows
    assert await follows.add(ADA, "author", "Yann LeCun", at=NOW)
    assert await follows.add(ADA, "words", "mixture of experts", channel="C1", at=NOW)
    assert not await follows.add(ADA, "author", "Yann LeCun", at=NOW)
    assert await follows.add(BOB, "author", "Yann LeCun", at=NOW)
    mine = await follows.of(ADA)
    assert [(f.kind, f.query, f.channel) for f in mine] == [
        ("author", "Yann LeCun", ""),
        ("words", "mixture of experts", "C1"),
    ]
    assert [f.destination for f in mine] == ["user:U1", "channel:C1"]
    assert await follows.remove(mine[0].id)
    assert not await follows.remove(mine[0].id)
    assert [f.query for f in await follows.of(ADA)] == ["mixture of experts"]
    assert len(await follows.every()) == 2


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
