"""Platform-neutral replies. Each adapter renders these its own way.

Text in replies is plain: adapters escape it for their markup. Matched words in
snippets are marked structurally (`Snippet` segments), never with markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from paperboy.core.models import Paper, SavedPaper
from paperboy.search import Snippet


class ListKind(StrEnum):
    SEARCH = "search"
    SIMILAR = "similar"
    TRENDING = "trending"
    SAVED = "saved"
    TOP = "top"


@dataclass(frozen=True, slots=True)
class Card:
    """One paper in a list or a post: what to show and how it matched."""

    paper: Paper
    snippet: Snippet | None = None
    saved: SavedPaper | None = None  # set in reading-list views (read/unread mark)
    saves: int | None = None  # set in `top`: how many people here saved it


@dataclass(frozen=True, slots=True)
class PageRef:
    """Where a "More" control continues: the list kind, its argument, the next offset.

    Encoded as one short string so adapters can carry it in a button and a
    press on an old message still works after a restart.
    """

    kind: ListKind
    argument: str
    offset: int

    def encode(self) -> str:
        return f"{self.kind.value}|{self.offset}|{self.argument}"

    @classmethod
    def decode(cls, text: str) -> PageRef | None:
        kind, _, rest = text.partition("|")
        offset, _, argument = rest.partition("|")
        try:
            return cls(ListKind(kind), argument, int(offset))
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class PaperList:
    """A page of papers: search results, similar papers, trending, a reading list."""

    kind: ListKind
    title: str
    cards: tuple[Card, ...]
    more: PageRef | None = None
    ephemeral: bool = True


@dataclass(frozen=True, slots=True)
class PaperPost:
    """One paper as a message of its own, so a reaction on it names that paper.

    `detail` shows the whole abstract (the `show` command); otherwise a card.
    """

    card: Card
    detail: bool = False
    ephemeral: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    """A short text answer: a confirmation, a hint, an error, the help."""

    text: str
    ephemeral: bool = True
    error: bool = False


@dataclass(frozen=True, slots=True)
class FileReply:
    """A file for the user (the BibTeX export), with a line of text."""

    filename: str
    content: bytes
    mime_type: str
    comment: str
    ephemeral: bool = True


@dataclass(frozen=True, slots=True)
class ImageReply:
    """A picture (a `trend` chart) for the place the question was asked.

    `summary` is the one line said beside it; `alt_text` says in words what it
    shows, numbers included, for anyone who cannot see it; `title` names it."""

    filename: str
    png: bytes
    title: str
    summary: str
    alt_text: str
    ephemeral: bool = False


Reply = PaperList | PaperPost | Notice | FileReply | ImageReply


# What a user sees when a command fails in a way they could not have caused.
SOMETHING_WENT_WRONG = Notice("Something went wrong on my side; it has been logged.", error=True)
