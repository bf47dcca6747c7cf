"""Marking papers "not for me": `mark`, `unmark`, the Not for me button and the 👎 reaction.

A mark is a label like a save, with the opposite meaning: `foryou` learns from
both and shows neither. Each person's marks are theirs alone, and every change
is idempotent, so a redelivered reaction changes nothing twice.
"""

from __future__ import annotations

from paperboy.core.models import UserRef
from paperboy.core.ports import Clock, MarkRepository, PaperLookup
from paperboy.core.reading_list import unknown_paper
from paperboy.core.replies import Notice, Reply
from paperboy.core.rich import code, text
from paperboy.core.text import quote_title


class MarkCommands:
    def __init__(self, *, papers: PaperLookup, marks: MarkRepository, clock: Clock) -> None:
        self.papers = papers
        self.marks = marks
        self.clock = clock

    async def mark(self, user: UserRef, paper_id: str) -> Reply:
        paper = await self.papers.get(paper_id)
        if paper is None:
            return unknown_paper(paper_id)
        if not await self.marks.mark(user, paper_id, at=self.clock()):
            return Notice(f"{quote_title(paper)} is already marked not for you.")
        return Notice(
            text(
                f"Marked {quote_title(paper)} not for you: ",
                code("foryou"),
                " leaves it out and suggests fewer like it. ",
                code(f"unmark {paper_id}"),
                " undoes it.",
            )
        )

    async def unmark(self, user: UserRef, paper_id: str) -> Reply:
        if not await self.marks.unmark(user, paper_id):
            return Notice(f"{paper_id} is not marked not for you.", error=True)
        paper = await self.papers.get(paper_id)
        name = quote_title(paper) if paper else paper_id
        return Notice(text(f"Unmarked {name}: ", code("foryou"), " may suggest it again."))

    async def react(self, user: UserRef, paper_id: str, *, added: bool) -> Notice | None:
        """A not-for-me reaction added (mark) or removed (unmark) on a post of `paper_id`;
        a confirmation only when it changed something."""
        paper = await self.papers.get(paper_id)
        if paper is None:
            return None
        if added:
            changed = await self.marks.mark(user, paper_id, at=self.clock())
            said = f"Marked {quote_title(paper)} not for you; remove the reaction to undo."
        else:
            changed = await self.marks.unmark(user, paper_id)
            said = f"Unmarked {quote_title(paper)}."
        return Notice(said) if changed else None
