"""Rendering replies as Block Kit: stored text is inert, every Slack limit is kept."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperboy.adapters.slack.blocks import SlackMessage
from paperboy.adapters.slack.escape import chunks, escape, fit, link, slack_len
from paperboy.adapters.slack.render import render
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
from paperboy.core.rich import Code, Rich, code, emphasis
from tests.simulators.slack import block_kit_errors

# A link we build: <http(s)://…|label>, where neither the URL nor the label holds < > or |.
OUR_LINK = re.compile(r"<https?://[^\s<>|]+\|[^<>|]*>")
BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def mrkdwn_texts(message: SlackMessage) -> list[str]:
    """Every text Slack parses as mrkdwn: the fallback and each mrkdwn object."""
    found = [message.text]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.blocks)
    return found


def assert_inert_and_within_limits(message: SlackMessage) -> None:
    assert block_kit_errors(message.blocks) == []
    assert 0 < slack_len(message.text) <= 3000
    for text in mrkdwn_texts(message):
        assert slack_len(text) <= 3000
        outside_links = OUR_LINK.sub("", text)
        assert "<" not in outside_links, text
        assert ">" not in outside_links, text
        assert not BARE_AMPERSAND.search(text), text


def paper(**fields: Any) -> Paper:
    values: dict[str, Any] = {
        "id": "2403.12345",
        "title": "A Title",
        "abstract": "An abstract.",
        "authors": ("Ada Lovelace",),
        "published": date(2024, 3, 1),
        "upvotes": 3,
    }
    values.update(fields)
    return Paper(**values)


def test_a_title_that_pings_the_channel_renders_literally() -> None:
    hostile = paper(title="<!channel> hi & <https://evil.example|click> <@U0BOSS>")
    message = render(PaperPost(Card(hostile)))

    card = message.blocks[0]["text"]["text"]
    assert "&lt;!channel&gt; hi &amp; &lt;https://evil.example¦click&gt; &lt;@U0BOSS&gt;" in card
    assert "<!channel>" not in str(message.blocks) + message.text
    assert OUR_LINK.findall(card) == [
        "<https://arxiv.org/abs/2403.12345|&lt;!channel&gt; hi &amp; "
        "&lt;https://evil.example¦click&gt; &lt;@U0BOSS&gt;>"
    ]
    assert_inert_and_within_limits(message)


def test_a_pipe_or_angle_bracket_in_a_title_cannot_end_its_link_early() -> None:
    label = link("https://arxiv.org/abs/1", "a | b > c")

    assert label == "<https://arxiv.org/abs/1|a ¦ b &gt; c>"


def test_a_stored_link_that_is_not_plain_http_is_left_out() -> None:
    sneaky = paper(
        github_url="javascript:alert(1)",
        project_url="https://ok.example/a|<x>",
        featured=date(2024, 3, 2),
    )
    message = render(PaperPost(Card(sneaky), detail=True))

    links = message.blocks[-2]["elements"][0]["text"]
    assert "javascript" not in links
    assert "<https://ok.example/a%7C%3Cx%3E|Project page>" in links
    assert "<https://huggingface.co/papers/2403.12345|Hugging Face>" in links


def test_a_teams_own_paper_links_to_its_own_page_and_never_to_arxiv() -> None:
    own = paper(id="acme-tr-17", page_url="https://intranet.example/tr/17")
    message = render(PaperPost(Card(own), detail=True))
    assert OUR_LINK.findall(message.blocks[0]["text"]["text"]) == [
        "<https://intranet.example/tr/17|A Title>"
    ]
    assert "<https://intranet.example/tr/17|Page>" in str(message.blocks)
    assert "arxiv.org" not in str(message.blocks)
    assert_inert_and_within_limits(message)
    bare = render(PaperPost(Card(paper(id="acme-tr-18")), detail=True))
    assert "arxiv.org" not in str(bare.blocks)
    assert OUR_LINK.findall(str(bare.blocks)) == []
    assert_inert_and_within_limits(bare)


def test_invisible_and_bidi_characters_are_removed_from_titles_and_snippets() -> None:
    sly = paper(title="Nor\u200bmal \u202eTitle\u202c\u2066", authors=("A\u200fB",))
    message = render(PaperPost(Card(sly, snippet=(("x\u202ey ", False), ("z\u200b", True)))))

    text = message.blocks[0]["text"]["text"]
    for invisible in ("\u200b", "\u202e", "\u202c", "\u2066", "\u200f"):
        assert invisible not in text
    assert "Nor mal Title" in text
    assert "x y *z*" in text


def test_a_megabyte_abstract_shows_the_start_and_an_ellipsis_within_limits() -> None:
    huge = paper(abstract="word & <tag> " * 80_000)
    message = render(PaperPost(Card(huge), detail=True))

    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"][1:]
    assert len(sections) == 4
    assert sections[-1].endswith("…")
    assert sections[0].startswith("word &amp; &lt;tag&gt; word")
    assert_inert_and_within_limits(message)


def test_a_five_thousand_character_title_is_shortened_with_an_ellipsis() -> None:
    message = render(PaperPost(Card(paper(title="T&" * 2500))))

    label = OUR_LINK.findall(message.blocks[0]["text"]["text"])[0]
    assert label.endswith("…>")
    assert slack_len(label) < 600
    assert_inert_and_within_limits(message)


def test_a_list_longer_than_fifty_blocks_allow_says_how_many_are_not_shown() -> None:
    cards = tuple(Card(paper(id=f"2403.{n:05d}")) for n in range(100))
    message = render(PaperList(ListKind.SEARCH, "Many", cards, PageRef(ListKind.SEARCH, "x", 100)))

    assert len(message.blocks) <= 50
    assert message.blocks[-2]["elements"][0]["text"] == "77 more not shown."
    assert message.blocks[-1]["elements"][0]["action_id"] == "paperboy_more"
    assert_inert_and_within_limits(message)


def test_buttons_whose_value_would_not_fit_are_left_out() -> None:
    long_id = "x" * 2500
    message = render(
        PaperList(
            ListKind.SEARCH,
            "t",
            (Card(paper(id=long_id)),),
            PageRef(ListKind.SEARCH, "q" * 3000, 5),
        )
    )

    assert not any(b["type"] == "actions" for b in message.blocks)
    assert message.blocks[-1]["elements"][0]["text"] == "Narrow the search to see more."
    assert_inert_and_within_limits(message)


def test_a_notice_keeps_code_spans_and_line_breaks_and_escapes_the_rest() -> None:
    message = render(Notice(rich.text("Try ", code("search <words>"), "\n• & more"), error=True))

    assert message.blocks[0]["text"]["text"] == ":warning: Try `search &lt;words&gt;`\n• &amp; more"


def test_a_backtick_typed_inside_a_code_span_cannot_close_it() -> None:
    message = render(Notice(rich.text(code("x` <!channel> `y"), " is not a paper id.")))

    shown = message.blocks[0]["text"]["text"]
    assert shown == "`x' &lt;!channel&gt; 'y` is not a paper id."
    assert shown.count("`") == 2


def test_a_long_notice_is_split_between_spans_never_inside_a_code_span() -> None:
    words = ["word " * 40 + "\n"] * 30
    notice = Notice(rich.text(*(piece for w in words for piece in (w, code("search lora x"), " "))))
    message = render(notice)

    sections = [b["text"]["text"] for b in message.blocks]
    assert len(sections) > 1
    assert all(len(t) <= 3000 for t in sections)
    assert all(t.count("`") % 2 == 0 for t in sections)


def test_emphasis_is_slack_italics() -> None:
    message = render(Notice(rich.text("this is ", emphasis("important"), " & plain")))

    assert message.blocks[0]["text"]["text"] == "this is _important_ &amp; plain"


def test_a_reading_list_card_shows_read_state_and_its_own_buttons() -> None:
    read = SavedPaper(paper(), datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC))
    message = render(
        PaperList(ListKind.SAVED, "Your reading list", (Card(read.paper, saved=read),))
    )

    assert "_read_" in message.blocks[1]["text"]["text"]
    actions = [e["action_id"] for e in message.blocks[2]["elements"]]
    assert actions == ["paperboy_unsave", "paperboy_similar"]


def test_fit_never_cuts_an_escape_in_half() -> None:
    for limit in range(1, 30):
        cut = fit("&&&&&&&&&&&&&&&&&&&&", limit)
        assert slack_len(cut) <= limit
        assert not BARE_AMPERSAND.search(cut)


def test_emoji_count_twice_towards_a_limit_as_slack_counts_them() -> None:
    assert slack_len("📄") == 2
    assert slack_len(fit("📄" * 2000, 3000)) <= 3000
    assert all(slack_len(piece) <= 100 for piece in chunks("📄 " * 500, 100, max_chunks=50))


# Property: whatever is stored, the message Slack gets is valid and inert.


def texts(max_repeat: int = 300) -> st.SearchStrategy[str]:
    fragments = st.text(max_size=30) | st.sampled_from(
        ["<!channel>", "<https://evil|x>", "&amp;", "|", ">", "*", "`", "\u202e", "📄", "\n"]
    )
    return st.builds(lambda s, n: s * n, fragments, st.integers(1, max_repeat))


def rich_texts() -> st.SearchStrategy[Rich]:
    spans = st.one_of(texts(20), texts(20).map(code), texts(5).map(Code), texts(5).map(emphasis))
    return st.lists(spans, max_size=30).map(lambda parts: rich.text(*parts))


urls = st.none() | texts(3) | st.just("https://github.com/a/b")
papers = st.builds(
    Paper,
    id=texts(3).filter(bool),
    title=texts(),
    abstract=texts(2000),
    authors=st.lists(texts(20), max_size=6).map(tuple),
    published=st.none() | st.dates(),
    featured=st.none() | st.dates(),
    upvotes=st.integers(0, 10**9),
    github_url=urls,
    project_url=urls,
)
snippets = st.none() | st.lists(st.tuples(texts(50), st.booleans()), max_size=8).map(tuple)
saved = st.none() | st.builds(SavedPaper, papers, st.datetimes(), st.none() | st.datetimes())
cards = st.builds(Card, papers, snippets, saved)
pages = st.none() | st.builds(PageRef, st.sampled_from(ListKind), texts(100), st.integers(0))
replies: st.SearchStrategy[Reply] = st.one_of(
    st.builds(
        PaperList,
        st.sampled_from(ListKind),
        texts(),
        st.lists(cards, max_size=30).map(tuple),
        pages,
    ),
    st.builds(PaperPost, cards, st.booleans()),
    st.builds(
        lambda t, ephemeral, error: Notice(t, ephemeral=ephemeral, error=error),
        texts() | rich_texts(),
        st.booleans(),
        st.booleans(),
    ),
    st.builds(FileReply, st.just("a.bib"), st.just(b"x"), st.just("text/plain"), texts()),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies)
def test_any_reply_renders_within_every_block_kit_limit_and_inert(reply: Reply) -> None:
    assert_inert_and_within_limits(render(reply))


@given(st.text())
def test_escaped_text_has_no_markup_characters_left(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert not BARE_AMPERSAND.search(escaped)
