"""Edges of the store's contract, on SQLite and PostgreSQL: unsaving one paper of one
person, reading every paper in batches in the order its text last changed, follows told
apart by kind, words and channel and numbered in the order made, a workspace of one
platform forgotten without another platform's of the same id."""

from __future__ import annotations

import dataclasses
from datetime import date

from paperboy.core.models import Paper, UserRef
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
