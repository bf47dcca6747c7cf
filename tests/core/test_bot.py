"""The Bot on the sample papers: every command, with its bad inputs."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

import bibtexparser
import pytest

from paperboy.core import commands as c
from paperboy.core.bot import Bot
from paperboy.core.help import HelpEntry, PlatformHelp
from paperboy.core.library import Library
from paperboy.core.log_context import current
from paperboy.core.models import ChannelRef, Context, Paper, PostRef
from paperboy.core.ports import PostLog, SourceFailure, StoreUnavailable
from paperboy.core.replies import (
    FileReply,
    ListKind,
    Notice,
    PageRef,
    PaperList,
    PaperPost,
    Reply,
)
from paperboy.core.searching import Found, find
from paperboy.core.text import long_day
from paperboy.store import Store
from tests.conftest import NOW, bot_options_for_tests, library_ports, store_bot
from tests.marked import marked
from tests.people import ALICE, BOB

LORA_PAPER = "2308.10462"  # Exploring Parameter-Efficient Fine-Tuning Techniques for Code…


def ids(reply: Reply) -> list[str]:
    assert isinstance(reply, PaperList), reply
    return [card.paper.id for card in reply.cards]


def notice(reply: Reply) -> Notice:
    assert isinstance(reply, Notice), reply
    return reply


async def said(bot: Bot, line: str) -> str:
    """The notice `line` gets, as `marked` shows it."""
    return marked(notice(await bot.handle(line, ALICE)).text)


async def test_search_returns_the_best_page_and_a_more_control(bot: Bot) -> None:
    reply = await bot.handle("search parameter efficient fine-tuning", ALICE)
    assert isinstance(reply, PaperList)
    assert ids(reply)[0] == LORA_PAPER
    assert len(reply.cards) == 5
    assert reply.more is not None
    assert reply.title.startswith("Papers for “parameter efficient fine-tuning”")
    marked = [text for text, is_marked in reply.cards[0].snippet or () if is_marked]
    assert any("fine-tuning" in word.lower() for word in marked)


async def test_more_pages_on_without_repeating(bot: Bot) -> None:
    first = await bot.handle("search language models", ALICE)
    assert isinstance(first, PaperList)
    assert first.more is not None
    second = await bot.page(first.more, ALICE)
    assert ids(second)
    assert not set(ids(first)) & set(ids(second))
    assert "(6–10)" in second.title  # type: ignore[union-attr]


async def test_filters_narrow_the_results(bot: Bot) -> None:
    everything = ids(await bot.handle("search fine-tuning", ALICE))
    recent = await bot.handle("search fine-tuning since:2024-06-01", ALICE)
    for card in recent.cards:  # type: ignore[union-attr]
        assert card.paper.date is not None
        assert card.paper.date >= date(2024, 6, 1)
    assert ids(recent) != everything
    by_author = await bot.handle('search language models author:"Linyi Yang"', ALICE)
    assert ids(by_author) == ["2312.15918"]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("search since:7d", "Add some words to search for"),
        ('search ""', "Add some words to search for"),
        ("search lora vote:>=10", "Did you mean `votes:`?"),
        ("search autor:Durrett", "Did you mean `author:`?"),
        ("search lora sinse:7d", "Did you mean `since:`?"),
        ("search lora since:99999-99-99", "`since:` takes a date"),
        ("search lora votes:>=-1e309", "`votes:` takes a whole number"),
        ("search the of and", "only very common or unsearchable words"),
        ("search xyzzyplugh", "No papers match “xyzzyplugh”"),
        ("search lora until:2020-01-01", "No papers match"),
        ("search lora since:2025-01-01 until:2024-01-01", "`since:` is after `until:`"),
    ],
)
async def test_bad_or_empty_searches_get_a_clear_answer(bot: Bot, text: str, answer: str) -> None:
    assert answer in await said(bot, text)


async def test_a_query_of_only_common_words_is_told_what_to_type(bot: Bot) -> None:
    assert await said(bot, "search the of and") == (
        "No results: “the of and” has only very common or unsearchable words. "
        "Try more specific words."
    )


async def test_an_author_listing_past_its_end_says_there_are_no_more(bot: Bot) -> None:
    past = await bot.page(PageRef(ListKind.SEARCH, 'author:"Greg Durrett"', 5), ALICE)
    assert marked(notice(past).text) == "No more papers by Greg Durrett."


async def test_find_without_an_offset_starts_at_the_first_paper(library: Library) -> None:
    """The command line's `search` asks for one page, from the first."""
    for typed in ("author:Yang", "language models"):
        command = c.search_command(typed)
        assert isinstance(command, c.Search)
        first = await find(library, command.query, today=NOW.date(), limit=3, offset=0)
        assert isinstance(first, Found)
        assert len(first.hits) == 3
        again = await find(library, command.query, today=NOW.date(), limit=3)
        assert isinstance(again, Found)
        assert again.hits == first.hits


class CountedCommands:
    """A `Metrics` that keeps the (platform, command) of each command answered."""

    def __init__(self) -> None:
        self.handled: list[tuple[str, str]] = []

    def command_handled(self, *, platform: str, command: str, seconds: float) -> None:
        assert seconds >= 0
        self.handled.append((platform, command))

    def digest_posted(self, *, platform: str) -> None:
        pass

    def digest_failed(self, *, platform: str) -> None:
        pass

    def ingest_succeeded(self, *, source: str, at: datetime) -> None:
        pass


async def test_each_command_is_counted_under_its_name_in_snake_case(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    """The names an operator's dashboard shows (bounded: never the text typed)."""
    metrics = CountedCommands()
    bot = store_bot(store, library, clock, metrics=metrics)
    for line in ("similar 2308.10462", "digest", "forget me", "foryou weekly", "frobnicate x"):
        await bot.handle(line, ALICE)
    assert metrics.handled == [
        ("slack", "similar"),
        ("slack", "digest_now"),
        ("slack", "forget_me"),
        ("slack", "for_you_weekly"),
        ("slack", "unparsed"),
    ]


async def test_author_names_are_searchable_words(bot: Bot) -> None:
    assert ids(await bot.handle("search Loïc Barrault", ALICE))[0] == "2412.08821"
    assert ids(await bot.handle("search loic barrault", ALICE))[0] == "2412.08821"


async def test_an_author_filter_alone_lists_their_papers_newest_first(
    bot: Bot, library: Library, now: datetime
) -> None:
    newer = Paper(
        id="2503.00042",
        title="Reasoning traces",
        abstract="Chains of thought, examined.",
        authors=("Greg Durrett",),
        published=date(2025, 3, 1),
    )
    await library.add_papers([newer], at=now)
    reply = await bot.handle('search author:"Greg Durrett"', ALICE)
    assert ids(reply) == ["2503.00042", "2406.01563"]
    assert reply.title == "Papers by Greg Durrett, newest first (1–2)"  # type: ignore[union-attr]
    assert ids(await bot.handle('search author:"Greg Durrett" since:2025-01-01', ALICE)) == [
        "2503.00042"
    ]
    nobody = notice(await bot.handle('search author:"Nobody Atall"', ALICE))
    assert marked(nobody.text).startswith("No papers by Nobody Atall.")


async def test_an_author_listing_pages_on(bot: Bot) -> None:
    first = await bot.handle("search author:Yang", ALICE)
    assert isinstance(first, PaperList)
    assert first.more is not None
    later = await bot.page(first.more, ALICE)
    assert not set(ids(first)) & set(ids(later))
    dates = [card.paper.date for card in [*first.cards, *later.cards]]  # type: ignore[union-attr]
    assert dates == sorted(dates, key=lambda day: day or date.min, reverse=True)


async def test_similar_excludes_the_paper_itself(bot: Bot) -> None:
    reply = await bot.handle(f"similar {LORA_PAPER}", ALICE)
    assert LORA_PAPER not in ids(reply)
    assert len(ids(reply)) == 5
    assert "I don't have 2401.99999" in marked(
        notice(await bot.handle("similar 2401.99999", ALICE)).text
    )


async def test_show_posts_the_whole_abstract_and_offers_to_add_unknown_ids(bot: Bot) -> None:
    reply = await bot.handle(f"show arXiv:{LORA_PAPER}v1", ALICE)
    assert isinstance(reply, PaperPost)
    assert reply.detail
    assert not reply.ephemeral
    assert reply.card.paper.id == LORA_PAPER
    assert "`add 2401.99999`" in await said(bot, "show 2401.99999")


@pytest.mark.parametrize(
    "who",
    [
        dataclasses.replace(ALICE, can_post=False),  # e.g. an announcements channel
        Context(ALICE.user, ALICE.channel),  # no adapter said she may post
    ],
)
async def test_show_is_only_for_the_asker_where_they_may_not_post(bot: Bot, who: Context) -> None:
    reply = await bot.handle(f"show {LORA_PAPER}", who)
    assert isinstance(reply, PaperPost)
    assert reply.ephemeral
    assert reply.card.paper.id == LORA_PAPER


@pytest.mark.parametrize("command", ["show 24", "similar team-7", "save 24", "read 24"])
async def test_an_unknown_id_that_is_not_arxivs_is_not_offered_to_add(
    bot: Bot, command: str
) -> None:
    answer = notice(await bot.handle(command, ALICE))
    assert "it is not an arXiv id" in marked(answer.text)
    assert "add" not in marked(answer.text)


async def test_trending_ranks_recent_featured_papers_by_upvotes(
    bot: Bot, library: Library, now: datetime
) -> None:
    today = now.date()
    featured = [
        Paper(id="2503.00001", title="Hot", abstract="x", featured=today, upvotes=90),
        Paper(id="2503.00002", title="Warm", abstract="x", featured=today, upvotes=10),
        Paper(
            id="2503.00003", title="Old", abstract="x", featured=today - timedelta(5), upvotes=500
        ),
    ]
    await library.add_papers(featured, at=now)
    assert ids(await bot.handle("trending", ALICE)) == ["2503.00001", "2503.00002"]
    assert ids(await bot.handle("trending 7", ALICE))[0] == "2503.00003"
    assert "number of days" in await said(bot, "trending 0")


async def test_trending_with_nothing_recent_shows_the_latest_featured_day_and_names_it(
    store: Store, clock: Callable[[], datetime], now: datetime
) -> None:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    bot = store_bot(
        store,
        library,
        clock,
        options=bot_options_for_tests(),
    )
    assert "No featured papers yet" in await said(bot, "trending")
    latest = now.date() - timedelta(400)  # further back than `trending 365` reaches
    old = [
        Paper(id=f"2401.0000{n}", title=f"Old {n}", abstract="x", featured=latest, upvotes=n)
        for n in range(1, 8)
    ]
    older = Paper(id="2401.00099", title="Older", abstract="x", featured=latest - timedelta(1))
    await library.add_papers([*old, older], at=now)

    first = await bot.handle("trending", ALICE)
    assert isinstance(first, PaperList)
    assert first.title == (
        f"Trending papers from {long_day(latest)}, the latest featured day (1–5)"
    )
    assert ids(first) == ["2401.00007", "2401.00006", "2401.00005", "2401.00004", "2401.00003"]
    assert first.more is not None
    second = await bot.page(first.more, ALICE)
    assert ids(second) == ["2401.00002", "2401.00001"]  # the same day, never the day before
    week = await bot.handle("trending 7", ALICE)
    assert isinstance(week, PaperList)
    assert ids(week)[0] == "2401.00007"


async def test_saving_listing_reading_and_unsaving(bot: Bot) -> None:
    assert "Saved" in await said(bot, f"save {LORA_PAPER}")
    assert "already" in await said(bot, f"save {LORA_PAPER}")
    saved = await bot.handle("saved", ALICE)
    assert isinstance(saved, PaperList)
    assert saved.kind is ListKind.SAVED
    assert saved.ephemeral
    assert [(card.paper.id, card.saved.unread) for card in saved.cards if card.saved] == [
        (LORA_PAPER, True)
    ]
    assert "Marked" in await said(bot, f"read {LORA_PAPER}")
    assert "already marked read" in marked(
        notice(await bot.handle(f"read {LORA_PAPER}", ALICE)).text
    )
    assert "Removed" in await said(bot, f"unsave {LORA_PAPER}")
    assert "is not on your reading list" in marked(
        notice(await bot.handle(f"unsave {LORA_PAPER}", ALICE)).text
    )
    assert "empty" in await said(bot, "saved")


async def test_bad_ids_in_reading_list_commands_are_answered(bot: Bot) -> None:
    assert "I don't have 2401.99999" in marked(
        notice(await bot.handle("save 2401.99999", ALICE)).text
    )
    assert "I don't have 2401.99999" in marked(
        notice(await bot.handle("read 2401.99999", ALICE)).text
    )
    not_saved = notice(await bot.handle(f"read {LORA_PAPER}", ALICE))
    assert f"`save {LORA_PAPER}` adds it" in marked(not_saved.text)
    assert "is not a paper id" in await said(bot, "unsave !!!")


async def test_each_person_has_their_own_list(bot: Bot) -> None:
    await bot.handle(f"save {LORA_PAPER}", ALICE)
    assert "empty" in marked(notice(await bot.handle("saved", BOB)).text)


async def test_export_is_bibtex_that_parses(bot: Bot) -> None:
    assert "nothing to export" in await said(bot, "export")
    await bot.handle(f"save {LORA_PAPER}", ALICE)
    await bot.handle("save 2005.14165", ALICE)
    reply = await bot.handle("export", ALICE)
    assert isinstance(reply, FileReply)
    assert reply.filename.endswith(".bib")
    library = bibtexparser.parse_string(reply.content.decode())
    assert not library.failed_blocks
    assert sorted(e.fields_dict["eprint"].value for e in library.entries) == [
        "2005.14165",
        LORA_PAPER,
    ]


async def test_a_reaction_on_a_paper_post_saves_and_its_removal_unsaves(
    bot: Bot, store: Store
) -> None:
    post = PostRef(ChannelRef("slack", "T1", "C1"), "1700000000.000100")
    await store.posts.record(post, LORA_PAPER, at=bot.clock())
    added = await bot.on_reaction(post, ALICE.user, [":bookmark:"], added=True)
    assert added is not None
    assert "Saved" in marked(added.text)
    assert await bot.on_reaction(post, ALICE.user, ["bookmark"], added=True) is None  # redelivered
    assert ids(await bot.handle("saved", ALICE)) == [LORA_PAPER]
    removed = await bot.on_reaction(post, ALICE.user, ["🔖"], added=False)
    assert removed is not None
    assert "Removed" in marked(removed.text)
    assert "empty" in await said(bot, "saved")


async def test_other_reactions_and_other_messages_are_ignored(bot: Bot, store: Store) -> None:
    post = PostRef(ChannelRef("slack", "T1", "C1"), "1700000000.000100")
    await store.posts.record(post, LORA_PAPER, at=bot.clock())
    assert await bot.on_reaction(post, ALICE.user, ["thumbsup"], added=True) is None
    elsewhere = PostRef(ChannelRef("slack", "T1", "C1"), "1700000000.999999")
    assert await bot.on_reaction(elsewhere, ALICE.user, ["bookmark"], added=True) is None
    assert "empty" in await said(bot, "saved")


async def test_help_lists_every_command_and_explains_one(bot: Bot) -> None:
    text = await said(bot, "help")
    for name in c.COMMAND_NAMES:
        assert f"`{name}" in text
    assert "since:7d" in await said(bot, "help search")


@pytest.mark.parametrize("name", c.COMMAND_NAMES)
async def test_help_on_each_command_gives_examples_that_parse(bot: Bot, name: str) -> None:
    text = await said(bot, f"help {name}")
    examples = re.findall(r"^• `([^`]+)`$", text, re.MULTILINE)
    assert text.startswith(f"`{name}")
    assert examples
    for example in examples:
        assert example.split()[0] == name
        assert not isinstance(c.parse_command(example), c.ParseError), example


async def test_help_subscribe_explains_the_options_with_examples(bot: Bot) -> None:
    text = await said(bot, "help subscribe")
    assert "weekdays skips Saturday and Sunday" in text
    assert "• `subscribe 09:30 Europe/Berlin retrieval agents`" in text


async def test_help_on_something_that_is_no_command_says_so(bot: Bot) -> None:
    typo = notice(await bot.handle("help serch", ALICE))
    assert typo.error
    assert marked(typo.text) == (
        "There is no command `serch`. Did you mean `help search`? `help` lists every command."
    )
    assert not (await said(bot, "help")).startswith("There is no")
    assert (await said(bot, "help xyzzy")).startswith("There is no command")


async def test_hints_name_the_configured_save_emoji(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    bot = store_bot(
        store,
        library,
        clock,
        options=bot_options_for_tests(save_emoji=("star", "⭐")),
    )
    assert (await said(bot, "saved")).startswith(
        "Your reading list is empty. React with ⭐ to a paper I post"
    )
    assert "React with ⭐ to any paper I post" in marked(
        notice(await bot.handle("help", ALICE)).text
    )


class FakeArxiv:
    """The PaperFetcher port, answering from a dict (the real client is tested in sources/)."""

    def __init__(self, papers: dict[str, Paper], *, down: bool = False) -> None:
        self.papers = papers
        self.down = down

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        if self.down:
            raise SourceFailure("arXiv did not answer")
        return self.papers.get(paper_id)


async def test_add_fetches_stores_and_makes_the_paper_searchable(bot: Bot) -> None:
    paper = Paper(id="2106.09685", title="LoRA: Low-Rank Adaptation", abstract="Low-rank adapters.")
    bot.fetcher = FakeArxiv({paper.id: paper})
    assert "Added" in marked(
        notice(await bot.handle("add https://arxiv.org/abs/2106.09685v2", ALICE)).text
    )
    assert ids(await bot.handle("search low-rank adapters", ALICE))[0] == paper.id
    assert "already have" in await said(bot, "add 2106.09685")


async def test_add_reports_unknown_papers_and_an_arxiv_outage(bot: Bot) -> None:
    bot.fetcher = FakeArxiv({})
    assert "arXiv has no paper 2401.99999" in marked(
        notice(await bot.handle("add 2401.99999", ALICE)).text
    )
    bot.fetcher = FakeArxiv({}, down=True)
    answer = notice(await bot.handle("add 2401.99999", ALICE))
    assert marked(answer.text) == "arXiv did not answer, try again later."
    assert "not an arXiv id" in await said(bot, "add not-a-paper")


async def test_digest_commands_say_when_digests_are_off(bot: Bot) -> None:
    assert "not set up" in await said(bot, "subscribe")


async def test_an_unexpected_failure_is_answered_politely_never_raised(
    bot: Bot, store: Store
) -> None:
    await store.aclose()  # every store call now fails
    answer = notice(await bot.handle("saved", ALICE))
    assert answer.error
    assert "Traceback" not in marked(answer.text)


async def test_upvote_changes_reach_the_votes_filter(
    bot: Bot, library: Library, now: datetime
) -> None:
    papers = await library.papers.get_many([LORA_PAPER])
    await library.add_papers([dataclasses.replace(papers[LORA_PAPER], upvotes=77)], at=now)
    assert ids(await bot.handle("search code generation votes:>=50", ALICE)) == [LORA_PAPER]


async def test_a_save_emoji_configured_by_name_only_is_named_in_hints_never_a_bookmark(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    bot = store_bot(
        store,
        library,
        clock,
        options=bot_options_for_tests(save_emoji=("star",)),
    )
    help_text = await said(bot, "help")
    assert "React with :star: to any paper I post" in help_text
    assert "React with :star: to a paper I post" in await said(bot, "saved")
    assert "🔖" not in help_text + await said(bot, "saved")


async def test_an_age_filter_counts_back_from_today_and_the_title_names_the_day(bot: Bot) -> None:
    """The tests' today is 20 March 2025; the sample's papers were featured on the 13th."""
    week = await bot.handle("search language models since:7d", ALICE)
    assert isinstance(week, PaperList)
    assert week.title.startswith("Papers for “language models”, since 2025-03-13")
    before = await bot.handle("search language models since:2025-01-01 until:8d", ALICE)
    assert isinstance(before, PaperList)
    assert before.title == "Papers for “language models”, since 2025-01-01, until 2025-03-12 (1–4)"
    # Featured on the 13th: left out by until:8d, kept by until:6d.
    assert set(ids(before)).isdisjoint(ids(week))


class DatabaseDown:
    """A store port whose database is unavailable: every call raises StoreUnavailable."""

    def __getattr__(self, name: str) -> Callable[..., Awaitable[object]]:
        async def down(*args: object, **kwargs: object) -> object:
            raise StoreUnavailable("database is locked")

        return down


async def test_a_database_outage_is_answered_as_an_error_that_says_try_again(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    bot = Bot(
        **library_ports(library),
        reading_lists=DatabaseDown(),  # type: ignore[arg-type]
        marks=store.marks,
        posts=DatabaseDown(),  # type: ignore[arg-type]
        clock=clock,
        options=bot_options_for_tests(page_size=5),
    )
    saved = notice(await bot.handle("saved", ALICE))
    assert saved.error
    assert marked(saved.text) == "My database is unavailable right now; try again shortly."
    post = PostRef(ChannelRef("slack", "T1", "C1"), "1700000000.000100")
    reacted = await bot.on_reaction(post, ALICE.user, ["bookmark"], added=True)
    assert reacted is not None
    assert reacted.error
    assert marked(reacted.text) == "My database is unavailable right now; react again shortly."


class WatchedPosts:
    """The store's post log, noting the command every log line names while it is asked."""

    def __init__(self, posts: PostLog) -> None:
        self.posts = posts
        self.commands: list[str] = []

    async def paper_for(self, post: PostRef) -> str | None:
        self.commands.append(current()["command"])
        return await self.posts.paper_for(post)

    def __getattr__(self, name: str) -> object:
        return getattr(self.posts, name)


async def test_log_lines_of_a_reaction_name_what_it_does(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    posts = WatchedPosts(store.posts)
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=posts,  # type: ignore[arg-type]
        clock=clock,
        options=bot_options_for_tests(page_size=5),
    )
    post = PostRef(ChannelRef("slack", "T1", "C1"), "1700000000.000100")
    await store.posts.record(post, LORA_PAPER, at=bot.clock())
    for emoji, added in [("bookmark", True), ("bookmark", False), ("-1", True), ("-1", False)]:
        await bot.on_reaction(post, ALICE.user, [emoji], added=added)
    assert posts.commands == ["react_save", "react_unsave", "react_mark", "react_unmark"]


@pytest.mark.parametrize(
    "spelling", ["bookmark::skin-tone-2", "bookmark::skin-tone-2::x", "🔖\ufe0f", ":BOOKMARK:"]
)
async def test_a_save_emoji_is_known_however_the_platform_spells_it(
    bot: Bot, store: Store, spelling: str
) -> None:
    post = PostRef(ChannelRef("slack", "T1", "C1"), "1700000000.000100")
    await store.posts.record(post, LORA_PAPER, at=bot.clock())
    assert await bot.on_reaction(post, ALICE.user, [spelling], added=True) is not None
    assert ids(await bot.handle("saved", ALICE)) == [LORA_PAPER]


async def test_a_name_that_only_contains_a_save_emojis_is_not_one(bot: Bot) -> None:
    assert not bot.is_save_emoji(["Xbookmark"])
    assert not bot.is_save_emoji(["bookmarks"])


@pytest.mark.parametrize(
    ("configured", "named"),
    [
        ((":star:",), ":star:"),
        (("::", "star"), ":star:"),
        (("Xbox",), ":Xbox:"),
        (("X",), ":X:"),
    ],
)
async def test_a_save_emoji_named_by_name_is_written_once_in_colons(
    store: Store,
    library: Library,
    clock: Callable[[], datetime],
    configured: tuple[str, ...],
    named: str,
) -> None:
    bot = store_bot(store, library, clock, options=bot_options_for_tests(save_emoji=configured))
    assert bot.save_emoji_glyph == named
    assert f"React with {named} to a paper I post" in await said(bot, "saved")


async def test_a_bot_given_its_fetcher_adds_papers(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    paper = Paper(id="2106.09685", title="LoRA: Low-Rank Adaptation", abstract="Low-rank.")
    bot = store_bot(store, library, clock, fetcher=FakeArxiv({paper.id: paper}))
    assert "Added" in await said(bot, "add 2106.09685")


async def test_the_configured_query_limit_holds_for_lines_and_typed_searches(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    options = bot_options_for_tests(page_size=5, max_query_chars=30)
    bot = store_bot(store, library, clock, options=options)
    assert await said(bot, "search " + "x" * 24) == (
        "That is too long (31 characters; the limit is 30)."
    )
    at_limit = c.search_command("lora " + "x" * 25)
    assert isinstance(at_limit, c.Search)
    assert ids(await bot.run(at_limit, ALICE))
    over = c.search_command("lora " + "x" * 26)
    assert isinstance(over, c.Search)
    answer = notice(await bot.run(over, ALICE))
    assert answer.error
    assert marked(answer.text) == "That is too long (31 characters; the limit is 30)."


async def test_a_command_that_cannot_be_parsed_is_an_error_for_the_asker_only(bot: Bot) -> None:
    answer = notice(await bot.handle("frobnicate", ALICE))
    assert answer.error
    assert answer.ephemeral
    assert notice(await bot.handle("help", ALICE)).ephemeral


async def test_a_failed_command_is_logged_with_the_command(
    bot: Bot, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await store.aclose()
    await bot.handle("saved", ALICE)
    assert [r.getMessage() for r in caplog.records if r.name == "paperboy.core.bot"] == [
        "command Saved(offset=0) failed"
    ]


class Timings:
    """The Metrics port, keeping each command's latency."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def command_handled(self, *, platform: str, command: str, seconds: float) -> None:
        self.seconds.append(seconds)


async def test_a_commands_latency_is_the_time_it_took(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    timings = Timings()
    bot = store_bot(store, library, clock, metrics=timings)
    before = time.perf_counter()
    await bot.handle("help", ALICE)
    took = time.perf_counter() - before
    assert len(timings.seconds) == 1
    assert 0 <= timings.seconds[0] <= took


class Unsubscribes:
    """The digest service's `unsubscribe`, noting what each was asked to stop."""

    def __init__(self) -> None:
        self.stopped: list[str] = []

    async def unsubscribe(self, context: Context, what: str = "") -> Reply:
        self.stopped.append(what)
        return Notice(f"stopped {what or 'the digest'}")


async def test_unsubscribe_top_stops_the_weekly_list_not_the_digest(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    digests = Unsubscribes()
    bot = store_bot(store, library, clock, digests=digests)
    await bot.handle("unsubscribe top", ALICE)
    await bot.handle("unsubscribe", ALICE)
    assert digests.stopped == ["top", ""]


CHAT_HELP = PlatformHelp(
    heading="In this chat",
    commands=(HelpEntry("more", "more", "the next page", examples=("more",)),),
)


async def test_the_help_has_the_platforms_prefix_verbs_and_not_for_me_emoji(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    options = bot_options_for_tests(
        command_prefix="/papers ", platform_help=CHAT_HELP, not_for_me_emoji=("🙈",)
    )
    bot = store_bot(store, library, clock, options=options)
    whole = marked(bot.help().text)
    assert whole == await said(bot, "help")
    lines = whole.splitlines()
    assert lines[:2] == [
        "Commands:",
        "• `/papers search <words> [filters]`: find papers by title and abstract",
    ]
    assert "• `/papers mark <id>`: mark a paper not for you, like a 🙈 reaction on it:" in whole
    assert lines[lines.index("In this chat:") + 1] == "• `more`: the next page"
    assert await said(bot, "help moar") == (
        "There is no command `moar`. Did you mean `help more`? `help` lists every command."
    )


async def test_papers_are_suggested_by_what_was_typed_up_to_the_limit(bot: Bot) -> None:
    assert [p.id for p in await bot.suggest_papers("  2308.10462 ", limit=5)] == [LORA_PAPER]
    assert len(await bot.suggest_papers("2", limit=2)) == 2


@pytest.mark.parametrize(
    ("line", "pages"),
    [
        ("search language models", "search"),
        (f"similar {LORA_PAPER}", "similar"),
        ("trending 30", "trending"),
    ],
)
async def test_a_more_control_only_when_another_page_has_papers(
    store: Store, library: Library, clock: Callable[[], datetime], line: str, pages: str
) -> None:
    def bot_of(size: int) -> Bot:
        return store_bot(store, library, clock, options=bot_options_for_tests(page_size=size))

    everything = await bot_of(1000).handle(line, ALICE)
    assert isinstance(everything, PaperList)
    assert everything.more is None
    count = len(everything.cards)
    assert count > 2
    exact = await bot_of(count).handle(line, ALICE)
    assert isinstance(exact, PaperList)
    assert exact.more is None
    shorter = bot_of(count - 1)
    first = await shorter.handle(line, ALICE)
    assert isinstance(first, PaperList)
    assert first.more is not None
    rest = await shorter.page(first.more, ALICE)
    assert ids(first) + ids(rest) == ids(everything)


async def test_trending_before_any_featured_paper_says_where_they_come_from(
    store: Store, clock: Callable[[], datetime]
) -> None:
    empty = Library(store.papers, changes=store.changes, index_path=None)
    await empty.open()
    bot = store_bot(store, empty, clock)
    assert await said(bot, "trending") == (
        "No featured papers yet: `trending` lists papers from the Hugging Face Daily Papers"
        " feed, which arrive with the daily ingest."
    )


async def test_a_pages_argument_out_of_shape_falls_back_to_the_default(bot: Bot) -> None:
    assert await bot.page(PageRef(ListKind.TOP, "x", 0), ALICE) == await bot.handle("top", ALICE)
    assert await bot.page(PageRef(ListKind.TOP, "30", 0), ALICE) == await bot.handle(
        "top 30", ALICE
    )


async def test_a_foryou_page_of_no_days_is_held_to_one_day(bot: Bot) -> None:
    await bot.handle(f"save {LORA_PAPER}", ALICE)
    one_day = await bot.handle("foryou 1", ALICE)
    assert one_day != await bot.handle("foryou 2", ALICE)
    assert await bot.page(PageRef(ListKind.FORYOU, "0", 0), ALICE) == one_day


async def test_a_bot_without_not_for_me_emoji_still_helps(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    options = bot_options_for_tests(not_for_me_emoji=())
    bot = store_bot(store, library, clock, options=options)
    answer = notice(await bot.handle("help", ALICE))
    assert not answer.error
    assert marked(answer.text).startswith("Commands:")


@pytest.mark.parametrize("line", ["search the of and", "search since:7d"])
async def test_a_search_that_cannot_run_is_answered_as_an_error(bot: Bot, line: str) -> None:
    assert notice(await bot.handle(line, ALICE)).error


async def test_the_next_page_of_trending_covers_the_same_days(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    bot = store_bot(store, library, clock, options=bot_options_for_tests(page_size=2))
    first = await bot.handle("trending 30", ALICE)
    assert isinstance(first, PaperList)
    assert first.more is not None
    second = await bot.page(first.more, ALICE)
    assert isinstance(second, PaperList)
    assert second.title.startswith("Trending papers from the last 30 days (3–")
