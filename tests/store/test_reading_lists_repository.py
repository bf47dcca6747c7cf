"""A person's lists, on SQLite and PostgreSQL: the reading list (saved papers, read
marks, pages of it) and the "not for me" marks. Each is one person's in one workspace
of one platform, in the order the person made it, and every change says whether it
changed anything."""

from __future__ import annotations

from datetime import date, timedelta

from paperboy.core.models import Paper, UserRef
from paperboy.store import Store
from tests.conftest import NOW

ADA = UserRef("slack", "T1", "U1")
# Each differs from Ada in one part only: nothing of Ada's is theirs.
NOT_ADA = (
    UserRef("slack", "T1", "U2"),
    UserRef("slack", "T2", "U1"),
    UserRef("discord", "T1", "U1"),
)


def paper(n: int) -> Paper:
    return Paper(f"2503.0000{n}", f"Paper {n}", f"Abstract {n}.", featured=date(2025, 3, 13))


async def test_saves_of_the_same_instant_list_newest_first_in_the_order_made(
    store: Store,
) -> None:
    await store.papers.upsert([paper(n) for n in range(1, 4)], at=NOW)
    lists = store.reading_lists
    for n in (2, 1, 3):
        assert await lists.save(ADA, paper(n).id, at=NOW)

    expected = [paper(n).id for n in (3, 1, 2)]
    assert [s.paper.id for s in await lists.list(ADA, limit=10)] == expected
    assert [paper_id for paper_id, _ in await lists.titles(ADA)] == expected


async def test_the_list_is_ordered_by_when_saved_not_by_the_order_of_the_writes(
    store: Store,
) -> None:
    """A save stamped earlier (a retried write) lists below one saved after it."""
    await store.papers.upsert([paper(1), paper(2)], at=NOW)
    lists = store.reading_lists
    await lists.save(ADA, paper(1).id, at=NOW + timedelta(minutes=5))
    await lists.save(ADA, paper(2).id, at=NOW)

    items = await lists.list(ADA, limit=10)
    assert [(s.paper.id, s.saved_at) for s in items] == [
        (paper(1).id, NOW + timedelta(minutes=5)),
        (paper(2).id, NOW),
    ]
    assert await lists.titles(ADA) == [(paper(1).id, "Paper 1"), (paper(2).id, "Paper 2")]


async def test_a_page_of_the_reading_list_is_its_limit_from_its_offset(store: Store) -> None:
    await store.papers.upsert([paper(n) for n in range(1, 6)], at=NOW)
    lists = store.reading_lists
    for n in range(1, 6):
        await lists.save(ADA, paper(n).id, at=NOW + timedelta(minutes=n))

    newest_first = [paper(n).id for n in (5, 4, 3, 2, 1)]
    assert [s.paper.id for s in await lists.list(ADA, limit=2)] == newest_first[:2]
    assert [s.paper.id for s in await lists.list(ADA, limit=2, offset=2)] == newest_first[2:4]
    assert [s.paper.id for s in await lists.list(ADA, limit=2, offset=4)] == newest_first[4:]
    assert await lists.list(ADA, limit=2, offset=5) == []
    assert await lists.count(ADA) == 5


async def test_a_paper_read_keeps_when_it_was_read_and_only_that_paper_is_read(
    store: Store,
) -> None:
    await store.papers.upsert([paper(1), paper(2)], at=NOW)
    lists, later = store.reading_lists, NOW + timedelta(hours=2)
    await lists.save(ADA, paper(1).id, at=NOW)
    await lists.save(ADA, paper(2).id, at=NOW + timedelta(minutes=1))

    assert await lists.mark_read(ADA, paper(1).id, at=later)
    assert not await lists.mark_read(ADA, paper(1).id, at=later + timedelta(hours=1))
    assert not await lists.mark_read(ADA, paper(3).id, at=later)  # not saved

    items = {s.paper.id: s for s in await lists.list(ADA, limit=10)}
    assert items[paper(1).id].read_at == later  # the first reading, not the second
    assert items[paper(2).id].read_at is None
    assert items[paper(2).id].unread


async def test_is_saved_and_count_are_one_persons(store: Store) -> None:
    await store.papers.upsert([paper(1), paper(2)], at=NOW)
    lists = store.reading_lists
    await lists.save(ADA, paper(1).id, at=NOW)
    await lists.save(ADA, paper(2).id, at=NOW)

    assert await lists.is_saved(ADA, paper(1).id)
    assert await lists.count(ADA) == 2
    for other in NOT_ADA:
        assert not await lists.is_saved(other, paper(1).id)
        assert await lists.count(other) == 0
        assert await lists.titles(other) == []
        assert not await lists.mark_read(other, paper(1).id, at=NOW)
    assert await lists.unsave(ADA, paper(1).id)
    assert not await lists.is_saved(ADA, paper(1).id)
    assert await lists.is_saved(ADA, paper(2).id)
    assert await lists.count(ADA) == 1


async def test_another_persons_save_of_the_same_paper_is_their_own(store: Store) -> None:
    await store.papers.upsert([paper(1)], at=NOW)
    lists = store.reading_lists
    assert await lists.save(ADA, paper(1).id, at=NOW)
    for other in NOT_ADA:
        assert await lists.save(other, paper(1).id, at=NOW)
        assert await lists.count(other) == 1
    assert await lists.count(ADA) == 1


async def test_marks_are_newest_first_in_the_order_made_and_one_persons(store: Store) -> None:
    await store.papers.upsert([paper(n) for n in range(3)], at=NOW)
    marks = store.marks
    assert await marks.mark(ADA, paper(1).id, at=NOW)
    assert await marks.mark(ADA, paper(2).id, at=NOW)  # the same instant: made after p1
    assert await marks.mark(ADA, paper(0).id, at=NOW - timedelta(days=1))  # stamped earlier
    assert not await marks.mark(ADA, paper(2).id, at=NOW + timedelta(hours=1))

    assert await marks.marked(ADA) == [paper(2).id, paper(1).id, paper(0).id]
    for other in NOT_ADA:
        assert await marks.marked(other) == []
        assert not await marks.unmark(other, paper(2).id)
        assert await marks.mark(other, paper(2).id, at=NOW)
        assert await marks.marked(other) == [paper(2).id]
    assert await marks.marked(ADA) == [paper(2).id, paper(1).id, paper(0).id]


async def test_unmarking_takes_off_one_mark_once(store: Store) -> None:
    await store.papers.upsert([paper(1), paper(2)], at=NOW)
    marks = store.marks
    await marks.mark(ADA, paper(1).id, at=NOW)
    await marks.mark(ADA, paper(2).id, at=NOW)

    assert await marks.unmark(ADA, paper(1).id)
    assert not await marks.unmark(ADA, paper(1).id)
    assert await marks.marked(ADA) == [paper(2).id]
    assert await marks.mark(ADA, paper(1).id, at=NOW)  # marked again after all
    assert await marks.marked(ADA) == [paper(1).id, paper(2).id]
