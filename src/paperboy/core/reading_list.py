"""Reading-list commands: save, saved, unsave, read, export, and saving by reaction.

Each person's list is theirs alone (the repository keys it by platform,
workspace and user); every change is idempotent, so a repeated command or a
redelivered reaction changes nothing twice.
"""

from __future__ import annotations

from paperboy.core.bibtex import to_bibtex
from paperboy.core.ids import is_arxiv_id
from paperboy.core.models import UserRef
from paperboy.core.ports import Clock, PaperLookup, ReadingListRepository
from paperboy.core.replies import Card, FileReply, ListKind, Notice, PageRef, PaperList, Reply
from paperboy.core.rich import Rich, code, sentence_start, text
from paperboy.core.text import quote_title

EXPORT_LIMIT = 10_000


class ReadingListCommands:
    def __init__(
        self,
        *,
        papers: PaperLookup,
        lists: ReadingListRepository,
        clock: Clock,
        page_size: int,
        react_hint: Rich,
    ) -> None:
        self.papers = papers
        self.lists = lists
        self.clock = clock
        self.page_size = page_size
        # How people save by reaction here ("react with 🔖 (or `react N` here)"), with
        # the configured save emoji.
        self.react_hint = react_hint

    async def react(self, user: UserRef, paper_id: str, *, added: bool) -> Notice | None:
        """A save-emoji reaction added (save) or removed (unsave) on a post of
        `paper_id`; a confirmation only when it changed something."""
        paper = await self.papers.get(paper_id)
        if paper is None:
            return None
        if added:
            changed = await self.lists.save(user, paper_id, at=self.clock())
            said = f"Saved {quote_title(paper)} to your reading list."
        else:
            changed = await self.lists.unsave(user, paper_id)
            said = f"Removed {quote_title(paper)} from your reading list."
        return Notice(said) if changed else None

    async def save(self, user: UserRef, paper_id: str) -> Reply:
        paper = await self.papers.get(paper_id)
        if paper is None:
            return unknown_paper(paper_id)
        if await self.lists.save(user, paper_id, at=self.clock()):
            return Notice(f"Saved {quote_title(paper)} to your reading list.")
        return Notice(f"{quote_title(paper)} is already on your reading list.")

    async def matching(self, user: UserRef, typed: str) -> list[tuple[str, str]]:
        """(paper id, title) of the user's saved papers whose id or title contains
        `typed`, in any case and any script (so matched here: SQLite folds only
        ASCII), newest first; for autocomplete."""
        needle = typed.strip().casefold()
        return [
            (paper_id, title)
            for paper_id, title in await self.lists.titles(user)
            if needle in paper_id.casefold() or needle in title.casefold()
        ]

    async def saved(self, user: UserRef, offset: int) -> Reply:
        size = self.page_size
        items = await self.lists.list(user, limit=size + 1, offset=offset)
        if not items:
            if offset:
                return Notice("That is the whole reading list.")
            return Notice(
                text(
                    "Your reading list is empty. ",
                    sentence_start(self.react_hint),
                    " to a paper I post, or ",
                    code("save <id>"),
                    ", to add one.",
                )
            )
        total = await self.lists.count(user)
        cards = tuple(Card(item.paper, saved=item) for item in items[:size])
        more = PageRef(ListKind.SAVED, "", offset + size) if len(items) > size else None
        noun = "paper" if total == 1 else "papers"
        title = f"Your reading list: {total} {noun} ({offset + 1}–{offset + len(cards)})"
        return PaperList(ListKind.SAVED, title, cards, more)

    async def unsave(self, user: UserRef, paper_id: str) -> Reply:
        if await self.lists.unsave(user, paper_id):
            paper = await self.papers.get(paper_id)
            name = quote_title(paper) if paper else paper_id
            return Notice(f"Removed {name} from your reading list.")
        return Notice(f"{paper_id} is not on your reading list.", error=True)

    async def read(self, user: UserRef, paper_id: str) -> Reply:
        if await self.lists.mark_read(user, paper_id, at=self.clock()):
            paper = await self.papers.get(paper_id)
            name = quote_title(paper) if paper else paper_id
            return Notice(f"Marked {name} as read.")
        if await self.lists.is_saved(user, paper_id):
            return Notice(f"{paper_id} is already marked read.")
        if await self.papers.get(paper_id) is None:
            return unknown_paper(paper_id)
        return Notice(
            text(
                f"{paper_id} is not on your reading list; ", code(f"save {paper_id}"), " adds it."
            ),
            error=True,
        )

    async def export(self, user: UserRef) -> Reply:
        items = await self.lists.list(user, limit=EXPORT_LIMIT)
        if not items:
            return Notice("Your reading list is empty, so there is nothing to export.")
        content = to_bibtex(item.paper for item in items).encode("utf-8")
        noun = "paper" if len(items) == 1 else "papers"
        return FileReply(
            filename="reading-list.bib",
            content=content,
            mime_type="application/x-bibtex",
            comment=f"Your reading list as BibTeX ({len(items)} {noun}).",
        )


def unknown_paper(paper_id: str) -> Notice:
    """No such paper here: `add` is offered only for an id arXiv could have."""
    if is_arxiv_id(paper_id):
        return Notice(
            text(f"I don't have {paper_id}. ", code(f"add {paper_id}"), " fetches it from arXiv."),
            error=True,
        )
    return Notice(
        text(
            "I don't have a paper ",
            code(paper_id),
            ", and it is not an arXiv id. ",
            code("search"),
            " finds papers by their words.",
        ),
        error=True,
    )
