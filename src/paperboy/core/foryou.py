"""`foryou`: papers ranked for the person asking, learned from what they saved and marked.

Their saved papers are the positives, the papers they marked "not for me" the
negatives; a linear SVM over the index's TF-IDF vectors is trained on them at
each request (`search/recommend.py`, the way arxiv-sanity-lite ranks by tags) and
ranks the papers of the last days, or all of them. Papers they saved or marked
are never suggested. With fewer than MIN_SAVES saves there is too little to
learn from: the answer is the papers most like what they saved (BM25 `similar`),
and it says so; with none it says how to start. The ranking runs in a worker
thread (the library's), off the event loop.
"""

from __future__ import annotations

from datetime import timedelta

from paperboy.core.models import UserRef
from paperboy.core.ports import (
    Clock,
    MarkRepository,
    PaperCatalogue,
    PaperSearch,
    ReadingListRepository,
)
from paperboy.core.replies import Card, ListKind, Notice, PageRef, PaperList, Reply
from paperboy.core.rich import Rich, code, sentence_start, text
from paperboy.search import Recommendation

MIN_SAVES = 3


class ForYouCommands:
    def __init__(
        self,
        *,
        papers: PaperCatalogue,
        search: PaperSearch,
        lists: ReadingListRepository,
        marks: MarkRepository,
        clock: Clock,
        page_size: int,
        react_hint: Rich,
    ) -> None:
        self.papers = papers
        self.search = search
        self.lists = lists
        self.marks = marks
        self.clock = clock
        self.page_size = page_size
        self.react_hint = react_hint  # "react with 🔖", as people save here

    async def ranked(
        self, user: UserRef, days: int | None, *, limit: int, offset: int = 0
    ) -> tuple[list[Recommendation], bool] | Notice:
        """The papers for `user` from the last `days` days (None: all), best first, and
        whether they were learned (False: only like what they saved); or why there are none."""
        saved = await self.lists.titles(user)
        if not saved:
            return Notice(
                text(
                    "I learn what to suggest from your reading list, and it is empty. ",
                    sentence_start(self.react_hint),
                    " to papers you like, or ",
                    code("save <id>"),
                    f"; with {MIN_SAVES} or more, ",
                    code("foryou"),
                    " ranks new papers for you.",
                )
            )
        liked = [paper_id for paper_id, _ in saved]
        disliked = await self.marks.marked(user)
        among: set[str] | None = None
        if days is not None:
            today = self.clock().date()
            dated = await self.papers.dated(since=today - timedelta(days=days - 1), until=today)
            among = {paper.id for paper in dated}
            if not among:
                return Notice(
                    text(
                        f"I have no papers from {_span(days)}. ",
                        code("foryou all"),
                        " ranks every paper I have.",
                    )
                )
        if len(liked) >= MIN_SAVES:
            found = await self.search.recommend(
                liked, disliked, among=among, limit=limit, offset=offset
            )
            return found, True
        return await self._like_saved(liked, disliked, among, limit, offset), False

    async def foryou(self, user: UserRef, days: int | None, offset: int) -> Reply:
        size = self.page_size
        found = await self.ranked(user, days, limit=size + 1, offset=offset)
        if isinstance(found, Notice):
            return found
        ranked, learned = found
        span = "every paper" if days is None else _span(days)
        if not ranked:
            if offset:
                return Notice(f"No more papers for you from {span}.")
            return Notice(
                text(
                    f"Nothing new for you from {span}: you saved or marked every paper of it. ",
                    code("foryou all") if days is not None else code("search <words>"),
                    " looks further.",
                )
            )
        page = ranked[:size]
        papers = await self.papers.get_many([r.paper_id for r in page] + [r.like for r in page])
        shown = [r for r in page if r.paper_id in papers]
        snippets = await self.search.snippets(
            [papers[r.paper_id].abstract for r in shown], frozenset()
        )
        cards = tuple(
            Card(
                papers[r.paper_id],
                snippet,
                because=papers[r.like].title if r.like in papers else None,
            )
            for r, snippet in zip(shown, snippets, strict=True)
        )
        argument = "all" if days is None else str(days)
        more = PageRef(ListKind.FORYOU, argument, offset + size) if len(ranked) > size else None
        where = f"({offset + 1}–{offset + len(cards)})"
        if learned:
            title = f"For you, from {span} {where}"
        else:
            title = (
                f"Like what you saved, from {span} {where}: save {MIN_SAVES} or more papers "
                "and I will rank them by what your whole list has in common"
            )
        return PaperList(ListKind.FORYOU, title, cards, more)

    async def _like_saved(
        self,
        liked: list[str],
        disliked: list[str],
        among: set[str] | None,
        limit: int,
        offset: int,
    ) -> list[Recommendation]:
        """Papers most like any of the few saved ones (BM25 `similar`), best first."""
        excluded = set(liked) | set(disliked)
        allowed = None if among is None else among - excluded
        wanted = offset + limit + (len(excluded) if allowed is None else 0)
        best: dict[str, Recommendation] = {}
        for paper_id in liked:
            hits = await self.search.similar(paper_id, limit=wanted, among=allowed)
            for hit in hits:
                known = best.get(hit.paper_id)
                if hit.paper_id not in excluded and (known is None or hit.score > known.score):
                    best[hit.paper_id] = Recommendation(hit.paper_id, hit.score, paper_id)
        ranked = sorted(best.values(), key=lambda r: (-r.score, r.paper_id))
        return ranked[offset : offset + limit]


def _span(days: int) -> str:
    return "today" if days == 1 else f"the last {days} days"
