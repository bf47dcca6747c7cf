"""The papers new to the index that match people's follows, sent to them.

The papers come from `core/arrivals.py`: every paper a running bot's index takes in
for the first time, whichever process stored it. One message per place (a person's
direct messages, or a channel a follow posts in) per batch (an ingest), listing every
new paper that matches any of the follows sending there.
Each paper is claimed for the place in the store before the message goes out
(`FollowRepository.claim`), so a paper is never sent to the same place twice, by
one follow or another, in this ingest or a later one. A place that cannot be
reached (no direct messages, a platform not running) is logged and skipped; the
papers claimed for it are not retried, as a digest's items are not.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import Protocol

from paperboy.core.follows import WORDS_THRESHOLD, same_author
from paperboy.core.models import ChannelRef, Follow, Paper
from paperboy.core.ports import Clock, FollowRepository, PaperLookup, PostFailed
from paperboy.core.publishing import Publisher
from paperboy.core.replies import Notice
from paperboy.core.rich import Rich, code, emphasis, join, text
from paperboy.core.text import shorten
from paperboy.search import SearchHit

log = logging.getLogger(__name__)

# Papers one message lists: what fits a Discord message (2,000 characters) whole; the
# rest are counted, and were claimed with them (a flood is a hint to follow less).
MAX_LISTED = 8
TITLE_CHARS = 100


class FollowSearch(Protocol):
    """The search as follows see it (`core/library.py`): BM25 scores of the best papers
    for a query, of every paper or of some, computed off the event loop."""

    async def search(
        self, query: str, *, limit: int, among: Collection[str] | None = None
    ) -> list[SearchHit]: ...


class FollowAlerts:
    def __init__(
        self,
        *,
        follows: FollowRepository,
        papers: PaperLookup,
        search: FollowSearch,
        publisher: Publisher,
        clock: Clock,
        threshold: float = WORDS_THRESHOLD,
    ) -> None:
        self.follows = follows
        self.papers = papers
        self.search = search
        self.publisher = publisher
        self.clock = clock
        self.threshold = threshold

    async def new_papers(self, paper_ids: Sequence[str]) -> None:
        """Send the papers just ingested to the follows they match. Never raises."""
        try:
            await self._new_papers(paper_ids)
        except Exception:
            log.exception("follows after the ingest of %d new papers failed", len(paper_ids))

    async def _new_papers(self, paper_ids: Sequence[str]) -> None:
        if not paper_ids:
            return
        follows = [
            f for f in await self.follows.every() if self.publisher.reaches(f.owner.platform)
        ]
        if not follows:
            return
        papers = await self.papers.get_many(paper_ids)
        # Per place: the first follow sending there (it names the place) and the papers
        # in the order they matched, each with the first follow it matched.
        places: dict[tuple[str, str, str], tuple[Follow, dict[str, Follow]]] = {}
        for follow in follows:
            for paper_id in await self._matches(follow, papers):
                key = (follow.owner.platform, follow.owner.workspace, follow.destination)
                _, found = places.setdefault(key, (follow, {}))
                found.setdefault(paper_id, follow)
        for (platform, workspace, destination), (follow, found) in places.items():
            claimed = await self.follows.claim(
                platform, workspace, destination, list(found), at=self.clock()
            )
            if not claimed:
                continue
            try:
                channel = await self._place(follow)
                message = _message([(papers[p], found[p]) for p in claimed])
                await self.publisher.publish(channel, message)
            except PostFailed as error:
                log.warning("follows not sent to %s: %s", destination, error)
                continue
            log.info("follows sent %d papers to %s", len(claimed), destination)

    async def _matches(self, follow: Follow, papers: dict[str, Paper]) -> list[str]:
        if follow.kind == "author":
            return [
                paper.id
                for paper in papers.values()
                if any(same_author(follow.query, author) for author in paper.authors)
            ]
        best = await self.search.search(follow.query, limit=1)  # the new papers are stored
        if not best or best[0].score <= 0:
            return []
        hits = await self.search.search(follow.query, limit=len(papers), among=list(papers))
        return [h.paper_id for h in hits if h.score >= self.threshold * best[0].score]

    async def _place(self, follow: Follow) -> ChannelRef:
        owner = follow.owner
        if follow.channel:
            return ChannelRef(owner.platform, owner.workspace, follow.channel)
        return await self.publisher.direct_channel(owner)


def _message(found: list[tuple[Paper, Follow]]) -> Notice:
    lines: list[Rich] = []
    for n, (paper, follow) in enumerate(found[:MAX_LISTED], start=1):
        why = "by " if follow.kind == "author" else "about "
        lines.append(
            text(
                f"{n}. ",
                emphasis(shorten(paper.title, TITLE_CHARS)),
                f" ({paper.id}), {why}",
                follow.query,
                f" — {paper.url}" if paper.url else "",
            )
        )
    if len(found) > MAX_LISTED:
        lines.append(
            text(
                f"… and {len(found) - MAX_LISTED} more; ",
                code("search"),
                " finds them, ",
                code("following"),
                " lists your follows.",
            )
        )
    count = "1 new paper" if len(found) == 1 else f"{len(found)} new papers"
    return Notice(text(f"{count} for what you follow:\n", join("\n", lines)), ephemeral=False)
