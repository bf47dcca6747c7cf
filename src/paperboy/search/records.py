"""Reading the records given to `SearchIndex.build` / `add`."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any, NamedTuple

from paperboy.search.filters import date_ordinal

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


class DocRecord(NamedTuple):
    """One document as the index needs it.

    `body` is what is indexed after the title: the abstract, then the
    authors' names, so that a search for a name finds its papers. The
    names' tokens are simply appended to the abstract's, once.
    `authors_key` is a digest that tells whether a known document's authors
    changed (`encoder.text_key` does the same for its text).
    """

    id: str
    title: str
    body: str
    authors: tuple[str, ...]
    date: int
    votes: int
    authors_key: int


def _key(*parts: str) -> int:
    """A 62-bit digest of some strings: chained CRC-32 and the total length
    (cheap; a changed text goes unnoticed only if both collide)."""
    crc = 0
    size = 0
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        crc = zlib.crc32(data, crc)
        size += len(data) + 1
    return (crc << 30) ^ size


def read_record(record: Mapping[str, Any]) -> DocRecord:
    """A `DocRecord` from a mapping with "id", "title", "abstract" and optional
    "authors" (sequence of str), "date" (date, datetime or ISO string) and
    "upvotes" (int). Unknown keys are ignored."""
    paper_id = record["id"]
    if type(paper_id) is not str or not paper_id or "\x00" in paper_id:
        raise ValueError(f"a record needs a non-empty string id, got {paper_id!r}")
    get = record.get
    title = get("title") or ""
    abstract = get("abstract") or ""
    if type(title) is not str:
        title = str(title)
    if type(abstract) is not str:
        abstract = str(abstract)
    authors = get("authors")
    authors = tuple(map(str, authors)) if authors else ()
    return DocRecord(
        paper_id,
        title,
        body_of(abstract, authors),
        authors,
        date_ordinal(get("date")),
        int(get("upvotes") or 0),
        _key(*authors),
    )


def body_of(abstract: str, authors: tuple[str, ...]) -> str:
    """The abstract and the authors' names as one text (a line break between them,
    so no word or hyphenated compound runs across)."""
    return abstract + "\n" + ", ".join(authors) if authors else abstract


def read_records(records: Iterable[Mapping[str, Any]]) -> list[DocRecord]:
    """Every record once, as if added one after another: when an id repeats, its
    last record wins, and it moves to the end only if its text (title, abstract
    or authors) changed."""
    latest: dict[str, DocRecord] = {}
    for record in records:
        doc = read_record(record)
        earlier = latest.get(doc.id)
        if earlier is not None and (earlier.title, earlier.body) != (doc.title, doc.body):
            del latest[doc.id]
        latest[doc.id] = doc
    return list(latest.values())
