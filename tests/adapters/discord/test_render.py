"""Rendering core replies for Discord (pure): within every limit, escaped, never pinging."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperboy.adapters.discord.custom_ids import Action, Pressed, custom_id, parse_custom_id
from paperboy.adapters.discord.escape import escape, fit
from paperboy.adapters.discord.render import Outgoing, render
from paperboy.core import rich
from paperboy.core.models import Paper, SavedPaper
from paperboy.core.replies import (
    Card,
    FileReply,
    ListKind,
    Notice,
    PageRef,
    PaperList,
    PaperPost,
    Reply,
)
from paperboy.core.rich import Code, code, emphasis
from tests.simulators.discord.limits import message_problems
from tests.simulators.discord.records import mentions_in

SAVED_AT = datetime(2025, 3, 1, tzinfo=UTC)


def body_of(out: Outgoing) -> dict[str, Any]:
    """The JSON discord.py sends for this message (what the simulator's limits check)."""
    view = out.view()
    return {
        "content": out.content,
        "embeds": [embed.to_dict() for embed in out.embeds],
        "components": view.to_components() if view is not None else [],
    }


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("@\u200b", "@")


def paper(**fields: Any) -> Paper:
    defaults: dict[str, Any] = {"id": "2403.12345", "title": "A Title", "abstract": "An abstract."}
    return Paper(**{**defaults, **fields})


# -- examples ----------------------------------------------------------------------------


def test_a_search_list_has_one_embed_per_card_and_numbered_buttons() -> None:
    cards = tuple(Card(paper(id=f"2403.1234{n}", title=f"Paper {n}")) for n in range(5))
    more = PageRef(ListKind.SEARCH, "lora", 5)
    out = render(
        PaperList(ListKind.SEARCH, "Papers for “lora” (1–5)", cards, more), more_id="pb:more:x"
    )
    assert [embed.title for embed in out.embeds] == [f"{n + 1}\\. Paper {n}" for n in range(5)]
    assert [[b.label for b in row] for row in out.rows] == [
        [f"Save {n}" for n in range(1, 6)],
        [f"Similar {n}" for n in range(1, 6)],
        [f"Not for me {n}" for n in range(1, 6)],
        ["More"],
    ]
    assert out.ephemeral
    assert message_problems(body_of(out)) == []


def test_a_reading_list_offers_mark_read_only_for_unread_papers_and_unsave() -> None:
    unread = Card(paper(id="2401.00001"), saved=SavedPaper(paper(id="2401.00001"), SAVED_AT))
    read = Card(
        paper(id="2401.00002"),
        saved=SavedPaper(paper(id="2401.00002"), SAVED_AT, read_at=SAVED_AT),
    )
    out = render(PaperList(ListKind.SAVED, "Your reading list", (unread, read)))
    ids = [button.custom_id for row in out.rows for button in row]
    assert ids[:3] == ["pb:read:2401.00001", "pb:unsave:2401.00001", "pb:unsave:2401.00002"]
    footers = [embed.footer.text or "" for embed in out.embeds]
    assert footers[0].startswith("Unread · ")
    assert footers[1].startswith("Read · ")


def test_matched_words_are_bold_and_the_rest_escaped() -> None:
    snippet = (("Training ", False), ("LoRA", True), (" adapters *fast*", False))
    embed = render(PaperPost(Card(paper(), snippet))).embeds[0]
    assert embed.description == "Training **LoRA** adapters \\*fast\\*"


def test_a_long_title_is_cut_to_256_with_an_ellipsis_never_inside_an_escape() -> None:
    title = "*" * 400
    embed = render(PaperPost(Card(paper(title=title)))).embeds[0]
    assert embed.title is not None
    assert len(embed.title) <= 256
    assert embed.title.endswith("\\*…")


def test_a_full_page_of_the_longest_papers_stays_within_the_6000_character_total() -> None:
    huge = paper(
        title="T" * 1000,
        abstract="A" * 5000,
        authors=("N" * 900, "M" * 900, "O" * 900, "P"),
        published=date(2025, 3, 1),
        upvotes=10**9,
    )
    snippet = (("S" * 3000, False), ("word", True), ("S" * 3000, False))
    cards = tuple(Card(replace(huge, id=f"2403.{n:05d}"), snippet) for n in range(10))
    for embeds in (True, False):
        out = render(PaperList(ListKind.SEARCH, "L" * 3000, cards), embeds=embeds, more_id="pb:m")
        assert message_problems(body_of(out)) == []
        assert all(embed.title and embed.title.endswith("…") for embed in out.embeds)
    detail = render(PaperPost(Card(huge), detail=True))
    assert message_problems(body_of(detail)) == []
    assert len(detail.embeds[0].description or "") == 4096


def test_an_unsafe_thumbnail_or_link_is_left_out() -> None:
    evil = paper(thumbnail_url="javascript:alert(1)", github_url="https://x.org/a) [b](c")
    embed = render(PaperPost(Card(evil), detail=True)).embeds[0]
    assert embed.thumbnail.url is None
    assert "Code" not in str(embed.fields[0].value)


def test_a_teams_own_paper_links_to_its_own_page_and_never_to_arxiv() -> None:
    own = paper(id="acme-tr-17", page_url="https://intranet.example/tr/17")
    embed = render(PaperPost(Card(own), detail=True)).embeds[0]
    assert embed.url == "https://intranet.example/tr/17"
    assert str(embed.fields[0].value) == "[Page](https://intranet.example/tr/17)"
    bare = render(PaperPost(Card(paper(id="acme-tr-18")), detail=True))
    assert bare.embeds[0].url is None
    assert "arxiv.org" not in str(body_of(bare))
    listed = render(PaperList(ListKind.SEARCH, "Papers", (Card(own), Card(paper(id="acme-1")))))
    assert "arxiv.org" not in str(body_of(listed))
    assert [e.url for e in listed.embeds] == ["https://intranet.example/tr/17", None]


def test_an_export_is_a_private_file_with_its_comment() -> None:
    out = render(FileReply("reading-list.bib", b"@article{x}", "application/x-bibtex", "2 papers"))
    file = out.file()
    assert file is not None
    assert file.filename == "reading-list.bib"
    assert (out.content, out.ephemeral) == ("2 papers", True)


def test_a_notice_keeps_code_spans_and_escapes_the_rest() -> None:
    out = render(
        Notice(rich.text("Try ", code("search <@1> x*"), " or **bold** @everyone\n- a list"))
    )
    assert out.content == (
        "Try `search <\u200b@1> x*` or \\*\\*bold\\*\\* @\u200beveryone\n\\- a list"
    )


def test_backticks_in_plain_notice_text_are_shown_not_taken_as_code() -> None:
    out = render(Notice("a title with `ticks` in it"))
    assert out.content == "a title with \\`ticks\\` in it"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("x` **bold** `y", "`` x` **bold** `y ``"),
        ("``@everyone``", "`ˋˋ@\u200beveryoneˋˋ`"),
        ("plain", "`plain`"),
    ],
)
def test_a_backtick_typed_inside_a_code_span_cannot_close_it(typed: str, shown: str) -> None:
    out = render(Notice(rich.text(code(typed), " is not a paper id.")))
    assert out.content == f"{shown} is not a paper id."


def test_emphasis_is_discord_italics_with_its_content_escaped() -> None:
    out = render(Notice(rich.text("this is ", emphasis("*very*"), " important")))
    assert out.content == "this is *\\*very\\** important"


def test_the_save_button_shows_the_configured_save_emoji() -> None:
    post = render(PaperPost(Card(paper())), save_emoji="⭐")
    listed = render(PaperList(ListKind.SEARCH, "Papers", (Card(paper()),)), save_emoji="⭐")
    named = render(PaperPost(Card(paper())), save_emoji=":star:")

    assert [b.emoji for b in post.rows[0]] == ["⭐", None, None]
    assert [b.emoji for b in listed.rows[0]] == ["⭐"]
    assert named.rows[0][0].emoji is None  # a button takes a glyph, not a name


def test_paper_ids_too_long_for_a_custom_id_get_no_button() -> None:
    long_id = "x" * 95
    out = render(PaperPost(Card(paper(id=long_id))))
    assert out.rows == ()
    assert custom_id(Action.SAVE, long_id) is None


def test_custom_ids_round_trip_and_foreign_ids_are_not_ours() -> None:
    made = custom_id(Action.MORE, "search|5|lora: fine|tuning")
    assert made is not None
    assert parse_custom_id(made) == Pressed(Action.MORE, "search|5|lora: fine|tuning")
    assert parse_custom_id("papers:more:2") is None
    assert parse_custom_id("pb:explode:1") is None
    assert parse_custom_id("pb:save:") is None


# -- properties ------------------------------------------------------------------------------

HOSTILE = (
    "@everyone",
    "@here",
    "<@1100000000000000302>",
    "<@!1100000000000000302>",
    "<@&1100000000000000201>",
    "**",
    "__",
    "`",
    "\\",
    "[x](http://evil.example)",
    "\n# ",
    "1. ",
)
fragments = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30), st.text(min_size=100))
texts = st.lists(fragments, max_size=12).map("".join)
long_texts = st.lists(st.text(min_size=200, max_size=600), min_size=1, max_size=8).map("".join)
rich_texts = st.lists(
    st.one_of(texts, texts.map(code), texts.map(Code), texts.map(emphasis)), max_size=30
).map(lambda parts: rich.text(*parts))
ids = st.one_of(
    st.from_regex(r"\d{4}\.\d{4,5}", fullmatch=True),
    st.text(st.characters(codec="ascii", categories=["L", "N", "P"]), min_size=1, max_size=120),
)
urls = st.one_of(
    st.none(), st.just("https://cdn.example.org/t.png"), st.text(max_size=40), st.just("http://")
)


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    return Paper(
        id=draw(ids),
        title=draw(st.one_of(texts, long_texts)),
        abstract=draw(st.one_of(texts, long_texts)),
        authors=tuple(draw(st.lists(st.one_of(texts, long_texts), max_size=6))),
        published=draw(st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 1, 1)))),
        featured=draw(st.one_of(st.none(), st.just(date(2025, 3, 13)))),
        upvotes=draw(st.integers(0, 10**9)),
        github_url=draw(urls),
        project_url=draw(urls),
        thumbnail_url=draw(urls),
    )


@st.composite
def cards(draw: st.DrawFn) -> Card:
    found = draw(papers())
    segments = st.tuples(st.one_of(texts, long_texts), st.booleans())
    snippet = draw(st.one_of(st.none(), st.lists(segments, max_size=8)))
    saved = draw(
        st.one_of(
            st.none(),
            st.just(SavedPaper(found, SAVED_AT)),
            st.just(SavedPaper(found, SAVED_AT, SAVED_AT)),
        )
    )
    return Card(found, tuple(snippet) if snippet is not None else None, saved)


@st.composite
def replies(draw: st.DrawFn) -> tuple[Reply, str | None]:
    kind = draw(st.sampled_from(["list", "post", "notice", "file"]))
    if kind == "list":
        more = draw(
            st.one_of(st.none(), st.just("pb:more:search|5|q"), st.just("pb:page:" + "k" * 22))
        )
        reply: Reply = PaperList(
            draw(st.sampled_from(list(ListKind))),
            draw(texts),
            tuple(
                draw(
                    st.one_of(
                        st.lists(cards(), max_size=3), st.lists(cards(), min_size=8, max_size=12)
                    )
                )
            ),
            PageRef(ListKind.SEARCH, "q", 5) if more else None,
            draw(st.booleans()),
        )
        return reply, more
    if kind == "post":
        return PaperPost(draw(cards()), draw(st.booleans()), draw(st.booleans())), None
    if kind == "notice":
        words = draw(st.one_of(texts, long_texts, rich_texts))
        return Notice(words, ephemeral=draw(st.booleans())), None
    return FileReply("list.bib", b"@misc{x}", "application/x-bibtex", draw(texts)), None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies(), st.booleans())
def test_any_reply_renders_within_every_discord_limit_and_never_pings(
    case: tuple[Reply, str | None], embeds: bool
) -> None:
    reply, more_id = case
    out = render(reply, more_id=more_id, embeds=embeds)
    body = body_of(out)
    assert message_problems(body) == []
    assert out.content or out.embeds or out.attachment  # never an empty message
    shown = [out.content or ""]
    for embed in body["embeds"]:
        shown += [str(embed.get("title", "")), str(embed.get("description", ""))]
        shown += [str(field["value"]) for field in embed.get("fields", [])]
    for text in shown:
        assert not mentions_in(text, None).anyone  # even if mentions were allowed


no_zwsp = st.text(st.characters(exclude_characters="\u200b"), max_size=300)


@given(no_zwsp)
def test_escaped_text_reads_back_as_the_original(text: str) -> None:
    assert unescape(escape(text)) == text


@given(no_zwsp, st.integers(1, 300))
def test_fitted_text_is_within_the_limit_and_a_prefix_of_the_original(
    text: str, limit: int
) -> None:
    fitted = fit(text, limit)
    assert len(fitted) <= limit
    shown = unescape(fitted.removesuffix("…"))
    assert text.startswith(shown.rstrip()) or text.startswith(shown)
    assert not fitted.removesuffix("…").endswith("\\") or fitted.endswith("\\\\")
