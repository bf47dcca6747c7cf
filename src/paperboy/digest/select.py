"""Choosing a channel's digest papers: pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta

from paperboy.core.models import Paper

# How far back to look for the latest featured day when the feed is late.
LOOKBACK_DAYS = 3


def digest_window(latest_featured: date | None, today: date) -> tuple[date, date] | None:
    """The featured days a digest draws from: the latest available day and the one
    before it (the Daily Papers list of a day keeps filling after the morning, so
    yesterday's late additions still reach today's digest). None when the feed has
    nothing within the lookback."""
    if latest_featured is None or (today - latest_featured).days > LOOKBACK_DAYS:
        return None
    return latest_featured - timedelta(days=1), latest_featured


def choose_papers(
    candidates: Sequence[Paper],
    *,
    limit: int,
    min_upvotes: int = 0,
    already_sent: Collection[str] = (),
    scores: Mapping[str, float] | None = None,
) -> list[Paper]:
    """The most-upvoted candidates that reach the threshold and were never sent to
    this channel; ties broken by id so the choice is stable. (The candidates are
    already those about the channel's topics: `TopicIndex.mentioning`.)

    With `scores` (`rank:team`: the team's model's order of the papers it places on
    the side of the team's saves, higher first, 0 for the others), those come first,
    best first; the others, as alike to it as each other, keep the upvote order."""
    eligible = [
        paper
        for paper in candidates
        if paper.id not in already_sent and paper.upvotes >= min_upvotes
    ]
    if scores is None:
        eligible.sort(key=lambda paper: (-paper.upvotes, paper.id))
    else:
        eligible.sort(key=lambda p: (-max(scores.get(p.id, 0.0), 0.0), -p.upvotes, p.id))
    return eligible[:limit]


def header_text(day: date, *, count: int, topics: str) -> str:
    """ "Trending papers — Thu 13 Mar · 5 papers · topics: agents"."""
    parts = [f"Trending papers — {day.strftime('%a')} {day.day} {day.strftime('%b')}"]
    parts.append(f"{count} paper" + ("" if count == 1 else "s"))
    if topics:
        parts.append(f"topics: {topics}")
    return " · ".join(parts)
