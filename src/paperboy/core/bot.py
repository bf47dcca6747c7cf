"""The Bot: executes commands and reactions, returns platform-neutral replies.

Adapters call `run` with a command they built from their platform's typed
input (`commands.py`'s builders, or `parse` for a line of text; `handle` does
both), `page` for a "More" press, and `on_reaction` for a reaction on one of the
bot's messages. None of them raises for anything a user can do: bad input gets a
short answer, a store that is briefly unavailable gets "try again shortly", and
an unexpected failure is logged and answered politely. The few questions an
adapter may ask besides (autocomplete, the save emoji, help) are methods here
too: adapters never reach through the Bot into what it is built from.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta

from paperboy.core import commands as c
from paperboy.core.channel_rules import posts_publicly
from paperboy.core.follows import FollowCommands
from paperboy.core.foryou import ForYouCommands
from paperboy.core.help import PlatformHelp, help_text, reaction_hint, unknown_topic
from paperboy.core.log_context import handling
from paperboy.core.marks import MarkCommands
from paperboy.core.models import Context, Paper, PostRef, UserRef
from paperboy.core.people import PersonCommands
from paperboy.core.ports import (
    Clock,
    DigestCommands,
    FollowRepository,
    MarkRepository,
    PaperCatalogue,
    PaperFetcher,
    PaperSearch,
    PaperSink,
    PersonStore,
    PostLog,
    ReadingListRepository,
    SourceFailure,
    StoreUnavailable,
    WorkspaceData,
)
from paperboy.core.reading_list import ReadingListCommands, unknown_paper
from paperboy.core.replies import (
    SOMETHING_WENT_WRONG,
    Card,
    ListKind,
    Notice,
    PageRef,
    PaperList,
    PaperPost,
    Reply,
)
from paperboy.core.rich import Rich, code, text
from paperboy.core.search_query import SearchQuery
from paperboy.core.searching import Refused, find
from paperboy.core.team_top import TeamTop
from paperboy.core.telemetry import NO_METRICS, Metrics, command_name
from paperboy.core.text import long_day, quote_title
from paperboy.core.trend_charts import TrendCharts
from paperboy.core.workspaces import ForgottenWorkspace, forget_workspace
from paperboy.search import SearchHit

log = logging.getLogger(__name__)

NO_DIGESTS = "Daily digests are not set up on this bot."


@dataclass(frozen=True, slots=True, kw_only=True)
class BotOptions:
    """Built from the settings by the composition root (their defaults live in config.py)."""

    page_size: int
    max_query_chars: int
    save_emoji: tuple[str, ...]
    # Reactions that mark a paper "not for me" (see config.py for the default).
    not_for_me_emoji: tuple[str, ...] = ("-1", "thumbsdown", "👎")
    command_prefix: str = ""  # how the platform invokes commands, for help text
    # The adapter's own verbs and its way to react, for help and hints.
    platform_help: PlatformHelp = field(default_factory=PlatformHelp)
    # The answer to subscribe, unsubscribe and digest where no digest service runs.
    digests_off: str | Rich = NO_DIGESTS


class Bot:
    def __init__(
        self,
        *,
        papers: PaperCatalogue,
        search: PaperSearch,
        sink: PaperSink,
        reading_lists: ReadingListRepository,
        marks: MarkRepository,
        posts: PostLog,
        clock: Clock,
        fetcher: PaperFetcher | None = None,
        options: BotOptions,
        digests: DigestCommands | None = None,
        workspaces: WorkspaceData | None = None,
        follows: FollowRepository | None = None,
        people: PersonStore | None = None,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self._papers = papers
        self._search_index = search
        self._sink = sink
        self._metrics = metrics
        self._posts = posts
        self.clock = clock
        self.fetcher = fetcher
        self._digests = digests
        self._workspaces = workspaces
        self._options = options
        self._save_emoji = frozenset(normalize_emoji(e) for e in self._options.save_emoji)
        # A name in both lists saves: the save emoji is the older promise.
        self._mark_emoji = (
            frozenset(normalize_emoji(e) for e in self._options.not_for_me_emoji) - self._save_emoji
        )
        react_hint = reaction_hint(self.save_emoji_glyph, self._options.platform_help)
        self._reading_list = ReadingListCommands(
            papers=papers,
            lists=reading_lists,
            clock=clock,
            page_size=self._options.page_size,
            react_hint=react_hint,
        )
        self._marks = MarkCommands(papers=papers, marks=marks, clock=clock)
        self.foryou = ForYouCommands(
            papers=papers,
            search=search,
            lists=reading_lists,
            marks=marks,
            clock=clock,
            page_size=self._options.page_size,
            react_hint=react_hint,
        )
        self._follows = (
            None if follows is None else FollowCommands(follows=follows, topics=search, clock=clock)
        )
        self._people = (
            None
            if people is None
            else PersonCommands(
                people=people,
                digests=digests,
                prefix=self._options.command_prefix,
                buttons=self._options.platform_help.buttons,
            )
        )
        self.trend_charts = TrendCharts(papers=papers, topics=search, clock=clock)
        self.team_top = TeamTop(
            papers=papers, posts=posts, clock=clock, save_emoji=self.save_emoji_glyph
        )

    # -- entry points -----------------------------------------------------------------

    def parse(self, text: str) -> c.Command | c.ParseError:
        """One command line ("search lora since:7d") through the one grammar."""
        return c.parse_command(text, max_chars=self._options.max_query_chars)

    async def handle(self, text: str, context: Context) -> Reply:
        """Parse and run one command line, e.g. "search lora since:7d"."""
        return await self.run(self.parse(text), context)

    async def run(self, command: c.Command | c.ParseError, context: Context) -> Reply:
        """The answer to a command (a `ParseError` is answered with its message).

        Counted in the metrics (by platform and command name, with its latency), and
        every line logged meanwhile names the platform, team, channel and command."""
        name = command_name(command)
        started = time.perf_counter()
        try:
            with handling(context.channel, name):
                return await self._answer(command, context)
        finally:
            self._metrics.command_handled(
                platform=context.channel.platform,
                command=name,
                seconds=time.perf_counter() - started,
            )

    async def _answer(self, command: c.Command | c.ParseError, context: Context) -> Reply:
        if isinstance(command, c.ParseError):
            return Notice(command.message, error=True)
        try:
            return await self._dispatch(command, context)
        except StoreUnavailable:
            return Notice("My database is unavailable right now; try again shortly.", error=True)
        except Exception:
            log.exception("command %r failed", command)
            return SOMETHING_WENT_WRONG

    async def page(self, ref: PageRef, context: Context) -> Reply:
        """The page a "More" control points at."""
        offset = max(0, ref.offset)
        if ref.kind is ListKind.SEARCH:
            command = c.search_command(ref.argument)
            if isinstance(command, c.Search):
                command = c.Search(command.query, offset)
            return await self.run(command, context)
        if ref.kind is ListKind.SIMILAR:
            return await self.run(c.Similar(ref.argument, offset), context)
        if ref.kind is ListKind.TRENDING:
            days = int(ref.argument) if ref.argument.isdigit() else 1
            return await self.run(c.Trending(min(days, c.MAX_DAYS), offset), context)
        if ref.kind is ListKind.FORYOU:
            # "all", or a number of days (a hostile one is held to the range).
            span = (
                max(1, min(int(ref.argument[:6]), c.MAX_DAYS)) if ref.argument.isdigit() else None
            )
            return await self.run(c.ForYou(span, offset), context)
        if ref.kind is ListKind.TOP:
            days = int(ref.argument) if ref.argument.isdigit() else c.TOP_DAYS
            return await self.run(c.Top(min(days, c.MAX_DAYS)), context)
        return await self.run(c.Saved(offset), context)

    async def on_reaction(
        self, post: PostRef, user: UserRef, emoji: Collection[str], *, added: bool
    ) -> Notice | None:
        """Save (added) or unsave (removed) the paper a bot message shows, or with a
        not-for-me emoji mark or unmark it.

        `emoji` holds every name the platform gives the emoji (a Discord custom
        emoji has a name and an id). Returns a confirmation when something
        changed, None when the reaction means nothing to us or changed nothing
        (a redelivered event) — so a repeated event is never confirmed twice."""
        saves = self.is_save_emoji(emoji)
        if not saves and not self.is_not_for_me_emoji(emoji):
            return None
        action = ("save" if saves else "mark") if added else ("unsave" if saves else "unmark")
        with handling(post.channel, f"react_{action}"):
            try:
                paper_id = await self._posts.paper_for(post)
                if paper_id is None:
                    return None
                if saves:
                    return await self._reading_list.react(user, paper_id, added=added)
                return await self._marks.react(user, paper_id, added=added)
            except StoreUnavailable:
                return Notice(
                    "My database is unavailable right now; react again shortly.", error=True
                )

    async def left_workspace(self, platform: str, workspace: str) -> ForgottenWorkspace:
        """The bot was removed from a workspace (a Slack app uninstalled, a Discord guild
        it was kicked from or that was deleted): everything stored about it is deleted,
        so that joining again starts clean (core/workspaces.py), its people's follows too."""
        return await forget_workspace(
            platform, workspace, digests=self._digests, data=self._workspaces
        )

    def is_save_emoji(self, names: Collection[str]) -> bool:
        """Whether any of an emoji's names (however spelled) is a save emoji."""
        return not self._save_emoji.isdisjoint(normalize_emoji(e) for e in names)

    def is_not_for_me_emoji(self, names: Collection[str]) -> bool:
        """Whether any of an emoji's names (however spelled) marks a paper not for me."""
        return not self._mark_emoji.isdisjoint(normalize_emoji(e) for e in names)

    # -- questions adapters may ask ----------------------------------------------------

    async def suggest_papers(self, typed: str, *, limit: int) -> list[Paper]:
        """Papers whose id or title starts with what was typed (for autocomplete)."""
        return await self._papers.suggest(typed.strip(), limit=limit)

    async def saved_matching(self, user: UserRef, typed: str) -> list[tuple[str, str]]:
        """(id, title) of the user's saved papers matching what was typed, newest first."""
        return await self._reading_list.matching(user, typed)

    # -- commands ---------------------------------------------------------------------

    async def _dispatch(self, command: c.Command, context: Context) -> Reply:
        match command:
            case c.Search(query, offset):
                return await self._search(query, offset)
            case c.Similar(paper_id, offset):
                return await self._similar(paper_id, offset)
            case c.Show(paper_id):
                return await self._show(paper_id, context)
            case c.Trending(days, offset):
                return await self._trending(days, offset)
            case c.Trend(topics, weeks):
                public = posts_publicly(context)
                return await self.trend_charts.trend(topics, weeks, ephemeral=not public)
            case c.Top(days):
                return await self.team_top.top(context.channel, days)
            case c.Add(paper_id):
                return await self._add(paper_id)
            case c.Save(paper_id):
                return await self._reading_list.save(context.user, paper_id)
            case c.Saved(offset):
                return await self._reading_list.saved(context.user, offset)
            case c.Unsave(paper_id):
                return await self._reading_list.unsave(context.user, paper_id)
            case c.Read(paper_id):
                return await self._reading_list.read(context.user, paper_id)
            case c.Export():
                return await self._reading_list.export(context.user)
            case c.Mark(paper_id):
                return await self._marks.mark(context.user, paper_id)
            case c.Unmark(paper_id):
                return await self._marks.unmark(context.user, paper_id)
            case c.ForYou(days, offset):
                return await self.foryou.foryou(context.user, days, offset)
            case c.ForYouWeekly(weekly):
                if self._digests is None:
                    return self._digests_off()
                return await self._digests.foryou_weekly(context, weekly)
            case c.ForYouStop():
                if self._digests is None:
                    return self._digests_off()
                return await self._digests.foryou_stop(context)
            case c.Follow(kind, query, here):
                if self._follows is None:
                    return self._follows_off()
                return await self._follows.follow(context, kind, query, here=here)
            case c.Following():
                if self._follows is None:
                    return self._follows_off()
                return await self._follows.following(context.user)
            case c.Unfollow(number):
                if self._follows is None:
                    return self._follows_off()
                return await self._follows.unfollow(context.user, number)
            case c.ForgetMe():
                if self._people is None:
                    return Notice("Forgetting people is not set up on this bot.", error=True)
                return await self._people.forget_me(context.user, command)
            case c.Subscribe(spec):
                if self._digests is None:
                    return self._digests_off()
                return await self._digests.subscribe(context, spec)
            case c.SubscribeWeekly(weekly):
                if self._digests is None:
                    return self._digests_off()
                return await self._digests.subscribe_weekly(context, weekly)
            case c.Unsubscribe(what):
                if self._digests is None:
                    return self._digests_off()
                return await self._digests.unsubscribe(context, what)
            case c.DigestNow():
                if self._digests is None:
                    return self._digests_off()
                return await self._digests.preview(context)
            case c.Help(topic):
                return self.help(topic)

    @property
    def save_emoji(self) -> str:
        """The first configured save emoji, as configured (a name or a glyph)."""
        return self._options.save_emoji[0] if self._options.save_emoji else "🔖"

    @property
    def save_emoji_glyph(self) -> str:
        """The save emoji as people see it (see `emoji_glyph`)."""
        return emoji_glyph(self._options.save_emoji)

    def help(self, topic: str = "") -> Notice:
        platform = self._options.platform_help
        answer = help_text(
            prefix=self._options.command_prefix,
            save_emoji=self.save_emoji_glyph,
            mark_emoji=emoji_glyph(self._options.not_for_me_emoji),
            topic=topic,
            platform=platform,
        )
        if answer is None:
            return Notice(unknown_topic(topic, platform), error=True)
        return Notice(answer)

    def _follows_off(self) -> Notice:
        return Notice("Follows are not set up on this bot.", error=True)

    def _digests_off(self) -> Notice:
        return Notice(self._options.digests_off, error=True)

    async def _search(self, query: SearchQuery, offset: int) -> Reply:
        limit, typed = self._options.max_query_chars, query.typed
        if len(typed) > limit:  # a typed option is not measured by the grammar
            return Notice(
                f"That is too long ({len(typed):,} characters; the limit is {limit:,}).",
                error=True,
            )
        size = self._options.page_size
        found = await find(
            self._search_index, query, today=self.clock().date(), limit=size + 1, offset=offset
        )
        if isinstance(found, Refused):
            return Notice(found.message, error=True)
        if not found.hits:
            return Notice(found.nothing(offset), error=offset == 0)
        cards = await self._cards(found.hits[:size], found.terms)
        more = PageRef(ListKind.SEARCH, typed, offset + size) if len(found.hits) > size else None
        return PaperList(ListKind.SEARCH, found.title(offset, len(cards)), cards, more)

    async def _similar(self, paper_id: str, offset: int) -> Reply:
        paper = await self._papers.get(paper_id)
        if paper is None:
            return unknown_paper(paper_id)
        size = self._options.page_size
        hits = await self._search_index.similar(paper_id, limit=size + 1, offset=offset)
        if not hits:
            return Notice(f"No papers like {quote_title(paper)} yet.")
        cards = await self._cards(hits[:size], frozenset())
        more = PageRef(ListKind.SIMILAR, paper_id, offset + size) if len(hits) > size else None
        title = f"Papers like {quote_title(paper)} ({offset + 1}–{offset + len(cards)})"
        return PaperList(ListKind.SIMILAR, title, cards, more)

    async def _cards(self, hits: list[SearchHit], terms: frozenset[str]) -> tuple[Card, ...]:
        """The hits' papers, in order, each with its snippet (matched `terms` marked)."""
        found = await self._papers.get_many([h.paper_id for h in hits])
        papers = [p for p in (found.get(h.paper_id) for h in hits) if p is not None]
        snippets = await self._search_index.snippets([p.abstract for p in papers], terms)
        return tuple(Card(p, s) for p, s in zip(papers, snippets, strict=True))

    async def _show(self, paper_id: str, context: Context) -> Reply:
        paper = await self._papers.get(paper_id)
        if paper is None:
            return unknown_paper(paper_id)
        # In the channel for everyone, unless the person may not post there: then
        # only they see it (the bot never speaks where they may not).
        return PaperPost(Card(paper), detail=True, ephemeral=not posts_publicly(context))

    async def _trending(self, days: int, offset: int) -> Reply:
        today = self.clock().date()
        since, until = today - timedelta(days=days - 1), today
        span = "today" if days == 1 else f"the last {days} days"
        latest = await self._papers.latest_featured_day(on_or_before=today)
        if latest is None:
            return Notice(
                text(
                    "No featured papers yet: ",
                    code("trending"),
                    " lists papers from the Hugging Face Daily Papers feed, which arrive "
                    "with the daily ingest.",
                )
            )
        if latest < since:
            # Nothing featured in the span (the feed is late or unreachable, or the store
            # holds only the bundled sample): the latest featured day, named, beats an
            # empty answer, the way a digest draws on the latest featured day.
            since = until = latest
            span = f"{long_day(latest)}, the latest featured day"
        size = self._options.page_size
        papers = await self._papers.trending(
            since=since, until=until, limit=size + 1, offset=offset
        )
        if not papers:
            return Notice(f"No more trending papers from {span}.")
        cards = tuple(Card(p) for p in papers[:size])
        more = PageRef(ListKind.TRENDING, str(days), offset + size) if len(papers) > size else None
        title = f"Trending papers from {span} ({offset + 1}–{offset + len(cards)})"
        return PaperList(ListKind.TRENDING, title, cards, more)

    async def _add(self, paper_id: str) -> Reply:
        known = await self._papers.get(paper_id)
        if known is not None:
            return Notice(
                text(
                    f"I already have {quote_title(known)}. ", code(f"show {paper_id}"), " shows it."
                )
            )
        if self.fetcher is None:
            return Notice("Adding papers from arXiv is not set up on this bot.", error=True)
        try:
            paper = await self.fetcher.fetch_paper(paper_id)
        except SourceFailure:
            return Notice("arXiv did not answer, try again later.", error=True)
        if paper is None:
            return Notice(f"arXiv has no paper {paper_id}.", error=True)
        # The follows hear of it as of any paper new to the index (core/arrivals.py).
        await self._sink.add_papers([paper], at=self.clock())
        return Notice(
            text(
                f"Added {quote_title(paper)} ({paper.id}). ", code(f"show {paper.id}"), " shows it."
            )
        )


def emoji_glyph(names: tuple[str, ...]) -> str:
    """The first configured emoji that is not a name ("🔖"), else the first name as
    chat platforms write it (":bookmark:")."""
    glyph = next((e for e in names if not e.isascii()), None)
    return glyph or next((f":{e.strip(':')}:" for e in names if e.strip(":")), "")


def normalize_emoji(name: str) -> str:
    """`:bookmark:`, `bookmark::skin-tone-2` and "🔖\ufe0f" all become one spelling."""
    name = name.strip().strip(":").split("::", 1)[0]
    return name.replace("\ufe0f", "").lower()
