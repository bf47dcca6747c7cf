"""Reading the Hugging Face `/api/daily_papers` response into core `Paper` values.

Pure functions, no I/O. The response is a JSON list of items; each item holds
a `paper` object (id, title, summary, authors[].name, publishedAt, upvotes,
submittedOnDailyAt, ai_summary?, ai_keywords?, githubRepo?, projectPage?) and,
at the item's own level, `thumbnail`, `numComments`, `submittedBy` and a
`publishedAt` of its own. Unknown fields are ignored.

Required per item: `paper.id` (an arXiv id, normalised without a version),
`paper.title` and `paper.summary`. An item lacking one, or with a field
beyond the bounds every source shares (`bounds`), is rejected with
`InvalidItem`; the caller skips it and keeps the rest of the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paperboy.core.ids import parse_arxiv_ref
from paperboy.core.models import Paper
from paperboy.sources.bounds import OutOfBounds, check_paper
from paperboy.sources.http import BadBody
from paperboy.sources.text import clean_text, date_part, web_link

if TYPE_CHECKING:
    from datetime import date


@dataclass(frozen=True, slots=True)
class DailyPapers:
    """The papers listed for `day`, each once, and how many items were unusable."""

    day: date
    papers: tuple[Paper, ...]
    skipped: int = 0


class InvalidItem(ValueError):
    """One item of a daily-papers page lacks something a Paper needs."""


@dataclass(frozen=True, slots=True)
class Page:
    """One response page: its usable papers, (position, why) for each item skipped, its size."""

    papers: list[Paper]
    problems: list[tuple[int, str]]
    size: int


def read_page(body: bytes, day: date) -> Page:
    """`parse_page` and `paper_from_item` of every item; `BadBody` as `parse_page`."""
    items = parse_page(body)
    papers: list[Paper] = []
    problems: list[tuple[int, str]] = []
    for position, item in enumerate(items):
        try:
            papers.append(paper_from_item(item, day))
        except InvalidItem as exc:
            problems.append((position, str(exc)))
    return Page(papers, problems, len(items))


def parse_page(body: bytes) -> list[Any]:
    """The items of one response page; `BadBody` unless the body is a JSON list."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, absurd nesting
        raise BadBody(f"not JSON ({_first_line(exc)})") from None
    if not isinstance(data, list):
        raise BadBody(f"expected a JSON list of papers, got {type(data).__name__}")
    return data


def paper_from_item(item: object, day: date) -> Paper:
    """The Paper an item describes; `day` stands in for a missing featured date."""
    if not isinstance(item, Mapping):
        raise InvalidItem(f"item is {type(item).__name__}, not an object")
    paper = item.get("paper")
    if not isinstance(paper, Mapping):
        raise InvalidItem("item has no paper object")
    raw_id = paper.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise InvalidItem("paper.id is missing")
    paper_id = parse_arxiv_ref(raw_id)
    if paper_id is None:
        raise InvalidItem(f"paper.id is not an arXiv id: {raw_id[:80]!r}")
    title = _required_text(paper, "title", paper_id)
    abstract = _required_text(paper, "summary", paper_id)
    found = Paper(
        id=paper_id,
        title=title,
        abstract=abstract,
        authors=_author_names(paper.get("authors")),
        published=date_part(paper.get("publishedAt")),
        featured=date_part(paper.get("submittedOnDailyAt")) or day,
        upvotes=_count(paper.get("upvotes")),
        github_url=web_link(paper.get("githubRepo")),
        project_url=web_link(paper.get("projectPage")),
        thumbnail_url=web_link(item.get("thumbnail")),
        ai_summary=_optional_text(paper.get("ai_summary")),
        keywords=_strings(paper.get("ai_keywords")),
    )
    try:
        return check_paper(found)
    except OutOfBounds as exc:
        raise InvalidItem(f"paper {paper_id}: {exc}") from None


def merge_by_id(into: dict[str, Paper], papers: Iterable[Paper]) -> int:
    """Add `papers` to `into` keyed by id, keeping the copy with the most upvotes.

    Returns how many ids were new. Insertion order is first-seen order.
    """
    new = 0
    for paper in papers:
        seen = into.get(paper.id)
        if seen is None:
            new += 1
            into[paper.id] = paper
        elif paper.upvotes > seen.upvotes:
            into[paper.id] = paper
    return new


def _required_text(paper: Mapping[str, Any], key: str, paper_id: str) -> str:
    value = paper.get(key)
    text = clean_text(value) if isinstance(value, str) else ""
    if not text:
        raise InvalidItem(f"paper {paper_id} has no {key}")
    return text


def _optional_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return clean_text(value) or None


def _author_names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = (author.get("name") for author in value if isinstance(author, Mapping))
    return tuple(clean_text(name) for name in names if isinstance(name, str) and name.strip())


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(clean_text(v) for v in value if isinstance(v, str) and v.strip())


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(0, value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__
