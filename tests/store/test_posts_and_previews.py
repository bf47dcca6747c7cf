"""What the bot posted, on SQLite and PostgreSQL: which paper each message shows, the
papers a channel saved most after the bot posted them there (`top`), the preview
cooldown of each channel, and the short keys of page references that chat buttons carry."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from pathlib import Path

from paperboy.core.models import ChannelRef, Paper, PostRef, UserRef
from paperboy.store import Store, parse_location
from tests.conftest import NOW

HERE = ChannelRef("slack", "T1", "C1")
THERE = ChannelRef("slack", "T1", "C2")


def paper(n: int) -> Paper:
    return Paper(f"2503.0000{n}", f"Paper {n}", f"Abstract {n}.", featured=date(2025, 3, 13))


def ids(*numbers: int) -> list[str]:
    return [paper(n).id for n in numbers]


async def test_a_message_posted_again_names_the_paper_it_shows_now(store: Store) -> None:
    await store.papers.upsert([paper(1), paper(2)], at=NOW)
    post = PostRef(HERE, "m1")
    await store.posts.record(post, paper(1).id, at=NOW)
    await store.posts.record(PostRef(HERE, "m2"), paper(1).id, at=NOW)
    await store.posts.record(post, paper(2).id, at=NOW + timedelta(minutes=1))  # edited

    assert await store.posts.paper_for(post) == paper(2).id
    assert await store.posts.paper_for(PostRef(HERE, "m2")) == paper(1).id
    assert await store.posts.paper_for(PostRef(HERE, "m3")) is None
    assert await store.posts.paper_for(PostRef(THERE, "m1")) is None


async def saves(store: Store, paper_n: int, *, at: timedelta, by: str, where: str = "T1") -> None:
    await store.reading_lists.save(UserRef("slack", where, by), paper(paper_n).id, at=NOW + at)


async def test_the_most_saved_count_saves_of_the_workspace_after_the_channels_post(
    store: Store,
) -> None:
    await store.papers.upsert([paper(n) for n in range(1, 9)], at=NOW)
    hour = timedelta(hours=1)
    for n, posted in ((1, 0), (2, 0), (3, 0), (4, 2), (8, 0)):
        await store.posts.record(PostRef(HERE, f"m{n}"), paper(n).id, at=NOW + posted * hour)
    await store.posts.record(PostRef(HERE, "m4-again"), paper(4).id, at=NOW + 4 * hour)
    await store.posts.record(PostRef(THERE, "m5"), paper(5).id, at=NOW)  # another channel's
    await store.posts.record(PostRef(HERE, "m6"), paper(6).id, at=NOW - 48 * hour)

    for user in ("U1", "U2", "U3"):
        await saves(store, 1, at=hour, by=user)
    await saves(store, 1, at=hour, by="U1", where="T2")  # another workspace's save
    await store.reading_lists.save(UserRef("discord", "T1", "U1"), paper(1).id, at=NOW + hour)
    for user in ("U1", "U2"):
        await saves(store, 2, at=hour, by=user)
        await saves(store, 3, at=3 * hour, by=user)  # as many, saved more recently
    await saves(store, 4, at=hour, by="U1")  # before the bot posted it here: not counted
    await saves(store, 4, at=3 * hour, by="U2")
    await saves(store, 8, at=3 * hour, by="U1")  # as many as 4, as recent: by id
    await saves(store, 5, at=hour, by="U1")
    await saves(store, 6, at=-24 * hour, by="U1")  # before `since`
    await saves(store, 6, at=hour / 2, by="U2")
    await saves(store, 7, at=hour, by="U1")  # never posted

    since = NOW - hour
    top = await store.posts.most_saved(HERE, since=since, limit=10)
    assert top == [(ids(1)[0], 3), (ids(3)[0], 2), (ids(2)[0], 2)] + [
        (paper_id, 1) for paper_id in ids(4, 8, 6)
    ]
    assert await store.posts.most_saved(HERE, since=since, limit=2) == top[:2]
    assert await store.posts.most_saved(THERE, since=since, limit=10) == [(ids(5)[0], 1)]
    later = [(ids(3)[0], 2), (ids(4)[0], 1), (ids(8)[0], 1)]
    assert await store.posts.most_saved(HERE, since=NOW + 2 * hour, limit=10) == later
    # a save at the very moment `since` counts
    assert await store.posts.most_saved(HERE, since=NOW + 3 * hour, limit=10) == later


async def test_a_preview_waits_out_its_channels_cooldown_to_the_second(store: Store) -> None:
    previews, cooldown = store.previews, timedelta(minutes=30)
    assert await previews.claim(HERE, at=NOW, cooldown=cooldown) is None
    assert await previews.claim(THERE, at=NOW + timedelta(minutes=10), cooldown=cooldown) is None

    almost = NOW + cooldown - timedelta(seconds=1)
    assert await previews.claim(HERE, at=almost, cooldown=cooldown) == NOW
    assert await previews.claim(HERE, at=NOW + cooldown, cooldown=cooldown) is None
    # the new preview's time counts from now on
    later = NOW + cooldown + timedelta(minutes=1)
    assert await previews.claim(HERE, at=later, cooldown=cooldown) == NOW + cooldown
    assert await previews.claim(THERE, at=later, cooldown=cooldown) == NOW + timedelta(minutes=10)
    assert await previews.claim(HERE, at=later, cooldown=timedelta(0)) is None


async def test_a_page_reference_is_kept_under_a_short_stable_key_across_restarts(
    store: Store, store_location: Path | str
) -> None:
    long_ref = "search:" + "mixture of experts " * 20
    key = await store.page_refs.shorten(long_ref, at=NOW)
    assert await store.page_refs.shorten(long_ref, at=NOW + timedelta(days=1)) == key
    other = await store.page_refs.shorten(long_ref + "!", at=NOW)

    assert other != key
    for short in (key, other):  # fits a Discord button's custom id beside its prefix
        assert re.fullmatch(r"[A-Za-z0-9_-]{16,32}", short)
    assert await store.page_refs.expand(key) == long_ref
    assert await store.page_refs.expand(other) == long_ref + "!"
    assert await store.page_refs.expand("no-such-key") is None
    location = parse_location(store_location) if isinstance(store_location, str) else store_location
    async with await Store.open(location, holder="replica-2/1/beef") as restarted:
        assert await restarted.page_refs.expand(key) == long_ref
        assert await restarted.page_refs.shorten(long_ref, at=NOW) == key


async def test_a_reaction_while_the_post_is_queued_behind_other_writes_finds_its_paper(
    store: Store,
) -> None:
    """Reacted to at once, while the store was busy: the lookup misses, then asks again
    behind the writes already queued (the post's among them) and finds the paper."""
    await store.papers.upsert([paper(1)], at=NOW)
    post = PostRef(HERE, "m1")
    async with store.db.transaction():  # e.g. a digest recording what it posted
        recording = asyncio.create_task(store.posts.record(post, paper(1).id, at=NOW))
        await asyncio.sleep(0)  # the post's recording is asked for first
        lookup = asyncio.create_task(store.posts.paper_for(post))
        for _ in range(3):  # reads go on meanwhile (the lookup's first one among them)
            await store.papers.count()
    await recording
    assert await lookup == paper(1).id
