"""The ports the core talks through. Implementations live in store/ and adapters/.

Each is a small Protocol whose docstring states the contract, so the SQLite
store can later be swapped for PostgreSQL, and tests can see what is promised.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from paperboy.core.models import (
    ChannelRef,
    Context,
    Follow,
    Paper,
    PersonalData,
    PostRef,
    SavedPaper,
    Subscription,
    UserRef,
    WeeklyForYou,
    WeeklyTop,
)

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from paperboy.core.digest_spec import DigestSpec
    from paperboy.core.replies import Reply
    from paperboy.core.weekly_spec import WeeklySpec
    from paperboy.search import DocFilter, Recommendation, SearchHit, Snippet

# What time it is now (an aware datetime); injected everywhere so tests can move it.
Clock = Callable[[], datetime]


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
    new_ids: tuple[str, ...] = ()  # the ids of the papers that were new, as given

    def describe(self) -> str:
        """ "3 new, 1 updated, 70 unchanged"."""
        return f"{self.inserted} new, {self.updated} updated, {self.unchanged} unchanged"


@dataclass(frozen=True, slots=True)
class PapersVersion:
    """How far the store's papers are: how many, the last text change, the last
    change of any kind. Not what the search index trusts: a store another process
    writes to moves on without it; the index follows `PaperChanges` instead."""

    count: int
    text_seq: int
    updated_at: str


class DatedPaper(NamedTuple):
    """What a trend counts of a paper: its day (featured on Daily Papers, else
    published) and its upvotes. A tuple: a trend reads 100k of them at once."""

    id: str
    day: date
    upvotes: int


class PaperLookup(Protocol):
    """Stored papers by arXiv id."""

    async def get(self, paper_id: str) -> Paper | None: ...

    async def get_many(self, paper_ids: Sequence[str]) -> dict[str, Paper]: ...

    async def suggest(self, prefix: str, *, limit: int = 25) -> list[Paper]: ...


class PaperWriter(Protocol):
    """Upserts never duplicate a paper and never lose data: a missing optional field
    keeps the stored value; upvotes never go down."""

    async def upsert(self, papers: Sequence[Paper], *, at: datetime) -> UpsertCounts: ...


class FeaturedPapers(Protocol):
    """The Daily Papers feed as stored: what trended when."""

    async def trending(
        self, *, since: date, until: date, limit: int, offset: int = 0
    ) -> list[Paper]: ...

    async def latest_featured_day(self, *, on_or_before: date) -> date | None: ...

    async def dated(self, *, since: date, until: date) -> list[DatedPaper]:
        """Every paper whose day (featured, else published) is between the two, inclusive."""
        ...


class IndexFeed(Protocol):
    """How many papers are stored (what the search index is built from and follows
    is `PaperChanges`)."""

    async def count(self) -> int: ...


class PaperChanges(Protocol):
    """The store's log of paper writes, which every running bot's search index follows.

    Each insert of a paper, and each write that changes it (text, authors, upvotes,
    any field), gives the paper the next change sequence, above every one given
    before; a write that leaves a paper as it was gives none. Sequences are positive
    and become visible in order: once a reader sees sequence n, every write with a
    lower one is visible too. So an index that has taken in everything up to n needs
    exactly `changes_since(n)` to be current, whichever process wrote them.
    """

    async def changes_since(self, sequence: int, *, limit: int) -> list[tuple[int, Paper]]:
        """Up to `limit` (sequence, paper) of the papers whose last change came after
        `sequence`, in sequence order, each paper as stored now; [] when none."""
        ...

    async def latest_change(self) -> int:
        """The highest sequence given so far (0 for a store that has no papers)."""
        ...


class PaperRepository(PaperLookup, PaperWriter, FeaturedPapers, IndexFeed, Protocol):
    """Everything the store keeps about papers (what the library is built on)."""


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


class MarkRepository(Protocol):
    """Papers each person marked "not for me", per (platform, workspace, user). Every
    call is idempotent and reports whether it changed anything."""

    async def mark(self, user: UserRef, paper_id: str, *, at: datetime) -> bool: ...

    async def unmark(self, user: UserRef, paper_id: str) -> bool: ...

    async def marked(self, user: UserRef) -> list[str]:
        """The marked papers' ids, newest mark first."""
        ...


class WorkspaceData(Protocol):
    """Everything stored about one workspace, deleted at once (see core/workspaces.py)."""

    async def forget(self, platform: str, workspace: str) -> dict[str, int]:
        """Delete every row of the workspace; rows deleted per table."""


class PersonStore(Protocol):
    """Everything stored about one person in one workspace (see core/people.py)."""

    async def count(self, user: UserRef) -> dict[PersonalData, int]:
        """What is stored about the person, per kind; kinds with none left out."""
        ...

    async def forget(self, user: UserRef) -> dict[PersonalData, int]:
        """Delete it all at once (a channel's digest they set up stays, without their
        id); rows per kind. Never another person's, nor the same user id's in another
        workspace or platform."""
        ...


class FollowRepository(Protocol):
    """The authors and words people follow, and which papers each place (a person's
    direct messages, a channel: `Follow.destination`) was sent."""

    async def add(
        self, owner: UserRef, kind: str, query: str, *, channel: str = "", at: datetime
    ) -> bool:
        """Add a follow; False if the person already has it."""
        ...

    async def of(self, owner: UserRef) -> list[Follow]:
        """The person's follows, oldest first."""
        ...

    async def remove(self, follow_id: int) -> bool: ...

    async def every(self) -> list[Follow]: ...

    async def claim(
        self,
        platform: str,
        workspace: str,
        destination: str,
        paper_ids: Sequence[str],
        *,
        at: datetime,
    ) -> list[str]:
        """Write the papers down as sent to `destination` before sending; returns those
        never written down there before (the ones to send)."""
        ...

    async def remove_workspace(self, platform: str, workspace: str) -> int:
        """Delete a workspace's follows and what they sent; how many follows."""
        ...


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


class PaperSink(Protocol):
    """Where fetched papers go: stored, and searchable when the call returns."""

    async def add_papers(self, papers: Sequence[Paper], *, at: datetime) -> UpsertCounts: ...

    def gathering(self) -> AbstractAsyncContextManager[None]:
        """While inside, the papers new to the index wait, and reach the follows together
        at the exit: one ingest of several days is one message per follower."""
        ...


class Leases(Protocol):
    """Named leases in the store: at most one holder at a time, until the lease expires.
    Each call is one conditional write, so two processes asking at once cannot both get
    one; a holder that dies stops renewing and the lease is free once it expires."""

    async def try_acquire(
        self, name: str, holder: str, *, now: datetime, ttl: timedelta
    ) -> bool: ...

    async def renew(self, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool: ...

    async def release(self, name: str, holder: str) -> None: ...


class IngestLog(Protocol):
    """Which Daily Papers days were fetched whole, and which failed (and why)."""

    async def mark_done(self, day: date, *, papers: int, at: datetime) -> None: ...

    async def mark_failed(self, day: date, *, error: str, at: datetime) -> None: ...

    async def done_days(self, since: date, until: date) -> set[date]: ...


class TopicIndex(Protocol):
    """The search's view of a digest's topics: the words they search for, the papers a
    search for them can return, and snippets marking them. Index work runs in worker
    threads, off the event loop."""

    def query_terms(self, text: str) -> frozenset[str]: ...

    async def matching(self, topic: str) -> frozenset[str]: ...

    async def snippets(self, texts: Sequence[str], terms: frozenset[str]) -> list[Snippet]: ...


class Recommender(Protocol):
    """A ranking learned from one person's or one team's labels (`foryou`, `rank:team`),
    computed off the event loop."""

    async def recommend(
        self,
        liked: Collection[str],
        disliked: Collection[str],
        *,
        among: Collection[str] | None,
        limit: int,
        offset: int = 0,
    ) -> list[Recommendation]:
        """Papers of `among` (None: every paper) ranked for someone who saved `liked` and
        marked `disliked`, best first, those two left out; each with the saved paper it
        is most like. [] when none of `liked` is known."""
        ...


class PaperSearch(TopicIndex, Recommender, Protocol):
    """Ranked retrieval over every stored paper (the library's index): what `search`,
    `similar` and the trend charts need. Ranking runs off the event loop."""

    async def search(
        self, query: str, *, limit: int, offset: int = 0, where: DocFilter | None = None
    ) -> list[SearchHit]: ...

    async def newest(self, where: DocFilter, *, limit: int, offset: int = 0) -> list[str]: ...

    async def similar(
        self,
        paper_id: str,
        *,
        limit: int,
        offset: int = 0,
        among: Collection[str] | None = None,
    ) -> list[SearchHit]:
        """Papers most like `paper_id`, itself excluded; only papers of `among` when given."""
        ...


class PaperCatalogue(PaperLookup, FeaturedPapers, Protocol):
    """The stored papers as the chat commands read them: by id, by prefix, by day."""


class SubscriptionBook(Protocol):
    """Each channel's digest subscription (at most one); `active` leaves out paused ones."""

    async def put(self, subscription: Subscription, *, at: datetime) -> None: ...

    async def remove(self, channel: ChannelRef) -> bool: ...

    async def get(self, channel: ChannelRef) -> Subscription | None: ...

    async def active(self) -> list[Subscription]: ...

    async def remove_workspace(self, platform: str, workspace: str) -> list[ChannelRef]:
        """Delete the subscriptions of every channel of one workspace (paused ones too);
        the channels that had one."""
        ...


class DigestHealth(Protocol):
    """Failed runs in a row per channel; `record_failure` pauses the subscription at
    `pause_after` and returns the count."""

    async def record_failure(
        self, channel: ChannelRef, *, pause_after: int, at: datetime
    ) -> int: ...

    async def record_success(self, channel: ChannelRef) -> None: ...


class Subscriptions(SubscriptionBook, DigestHealth, Protocol):
    """Both faces of the subscriptions, as the digest runner needs them."""


# A header (or a run's only message) recorded as on its way before it is posted: a
# process that dies while it goes out leaves this, and whoever resumes the run posts no
# second one (whether it got out is unknowable; at most once, as for each paper).
HEADER_POSTING = ""


@dataclass(frozen=True, slots=True)
class DigestRun:
    channel: ChannelRef
    local_date: date
    status: str  # claimed | done | skipped | failed | held (claimed by another process)
    header_id: str | None  # None: not posted; HEADER_POSTING: on its way; else its message

    @property
    def finished(self) -> bool:
        return self.status in ("done", "skipped")

    @property
    def held_elsewhere(self) -> bool:
        """Another process holds the run (its lease has not expired): post nothing."""
        return self.status == "held"


class DigestRuns(Protocol):
    """One run per channel per local day, claimed before anything is posted, so a run
    done is never repeated; a claim of an unfinished run counts one more attempt, and
    a run another live process holds is returned "held" (`held_elsewhere`), unclaimed.

    A claim holds until `at + lease` (the store's default when None): the holder
    `renew`s it while it posts (False: it is no longer ours, post nothing more) and
    `release`s it when it stops with the run unfinished. A run whose lease expired,
    or whose holder is known to have exited, is taken by the next claim."""

    async def claim(
        self,
        channel: ChannelRef,
        local_date: date,
        *,
        at: datetime,
        lease: timedelta | None = None,
    ) -> DigestRun: ...

    async def renew(
        self,
        channel: ChannelRef,
        local_date: date,
        *,
        at: datetime,
        lease: timedelta | None = None,
    ) -> bool: ...

    async def release(self, channel: ChannelRef, local_date: date) -> None: ...

    async def run(self, channel: ChannelRef, local_date: date) -> DigestRun | None: ...

    async def skip(self, channel: ChannelRef, local_date: date, *, at: datetime) -> None: ...

    async def begin_header(self, channel: ChannelRef, local_date: date) -> bool:
        """Take the header's turn: True for exactly one caller (a replica whose claim
        lapsed while it stalled and the one that took the run over), the header then
        HEADER_POSTING until `set_header`."""
        ...

    async def set_header(
        self, channel: ChannelRef, local_date: date, message_id: str | None
    ) -> None:
        """Record the header's message (None again when posting it failed for certain)."""
        ...

    async def finish(
        self, channel: ChannelRef, local_date: date, *, status: str, at: datetime
    ) -> None: ...


class DigestItems(Protocol):
    """The papers each channel was sent in digests, exactly once: `begin` marks a paper
    as being posted (False if the channel already has it), `sent` once its message is
    out, `forget` when the post failed for certain. A paper being posted counts as sent."""

    async def sent_papers(self, channel: ChannelRef) -> set[str]: ...

    async def items(self, channel: ChannelRef, local_date: date) -> list[tuple[str, str]]: ...

    async def begin(
        self, channel: ChannelRef, local_date: date, paper_id: str, *, position: int, at: datetime
    ) -> bool: ...

    async def sent(
        self, channel: ChannelRef, paper_id: str, message_id: str, *, at: datetime
    ) -> None: ...

    async def forget(self, channel: ChannelRef, paper_id: str) -> None: ...


class WeeklyTopBook(Protocol):
    """Each channel's weekly `top` list (at most one)."""

    async def put(self, weekly: WeeklyTop, *, at: datetime) -> None: ...

    async def remove(self, channel: ChannelRef) -> bool: ...

    async def get(self, channel: ChannelRef) -> WeeklyTop | None: ...

    async def active(self) -> list[WeeklyTop]: ...

    async def remove_workspace(self, platform: str, workspace: str) -> list[ChannelRef]:
        """Delete the subscriptions of every channel of one workspace (paused ones too);
        the channels that had one."""
        ...


class WeeklyTopRuns(Protocol):
    """One weekly list per channel and local day: `begin` turns the day's claim to
    'posting' for exactly one caller; `release` gives it back when the post failed."""

    async def status(self, channel: ChannelRef, day: date) -> str | None: ...

    async def begin(self, channel: ChannelRef, day: date, *, at: datetime) -> bool: ...

    async def release(self, channel: ChannelRef, day: date) -> None: ...

    async def finish(
        self, channel: ChannelRef, day: date, message_id: str, *, at: datetime
    ) -> None: ...

    async def skip(self, channel: ChannelRef, day: date, *, at: datetime) -> None: ...


class WeeklyTops(WeeklyTopBook, WeeklyTopRuns, Protocol):
    """Both faces of the weekly lists, as the weekly runner needs them."""


class WeeklyForYouBook(Protocol):
    """Each person's weekly `foryou` message (at most one per person)."""

    async def put(self, weekly: WeeklyForYou, *, at: datetime) -> None: ...

    async def remove(self, user: UserRef) -> bool: ...

    async def remove_workspace(self, platform: str, workspace: str) -> list[UserRef]:
        """Delete every weekly message of one workspace; the people who had one."""
        ...

    async def get(self, user: UserRef) -> WeeklyForYou | None: ...

    async def active(self) -> list[WeeklyForYou]: ...


class WeeklyForYouRuns(Protocol):
    """One weekly message per person and local day, exactly once.

    `claim` records the day's run (or finds it) and returns its status ('claimed',
    'done', 'skipped'); `plan` writes the papers chosen for it, once (a second plan of
    the same day changes nothing); `begin` turns a planned paper to 'posting' for
    exactly one caller; `sent` records its message, `unsent` puts it back to planned
    (the post failed for certain). A paper being posted counts as sent. The opening
    message likewise: `begin_header` is True for exactly one caller (a header being
    sent, "" from `header`, counts as sent), `release_header` after a certain failure."""

    async def claim(self, user: UserRef, day: date, *, at: datetime) -> str: ...

    async def status(self, user: UserRef, day: date) -> str | None: ...

    async def header(self, user: UserRef, day: date) -> str | None: ...

    async def set_header(self, user: UserRef, day: date, message_id: str) -> None: ...

    async def begin_header(self, user: UserRef, day: date) -> bool: ...

    async def release_header(self, user: UserRef, day: date) -> None: ...

    async def plan(self, user: UserRef, day: date, papers: Sequence[tuple[str, str]]) -> None:
        """(paper id, the saved paper it is most like), in posting order."""
        ...

    async def planned(self, user: UserRef, day: date) -> list[tuple[str, str, str]]:
        """(paper id, like id, status) of the day's run, in posting order."""
        ...

    async def begin(self, user: UserRef, day: date, paper_id: str) -> bool: ...

    async def sent(self, user: UserRef, day: date, paper_id: str, message_id: str) -> None: ...

    async def unsent(self, user: UserRef, day: date, paper_id: str) -> None: ...

    async def finish(self, user: UserRef, day: date, *, at: datetime) -> None: ...

    async def skip(self, user: UserRef, day: date, *, at: datetime) -> None: ...


class WeeklyForYous(WeeklyForYouBook, WeeklyForYouRuns, Protocol):
    """Both faces of the weekly `foryou` messages, as their runner needs them."""


class DigestRanks(Protocol):
    """How each channel's digest is ordered: 'votes' (the default, also when nothing is
    stored) or 'team' (by what the channel's people saved)."""

    async def get(self, channel: ChannelRef) -> str: ...

    async def put(self, channel: ChannelRef, rank: str) -> None: ...

    async def remove(self, channel: ChannelRef) -> None: ...

    async def remove_workspace(self, platform: str, workspace: str) -> None: ...


class PreviewCooldowns(Protocol):
    """When each channel last got a `digest` preview; a claim within `cooldown` of the
    last one changes nothing and returns that time."""

    async def claim(
        self, channel: ChannelRef, *, at: datetime, cooldown: timedelta
    ) -> datetime | None: ...

    async def release(self, channel: ChannelRef, *, at: datetime) -> None: ...


class ChannelPoster(Protocol):
    """A platform's way to post one message into a channel (used by the Publisher,
    core/publishing.py, which paces the posts when `paced` and records what they show).

    Returns the platform's message id. Raises `PostFailed` when the channel
    cannot be posted to (gone, archived, no permission).

    `key` is the same at every attempt at one message (the caller's retries): a
    platform uses it so that an attempt whose first try did land (a timeout after
    sending) posts nothing new and returns that message (Discord: the nonce; Slack:
    the message's metadata, looked for before posting again)."""

    @property
    def platform(self) -> str: ...

    @property
    def paced(self) -> bool:
        """False for a platform without rate limits (the console)."""
        ...

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str) -> str: ...

    async def direct_channel(self, user: UserRef) -> ChannelRef:
        """The bot's direct-message channel with `user`, to `post` into like any other
        (opened if need be). Raises `PostFailed` when it cannot be opened."""
        ...


class PostFailed(Exception):
    """A message could not be posted; `permanent` when retrying cannot help;
    `maybe_posted` when it may have been posted all the same (the answer was lost) and
    the platform could not tell: whoever records posts counts it as sent (at most once)."""

    def __init__(
        self, message: str, *, permanent: bool = False, maybe_posted: bool = False
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.maybe_posted = maybe_posted


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

    async def subscribe(self, context: Context, spec: DigestSpec) -> Reply:
        """Set the channel's digest to `spec` (its blanks filled with the defaults)."""
        ...

    async def subscribe_weekly(self, context: Context, spec: WeeklySpec) -> Reply:
        """Post the channel's most saved papers of the past week once a week, as `spec` says."""
        ...

    async def unsubscribe(self, context: Context, what: str = "") -> Reply:
        """Stop the daily digest, or (`what` "top") the weekly list."""
        ...

    async def foryou_weekly(self, context: Context, spec: WeeklySpec) -> Reply:
        """Send the person their top papers of the week by direct message, as `spec` says."""
        ...

    async def foryou_stop(self, context: Context) -> Reply:
        """No more weekly `foryou` messages for the person."""
        ...

    async def preview(self, context: Context) -> Reply: ...

    async def forget_workspace(self, platform: str, workspace: str) -> int:
        """Delete every subscription (daily and weekly) of the workspace's channels and
        stop their jobs; no other workspace's. Returns how many channels had one."""
        ...

    async def forget_person(self, user: UserRef) -> bool:
        """Delete the person's weekly foryou message and stop its job; whether there was one."""
        ...
