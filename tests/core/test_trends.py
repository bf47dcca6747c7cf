"""`trend`: the weekly counts from a known store, checked apart from the drawing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from paperboy import charts as drawing
from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Context, UserRef
from paperboy.core.ports import Clock, DatedPaper
from paperboy.core.replies import ImageReply, Notice
from paperboy.core.trend_charts import TrendCharts, TrendData, chart_filename
from paperboy.core.trends import TopicTrend, alt_text, summary_line, week_starts, weekly_trend
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, library_ports
from tests.core.known_store import TODAY as NOW
from tests.core.known_store import known_library
from tests.marked import marked


def trend_charts(library: Library, *, clock: Clock) -> TrendCharts:
    return TrendCharts(papers=library.papers, topics=library, clock=clock)


# NOW is Thursday 13 March 2025: the last four weeks start on these Mondays.
MONDAYS = (date(2025, 2, 17), date(2025, 2, 24), date(2025, 3, 3), date(2025, 3, 10))


@pytest.fixture
async def charts(store: Store) -> TrendCharts:
    return trend_charts(await known_library(store), clock=lambda: NOW)


def test_weeks_are_the_mondays_up_to_this_week() -> None:
    assert week_starts(NOW.date(), 4) == MONDAYS
    assert week_starts(date(2025, 3, 10), 1) == (date(2025, 3, 10),)  # a Monday is its own


async def test_weekly_counts_from_a_known_store(charts: TrendCharts) -> None:
    data = await charts.data(("diffusion", "agents"), 4)

    assert isinstance(data, TrendData)
    diffusion, agents = data.trends
    assert [w.start for w in diffusion.weeks] == list(MONDAYS)
    # Featured day wins over publication day; a paper dated after today, before the
    # window or not at all is not counted; "protein folding" matches neither topic.
    assert [w.papers for w in diffusion.weeks] == [1, 0, 2, 1]
    assert [w.upvotes for w in diffusion.weeks] == [3, 0, 35, 12]
    assert [w.papers for w in agents.weeks] == [0, 1, 0, 0]
    assert [w.upvotes for w in agents.weeks] == [0, 7, 0, 0]
    peak = diffusion.peak
    assert peak is not None
    assert peak.start == date(2025, 3, 3)
    assert peak.top is not None
    assert peak.top.id == "d1"
    assert data.titles["d1"] == "Diffusion Transformers at Scale: A Study"
    assert data.empty == ()


async def test_a_topic_without_papers_is_named_not_drawn(charts: TrendCharts) -> None:
    data = await charts.data(("diffusion", "protein folding", "quokka"), 4)

    assert isinstance(data, TrendData)
    assert [t.topic for t in data.trends] == ["diffusion", "protein folding"]
    assert data.empty == ("quokka",)


@pytest.mark.parametrize(
    ("topics", "weeks", "answer"),
    [
        (("quokka",), 4, "No papers about “quokka” are dated in the last 4 weeks."),
        (("quokka", "wombat"), 4, "No papers about “quokka” or “wombat” are dated"),
        (("the of",), 4, "“the of” has only very common or unsearchable words"),
        (("diffusion",), 1, None),
    ],
)
async def test_nothing_to_draw_gets_a_sentence(
    charts: TrendCharts, topics: tuple[str, ...], weeks: int, answer: str | None
) -> None:
    data = await charts.data(topics, weeks)
    if answer is None:
        assert isinstance(data, TrendData)
    else:
        assert isinstance(data, Notice)
        assert answer in marked(data.text)


async def test_a_window_without_dated_papers_gets_a_sentence(store: Store) -> None:
    library = await known_library(store)
    later = trend_charts(library, clock=lambda: NOW + timedelta(weeks=60))

    answer = await later.data(("diffusion",), 26)

    assert isinstance(answer, Notice)
    assert marked(answer.text) == (
        "No stored paper is dated in the last 26 weeks. "
        "Try a longer span, e.g. `trend diffusion 156`."
    )


def test_the_summary_line_names_the_peak_week() -> None:
    papers = [DatedPaper(f"p{n}", date(2025, 3, 3), n) for n in range(7)]
    papers += [DatedPaper("q", date(2024, 12, 2), 1)]
    trend = weekly_trend("diffusion", papers, {p.id for p in papers}, today=NOW.date(), weeks=26)

    assert summary_line(trend, 26) == (
        "diffusion: 8 papers in the last 26 weeks, peak week of 3 Mar with 7"
    )
    assert trend.weeks[-2].top == DatedPaper("p6", date(2025, 3, 3), 6)
    earlier = weekly_trend("x", papers[-1:], {"q"}, today=NOW.date(), weeks=26)
    assert summary_line(earlier, 26).endswith("peak week of 2 Dec 2024 with 1")


async def test_trend_answers_with_a_chart_its_summary_and_alt_text(
    store: Store,
) -> None:
    library = await known_library(store)
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=lambda: NOW,
        options=bot_options_for_tests(),
    )
    here = Context(
        UserRef("console", "local", "ada"), ChannelRef("console", "local", "console"), can_post=True
    )

    reply = await bot.handle("trend diffusion, agents, quokka 4", here)

    assert isinstance(reply, ImageReply)
    assert reply.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert reply.filename == "trend-diffusion-agents.png"
    assert reply.summary == (
        "diffusion: 4 papers in the last 4 weeks, peak week of 3 Mar with 2; "
        "agents: 1 paper in the last 4 weeks, peak week of 24 Feb with 1; "
        "quokka: no papers in the last 4 weeks"
    )
    assert "diffusion weekly: 1, 0, 2, 1." in reply.alt_text
    assert "agents weekly: 0, 1, 0, 0." in reply.alt_text
    assert "top paper that week: Diffusion Transformers at Scale" in reply.alt_text
    assert len(reply.alt_text) <= 1000
    assert not reply.ephemeral  # for the channel, where the question was asked


async def test_a_chart_for_someone_who_may_not_post_in_the_channel_is_for_them_alone(
    store: Store,
) -> None:
    library = await known_library(store)
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=lambda: NOW,
        options=bot_options_for_tests(),
    )
    reader = Context(UserRef("slack", "T1", "U2"), ChannelRef("slack", "T1", "C1"), can_post=False)

    reply = await bot.handle("trend diffusion 4", reader)

    assert isinstance(reply, ImageReply)
    assert reply.ephemeral


def test_a_one_week_trend_counts_today_and_skips_what_it_does_not_match() -> None:
    today = NOW.date()  # Thursday 13 March 2025
    papers = [
        DatedPaper("other", date(2025, 3, 11), 50),  # not about the topic
        DatedPaper("tomorrow", today + timedelta(days=1), 50),  # not yet
        DatedPaper("last year", date(2024, 3, 12), 50),  # before the weeks counted
        DatedPaper("today", today, 4),
        DatedPaper("monday", date(2025, 3, 10), 3),
    ]
    matched = {"tomorrow", "last year", "today", "monday"}

    one = weekly_trend("diffusion", papers, matched, today=today, weeks=1)
    two = weekly_trend("diffusion", papers, matched, today=today, weeks=2)

    assert summary_line(one, 1) == "diffusion: 2 papers in this week"
    assert summary_line(two, 2) == (
        "diffusion: 2 papers in the last 2 weeks, peak week of 10 Mar with 2"
    )
    assert one.weeks[0].top == DatedPaper("today", today, 4)
    assert one.upvotes == 7


def test_the_peak_week_has_no_year_when_it_is_the_year_of_this_week() -> None:
    # Wednesday 8 January 2025: this week starts on 6 Jan, the week before in 2024.
    papers = [DatedPaper("a", date(2025, 1, 6), 1), DatedPaper("b", date(2025, 1, 7), 1)]
    trend = weekly_trend("x", papers, {"a", "b"}, today=date(2025, 1, 8), weeks=2)

    assert summary_line(trend, 2) == "x: 2 papers in the last 2 weeks, peak week of 6 Jan with 2"


def test_the_alt_text_names_the_year_of_the_charts_first_week() -> None:
    # Wednesday 8 January 2025: the chart's first week starts on 30 Dec 2024.
    papers = [DatedPaper("a", date(2025, 1, 6), 1)]
    trend = weekly_trend("x", papers, {"a"}, today=date(2025, 1, 8), weeks=2)

    assert alt_text([trend], 2, titles={}).startswith(
        "Chart: papers per week and their upvotes, the last 2 weeks (weeks from 30 Dec 2024)."
    )


def _two_topic_trends() -> tuple[list[TopicTrend], dict[str, str]]:
    today = NOW.date()
    diffusion = [
        DatedPaper("d1", date(2025, 3, 4), 10),
        DatedPaper("d2", date(2025, 3, 5), 2),
        DatedPaper("d3", date(2025, 2, 18), 1),
    ]
    agents = [DatedPaper("a1", date(2025, 2, 25), 7)]
    trends = [
        weekly_trend("diffusion", diffusion, {"d1", "d2", "d3"}, today=today, weeks=4),
        weekly_trend("agents", agents, {"a1"}, today=today, weeks=4),
    ]
    # A title longer than 80 characters with a space where it is cut, and one of exactly 80.
    titles = {"d1": "Diffusion " * 7 + "x" * 8 + " and more words", "a1": "Agents " * 11 + "abc"}
    return trends, titles


SHORT_ALT_TEXT = (
    "Chart: papers per week and their upvotes, the last 4 weeks (weeks from 17 Feb 2025). "
    "diffusion: 3 papers in the last 4 weeks, peak week of 3 Mar with 2; 13 upvotes in all; "
    "top paper that week: " + "Diffusion " * 7 + "xxxxxxxx…. "
    "agents: 1 paper in the last 4 weeks, peak week of 24 Feb with 1; 7 upvotes in all; "
    "top paper that week: " + "Agents " * 11 + "abc."
)
FULL_ALT_TEXT = SHORT_ALT_TEXT + " diffusion weekly: 1, 0, 2, 0. agents weekly: 0, 1, 0, 0."


def test_the_alt_text_says_in_words_what_the_chart_shows() -> None:
    trends, titles = _two_topic_trends()

    assert alt_text(trends, 4, titles=titles) == FULL_ALT_TEXT
    # Exactly as long as allowed: all of it.
    assert alt_text(trends, 4, titles=titles, limit=len(FULL_ALT_TEXT)) == FULL_ALT_TEXT
    # Too long for the weekly counts: the totals alone.
    assert alt_text(trends, 4, titles=titles, limit=len(FULL_ALT_TEXT) - 1) == SHORT_ALT_TEXT
    # Too long even for the totals: cut to the limit, with an ellipsis.
    cut = alt_text(trends, 4, titles=titles, limit=100)
    assert cut == SHORT_ALT_TEXT[:99] + "…"
    assert len(cut) == 100


@pytest.mark.parametrize(
    ("weeks", "words"),
    [
        (4, "Chart: papers per week and their upvotes, the last 4 weeks."),
        (1, "Chart: papers per week and their upvotes, this week."),
    ],
)
def test_the_alt_text_of_no_topic_is_its_first_sentence(weeks: int, words: str) -> None:
    assert alt_text([], weeks, titles={}).strip() == words


async def _drawn(charts: TrendCharts, notes: dict[str, str], titles: dict[str, str]) -> None:
    """The chart of one paper a topic (each topic's peak is the week of 3 Mar) is the
    figure with that week marked and the top paper's title shortened to `notes`."""
    trends = tuple(
        weekly_trend(
            topic, [DatedPaper(topic, date(2025, 3, 4), 5)], {topic}, today=NOW.date(), weeks=4
        )
        for topic in notes
    )
    reply = await charts.chart(TrendData(4, trends, (), titles))

    title = "Papers per week: " + ", ".join(notes)
    series = [
        drawing.Series(topic, [0, 0, 1, 0], [0, 0, 5, 0], peak=2, note=note)
        for topic, note in notes.items()
    ]
    assert reply.title == title
    assert reply.png == drawing.png_bytes(drawing.trend_figure(MONDAYS, series, title=title))


async def test_the_chart_marks_each_peak_week_with_the_top_papers_title_up_to_its_colon(
    charts: TrendCharts,
) -> None:
    titles = {
        "lora": "LoRA: Low-Rank: Adaptation of Large Language Models",
        "scaling": "Scaling laws for neural language models and more: a study",
        "exact": "A title of exactly thirty-four ch.",
    }
    notes = {
        "lora": "LoRA",
        "scaling": "Scaling laws for neural language…",
        "exact": titles["exact"],
    }
    await _drawn(charts, notes, titles)


async def test_the_chart_note_is_cut_to_fit_and_empty_without_a_known_title(
    charts: TrendCharts,
) -> None:
    # No title stored for "unknown"; "late" has its colon just past the note's length.
    titles = {
        "agents": "Agents",
        "long": "x" * 40,
        "late": "A title of exactly thirty-four ch.: and more",
    }
    notes = {
        "agents": "Agents",
        "long": "x" * 33 + "…",
        "unknown": "",
        "late": "A title of exactly thirty-four ch…",
    }
    await _drawn(charts, notes, titles)


async def test_a_trend_is_for_the_channel_unless_asked_otherwise(charts: TrendCharts) -> None:
    reply = await charts.trend(("diffusion",), 4)

    assert isinstance(reply, ImageReply)
    assert not reply.ephemeral
    data = await charts.data(("diffusion",), 4)
    assert isinstance(data, TrendData)
    assert not (await charts.chart(data)).ephemeral


async def test_a_topic_of_only_common_words_is_refused_as_an_error(charts: TrendCharts) -> None:
    answer = await charts.data(("diffusion", "the of"), 4)

    assert isinstance(answer, Notice)
    assert answer.error
    assert marked(answer.text) == (
        "“the of” has only very common or unsearchable words; name a subject, "
        "e.g. `trend diffusion, agents`."
    )


async def test_the_longest_span_without_papers_suggests_no_longer_one(store: Store) -> None:
    library = await known_library(store)
    later = trend_charts(library, clock=lambda: NOW + timedelta(weeks=200))

    answer = await later.data(("diffusion",), 156)

    assert isinstance(answer, Notice)
    assert marked(answer.text) == "No stored paper is dated in the last 156 weeks."


@pytest.mark.parametrize(
    ("topics", "filename"),
    [
        (("AI agents", "diffusion"), "trend-ai-agents-diffusion.png"),
        (("扩散",), "trend.png"),
        # Cut to 60 characters, with no dash left at either end.
        (("!" + "a" * 70,), "trend-" + "a" * 60 + ".png"),
        (("a" * 59 + " b",), "trend-" + "a" * 59 + ".png"),
    ],
)
def test_a_charts_file_name_is_letters_digits_and_dashes(
    topics: tuple[str, ...], filename: str
) -> None:
    assert chart_filename(topics) == filename


def test_the_alt_text_of_a_chart_of_no_topics_ends_at_its_heading() -> None:
    text = alt_text([], 4, titles={})
    assert text.startswith("Chart: papers per week and their upvotes, ")
    assert text.endswith(".")
    assert text == text.strip()
