"""Filters inside a search query: `since:`, `until:`, `author:`, `votes:`.

    search diffusion since:7d author:"Linyi Yang" votes:>=10

Read once, where the command is built (`parse_query`), into a typed `SearchQuery`;
an age like `since:7d` stays an age until the search runs and `resolve` counts it
back from that day, so a "More" press tomorrow still means the last seven days.
Unknown `word:value` tokens stay part of the
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
class Day:
    """A `since:`/`until:` bound as typed: a date, or a number of days before the day
    the search runs (`today` is 0)."""

    fixed: date | None = None
    days_back: int = 0

    def on(self, today: date) -> date:
        return self.fixed if self.fixed is not None else today - timedelta(days=self.days_back)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    since: Day | None = None
    until: Day | None = None
    authors: tuple[str, ...] = ()
    min_votes: int | None = None
    max_votes: int | None = None

    def doc_filter(self, today: date) -> DocFilter | None:
        """The filter as the index applies it on `today`; None when nothing filters."""
        if self == _NO_FILTERS:
            return None
        return DocFilter(
            since=self.since.on(today) if self.since else None,
            until=self.until.on(today) if self.until else None,
            authors=self.authors,
            min_votes=self.min_votes,
            max_votes=self.max_votes,
        )


_NO_FILTERS = SearchFilters()


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A search as typed (`typed`, kept for "More" pages), read into its words and filters."""

    typed: str
    words: str
    filters: SearchFilters = _NO_FILTERS

    def resolve(self, today: date) -> ParsedQuery | QueryError:
        """The query with its day bounds counted from `today`."""
        where = self.filters.doc_filter(today)
        if where is not None and where.since and where.until and where.since > where.until:
            return _SINCE_AFTER_UNTIL
        return ParsedQuery(self.words, where)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query ready to run: its words, and the filter on the day it runs."""

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


_SINCE_AFTER_UNTIL = QueryError(
    rich.text(rich.code("since:"), " is after ", rich.code("until:"), ", so nothing can match.")
)


def parse_query(text: str) -> SearchQuery | QueryError:
    """`text`'s words and filters; a QueryError saying what to type for a bad filter."""
    since: Day | None = None
    until: Day | None = None
    authors: list[str] = []
    min_votes: int | None = None
    max_votes: int | None = None

    for match in _FILTER.finditer(text):
        key = match[1].lower()
        value = (match[2] if match[2] is not None else match[3]).strip()
        if key in ("since", "until"):
            day = _parse_day(value)
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
    words = " ".join(remaining.replace('"', " ").split())
    filters = SearchFilters(since, until, tuple(authors), min_votes, max_votes)
    if _contradict(since, until):
        return _SINCE_AFTER_UNTIL
    return SearchQuery(text, words, filters)


def _contradict(since: Day | None, until: Day | None) -> bool:
    """Whether `since` is after `until` whatever day the search runs (two dates, or two
    ages); a date against an age is checked on the day it runs (`resolve`)."""
    if since is None or until is None:
        return False
    if since.fixed is not None and until.fixed is not None:
        return since.fixed > until.fixed
    return since.fixed is None and until.fixed is None and since.days_back < until.days_back


def _meant_filter(key: str) -> str | None:
    """The filter a `key:` that is none probably meant, if any."""
    lowered = key.lower()
    if lowered in _SYNONYMS:
        return _SYNONYMS[lowered]
    close = difflib.get_close_matches(lowered, _FILTER_KEYS, n=1, cutoff=0.75)
    return close[0] if close else None


def _parse_day(value: str) -> Day | None:
    lowered = value.lower()
    if lowered == "today":
        return Day(days_back=0)
    if lowered == "yesterday":
        return Day(days_back=1)
    age = _AGE.fullmatch(lowered)
    if age:
        days = int(age[1]) * _UNIT_DAYS[age[2]]
        return Day(days_back=days) if days <= MAX_AGE_DAYS else None
    try:
        fixed = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None
    return Day(fixed=fixed) if fixed is not None else None


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
