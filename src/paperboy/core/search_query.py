"""Filters inside a search query: `since:`, `until:`, `author:`, `votes:`.

    search diffusion since:7d author:"Linyi Yang" votes:>=10

Pure: `today` is passed in. Unknown `word:value` tokens stay part of the
query text (so `arXiv:2403.12345` is just words), except one that looks like
a mistyped filter (`autor:`, `vote:`, `sinse:`, `upvotes:`): that is refused
with "did you mean", since silently searching for it would answer wrongly.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from paperboy.core import rich
from paperboy.search import DocFilter

MAX_AGE_DAYS = 36_500
MAX_VOTES = 1_000_000_000

# key:"quoted value" (a missing closing quote runs to the end) or key:value
_FILTER = re.compile(r'\b(since|until|author|votes):(?:"([^"]*)"?|(\S*))', re.IGNORECASE)
# Any other key:value, to catch a mistyped filter (not a URL's "https://").
_OTHER_KEY = re.compile(r"(?<![\w/])([A-Za-z]+):(?=[^\s/])")
_FILTER_KEYS = ("since", "until", "author", "votes")
# Other words people use for a filter.
_SYNONYMS = {
    "by": "author",
    "authors": "author",
    "upvotes": "votes",
    "from": "since",
    "after": "since",
    "before": "until",
}
_AGE = re.compile(r"(\d{1,6})([dwmy])", re.IGNORECASE)
_VOTES = re.compile(r"(>=|<=|>|<|=)?(\d{1,10})")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    where: DocFilter | None

    def describe(self) -> str:
        """The query as the user would read it back, filters included."""
        parts = [f"“{self.text}”"] if self.text else []
        w = self.where
        if w is not None:
            if w.since:
                parts.append(f"since {w.since.isoformat()}")
            if w.until:
                parts.append(f"until {w.until.isoformat()}")
            parts += [f"by {name}" for name in w.authors]
            if w.min_votes is not None:
                parts.append(f"≥{w.min_votes} votes")
            if w.max_votes is not None:
                parts.append(f"≤{w.max_votes} votes")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class QueryError:
    message: rich.Rich


def parse_query(text: str, *, today: date) -> ParsedQuery | QueryError:
    since: date | None = None
    until: date | None = None
    authors: list[str] = []
    min_votes: int | None = None
    max_votes: int | None = None

    for match in _FILTER.finditer(text):
        key = match[1].lower()
        value = (match[2] if match[2] is not None else match[3]).strip()
        if key in ("since", "until"):
            day = _parse_day(value, today)
            if day is None:
                return QueryError(
                    rich.text(
                        rich.code(f"{key}:"),
                        " takes a date like 2025-03-01 or an age like 7d, 2w, 3m, 1y (got ",
                        rich.code(value),
                        ").",
                    )
                )
            if key == "since":
                since = day
            else:
                until = day
        elif key == "author":
            name = " ".join(value.split())
            if not name:
                return QueryError(
                    rich.text(rich.code("author:"), ' needs a name, e.g. author:"Linyi Yang".')
                )
            authors.append(name)
        else:
            bounds = _parse_votes(value)
            if bounds is None:
                return QueryError(
                    rich.text(
                        rich.code("votes:"),
                        " takes a whole number with >=, >, <=, < or =, e.g. votes:>=10 (got ",
                        rich.code(value),
                        ").",
                    )
                )
            low, high = bounds
            min_votes = low if low is not None else min_votes
            max_votes = high if high is not None else max_votes

    if since and until and since > until:
        return QueryError(
            rich.text(
                rich.code("since:"), " is after ", rich.code("until:"), ", so nothing can match."
            )
        )
    if min_votes is not None and max_votes is not None and min_votes > max_votes:
        return QueryError(rich.text("The ", rich.code("votes:"), " bounds leave nothing to match."))

    remaining = _FILTER.sub(" ", text)
    for other in _OTHER_KEY.finditer(remaining):
        meant = _meant_filter(other[1])
        if meant is not None:
            return QueryError(
                rich.text(
                    "I don't know the filter ",
                    rich.code(other[1] + ":"),
                    ". Did you mean ",
                    rich.code(f"{meant}:"),
                    "? The filters are since:, until:, author: and votes:.",
                )
            )
    remaining = remaining.replace('"', " ")
    where = None
    if since or until or authors or min_votes is not None or max_votes is not None:
        where = DocFilter(
            since=since,
            until=until,
            authors=tuple(authors),
            min_votes=min_votes,
            max_votes=max_votes,
        )
    return ParsedQuery(" ".join(remaining.split()), where)


def _meant_filter(key: str) -> str | None:
    """The filter a `key:` that is none probably meant, if any."""
    lowered = key.lower()
    if lowered in _SYNONYMS:
        return _SYNONYMS[lowered]
    close = difflib.get_close_matches(lowered, _FILTER_KEYS, n=1, cutoff=0.75)
    return close[0] if close else None


def _parse_day(value: str, today: date) -> date | None:
    lowered = value.lower()
    if lowered == "today":
        return today
    if lowered == "yesterday":
        return today - timedelta(days=1)
    age = _AGE.fullmatch(lowered)
    if age:
        days = int(age[1]) * _UNIT_DAYS[age[2]]
        return today - timedelta(days=days) if days <= MAX_AGE_DAYS else None
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def _parse_votes(value: str) -> tuple[int | None, int | None] | None:
    match = _VOTES.fullmatch(value)
    if not match or int(match[2]) > MAX_VOTES:
        return None
    op, number = match[1] or ">=", int(match[2])
    return {
        ">=": (number, None),
        ">": (number + 1, None),
        "<=": (None, number),
        "<": (None, number - 1),
        "=": (number, number),
    }[op]
