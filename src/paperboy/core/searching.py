"""A `search` query run against the library: one set of answers for chat and the command line.

Words rank papers by BM25. Filters alone rank nothing, so only an author
filter stands without words: `search author:"Greg Durrett"` lists that
author's papers, newest first. Every other query without searchable words
gets a short answer saying what to add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperboy.core.rich import Rich, code, text
from paperboy.core.search_query import ParsedQuery, QueryError, SearchQuery
from paperboy.search import SearchHit

if TYPE_CHECKING:
    from datetime import date

    from paperboy.core.ports import PaperSearch

NO_WORDS = text(
    "Add some words to search for, e.g. ",
    code("search diffusion since:7d"),
    ", or an author alone: ",
    code('search author:"Linyi Yang"'),
    " lists their papers, newest first.",
)


@dataclass(frozen=True, slots=True)
class Found:
    """A page of results: ranked by score, or (`newest_first`, a filter alone) by date."""

    query: ParsedQuery
    hits: list[SearchHit]
    terms: frozenset[str]  # the query's terms, to mark in snippets
    newest_first: bool = False

    def title(self, offset: int, shown: int) -> str:
        span = f"({offset + 1}–{offset + shown})"
        if self.newest_first:
            return f"Papers {self.query.describe()}, newest first {span}"
        return f"Papers for {self.query.describe()} {span}"

    def nothing(self, offset: int) -> str:
        """What to say when the page is empty."""
        described = self.query.describe()
        if offset:
            return f"No more papers {'' if self.newest_first else 'for '}{described}."
        if self.newest_first:
            return f"No papers {described}. Check the spelling of the name, or try fewer filters."
        return f"No papers match {described}. Try fewer or broader words."


@dataclass(frozen=True, slots=True)
class Refused:
    """The query cannot be run as it is; `message` says why and what to type instead."""

    message: Rich


async def find(
    library: PaperSearch, query: SearchQuery, *, today: date, limit: int, offset: int = 0
) -> Found | Refused:
    """The papers for `query` (words and filters, its ages counted back from `today`),
    `limit` of them from `offset` on."""
    parsed = query.resolve(today)
    if isinstance(parsed, QueryError):
        return Refused(parsed.message)
    where = parsed.where
    if not parsed.text:
        if where is None or not where.authors:
            return Refused(NO_WORDS)
        ids = await library.newest(where, limit=limit, offset=offset)
        return Found(parsed, [SearchHit(paper_id, 0.0) for paper_id in ids], frozenset(), True)
    terms = library.query_terms(parsed.text)
    if not terms:
        return Refused(
            text(
                f"No results: {parsed.describe()} has only very common or unsearchable words. "
                "Try more specific words."
            )
        )
    hits = await library.search(parsed.text, limit=limit, offset=offset, where=where)
    return Found(parsed, hits, terms)
