"""Platform-neutral replies. Each adapter renders these its own way.

Text in replies is plain: adapters escape it for their markup. Inline markup
(code, emphasis) is typed (`core/rich.py`), and matched words in snippets are
marked structurally (`Snippet` segments), never with a platform's syntax.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from paperboy.core.models import Paper, SavedPaper
from paperboy.core.rich import Code, Rich, as_rich, emphasis, join, text
from paperboy.core.text import clean_text, short_authors, shorten
from paperboy.search import Snippet


class ListKind(StrEnum):
    SEARCH = "search"
    SIMILAR = "similar"
    TRENDING = "trending"
    SAVED = "saved"
    TOP = "top"
    FORYOU = "foryou"


class CardAction(StrEnum):
    """What a button under a card does. Which a card gets is decided here, once."""

    SAVE = "save"
    READ = "read"
    UNSAVE = "unsave"
    SIMILAR = "similar"
    MARK = "mark"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    CardAction.SAVE: "Save",
    CardAction.READ: "Mark read",
    CardAction.UNSAVE: "Unsave",
    CardAction.SIMILAR: "Similar",
    CardAction.MARK: "Not for me",
}

AUTHORS_CHARS = 300
BECAUSE_CHARS = 60


@dataclass(frozen=True, slots=True)
class Link:
    """A page about a paper. `url` is as stored: each adapter checks it for its markup."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Card:
    """One paper in a list or a post: what to show and how it matched.

    The neutral card every front end lays out its own way: `title`, `url`,
    `facts` (the same facts in the same order everywhere), the snippet with its
    matched words marked, `links`, `status` in a reading list, and `actions`."""

    paper: Paper
    snippet: Snippet | None = None
    saved: SavedPaper | None = None  # set in reading-list views (read/unread mark)
    saves: int | None = None  # set in `top`: how many people here saved it
    because: str | None = None  # set in `foryou`: the saved paper it is most like

    @property
    def title(self) -> str:
        """The title on one line; the id for a paper without one."""
        return clean_text(self.paper.title) or self.paper.id

    @property
    def url(self) -> str | None:
        return self.paper.url

    @property
    def status(self) -> str | None:
        """ "unread" or "read" in a reading list, else None."""
        if self.saved is None:
            return None
        return "unread" if self.saved.unread else "read"

    @property
    def facts(self) -> Rich:
        """In `top` how many saved it, in `foryou` why ("like “X” you saved"), then
        authors (shortened) · date · ▲ upvotes · id, each only when known."""
        paper = self.paper
        items: list[str | Rich | Code] = []
        if self.saves is not None:
            items.append(f"saved by {self.saves}")
        if self.because is not None:
            items.append(
                text("like ", emphasis(shorten(self.because, BECAUSE_CHARS)), " you saved")
            )
        if authors := clean_text(short_authors(paper.authors)):
            items.append(shorten(authors, AUTHORS_CHARS))
        if paper.date is not None:
            items.append(paper.date.isoformat())
        if paper.upvotes:
            items.append(f"▲ {paper.upvotes}")
        items.append(Code(clean_text(paper.id)))
        return join(" · ", items)

    @property
    def links(self) -> tuple[Link, ...]:
        """The paper's pages, in one order: its page, arXiv, Hugging Face, code, project."""
        paper = self.paper
        pages = (
            ("Page", paper.page_url),
            ("arXiv", paper.arxiv_url),
            ("Hugging Face", paper.hf_url),
            ("Code", paper.github_url),
            ("Project page", paper.project_url),
        )
        return tuple(Link(label, url) for label, url in pages if url)

    @property
    def actions(self) -> tuple[CardAction, ...]:
        """Save, Similar and Not for me; in a reading list Mark read (when unread),
        Unsave, Similar."""
        if self.saved is None:
            return (CardAction.SAVE, CardAction.SIMILAR, CardAction.MARK)
        read = (CardAction.READ,) if self.saved.unread else ()
        return (*read, CardAction.UNSAVE, CardAction.SIMILAR)


def list_actions(cards: Sequence[Card]) -> tuple[CardAction, ...]:
    """The actions any of `cards` has, in the order a list offers them."""
    return tuple(a for a in CardAction if any(a in card.actions for card in cards))


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


@dataclass(frozen=True, slots=True, init=False)
class Notice:
    """A short text answer: a confirmation, a hint, an error, the help.

    Given a `str`, the text is plain; given a `Rich`, it keeps its code spans."""

    text: Rich
    ephemeral: bool
    error: bool

    def __init__(self, text: str | Rich, *, ephemeral: bool = True, error: bool = False) -> None:
        object.__setattr__(self, "text", as_rich(text))
        object.__setattr__(self, "ephemeral", ephemeral)
        object.__setattr__(self, "error", error)


class Confirm(StrEnum):
    """What a question's button confirms (`Question`)."""

    FORGET_ME = "forget_me"

    @property
    def label(self) -> str:
        return _CONFIRM_LABELS[self]


_CONFIRM_LABELS = {Confirm.FORGET_ME: "Forget me"}


@dataclass(frozen=True, slots=True)
class Question:
    """A notice that asks the person to confirm something, for their eyes only.

    Where replies carry buttons (Slack, Discord) it gets one, labelled `confirm.label`,
    that stands for the confirming command; `text` also says what to type instead.
    `asked_for` is the user id the question was asked for: the button carries it, so a
    press by anyone else confirms nothing."""

    text: Rich
    confirm: Confirm
    asked_for: str
    ephemeral: bool = True


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


Reply = PaperList | PaperPost | Notice | Question | FileReply | ImageReply


# What a user sees when a command fails in a way they could not have caused.
SOMETHING_WENT_WRONG = Notice("Something went wrong on my side; it has been logged.", error=True)
