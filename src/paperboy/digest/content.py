"""What goes into a channel's digest: which papers, and each paper's message."""

from __future__ import annotations

from datetime import date

from paperboy.core.models import Paper, Subscription
from paperboy.core.ports import DigestItems, FeaturedPapers, TopicIndex
from paperboy.core.replies import Card, PaperPost
from paperboy.digest import select

# More than any day's Daily Papers list holds.
MAX_CANDIDATES = 2000


class DigestContent:
    def __init__(self, *, papers: FeaturedPapers, items: DigestItems, topics: TopicIndex) -> None:
        self.papers = papers
        self.items = items
        self.topics = topics

    async def choose(
        self, subscription: Subscription, day: date, *, exclude: set[str] | None = None
    ) -> list[Paper]:
        """The channel's papers for that local day; `exclude` defaults to every paper
        the channel was already sent (a preview passes an empty set)."""
        latest = await self.papers.latest_featured_day(on_or_before=day)
        window = select.digest_window(latest, day)
        if window is None:
            return []
        candidates = await self.papers.trending(
            since=window[0], until=window[1], limit=MAX_CANDIDATES
        )
        sent = await self.items.sent_papers(subscription.channel) if exclude is None else exclude
        if subscription.topics:
            # A paper matches the topics when a search for them can return it (the same
            # matching as `trend`); read from the index, so no paper is re-tokenized.
            matched = await self.topics.matching(subscription.topics)
            candidates = [paper for paper in candidates if paper.id in matched]
        return select.choose_papers(
            candidates,
            limit=subscription.max_papers,
            min_upvotes=subscription.min_upvotes,
            already_sent=sent,
        )

    async def stale_day(self, day: date) -> date | None:
        """The latest featured day when it is too old for a digest on `day`, else None."""
        latest = await self.papers.latest_featured_day(on_or_before=day)
        if latest is None or select.digest_window(latest, day) is not None:
            return None
        return latest

    async def paper_post(self, paper: Paper, subscription: Subscription) -> PaperPost:
        terms = self.topics.query_terms(subscription.topics) if subscription.topics else frozenset()
        # Tokenizing an abstract (up to 50,000 characters) is the search's work: off the loop.
        [snippet] = await self.topics.snippets([paper.abstract], terms)
        return PaperPost(Card(paper, snippet))


def nothing_new(subscription: Subscription) -> str:
    about = f" matching “{subscription.topics}”" if subscription.topics else ""
    return f"No new papers{about} today."
