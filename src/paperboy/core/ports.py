"""The ports the core talks through. Implementations live in store/ and adapters/.

Each is a small Protocol whose docstring states the contract, so the SQLite
store can later be swapped for PostgreSQL, and tests can see what is promised.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from paperboy.core.models import ChannelRef, Context, Paper, PostRef, SavedPaper, UserRef

if TYPE_CHECKING:
    from paperboy.core.replies import Reply


class StoreUnavailable(Exception):
    """The store cannot answer right now (locked, disk full); nothing was written.

    Callers answer "try again shortly"; the condition is expected to pass.
    """


class StoreBroken(Exception):
    """The store's file cannot be used and waiting will not help: it is damaged, the
    disk fails, or it became read-only. The message names the file and what to do."""


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """Of the papers written: how many were new, changed, and already stored as they are."""

    inserted: int
    updated: int
    unchanged: int = 0

    def describe(self) -> str:
        """ "3 new, 1 updated, 70 unchanged"."""
        return f"{self.inserted} new, {self.updated} updated, {self.unchanged} unchanged"


@dataclass(frozen=True, slots=True)
class IndexState:
    """What the search index must reflect: how many papers, the last text change,
    the last change of any kind (upvotes are index metadata too)."""

    count: int
    text_seq: int
    updated_at: str

    @property
    def fingerprint(self) -> str:
        return f"{self.count}:{self.text_seq}:{self.updated_at}"


class DatedPaper(NamedTuple):
    """What a trend counts of a paper: its day (featured on Daily Papers, else
    published) and its upvotes. A tuple: a trend reads 100k of them at once."""

    id: str
    day: date
    upvotes: int


class PaperRepository(Protocol):
    """Papers by arXiv id. Upserts never duplicate a paper and never lose data:
    a missing optional field keeps the stored value; upvotes never go down.
    `iter_all(after_seq=n)` yields every paper whose text changed after n."""

    async def upsert(self, papers: Sequence[Paper], *, at: datetime) -> UpsertCounts: ...

    async def get(self, paper_id: str) -> Paper | None: ...

    async def get_many(self, paper_ids: Sequence[str]) -> dict[str, Paper]: ...

    async def trending(
        self, *, since: date, until: date, limit: int, offset: int = 0
    ) -> list[Paper]: ...

    async def suggest(self, prefix: str, *, limit: int = 25) -> list[Paper]: ...

    async def latest_featured_day(self, *, on_or_before: date) -> date | None: ...

    async def dated(self, *, since: date, until: date) -> list[DatedPaper]:
        """Every paper whose day (featured, else published) is between the two, inclusive."""
        ...

    async def count(self) -> int: ...

    async def index_state(self) -> IndexState: ...

    def iter_all(self, *, after_seq: int = 0) -> AsyncIterator[Paper]: ...


class ReadingListRepository(Protocol):
    """Saved papers per (platform, workspace, user). Every call is idempotent and
    reports whether it changed anything; lists never cross users or workspaces."""

    async def save(self, user: UserRef, paper_id: str, *, at: datetime) -> bool: ...

    async def unsave(self, user: UserRef, paper_id: str) -> bool: ...

    async def mark_read(self, user: UserRef, paper_id: str, *, at: datetime) -> bool: ...

    async def is_saved(self, user: UserRef, paper_id: str) -> bool: ...

    async def titles(self, user: UserRef) -> list[tuple[str, str]]: ...

    async def list(self, user: UserRef, *, limit: int, offset: int = 0) -> list[SavedPaper]: ...

    async def count(self, user: UserRef) -> int: ...


class PostLog(Protocol):
    """Which paper each bot message shows, so a reaction on it names that paper."""

    async def record(self, post: PostRef, paper_id: str, *, at: datetime) -> None: ...

    async def paper_for(self, post: PostRef) -> str | None: ...

    async def most_saved(
        self, channel: ChannelRef, *, since: datetime, limit: int
    ) -> list[tuple[str, int]]:
        """(paper id, saves), most saved first: the papers the bot posted in `channel`
        that people of its workspace saved at or after `since`, each save made after
        the paper's first post there."""
        ...


class ChannelPoster(Protocol):
    """An adapter's way to post one message into a channel (used by the digest).

    Returns the platform's message id. Raises `PostFailed` when the channel
    cannot be posted to (gone, archived, no permission)."""

    platform: str

    async def post(self, channel: ChannelRef, reply: Reply) -> str: ...


class PostFailed(Exception):
    """A message could not be posted; `permanent` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SourceFailure(Exception):
    """A paper source failed: down, timing out, answering garbage or refusing.

    The base of every error the source clients raise (see sources/errors.py);
    the user is told to try again later."""


class Unreachable(Exception):
    """A chat platform could not be reached at start-up (no DNS, refused, timed out,
    a server error): a network failure, not a bad setting. The message names the URL
    and the setting that holds it."""


class PaperFetcher(Protocol):
    """Fetches one paper from its source (arXiv) by id."""

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        """The paper, or None when the source says there is no such paper.

        Raises `SourceFailure` when the source cannot give an answer."""
        ...


class DigestCommands(Protocol):
    """The channel-digest commands, implemented by the digest service."""

    async def subscribe(self, context: Context, arguments: str) -> Reply: ...

    async def unsubscribe(self, context: Context, what: str = "") -> Reply:
        """Stop the daily digest, or (`what` "top") the weekly list."""
        ...

    async def preview(self, context: Context) -> Reply: ...
