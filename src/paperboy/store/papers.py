"""Papers table: upsert without duplicates or data loss, lookups, trending."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime

import aiosqlite

from paperboy.core.models import Paper
from paperboy.core.ports import DatedPaper, PapersVersion, UpsertCounts
from paperboy.store.database import Database

_COLUMNS = (
    "id, title, abstract, authors, published, featured, upvotes, github_url, project_url,"
    " thumbnail_url, ai_summary, keywords, categories, doi, journal_ref, page_url"
)

# On conflict: new text wins unless empty; optional fields keep the stored value
# when the new record lacks them; upvotes never go down; `featured` keeps the
# first day the paper was featured.
_MERGED = {
    "title": "CASE WHEN excluded.title <> '' THEN excluded.title ELSE title END",
    "abstract": "CASE WHEN excluded.abstract <> '' THEN excluded.abstract ELSE abstract END",
    "authors": "CASE WHEN excluded.authors <> '[]' THEN excluded.authors ELSE authors END",
    "published": "coalesce(excluded.published, published)",
    "featured": "coalesce(featured, excluded.featured)",
    "upvotes": "max(upvotes, excluded.upvotes)",
    "github_url": "coalesce(excluded.github_url, github_url)",
    "project_url": "coalesce(excluded.project_url, project_url)",
    "thumbnail_url": "coalesce(excluded.thumbnail_url, thumbnail_url)",
    "ai_summary": "coalesce(excluded.ai_summary, ai_summary)",
    "keywords": "CASE WHEN excluded.keywords <> '[]' THEN excluded.keywords ELSE keywords END",
    "categories": (
        "CASE WHEN excluded.categories <> '[]' THEN excluded.categories ELSE categories END"
    ),
    "doi": "coalesce(excluded.doi, doi)",
    "journal_ref": "coalesce(excluded.journal_ref, journal_ref)",
    "page_url": "coalesce(excluded.page_url, page_url)",
}
# text_seq moves only when the indexed text (title, abstract, authors) changes;
# change_seq moves at every write of the row, which is what tells each running
# bot's search index to re-read the paper (see changes.py). A row the merge
# would leave as it is is not written at all (the WHERE), so re-importing the
# same papers changes nothing, not even the store's fingerprint, and the count
# of written rows tells updated papers from unchanged ones.
_UPSERT = f"""
INSERT INTO papers ({_COLUMNS}, text_seq, change_seq, added_at, updated_at)
VALUES ({", ".join("?" * (len(_COLUMNS.split(",")) + 4))})  -- and the seqs, added_at, updated_at
ON CONFLICT (id) DO UPDATE SET
    {", ".join(f"{column} = {merged}" for column, merged in _MERGED.items())},
    text_seq = CASE
        WHEN (excluded.title <> '' AND excluded.title <> title)
          OR (excluded.abstract <> '' AND excluded.abstract <> abstract)
          OR (excluded.authors <> '[]' AND excluded.authors <> authors)
        THEN excluded.text_seq ELSE text_seq END,
    change_seq = excluded.change_seq,
    updated_at = excluded.updated_at
WHERE {" OR ".join(f"{column} IS NOT ({merged})" for column, merged in _MERGED.items())}
"""


class PaperRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert(self, papers: Sequence[Paper], *, at: datetime) -> UpsertCounts:
        """Store the papers in one transaction; a later duplicate id in the batch wins.

        Counts the papers that were new, that changed, and that were already
        stored exactly as merged (upvotes never go down, a missing field keeps
        the stored one)."""
        unique = list({paper.id: paper for paper in papers}.values())
        if not unique:
            return UpsertCounts(0, 0)
        stamp = at.isoformat()
        async with self._db.transaction() as conn:
            existing = await _existing_ids(conn, [p.id for p in unique])
            # One counter for both: a written row's new number is above every number
            # either column holds (each a max over its own index).
            async with conn.execute(
                "SELECT (SELECT max(text_seq) FROM papers), (SELECT max(change_seq) FROM papers)"
            ) as cur:
                row = await cur.fetchone()
            seq = max(int(row[0] or 0), int(row[1] or 0)) if row else 0
            rows = []
            for paper in unique:
                seq += 1
                rows.append((*_to_row(paper), seq, seq, stamp, stamp))
            cursor = await conn.executemany(_UPSERT, rows)
            written = cursor.rowcount
        inserted = sum(1 for p in unique if p.id not in existing)
        updated = written - inserted
        return UpsertCounts(inserted=inserted, updated=updated, unchanged=len(unique) - written)

    async def get(self, paper_id: str) -> Paper | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM papers WHERE id = ?", (paper_id,))
        return _from_row(row) if row else None

    async def get_many(self, paper_ids: Sequence[str]) -> dict[str, Paper]:
        found: dict[str, Paper] = {}
        ids = list(dict.fromkeys(paper_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM papers WHERE id IN ({marks})", chunk
            )
            found.update((row["id"], _from_row(row)) for row in rows)
        return found

    async def trending(
        self, *, since: date, until: date, limit: int, offset: int = 0
    ) -> list[Paper]:
        """Papers featured between the two days (inclusive), most upvoted first."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM papers WHERE featured BETWEEN ? AND ?"
            " ORDER BY upvotes DESC, featured DESC, id LIMIT ? OFFSET ?",
            (since.isoformat(), until.isoformat(), limit, offset),
        )
        return [_from_row(row) for row in rows]

    async def latest_featured_day(self, *, on_or_before: date) -> date | None:
        row = await self._db.fetchone(
            "SELECT max(featured) FROM papers WHERE featured <= ?", (on_or_before.isoformat(),)
        )
        return date.fromisoformat(row[0]) if row and row[0] else None

    async def dated(self, *, since: date, until: date) -> list[DatedPaper]:
        """Every paper whose day (featured, else published) is between the two, inclusive:
        read from the index `papers_by_day` alone (the expression must stay the same)."""
        rows = await self._db.fetchall(
            "SELECT id, coalesce(featured, published), upvotes FROM papers"
            " WHERE coalesce(featured, published) BETWEEN ? AND ?",
            (since.isoformat(), until.isoformat()),
        )
        day = date.fromisoformat
        return [DatedPaper(row[0], day(row[1]), row[2]) for row in rows]

    async def suggest(self, prefix: str, *, limit: int = 25) -> list[Paper]:
        """Papers whose id or title starts with the prefix (for autocomplete)."""
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM papers WHERE id LIKE ? ESCAPE '\\'"
            " OR title LIKE ? ESCAPE '\\' ORDER BY featured DESC, upvotes DESC LIMIT ?",
            (like, like, limit),
        )
        return [_from_row(row) for row in rows]

    async def count(self) -> int:
        row = await self._db.fetchone("SELECT count(*) FROM papers")
        return int(row[0]) if row else 0

    async def version(self) -> PapersVersion:
        row = await self._db.fetchone(
            "SELECT count(*), coalesce(max(text_seq), 0), coalesce(max(updated_at), '') FROM papers"
        )
        return (
            PapersVersion(int(row[0]), int(row[1]), str(row[2])) if row else PapersVersion(0, 0, "")
        )

    async def iter_all(self, *, after_seq: int = 0, batch: int = 5000) -> AsyncIterator[Paper]:
        """Every paper whose text changed after `after_seq`, in text_seq order."""
        last = after_seq
        while True:
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS}, text_seq FROM papers WHERE text_seq > ?"
                " ORDER BY text_seq LIMIT ?",
                (last, batch),
            )
            for row in rows:
                yield _from_row(row)
            if len(rows) < batch:
                return
            last = int(rows[-1]["text_seq"])


async def _existing_ids(conn: aiosqlite.Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        async with conn.execute(f"SELECT id FROM papers WHERE id IN ({marks})", chunk) as cur:
            found.update(row[0] for row in await cur.fetchall())
    return found


def _to_row(paper: Paper) -> tuple[object, ...]:
    return (
        paper.id,
        paper.title,
        paper.abstract,
        json.dumps(list(paper.authors), ensure_ascii=False),
        paper.published.isoformat() if paper.published else None,
        paper.featured.isoformat() if paper.featured else None,
        max(0, paper.upvotes),
        paper.github_url,
        paper.project_url,
        paper.thumbnail_url,
        paper.ai_summary,
        json.dumps(list(paper.keywords), ensure_ascii=False),
        json.dumps(list(paper.categories), ensure_ascii=False),
        paper.doi,
        paper.journal_ref,
        paper.page_url,
    )


def _from_row(row: sqlite3.Row) -> Paper:
    return Paper(
        id=row["id"],
        title=row["title"],
        abstract=row["abstract"],
        authors=tuple(json.loads(row["authors"])),
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        featured=date.fromisoformat(row["featured"]) if row["featured"] else None,
        upvotes=int(row["upvotes"]),
        github_url=row["github_url"],
        project_url=row["project_url"],
        thumbnail_url=row["thumbnail_url"],
        ai_summary=row["ai_summary"],
        keywords=tuple(json.loads(row["keywords"])),
        categories=tuple(json.loads(row["categories"])),
        doi=row["doi"],
        journal_ref=row["journal_ref"],
        page_url=row["page_url"],
    )
