"""Reading arXiv's Atom query response into core `Paper` values.

Pure functions, no I/O. A feed holds `entry` elements: `id`
("http://arxiv.org/abs/2403.12345v2"), `published`, `updated`, `title`,
`summary`, `author/name`, `category@term`, `arxiv:primary_category@term`,
`arxiv:doi`, `arxiv:journal_ref`, `arxiv:comment`. Titles and abstracts come
wrapped and indented; their whitespace is collapsed.

arXiv reports a bad request as HTTP 200 with an entry whose id is
"http://arxiv.org/api/errors#..." and whose summary is the message. Such an
entry, and an entry too incomplete to be a paper, becomes an `ArxivError`, so
a caller treats the id it concerns as not found instead of crashing.

The standard library's ElementTree is used: it never fetches external
entities, and a document type declaration (which no Atom feed has) is
refused outright, which also rules out entity-expansion tricks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperboy.core.ids import parse_arxiv_ref
from paperboy.core.models import Paper
from paperboy.sources.http import BadBody
from paperboy.sources.text import clean_text, date_part

if TYPE_CHECKING:
    from datetime import date

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ERROR_ID_PREFIX = "http://arxiv.org/api/errors"

_VERSION = re.compile(r"v(\d+)$")


@dataclass(frozen=True, slots=True)
class ArxivEntry:
    """One paper as arXiv describes it; `paper.id` has no version, `version` has it."""

    paper: Paper
    version: int | None = None
    updated: date | None = None
    primary_category: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ArxivError:
    """An error entry, or an entry that could not be read; `entry_id` as the feed gave it."""

    entry_id: str
    message: str


@dataclass(frozen=True, slots=True)
class ArxivFeed:
    entries: tuple[ArxivEntry, ...]
    errors: tuple[ArxivError, ...] = ()
    total_results: int | None = None


def parse_feed(body: bytes) -> ArxivFeed:
    """Every entry of an arXiv Atom response; `BadBody` unless it is an Atom feed."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise BadBody("document type declarations are not allowed in a feed")
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError) as exc:
        raise BadBody(f"not XML ({clean_text(str(exc))[:120]})") from None
    if root.tag != f"{ATOM}feed":
        raise BadBody(f"expected an Atom feed, got <{root.tag[:60]}>")
    entries: list[ArxivEntry] = []
    errors: list[ArxivError] = []
    for element in root.iterfind(f"{ATOM}entry"):
        parsed = _entry(element)
        if isinstance(parsed, ArxivEntry):
            entries.append(parsed)
        else:
            errors.append(parsed)
    return ArxivFeed(tuple(entries), tuple(errors), _int(_text(root, f"{OPENSEARCH}totalResults")))


def _entry(element: ET.Element) -> ArxivEntry | ArxivError:
    raw_id = _text(element, f"{ATOM}id")
    if raw_id.startswith(ERROR_ID_PREFIX):
        message = _text(element, f"{ATOM}summary") or _text(element, f"{ATOM}title") or "error"
        return ArxivError(raw_id, message)
    paper_id = parse_arxiv_ref(raw_id)
    title = _text(element, f"{ATOM}title")
    abstract = _text(element, f"{ATOM}summary")
    if paper_id is None or not title or not abstract:
        missing = "a readable id" if paper_id is None else "a title" if not title else "a summary"
        return ArxivError(raw_id, f"entry without {missing}")
    version = _VERSION.search(raw_id)
    primary = _attribute(element.find(f"{ARXIV}primary_category"), "term")
    categories = [primary] if primary else []
    for category in element.iterfind(f"{ATOM}category"):
        term = _attribute(category, "term")
        if term and term not in categories:
            categories.append(term)
    authors = (_text(author, f"{ATOM}name") for author in element.iterfind(f"{ATOM}author"))
    paper = Paper(
        id=paper_id,
        title=title,
        abstract=abstract,
        authors=tuple(name for name in authors if name),
        published=date_part(_text(element, f"{ATOM}published")),
        categories=tuple(categories),
        doi=_text(element, f"{ARXIV}doi") or None,
        journal_ref=_text(element, f"{ARXIV}journal_ref") or None,
    )
    return ArxivEntry(
        paper=paper,
        version=int(version.group(1)) if version else None,
        updated=date_part(_text(element, f"{ATOM}updated")),
        primary_category=primary,
        comment=_text(element, f"{ARXIV}comment") or None,
    )


def _text(parent: ET.Element, path: str) -> str:
    """The whitespace-collapsed text of the first `path` child, or ""."""
    child = parent.find(path)
    return clean_text("".join(child.itertext())) if child is not None else ""


def _attribute(element: ET.Element | None, name: str) -> str | None:
    if element is None:
        return None
    return clean_text(element.get(name, "")) or None


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None
