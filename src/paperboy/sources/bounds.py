"""How large each field of a paper may be, whichever source it comes from.

One definition for the JSONL import, the Daily Papers reader and the arXiv
reader. A source is hostile until proven otherwise: a vote count of 2**63 does
not fit SQLite's INTEGER and failed the whole insert; a megabyte-long abstract
would be stored, indexed and rendered for every search that hits it. Real
papers sit far inside these bounds (arXiv caps abstracts at 1,920 characters;
the longest author list on record has about 5,200 names), so a paper outside
them is garbled or hostile, and its reader skips it and reports why, rather
than storing a cut-down guess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperboy.core.models import Paper

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

# Counts are stored as SQLite INTEGER and handled as int32 by the search index.
MAX_COUNT = 2**31 - 1

# A year outside this range is a garbled date, not an old or future paper.
MIN_YEAR = 1600
MAX_YEAR = 2199

MAX_URL = 2_000
MAX_COMMENT = 5_000  # arXiv's free-text comment ("15 pages, 5 figures"), kept beside a paper

# Characters per text field, by Paper field name.
TEXT_LIMITS: dict[str, int] = {
    "id": 100,
    "title": 1_000,
    "abstract": 50_000,
    "ai_summary": 5_000,
    "github_url": MAX_URL,
    "project_url": MAX_URL,
    "thumbnail_url": MAX_URL,
    "page_url": MAX_URL,
    "doi": 300,
    "journal_ref": 1_000,
}

# (items, characters per item) per list field, by Paper field name.
LIST_LIMITS: dict[str, tuple[int, int]] = {
    "authors": (10_000, 300),
    "keywords": (100, 200),
    "categories": (100, 100),
}

DATE_FIELDS = ("published", "featured")
COUNT_FIELDS = ("upvotes",)

MAX_TITLE = TEXT_LIMITS["title"]
MAX_ABSTRACT = TEXT_LIMITS["abstract"]


class OutOfBounds(ValueError):
    """A field is larger than its bound; the message names the field and the bound."""


def check_paper(paper: Paper) -> Paper:
    """`paper` itself when every field is within its bound; else `OutOfBounds`
    naming the first field that is not."""
    for name, limit in TEXT_LIMITS.items():
        check_text(getattr(paper, name), name, limit)
    for name, (items, chars) in LIST_LIMITS.items():
        check_list(getattr(paper, name), name, items=items, chars=chars)
    for name in DATE_FIELDS:
        check_date(getattr(paper, name), name)
    for name in COUNT_FIELDS:
        check_count(getattr(paper, name), name)
    return paper


def check_text(value: str | None, name: str, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise OutOfBounds(f"{name} is longer than {limit:,} characters")


def check_list(values: Sequence[str], name: str, *, items: int, chars: int) -> None:
    if len(values) > items:
        raise OutOfBounds(f"{name} has more than {items:,} entries")
    if any(len(value) > chars for value in values):
        raise OutOfBounds(f"{name} has an entry longer than {chars:,} characters")


def check_date(value: date | None, name: str) -> None:
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise OutOfBounds(f"{name} {value.isoformat()} is not within {MIN_YEAR}–{MAX_YEAR}")


def check_count(value: int, name: str) -> None:
    if not 0 <= value <= MAX_COUNT:
        # str() of an int with thousands of digits is slow, and past 4,300 an error.
        shown = str(value) if abs(value) < 10**20 else "a number of more than 20 digits"
        raise OutOfBounds(f"{name} must be a whole number from 0 to {MAX_COUNT:,}, got {shown}")
