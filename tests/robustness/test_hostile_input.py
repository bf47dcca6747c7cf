"""Hostile and broken input: always a short helpful answer, never an exception."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperboy.adapters.console import render_card
from paperboy.core.bot import Bot
from paperboy.core.commands import COMMAND_NAMES, Subscribe
from paperboy.core.digest_spec import ParseError, digest_spec
from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.core.replies import (
    SOMETHING_WENT_WRONG,
    Card,
    FileReply,
    ImageReply,
    Notice,
    PaperList,
    PaperPost,
    Reply,
)
from paperboy.core.text import clean_text
from paperboy.search import make_snippet
from paperboy.store import Store
from tests.marked import marked
from tests.people import ALICE

MAX_ANSWER_CHARS = 600

# Every command, and near misses of one.
COMMANDS = st.sampled_from([*COMMAND_NAMES, "", "SEARCH", "/search"])
FILTERS = st.sampled_from(
    [
        "since:",
        "until:",
        "author:",
        "votes:",
        'author:"',
        "since:99999-99-99",
        "votes:>=-1e309",
        "since:0d",
        "since:9999999d",
        "votes:<=",
        "votes:=>5",
        "until:2025-02-30",
    ]
)
NASTY = st.sampled_from(
    [
        "'; DROP TABLE papers; --",
        '" OR 1=1 --',
        "<!channel>",
        "<https://evil|click>",
        "@everyone",
        "**bold** __u__ `code` ```",
        "\u202eevil\u202c",
        "\u200b\u200d\ufeff",
        "\x00\x1b[31m\x07",
        "%s%n%x",
        "{{7*7}}",
        "../../etc/passwd",
        "😀" * 50,
    ]
)


@pytest.fixture
def quiet_bot(bot: Bot) -> Bot:
    return bot


def check_answer(reply: Reply) -> None:
    # The bot answers an internal crash politely; here that is a failure, not an answer.
    assert reply != SOMETHING_WENT_WRONG, "an internal error (see the log)"
    if isinstance(reply, Notice):
        assert marked(reply.text)
        assert "Traceback" not in marked(reply.text)
        assert len(marked(reply.text)) <= MAX_ANSWER_CHARS or marked(reply.text).startswith(
            "Commands:"
        )
    elif isinstance(reply, ImageReply):  # a `trend` chart: a picture and its words
        assert reply.png.startswith(b"\x89PNG\r\n\x1a\n")
        assert reply.summary
        assert clean_text(reply.summary) == reply.summary  # one line, nothing invisible
        assert clean_text(reply.alt_text) == reply.alt_text
        assert len(reply.alt_text) <= 1000
    else:
        assert isinstance(reply, PaperList | PaperPost | FileReply)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=COMMANDS,
    parts=st.lists(st.one_of(st.text(max_size=40), FILTERS, NASTY), max_size=6),
)
async def test_any_command_text_gets_an_answer_never_an_exception(
    quiet_bot: Bot, command: str, parts: list[str]
) -> None:
    reply = await quiet_bot.handle(" ".join([command, *parts]), ALICE)
    check_answer(reply)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    time=st.one_of(st.none(), st.text(max_size=12)),
    zone=st.one_of(st.none(), st.text(max_size=40), NASTY),
    topics=st.one_of(st.none(), st.text(max_size=300), NASTY, FILTERS),
    papers=st.one_of(st.none(), st.integers()),
    min_upvotes=st.one_of(st.none(), st.integers()),
)
async def test_any_typed_subscribe_options_get_an_answer_never_an_exception(
    quiet_bot: Bot,
    time: str | None,
    zone: str | None,
    topics: str | None,
    papers: int | None,
    min_upvotes: int | None,
) -> None:
    """Discord's options, built into a command by the core's typed constructor."""
    spec = digest_spec(time=time, zone=zone, topics=topics, papers=papers, min_upvotes=min_upvotes)
    command = spec if isinstance(spec, ParseError) else Subscribe(spec)
    check_answer(await quiet_bot.run(command, ALICE))


@pytest.mark.parametrize("size", [10_000, 100_000, 1_000_000])
async def test_huge_input_is_refused_quickly_with_its_size(bot: Bot, size: int) -> None:
    reply = await bot.handle("search " + "a" * size, ALICE)
    assert isinstance(reply, Notice)
    assert "too long" in marked(reply.text)


async def test_sql_in_a_query_is_just_words(bot: Bot, store: Store) -> None:
    before = await store.papers.count()
    for text in (
        "search '; DROP TABLE papers; --",
        "show 1' OR '1'='1",
        "save x'); DELETE FROM saved_papers; --",
    ):
        check_answer(await bot.handle(text, ALICE))
    assert await store.papers.count() == before


HOSTILE = Paper(
    id="2501.66666",
    title="<script>alert(1)</script> \u202eevil\u202c title <!channel> @everyone" + "x" * 5000,
    abstract=("<b>HTML</b> and zero\u200bwidth and \u202eRTL\u202c. " * 30_000)[:1_000_000],
    authors=tuple(f"Author {n} <@U123>" for n in range(2000)),
)


async def test_a_hostile_paper_is_stored_whole_and_shown_truncated_and_inert(
    bot: Bot, library: Library, store: Store, now: datetime
) -> None:
    await library.add_papers([HOSTILE], at=now)
    stored = await store.papers.get(HOSTILE.id)
    assert stored == HOSTILE  # stored safely, byte for byte
    reply = await bot.handle("search zero width RTL", ALICE)
    assert isinstance(reply, PaperList)
    card = next(card for card in reply.cards if card.paper.id == HOSTILE.id)
    snippet_text = "".join(text for text, _ in card.snippet or ())
    assert len(snippet_text) <= 400
    shown = render_card(card, 1)
    assert "\u202e" not in shown
    assert "\u200b" not in shown
    assert len(shown) < 12_000  # title and authors are long; the abstract is not printed


def test_snippets_of_huge_abstracts_stay_short(library: Library) -> None:
    snippet = make_snippet(HOSTILE.abstract, frozenset({"html"}), library.index.tokenizer)
    assert len("".join(text for text, _ in snippet)) <= 400


def test_console_rendering_strips_terminal_escapes() -> None:
    paper = dataclasses.replace(HOSTILE, title="Hi\x1b[2J\x1b[31mred\x07", abstract="a")
    assert "\x1b" not in render_card(Card(paper), 1, detail=True)
