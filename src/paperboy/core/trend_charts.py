"""The `trend` command: a chart of how often topics came up, week by week.

`data` reads the dated papers of the window from the store, asks the index which
papers each topic matches (the digest's matching, `TopicIndex.matching`) and counts
them per week (`core/trends.py`, pure); `chart` draws those counts as a PNG in a
worker thread and returns it as an `ImageReply` with its summary and alt text.
A topic that matches nothing, or a window without dated papers, gets a sentence.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass

from paperboy import charts
from paperboy.core.ports import Clock, PaperCatalogue, TopicIndex
from paperboy.core.replies import ImageReply, Notice, Reply
from paperboy.core.rich import code, text
from paperboy.core.text import clean_text
from paperboy.core.trends import (
    MAX_WEEKS,
    TopicTrend,
    alt_text,
    span_words,
    summary_line,
    trend_window,
    weekly_trend,
)

# Charts drawn at once: each holds a core for ~0.1 s; more would only queue on the GIL.
DRAWING_THREADS = 1
NOTE_CHARS = 34


@dataclass(frozen=True, slots=True)
class TrendData:
    """What a chart shows: the topics with papers, those without, the top papers' titles."""

    weeks: int
    trends: tuple[TopicTrend, ...]
    empty: tuple[str, ...]
    titles: dict[str, str]


class TrendCharts:
    def __init__(self, *, papers: PaperCatalogue, topics: TopicIndex, clock: Clock) -> None:
        self.papers = papers
        self.topics = topics
        self.clock = clock
        self._drawing = asyncio.Semaphore(DRAWING_THREADS)

    async def trend(self, topics: Sequence[str], weeks: int, *, ephemeral: bool = False) -> Reply:
        """The chart, for the channel unless `ephemeral` (for the asker alone: someone
        who may not post there themselves)."""
        found = await self.data(topics, weeks)
        if isinstance(found, Notice):
            return found
        return await self.chart(found, ephemeral=ephemeral)

    async def data(self, topics: Sequence[str], weeks: int) -> TrendData | Notice:
        """The weekly counts of each topic over the last `weeks` weeks, or a sentence
        saying why there is nothing to draw."""
        for topic in topics:
            if not self.topics.query_terms(topic):
                return Notice(
                    text(
                        f"“{topic}” has only very common or unsearchable words; name a subject, "
                        "e.g. ",
                        code("trend diffusion, agents"),
                        ".",
                    ),
                    error=True,
                )
        today = self.clock().date()
        since, until = trend_window(today, weeks)
        dated = await self.papers.dated(since=since, until=until)
        if not dated:
            longer = text(" Try a longer span, e.g. ", code(f"trend {topics[0]} {MAX_WEEKS}"), ".")
            return Notice(
                text(
                    f"No stored paper is dated in {span_words(weeks)}.",
                    longer if weeks < MAX_WEEKS else "",
                )
            )
        matched = [await self.topics.matching(topic) for topic in topics]

        def count() -> list[TopicTrend]:
            return [
                weekly_trend(topic, dated, papers, today=today, weeks=weeks)
                for topic, papers in zip(topics, matched, strict=True)
            ]

        counted = await asyncio.to_thread(count)
        trends = tuple(trend for trend in counted if trend.papers)
        empty = tuple(trend.topic for trend in counted if not trend.papers)
        if not trends:
            about = " or ".join(f"“{topic}”" for topic in topics)
            return Notice(f"No papers about {about} are dated in {span_words(weeks)}.")
        tops = [peak.top.id for t in trends if (peak := t.peak) and peak.top is not None]
        found = await self.papers.get_many(tops)
        titles = {paper_id: clean_text(paper.title) for paper_id, paper in found.items()}
        return TrendData(weeks, trends, empty, titles)

    async def chart(self, data: TrendData, *, ephemeral: bool = False) -> ImageReply:
        """The chart of `data`, drawn off the event loop, with its summary and alt text."""
        topics = [trend.topic for trend in data.trends]
        title = "Papers per week: " + ", ".join(topics)
        series = [_series(trend, data.titles) for trend in data.trends]
        weeks = [week.start for week in data.trends[0].weeks]

        def draw() -> bytes:
            return charts.png_bytes(charts.trend_figure(weeks, series, title=title))

        async with self._drawing:
            png = await asyncio.to_thread(draw)
        lines = [summary_line(trend, data.weeks) for trend in data.trends]
        lines += [f"{topic}: no papers in {span_words(data.weeks)}" for topic in data.empty]
        return ImageReply(
            filename=chart_filename(topics),
            png=png,
            title=title,
            summary="; ".join(lines),
            alt_text=alt_text(data.trends, data.weeks, titles=data.titles),
            ephemeral=ephemeral,
        )


def _series(trend: TopicTrend, titles: dict[str, str]) -> charts.Series:
    peak = trend.peak
    index = trend.weeks.index(peak) if peak is not None else None
    top = peak.top if peak is not None else None
    note = titles.get(top.id, "") if top is not None else ""
    return charts.Series(
        label=trend.topic,
        papers=[week.papers for week in trend.weeks],
        upvotes=[week.upvotes for week in trend.weeks],
        peak=index,
        note=_short_title(note),
    )


def _short_title(title: str) -> str:
    """The title up to its colon ("LoRA: Low-Rank Adaptation…" -> "LoRA"), cut to fit."""
    head = title.split(":", 1)[0].strip() if ":" in title[:NOTE_CHARS] else title
    return head if len(head) <= NOTE_CHARS else head[: NOTE_CHARS - 1].rstrip() + "…"


def chart_filename(topics: Sequence[str]) -> str:
    """ "trend-diffusion-agents.png": letters, digits and dashes only, so every platform
    (and Discord's attachment:// links) takes it as it is."""
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(topics).lower()).strip("-")[:60].strip("-")
    return f"trend-{slug}.png" if slug else "trend.png"
