"""What goes into a channel's digest: which papers, in which order, and each paper's message.

A digest is ordered by upvotes, or (`rank:team`) by a model of what the channel's
people saved from its posts: the papers of the posts table (message → paper) that
someone of the workspace saved after the bot posted them there are the positives of
the same linear SVM `foryou` trains for one person (`PaperSearch.recommend`), and
the candidates are ordered by its score, upvotes breaking ties. Under
MIN_TEAM_SAVES such saves there is too little to learn from: upvotes, as by default.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from paperboy.core.models import ChannelRef, Paper, Subscription
from paperboy.core.ports import (
    DigestItems,
    DigestRanks,
    FeaturedPapers,
    PostLog,
    Recommender,
    TopicIndex,
)
from paperboy.core.replies import Card, PaperPost
from paperboy.digest import select

# More than any day's Daily Papers list holds.
MAX_CANDIDATES = 2000
# The team's saves a ranking learns from: fewer and it is upvotes; at most the latest many.
MIN_TEAM_SAVES = 3
MAX_TEAM_SAVES = 500
_EVER = datetime(1970, 1, 1, tzinfo=UTC)


class DigestContent:
    def __init__(
        self,
        *,
        papers: FeaturedPapers,
        items: DigestItems,
        topics: TopicIndex,
        ranks: DigestRanks | None = None,
        posts: PostLog | None = None,
        taste: Recommender | None = None,
    ) -> None:
        """`ranks`, `posts` and `taste` together turn on `rank:team`."""
        self.papers = papers
        self.items = items
        self.topics = topics
        self.ranks = ranks
        self.posts = posts
        self.taste = taste

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
        scores = await self._team_scores(subscription.channel, candidates)
        return select.choose_papers(
            candidates,
            limit=subscription.max_papers,
            min_upvotes=subscription.min_upvotes,
            already_sent=sent,
            scores=scores,
        )

    async def rank(self, channel: ChannelRef) -> str:
        """How the channel's digest is ordered: 'votes' or 'team'."""
        return "votes" if self.ranks is None else await self.ranks.get(channel)

    async def team_saves(self, channel: ChannelRef) -> list[str]:
        """The papers the channel's people saved from the bot's posts there, latest many."""
        if self.posts is None:
            return []
        saved = await self.posts.most_saved(channel, since=_EVER, limit=MAX_TEAM_SAVES)
        return [paper_id for paper_id, _ in saved]

    async def _team_scores(
        self, channel: ChannelRef, candidates: list[Paper]
    ) -> dict[str, float] | None:
        """Each candidate's score by the team's model, or None: order by upvotes."""
        if self.taste is None or not candidates or await self.rank(channel) != "team":
            return None
        liked = await self.team_saves(channel)
        if len(liked) < MIN_TEAM_SAVES:
            return None
        ranked = await self.taste.recommend(
            liked, (), among=[paper.id for paper in candidates], limit=len(candidates)
        )
        # The model's order, which its decision values alone do not give (its best are
        # ordered again by likeness to a save), for the papers it places on the side of
        # the team's saves (a positive decision); nothing for the others.
        return {
            found.paper_id: float(len(ranked) - n) if found.score > 0 else 0.0
            for n, found in enumerate(ranked)
        }

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
