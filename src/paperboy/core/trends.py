"""Topic trends: per week, how many papers matched a topic and their summed upvotes. Pure.

A paper's trend day is the day Daily Papers featured it, else its publication date
(`DatedPaper`, read from the store). Weeks run Monday to Sunday; the last one is the
week of `today` (so far), and papers dated after `today` are left out. Which papers
match a topic is decided elsewhere, once (`SearchIndex.matching`); this module only
counts.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from paperboy.core.ports import DatedPaper

DEFAULT_WEEKS = 26
MAX_WEEKS = 156
MAX_TOPICS = 3
# Slack's files.getUploadURLExternal takes at most 1000 characters of alt text.
ALT_TEXT_CHARS = 1000
TITLE_CHARS = 80  # of a top paper's title, in the alt text


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # a Monday
    papers: int = 0
    upvotes: int = 0
    top: DatedPaper | None = None  # the most upvoted matching paper of the week


@dataclass(frozen=True, slots=True)
class TopicTrend:
    topic: str
    weeks: tuple[Week, ...]

    @property
    def papers(self) -> int:
        return sum(week.papers for week in self.weeks)

    @property
    def upvotes(self) -> int:
        return sum(week.upvotes for week in self.weeks)

    @property
    def peak(self) -> Week | None:
        """The week with the most papers (ties: more upvotes, then the later week);
        None when no week has any."""
        best = max(self.weeks, key=lambda w: (w.papers, w.upvotes, w.start), default=None)
        return best if best is not None and best.papers else None


def week_starts(today: date, weeks: int) -> tuple[date, ...]:
    """The Mondays of the last `weeks` weeks, oldest first; the last is this week's."""
    this_monday = today - timedelta(days=today.weekday())
    return tuple(this_monday - timedelta(weeks=weeks - 1 - n) for n in range(weeks))


def trend_window(today: date, weeks: int) -> tuple[date, date]:
    """The first and last day (inclusive) a trend over `weeks` weeks counts."""
    return week_starts(today, weeks)[0], today


def weekly_trend(
    topic: str,
    papers: Iterable[DatedPaper],
    matched: Container[str],
    *,
    today: date,
    weeks: int,
) -> TopicTrend:
    """Per week, the matched papers dated in it, their upvotes and the top one."""
    starts = week_starts(today, weeks)
    first = starts[0]
    counts = [0] * weeks
    votes = [0] * weeks
    tops: list[DatedPaper | None] = [None] * weeks
    for paper in papers:
        if paper.day > today or paper.id not in matched:
            continue
        slot = (paper.day - first).days // 7
        if slot < 0:
            continue
        counts[slot] += 1
        votes[slot] += paper.upvotes
        top = tops[slot]
        if top is None or (paper.upvotes, top.id) > (top.upvotes, paper.id):
            tops[slot] = paper
    return TopicTrend(
        topic,
        tuple(Week(start, counts[n], votes[n], tops[n]) for n, start in enumerate(starts)),
    )


def short_day(day: date) -> str:
    """ "3 Mar" (the year is added where it is not the current one)."""
    return f"{day.day} {day.strftime('%b')}"


def span_words(weeks: int) -> str:
    return "this week" if weeks == 1 else f"the last {weeks} weeks"


def summary_line(trend: TopicTrend, weeks: int) -> str:
    """ "diffusion: 41 papers in the last 26 weeks, peak week of 3 Mar with 7"."""
    peak = trend.peak
    if peak is None:
        return f"{trend.topic}: no papers in {span_words(weeks)}"
    line = f"{trend.topic}: {_papers(trend.papers)} in {span_words(weeks)}"
    if weeks == 1:
        return line
    when = short_day(peak.start)
    if peak.start.year != trend.weeks[-1].start.year:
        when += f" {peak.start.year}"
    return f"{line}, peak week of {when} with {peak.papers}"


def alt_text(
    trends: Sequence[TopicTrend], weeks: int, *, titles: dict[str, str], limit: int = ALT_TEXT_CHARS
) -> str:
    """What the chart shows, in words: per topic the totals, the peak week and its top
    paper, then (when it fits in `limit`) every week's count."""
    starts = trends[0].weeks if trends else ()
    span = f"{short_day(starts[0].start)} {starts[0].start.year}" if starts else ""
    head = f"Chart: papers per week and their upvotes, {span_words(weeks)}"
    head += f" (weeks from {span})." if span else "."
    parts = [head]
    for trend in trends:
        part = f"{summary_line(trend, weeks)}; {trend.upvotes} upvotes in all"
        peak = trend.peak
        if peak is not None and peak.top is not None and peak.top.id in titles:
            part += f"; top paper that week: {_cut(titles[peak.top.id], TITLE_CHARS)}"
        parts.append(part + ".")
    short = " ".join(parts)
    counts = " ".join(
        f"{trend.topic} weekly: {', '.join(str(w.papers) for w in trend.weeks)}."
        for trend in trends
    )
    full = f"{short} {counts}" if counts else short
    if len(full) <= limit:
        return full
    return short if len(short) <= limit else _cut(short, limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _papers(count: int) -> str:
    return f"{count} paper" + ("" if count == 1 else "s")
