"""Platform-neutral values that every part of paperboy speaks.

Nothing here does I/O or knows about Slack, Discord or the console. Values are
frozen so they can be shared freely between the event loop and worker threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from paperboy.core.ids import is_arxiv_id


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as the store keeps it.

    `id` is the arXiv identifier without a version suffix ("2403.12345",
    "cs/0112017"), or a team's own id for a paper imported from its list
    ("team-001"): such a paper has no arXiv or Hugging Face page, only the
    `page_url` the list gave, if any. `published` is the first arXiv
    version's date; `featured` is the day the Hugging Face Daily Papers page
    listed it (None when it never was). Upvotes change during the day;
    everything else rarely does.
    """

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    published: date | None = None
    featured: date | None = None
    upvotes: int = 0
    github_url: str | None = None
    project_url: str | None = None
    thumbnail_url: str | None = None
    ai_summary: str | None = None
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    doi: str | None = None
    journal_ref: str | None = None
    page_url: str | None = None  # the paper's own page, as an imported list gave it

    @property
    def on_arxiv(self) -> bool:
        return is_arxiv_id(self.id)

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.id}" if self.on_arxiv else None

    @property
    def hf_url(self) -> str | None:
        """The Daily Papers page, which exists only for papers featured there."""
        return f"https://huggingface.co/papers/{self.id}" if self.featured is not None else None

    @property
    def url(self) -> str | None:
        """The page a title links to: the page the paper came with, else the Daily
        Papers page when it was featured there, else arXiv's; None for a paper
        that has none of them."""
        return self.page_url or self.hf_url or self.arxiv_url

    @property
    def date(self) -> date | None:
        """The date shown beside the paper and used by `since:`/`until:`."""
        return self.published or self.featured


class Platform(StrEnum):
    SLACK = "slack"
    DISCORD = "discord"
    CONSOLE = "console"


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A place messages are posted: a Slack channel, a Discord channel, the console."""

    platform: str
    workspace: str  # Slack team id, Discord guild id, "local" for the console
    channel: str


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person, always within one workspace: lists never cross workspaces."""

    platform: str
    workspace: str
    user: str


class PersonalData(StrEnum):
    """A kind of what paperboy keeps about one person in one workspace (`forget me` counts
    and deletes each; store/people.py says which table holds which)."""

    READING_LIST = "reading_list"  # the papers they saved
    MARKS = "marks"  # papers they marked "not for me"
    FOLLOWS = "follows"  # authors and words they follow
    FOLLOW_SENT = "follow_sent"  # which papers their follows sent them
    WEEKLY = "weekly"  # their weekly foryou message
    WEEKLY_SENT = "weekly_sent"  # the weekly messages sent to them
    WEEKLY_PAPERS = "weekly_papers"  # the papers those messages listed
    SET_UP = "set_up"  # a channel's digest or weekly list they set up: their id on it


@dataclass(frozen=True, slots=True)
class Follow:
    """An author or some words a person follows. The new papers that match go to the
    person by direct message, or (`channel` set, by someone who manages it) to that
    channel of the person's workspace."""

    id: int
    owner: UserRef
    kind: str  # "author" or "words"
    query: str
    channel: str = ""  # "" for the person's direct messages

    @property
    def destination(self) -> str:
        """Where its matches go, as the store keys what was sent there."""
        return f"channel:{self.channel}" if self.channel else f"user:{self.owner.user}"


@dataclass(frozen=True, slots=True)
class PostRef:
    """A message the bot posted, as its platform names it."""

    channel: ChannelRef
    message_id: str


@dataclass(frozen=True, slots=True)
class SavedPaper:
    paper: Paper
    saved_at: datetime
    read_at: datetime | None = None

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel's daily digest settings; `time` is local to `timezone`."""

    channel: ChannelRef
    time: time  # local to `timezone`
    timezone: str  # a zone name or UTC offset as `core.zones.canonical_zone` spells it
    topics: str = ""  # a search query; empty means every paper
    max_papers: int = 5
    min_upvotes: int = 0
    weekdays_only: bool = False
    failures: int = 0
    created_by: str = ""


@dataclass(frozen=True, slots=True)
class WeeklyTop:
    """A channel's weekly `top` list: on local `weekday` (0 Monday) at `time`."""

    channel: ChannelRef
    weekday: int
    time: time  # local to `timezone`
    timezone: str  # IANA name
    created_by: str = ""


@dataclass(frozen=True, slots=True)
class WeeklyForYou:
    """A person's weekly `foryou` message: on local `weekday` (0 Monday) at `time`."""

    user: UserRef
    weekday: int
    time: time  # local to `timezone`
    timezone: str  # as `core.zones.canonical_zone` spells it


@dataclass(frozen=True, slots=True)
class Context:
    """Who asked, and where, with what the platform says they may do there.

    The two permissions are facts an adapter supplies; the core decides what they
    allow (see core/channel_rules.py). Both are "no" unless an adapter says
    otherwise, so an adapter that cannot tell never lets anyone make the bot post
    in a channel or change what the channel receives."""

    user: UserRef
    channel: ChannelRef
    can_post: bool = False  # may post messages in this channel themselves
    can_manage_channel: bool = False  # may change what the channel receives (its digest)
