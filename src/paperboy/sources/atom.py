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

defusedxml parses: a document type declaration (which no Atom feed has) is
refused outright, in any encoding, which rules out entity expansion ("billion
laughs") and external entities. A byte search for "<!DOCTYPE" did not: it
missed a UTF-16 body, and a 1 KB feed expanded into a 409,600-character
abstract. An entry with a field beyond the bounds every source shares
(`bounds`) becomes an `ArxivError` like any unreadable entry.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

import defusedxml
import defusedxml.ElementTree

from paperboy.core.ids import parse_arxiv_ref
from paperboy.core.models import Paper
from paperboy.core.text import shorten
from paperboy.sources.bounds import MAX_COMMENT, OutOfBounds, check_paper, check_text
from paperboy.sources.http import BadBody
from paperboy.sources.text import clean_text, date_part

if TYPE_CHECKING:
    from datetime import date

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ERROR_ID_PREFIX = "http://arxiv.org/api/errors"

_VERSION = re.compile(r"v(\d+)$")
MAX_ERROR = 300  # characters of an error entry's id or message kept for logs and replies


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
    try:
        root = defusedxml.ElementTree.fromstring(body, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise BadBody("document type declarations are not allowed in a feed") from None
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
        return ArxivError(shorten(raw_id, MAX_ERROR), shorten(message, MAX_ERROR))
    paper_id = parse_arxiv_ref(raw_id)
    title = _text(element, f"{ATOM}title")
    abstract = _text(element, f"{ATOM}summary")
    if paper_id is None or not title or not abstract:
        missing = "a readable id" if paper_id is None else "a title" if not title else "a summary"
        return ArxivError(shorten(raw_id, MAX_ERROR), f"entry without {missing}")
    version = _VERSION.search(raw_id)
    primary = _attribute(element.find(f"{ARXIV}primary_category"), "term")
    # A dict keeps first-seen order and drops repeats in constant time per term.
    categories = dict.fromkeys([primary] if primary else [])
    for category in element.iterfind(f"{ATOM}category"):
        if term := _attribute(category, "term"):
            categories.setdefault(term)
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
    comment = _text(element, f"{ARXIV}comment") or None
    try:
        check_paper(paper)
        check_text(comment, "comment", MAX_COMMENT)
    except OutOfBounds as exc:
        return ArxivError(paper_id, str(exc))
    return ArxivEntry(
        paper=paper,
        version=int(version.group(1)) if version else None,
        updated=date_part(_text(element, f"{ATOM}updated")),
        primary_category=primary,
        comment=comment,
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
    # int() of thousands of digits is an error, not a number: a count has at most nine.
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
