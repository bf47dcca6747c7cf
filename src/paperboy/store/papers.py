"""Papers table: upsert without duplicates or data loss, lookups, trending, changes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from paperboy.core.models import Paper
from paperboy.core.ports import DatedPaper, PapersVersion, UpsertCounts
from paperboy.store.database import AnyRow, Database
from paperboy.store.schema import papers

# What a paper is made of: the columns a `Paper` is read from.
PAPER_COLUMNS = tuple(
    papers.c[name]
    for name in [
        "id",
        "title",
        "abstract",
        "authors",
        "published",
        "featured",
        "upvotes",
        "github_url",
        "project_url",
        "thumbnail_url",
        "ai_summary",
        "keywords",
        "categories",
        "doi",
        "journal_ref",
        "page_url",
    ]
)
# Paper writes are numbered (text_seq, change_seq) in the order they commit: one
# process at a time writes papers (see Database.serialize).
PAPER_WRITES = "paperboy.papers"
_CHUNK = 500  # ids per IN (...): well under SQLite's and asyncpg's parameter limits


def _merged(excluded: Any) -> dict[str, ColumnElement[Any]]:
    """On conflict: new text wins unless empty; optional fields keep the stored value
    when the new record lacks them; upvotes never go down; `featured` keeps the first
    day the paper was featured."""
    c = papers.c

    def unless_empty(name: str, empty: str) -> ColumnElement[Any]:
        return case((excluded[name] != empty, excluded[name]), else_=c[name])

    merged: dict[str, ColumnElement[Any]] = {
        "title": unless_empty("title", ""),
        "abstract": unless_empty("abstract", ""),
        "authors": unless_empty("authors", "[]"),
        "published": func.coalesce(excluded.published, c.published),
        "featured": func.coalesce(c.featured, excluded.featured),
        "upvotes": case((excluded.upvotes > c.upvotes, excluded.upvotes), else_=c.upvotes),
        "keywords": unless_empty("keywords", "[]"),
        "categories": unless_empty("categories", "[]"),
    }
    for name in [
        "github_url",
        "project_url",
        "thumbnail_url",
        "ai_summary",
        "doi",
        "journal_ref",
        "page_url",
    ]:
        merged[name] = func.coalesce(excluded[name], c[name])
    return merged


class PaperRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert(self, papers_: Sequence[Paper], *, at: datetime) -> UpsertCounts:
        """Store the papers in one transaction; a later duplicate id in the batch wins.

        Counts the papers that were new, that changed, and that were already
        stored exactly as merged (upvotes never go down, a missing field keeps
        the stored one). Each paper written takes the next change sequence; one
        left as it was takes none."""
        unique = list({paper.id: paper for paper in papers_}.values())
        if not unique:
            return UpsertCounts(0, 0)
        stamp = at.isoformat()
        async with self._db.transaction() as conn:
            await self._db.serialize(conn, PAPER_WRITES)
            existing = await _existing_ids(conn, [p.id for p in unique])
            text_seq, change_seq = await _last_sequences(conn)
            rows = []
            for n, paper in enumerate(unique, start=1):
                row = _to_row(paper)
                row.update(
                    text_seq=text_seq + n,
                    change_seq=change_seq + n,
                    added_at=stamp,
                    updated_at=stamp,
                )
                rows.append(row)
            written = 0
            for start in range(0, len(rows), _CHUNK):
                result = await conn.execute(_upsert(self._db), rows[start : start + _CHUNK])
                written += len(result.all())
        new_ids = tuple(p.id for p in unique if p.id not in existing)
        inserted = len(new_ids)
        updated = written - inserted
        return UpsertCounts(
            inserted=inserted, updated=updated, unchanged=len(unique) - written, new_ids=new_ids
        )

    async def get(self, paper_id: str) -> Paper | None:
        row = await self._db.fetchone(select(*PAPER_COLUMNS).where(papers.c.id == paper_id))
        return paper_from_row(row) if row else None

    async def get_many(self, paper_ids: Sequence[str]) -> dict[str, Paper]:
        found: dict[str, Paper] = {}
        ids = list(dict.fromkeys(paper_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = await self._db.fetchall(select(*PAPER_COLUMNS).where(papers.c.id.in_(chunk)))
            found.update((row.id, paper_from_row(row)) for row in rows)
        return found

    async def trending(
        self, *, since: date, until: date, limit: int, offset: int = 0
    ) -> list[Paper]:
        """Papers featured between the two days (inclusive), most upvoted first."""
        c = papers.c
        rows = await self._db.fetchall(
            select(*PAPER_COLUMNS)
            .where(c.featured.between(since.isoformat(), until.isoformat()))
            .order_by(c.upvotes.desc(), c.featured.desc(), c.id)
            .limit(limit)
            .offset(offset)
        )
        return [paper_from_row(row) for row in rows]

    async def latest_featured_day(self, *, on_or_before: date) -> date | None:
        row = await self._db.fetchone(
            select(func.max(papers.c.featured)).where(papers.c.featured <= on_or_before.isoformat())
        )
        return date.fromisoformat(row[0]) if row and row[0] else None

    async def dated(self, *, since: date, until: date) -> list[DatedPaper]:
        """Every paper whose day (featured, else published) is between the two, inclusive:
        read from the index `papers_by_day` alone (the expression must stay the same)."""
        day_of = func.coalesce(papers.c.featured, papers.c.published)
        rows = await self._db.fetchall(
            select(papers.c.id, day_of, papers.c.upvotes).where(
                day_of.between(since.isoformat(), until.isoformat())
            )
        )
        day = date.fromisoformat
        return [DatedPaper(row[0], day(row[1]), row[2]) for row in rows]

    async def suggest(self, prefix: str, *, limit: int = 25) -> list[Paper]:
        """Papers whose id or title starts with the prefix (for autocomplete)."""
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        c = papers.c
        rows = await self._db.fetchall(
            select(*PAPER_COLUMNS)
            .where(or_(c.id.like(like, escape="\\"), c.title.like(like, escape="\\")))
            .order_by(c.featured.desc(), c.upvotes.desc())
            .limit(limit)
        )
        return [paper_from_row(row) for row in rows]

    async def count(self) -> int:
        row = await self._db.fetchone(select(func.count()).select_from(papers))
        return int(row[0]) if row else 0

    async def version(self) -> PapersVersion:
        c = papers.c
        row = await self._db.fetchone(
            select(
                func.count(),
                func.coalesce(func.max(c.text_seq), 0),
                func.coalesce(func.max(c.updated_at), ""),
            ).select_from(papers)
        )
        return (
            PapersVersion(int(row[0]), int(row[1]), str(row[2])) if row else PapersVersion(0, 0, "")
        )

    async def iter_all(self, *, after_seq: int = 0, batch: int = 5000) -> AsyncIterator[Paper]:
        """Every paper whose text changed after `after_seq`, in text_seq order."""
        last = after_seq
        while True:
            rows = await self._db.fetchall(
                select(*PAPER_COLUMNS, papers.c.text_seq)
                .where(papers.c.text_seq > last)
                .order_by(papers.c.text_seq)
                .limit(batch)
            )
            for row in rows:
                yield paper_from_row(row)
            if len(rows) < batch:
                return
            last = int(rows[-1].text_seq)

    async def changes_since(self, sequence: int, *, limit: int) -> list[tuple[int, Paper]]:
        """(change sequence, paper) of every paper written after `sequence`, oldest
        change first, at most `limit`: a paper written twice appears once, at its
        last write. Sequences only grow, in the order the writes committed."""
        rows = await self._db.fetchall(
            select(*PAPER_COLUMNS, papers.c.change_seq)
            .where(papers.c.change_seq > sequence)
            .order_by(papers.c.change_seq)
            .limit(limit)
        )
        return [(int(row.change_seq), paper_from_row(row)) for row in rows]

    async def latest_change(self) -> int:
        """The change sequence of the last paper write (0 for an empty store)."""
        row = await self._db.fetchone(select(func.coalesce(func.max(papers.c.change_seq), 0)))
        return int(row[0]) if row else 0


def _upsert(db: Database) -> Any:
    """INSERT … ON CONFLICT (id) DO UPDATE, returning the ids actually written.

    text_seq moves only when the indexed text (title, abstract, authors) changes, which
    is what tells the search index to re-read the paper. A row the merge would leave
    as it is is not written at all (the WHERE), so re-importing the same papers
    changes nothing (neither the store's fingerprint nor its change sequence), and the
    ids returned tell updated papers from unchanged ones."""
    statement = db.insert(papers)
    excluded = statement.excluded
    c = papers.c
    merged = _merged(excluded)
    text_changed = or_(
        and_(excluded.title != "", excluded.title != c.title),
        and_(excluded.abstract != "", excluded.abstract != c.abstract),
        and_(excluded.authors != "[]", excluded.authors != c.authors),
    )
    return statement.on_conflict_do_update(
        index_elements=[c.id],
        set_={
            **merged,
            "text_seq": case((text_changed, excluded.text_seq), else_=c.text_seq),
            "change_seq": excluded.change_seq,
            "updated_at": excluded.updated_at,
        },
        where=or_(*(c[name].is_distinct_from(value) for name, value in merged.items())),
    ).returning(c.id)


async def _last_sequences(conn: AsyncConnection) -> tuple[int, int]:
    c = papers.c
    row = (
        await conn.execute(
            select(func.coalesce(func.max(c.text_seq), 0), func.coalesce(func.max(c.change_seq), 0))
        )
    ).one()
    return int(row[0]), int(row[1])


async def _existing_ids(conn: AsyncConnection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        result = await conn.execute(select(papers.c.id).where(papers.c.id.in_(chunk)))
        found.update(result.scalars())
    return found


def _to_row(paper: Paper) -> dict[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": json.dumps(list(paper.authors), ensure_ascii=False),
        "published": paper.published.isoformat() if paper.published else None,
        "featured": paper.featured.isoformat() if paper.featured else None,
        "upvotes": max(0, paper.upvotes),
        "github_url": paper.github_url,
        "project_url": paper.project_url,
        "thumbnail_url": paper.thumbnail_url,
        "ai_summary": paper.ai_summary,
        "keywords": json.dumps(list(paper.keywords), ensure_ascii=False),
        "categories": json.dumps(list(paper.categories), ensure_ascii=False),
        "doi": paper.doi,
        "journal_ref": paper.journal_ref,
        "page_url": paper.page_url,
    }


def paper_from_row(row: AnyRow) -> Paper:
    """A `Paper` from a row holding PAPER_COLUMNS (by name)."""
    m = row._mapping
    return Paper(
        id=m["id"],
        title=m["title"],
        abstract=m["abstract"],
        authors=tuple(json.loads(m["authors"])),
        published=date.fromisoformat(m["published"]) if m["published"] else None,
        featured=date.fromisoformat(m["featured"]) if m["featured"] else None,
        upvotes=int(m["upvotes"]),
        github_url=m["github_url"],
        project_url=m["project_url"],
        thumbnail_url=m["thumbnail_url"],
        ai_summary=m["ai_summary"],
        keywords=tuple(json.loads(m["keywords"])),
        categories=tuple(json.loads(m["categories"])),
        doi=m["doi"],
        journal_ref=m["journal_ref"],
        page_url=m["page_url"],
    )
