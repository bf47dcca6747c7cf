"""The papers as the store keeps them, on SQLite and PostgreSQL: what a re-import merges
into a stored paper field by field, the counts an import reports, the lookups behind
autocomplete (`suggest`), `trend` (`dated`), `top` (`trending`) and the search index's
follow-up (`version`, `changes_since`), each at its edges."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

from paperboy.core.models import Paper
from paperboy.core.ports import DatedPaper, PapersVersion
from paperboy.store import Store

DAY = date(2025, 3, 13)

FULL = Paper(
    id="2503.00001",
    title="Low-rank adaptation, again",
    abstract="We adapt large models cheaply.",
    authors=("Jürgen Schmidhuber", "Ada Lovelace"),
    published=date(2025, 3, 10),
    featured=DAY,
    upvotes=12,
    github_url="https://github.com/ada/lora",
    project_url="https://ada.example/lora",
    thumbnail_url="https://cdn.example/lora.png",
    ai_summary="Cheaper fine-tuning.",
    keywords=("lora", "fine-tuning"),
    categories=("cs.LG", "cs.CL"),
    doi="10.1000/lora",
    journal_ref="J. Adapt. 1 (2025)",
    page_url="https://ada.example/papers/lora",
)
OPTIONAL = (
    "github_url",
    "project_url",
    "thumbnail_url",
    "ai_summary",
    "doi",
    "journal_ref",
    "page_url",
)


def paper(n: int, **fields: object) -> Paper:
    return dataclasses.replace(
        Paper(f"2503.{n:05d}", f"Paper {n}", f"Abstract {n}.", featured=DAY), **fields
    )


async def test_a_paper_comes_back_as_it_was_stored_field_by_field(
    store: Store, now: datetime
) -> None:
    bare = Paper("team-001", "Our own paper", "Written here.")
    await store.papers.upsert([FULL, bare], at=now)

    assert await store.papers.get(FULL.id) == FULL
    assert await store.papers.get(bare.id) == bare
    assert await store.papers.get("2503.99999") is None
    # Names are kept as written, readable to anyone who opens the database.
    [row] = await store.db.fetchall("SELECT authors FROM papers WHERE id = '2503.00001'")
    assert row[0] == '["Jürgen Schmidhuber", "Ada Lovelace"]'


async def test_a_reimport_merges_field_by_field(store: Store, now: datetime) -> None:
    """New text wins unless empty, a missing optional field keeps the stored one, a
    given one replaces it, upvotes never go down, the first featured day stays."""
    await store.papers.upsert([FULL], at=now)
    sparse = Paper(FULL.id, "", "", upvotes=3, featured=DAY + timedelta(days=7))

    counts = await store.papers.upsert([sparse], at=now)

    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 1)
    assert await store.papers.get(FULL.id) == FULL

    newer = Paper(
        FULL.id,
        "LoRA, revised",
        "A new abstract.",
        authors=("Grace Hopper",),
        published=date(2025, 3, 11),
        featured=DAY + timedelta(days=7),
        upvotes=40,
        keywords=("adapters",),
        categories=("cs.AI",),
        **{name: f"{name} v2" for name in OPTIONAL},  # type: ignore[arg-type]
    )
    counts = await store.papers.upsert([newer], at=now)

    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 0)
    assert await store.papers.get(FULL.id) == dataclasses.replace(newer, featured=DAY)


async def test_a_paper_featured_only_now_gets_its_day(store: Store, now: datetime) -> None:
    await store.papers.upsert([paper(1, featured=None, published=DAY)], at=now)

    await store.papers.upsert([paper(1, featured=DAY + timedelta(days=1), published=None)], at=now)

    stored = await store.papers.get(paper(1).id)
    assert stored is not None
    assert (stored.featured, stored.published) == (DAY + timedelta(days=1), DAY)


async def test_any_one_field_changed_counts_the_paper_updated(store: Store, now: datetime) -> None:
    changes: dict[str, object] = {
        "title": "Another title",
        "abstract": "Another abstract.",
        "authors": ("Grace Hopper",),
        "published": date(2025, 3, 1),
        "upvotes": 13,
        "keywords": ("other",),
        "categories": ("cs.AI",),
        **{name: f"another {name}" for name in OPTIONAL},
    }
    for n, (name, value) in enumerate(changes.items()):
        stored = dataclasses.replace(FULL, id=f"2503.1{n:04d}")
        await store.papers.upsert([stored], at=now)
        changed = dataclasses.replace(stored, **{name: value})

        counts = await store.papers.upsert([changed], at=now)

        assert (counts.updated, counts.unchanged) == (1, 0), name
        assert await store.papers.get(stored.id) == changed, name


async def test_only_the_indexed_text_tells_the_search_index_to_read_a_paper_again(
    store: Store, now: datetime
) -> None:
    """Each case also gets one more upvote, so that the paper is written either way."""
    cases: list[tuple[dict[str, object], bool]] = [
        ({}, False),
        ({"keywords": ("other",)}, False),
        ({"doi": "10.1/other"}, False),
        ({"title": ""}, False),  # empty: the stored text stays
        ({"abstract": ""}, False),
        ({"authors": ()}, False),
        ({"title": "Another title"}, True),
        ({"abstract": "Another abstract."}, True),
        ({"authors": ("Grace Hopper",)}, True),
    ]
    for n, (fields, read_again) in enumerate(cases):
        stored = dataclasses.replace(FULL, id=f"2503.2{n:04d}")
        await store.papers.upsert([stored], at=now)
        before = (await store.papers.version()).text_seq

        changed = dataclasses.replace(stored, upvotes=stored.upvotes + 1, **fields)  # type: ignore[arg-type]
        assert (await store.papers.upsert([changed], at=now)).updated == 1

        changed_text = [p.id async for p in store.papers.iter_all(after_seq=before)]
        assert changed_text == ([stored.id] if read_again else []), fields


async def test_an_import_counts_new_updated_and_unchanged_papers_and_names_the_new(
    store: Store, now: datetime
) -> None:
    await store.papers.upsert([paper(1), paper(2)], at=now)
    batch = [
        paper(3),
        paper(1, upvotes=5),
        paper(2),
        paper(4, upvotes=-3),  # a source's nonsense: stored as none
        paper(3, title="Paper 3, the later copy wins"),
    ]

    counts = await store.papers.upsert(batch, at=now)

    assert (counts.inserted, counts.updated, counts.unchanged) == (2, 1, 1)
    assert counts.new_ids == (paper(3).id, paper(4).id)
    assert await store.papers.count() == 4
    third, fourth = await store.papers.get(paper(3).id), await store.papers.get(paper(4).id)
    assert third is not None
    assert third.title == "Paper 3, the later copy wins"
    assert fourth is not None
    assert fourth.upvotes == 0
    assert (await store.papers.upsert([], at=now)).describe() == "0 new, 0 updated, 0 unchanged"


async def test_a_large_import_is_counted_and_read_back_whole(store: Store, now: datetime) -> None:
    """More papers than one statement takes at once (500)."""
    many = [paper(n) for n in range(1, 1202)]
    await store.papers.upsert(many[:600], at=now)

    counts = await store.papers.upsert(
        [dataclasses.replace(p, upvotes=1) if p.id.endswith("7") else p for p in many], at=now
    )

    assert (counts.inserted, counts.updated, counts.unchanged) == (601, 60, 540)
    assert counts.new_ids == tuple(p.id for p in many[600:])
    wanted = [p.id for p in many] + [many[0].id, "2503.99999"]
    found = await store.papers.get_many(wanted)
    assert sorted(found) == sorted(p.id for p in many)
    assert found[many[0].id] == many[0]
    assert found[many[1100].id] == many[1100]
    assert found[many[16].id].upvotes == 1


async def test_an_import_is_dated_by_its_time_and_read_in_the_order_written(
    store: Store, now: datetime
) -> None:
    assert await store.papers.version() == PapersVersion(0, 0, "")
    assert await store.papers.latest_change() == 0
    assert await store.papers.changes_since(0, limit=10) == []

    await store.papers.upsert([paper(1), paper(2), paper(3)], at=now)
    assert [p.id async for p in store.papers.iter_all()] == [paper(n).id for n in (1, 2, 3)]
    later = now + timedelta(hours=1)
    await store.papers.upsert([paper(1, upvotes=4, title="Paper 1, retitled")], at=later)

    assert await store.papers.version() == PapersVersion(3, 4, later.isoformat())
    assert await store.papers.latest_change() == 4
    changes = await store.papers.changes_since(0, limit=10)
    assert [(seq, p.id) for seq, p in changes] == [
        (2, paper(2).id),
        (3, paper(3).id),
        (4, paper(1).id),
    ]
    assert (changes[-1][1].upvotes, changes[-1][1].title) == (4, "Paper 1, retitled")
    assert [seq for seq, _ in await store.papers.changes_since(2, limit=1)] == [3]
    assert await store.papers.changes_since(4, limit=10) == []


async def test_top_pages_through_a_span_most_upvoted_then_newest_then_by_id(
    store: Store, now: datetime
) -> None:
    await store.papers.upsert(
        [
            paper(1, upvotes=10),
            paper(2, upvotes=10, featured=DAY - timedelta(days=1)),
            paper(3, upvotes=10),
            paper(4, upvotes=30, featured=DAY - timedelta(days=2)),
            paper(5, upvotes=50, featured=DAY - timedelta(days=3)),  # before the span
            paper(6, upvotes=50, featured=DAY + timedelta(days=1)),  # after it
            paper(7, upvotes=50, featured=None),
        ],
        at=now,
    )
    # Two more of one day and one count, written in the other order (ids 9, then 8).
    for n in (9, 8):
        await store.papers.upsert([paper(n, upvotes=20)], at=now)
    span = {"since": DAY - timedelta(days=2), "until": DAY}

    first = await store.papers.trending(**span, limit=3)
    second = await store.papers.trending(**span, limit=3, offset=3)

    assert [p.id for p in first + second] == [paper(n).id for n in (4, 8, 9, 1, 3, 2)]
    assert await store.papers.trending(**span, limit=2, offset=6) == []


async def test_the_latest_featured_day_is_on_or_before_the_one_asked(
    store: Store, now: datetime
) -> None:
    later = DAY + timedelta(days=7)
    await store.papers.upsert([paper(1), paper(2, featured=later), paper(3, featured=None)], at=now)

    assert await store.papers.latest_featured_day(on_or_before=later) == later
    assert await store.papers.latest_featured_day(on_or_before=later - timedelta(1)) == DAY
    assert await store.papers.latest_featured_day(on_or_before=DAY) == DAY
    assert await store.papers.latest_featured_day(on_or_before=DAY - timedelta(1)) is None


async def test_a_trend_reads_each_paper_by_its_featured_else_published_day(
    store: Store, now: datetime
) -> None:
    await store.papers.upsert(
        [
            paper(1, upvotes=3),
            paper(2, featured=None, published=DAY - timedelta(days=6), upvotes=7),
            paper(3, featured=DAY + timedelta(days=1), published=DAY - timedelta(days=30)),
            paper(4, featured=DAY - timedelta(days=7)),  # the day before the span
            paper(5, featured=None, published=None),
        ],
        at=now,
    )

    dated = await store.papers.dated(since=DAY - timedelta(days=6), until=DAY + timedelta(days=1))

    assert sorted(dated) == [
        DatedPaper(paper(1).id, DAY, 3),
        DatedPaper(paper(2).id, DAY - timedelta(days=6), 7),
        DatedPaper(paper(3).id, DAY + timedelta(days=1), 0),
    ]
    assert await store.papers.dated(since=DAY + timedelta(days=2), until=DAY + timedelta(9)) == []


async def test_autocomplete_offers_papers_whose_id_or_title_starts_with_what_was_typed(
    store: Store, now: datetime
) -> None:
    await store.papers.upsert(
        [
            paper(1, title="Attention is all you need", upvotes=5),
            paper(2, title="Attention sinks", upvotes=50),
            paper(3, title="All about attention", featured=DAY + timedelta(days=1)),
            paper(4, title="Mixture of experts", featured=DAY + timedelta(days=2)),
        ],
        at=now,
    )

    by_title = await store.papers.suggest("Attention")
    by_id = await store.papers.suggest("2503.0000")

    assert [p.id for p in by_title] == [paper(2).id, paper(1).id]
    assert [p.id for p in by_id] == [paper(n).id for n in (4, 3, 2, 1)]
    assert [p.title for p in await store.papers.suggest("Mix")] == ["Mixture of experts"]
    assert [p.id for p in await store.papers.suggest("2503.0000", limit=2)] == [
        paper(4).id,
        paper(3).id,
    ]
    assert await store.papers.suggest("experts") == []


async def test_autocomplete_takes_what_was_typed_literally(store: Store, now: datetime) -> None:
    await store.papers.upsert(
        [
            paper(1, title="50% fewer parameters"),
            paper(2, title="500 ways to prune"),
            paper(3, title="a_b testing for models"),
            paper(4, title="axb is not a_b"),
            paper(5, title="C:\\data\\sets, a path"),
            paper(6, title="C:%data"),
            Paper("team_001", "Our first", "Ours."),
            Paper("teamx002", "Theirs", "Not ours."),
        ],
        at=now,
    )

    def titles(found: list[Paper]) -> list[str]:
        return [p.title for p in found]

    assert titles(await store.papers.suggest("50%")) == ["50% fewer parameters"]
    assert titles(await store.papers.suggest("a_")) == ["a_b testing for models"]
    assert titles(await store.papers.suggest("C:\\")) == ["C:\\data\\sets, a path"]
    assert titles(await store.papers.suggest("C:%")) == ["C:%data"]
    assert [p.id for p in await store.papers.suggest("team_")] == ["team_001"]


async def test_autocomplete_offers_at_most_25_by_default(store: Store, now: datetime) -> None:
    await store.papers.upsert([paper(n, upvotes=n) for n in range(1, 31)], at=now)

    offered = await store.papers.suggest("Paper")

    assert [p.id for p in offered] == [paper(n).id for n in range(30, 5, -1)]


async def test_every_paper_is_read_once_in_batches_of_any_size(store: Store, now: datetime) -> None:
    await store.papers.upsert([paper(n) for n in range(1, 8)], at=now)
    await store.papers.upsert([paper(2, abstract="Rewritten.")], at=now)
    expected = [paper(n).id for n in (1, 3, 4, 5, 6, 7, 2)]

    for batch in (1, 3, 7, 8):
        assert [p.id async for p in store.papers.iter_all(batch=batch)] == expected, batch
    assert [p.id async for p in store.papers.iter_all(after_seq=6, batch=3)] == expected[-2:]
