"""Reading the records given to `SearchIndex.build` / `add`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paperboy.search.filters import date_ordinal

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


@dataclass(frozen=True, slots=True)
class DocRecord:
    """One document as the index needs it.

    `text_key` and `authors_key` are 63-bit digests that tell whether a known
    document's text or authors changed, without keeping the text around.
    """

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...]
    date: int
    votes: int
    text_key: int
    authors_key: int


def _digest(*parts: str) -> int:
    data = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little") >> 1


def read_record(record: Mapping[str, Any]) -> DocRecord:
    """A `DocRecord` from a mapping with "id", "title", "abstract" and optional
    "authors" (sequence of str), "date" (date, datetime or ISO string) and
    "upvotes" (int). Unknown keys are ignored."""
    paper_id = record["id"]
    if not isinstance(paper_id, str) or not paper_id or "\x00" in paper_id:
        raise ValueError(f"a record needs a non-empty string id, got {paper_id!r}")
    title = str(record.get("title") or "")
    abstract = str(record.get("abstract") or "")
    authors = tuple(str(a) for a in record.get("authors") or ())
    return DocRecord(
        id=paper_id,
        title=title,
        abstract=abstract,
        authors=authors,
        date=date_ordinal(record.get("date")),
        votes=int(record.get("upvotes") or 0),
        text_key=_digest(title, abstract),
        authors_key=_digest(*authors),
    )


def read_records(records: Iterable[Mapping[str, Any]]) -> list[DocRecord]:
    """Every record once, as if added one after another: when an id repeats, its
    last record wins, and it moves to the end only if its text changed."""
    latest: dict[str, DocRecord] = {}
    for record in records:
        doc = read_record(record)
        earlier = latest.get(doc.id)
        if earlier is not None and earlier.text_key != doc.text_key:
            del latest[doc.id]
        latest[doc.id] = doc
    return list(latest.values())
