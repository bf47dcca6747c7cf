"""What goes into a channel's digest: which papers, and each paper's message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from paperboy.core.library import Library
from paperboy.core.models import Paper, Subscription
from paperboy.core.replies import Card, PaperPost
from paperboy.digest import select
from paperboy.store import Store

# More than any day's Daily Papers list holds.
MAX_CANDIDATES = 2000


class DigestContent:
    def __init__(self, store: Store, library: Library) -> None:
        self.store = store
        self.library = library

    async def choose(
        self, subscription: Subscription, day: date, *, exclude: set[str] | None = None
    ) -> list[Paper]:
        """The channel's papers for that local day; `exclude` defaults to every paper
        the channel was already sent (a preview passes an empty set)."""
        latest = await self.store.papers.latest_featured_day(on_or_before=day)
        window = select.digest_window(latest, day)
        if window is None:
            return []
        candidates = await self.store.papers.trending(
            since=window[0], until=window[1], limit=MAX_CANDIDATES
        )
        sent = (
            await self.store.digests.sent_papers(subscription.channel)
            if exclude is None
            else exclude
        )
        matches = await self._topic_matcher(subscription.topics)
        return select.choose_papers(
            candidates,
            limit=subscription.max_papers,
            min_upvotes=subscription.min_upvotes,
            already_sent=sent,
            matches=matches,
        )

    async def stale_day(self, day: date) -> date | None:
        """The latest featured day when it is too old for a digest on `day`, else None."""
        latest = await self.store.papers.latest_featured_day(on_or_before=day)
        if latest is None or select.digest_window(latest, day) is not None:
            return None
        return latest

    async def paper_post(self, paper: Paper, subscription: Subscription) -> PaperPost:
        terms = (
            self.library.index.query_terms(subscription.topics)
            if subscription.topics
            else frozenset()
        )
        # Tokenizing an abstract (up to 50,000 characters) is the search's work: off the loop.
        [snippet] = await self.library.snippets([paper.abstract], terms)
        return PaperPost(Card(paper, snippet))

    async def _topic_matcher(self, topics: str) -> Callable[[Paper], bool] | None:
        """A paper matches the topics when a search for them can return it (the
        same matching as `trend`); read from the index, so no paper is re-tokenized."""
        if not topics:
            return None
        matched = await self.library.matching(topics)
        return lambda paper: paper.id in matched


def nothing_new(subscription: Subscription) -> str:
    about = f" matching “{subscription.topics}”" if subscription.topics else ""
    return f"No new papers{about} today."
