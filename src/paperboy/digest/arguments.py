"""`subscribe [HH:MM] [timezone] [topics…] [papers:N] [votes:N] [weekdays]`, parsed.

Pure: the result is either the channel's new settings or a short answer that
names what was wrong.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import time

from paperboy.core.rich import Rich, code, text
from paperboy.core.times import hh_mm, time_of_day
from paperboy.core.zones import (
    canonical_zone,
    is_known_abbreviation,
    looks_like_offset,
    place_names,
    zone_problem,
)

MAX_PAPERS = 10
MAX_TOPICS_CHARS = 200

# What may be meant as a time in the first word ("9.30", "9h", "9am")...
_LOOKS_LIKE_TIME = re.compile(r"\d{1,2}[:.h]\d{0,2}|\d{1,2}(am|pm)", re.IGNORECASE)
# ...and what can only be meant as one anywhere else.
_SURELY_TIME = re.compile(r"\d{1,2}:\d{2}|\d{1,2}(?::\d{2})?(am|pm)", re.IGNORECASE)
_PAPERS = re.compile(r"papers:(\S*)", re.IGNORECASE)
_VOTES = re.compile(r"votes:(?:>=)?(\S*)", re.IGNORECASE)
_OPTION = re.compile(r"([a-z]+):\S*", re.IGNORECASE)
_OPTIONS = ("papers", "votes")


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    time: time
    timezone: str
    topics: str
    max_papers: int
    min_upvotes: int
    weekdays_only: bool


@dataclass(frozen=True, slots=True)
class ArgumentError:
    message: Rich


def parse_subscription(
    arguments: str, *, default_time: time, default_timezone: str, default_papers: int
) -> SubscriptionSpec | ArgumentError:
    """The settings `subscribe [HH:MM] [timezone] [topics…] [options]` asks for.

    The time can only be the first word and the timezone only the word after
    it (or the first, without a time). Anywhere else, a word that can only be
    a time or a timezone ("10:00", "Europe/Berlin", "UTC+2") is refused with a
    hint rather than taken as a topic; so is a mistyped option ("paper:3")."""
    clock, papers, votes, weekdays = default_time, default_papers, 0, False
    zone = canonical_zone(default_timezone) or default_timezone  # a setting may say "utc+2"
    words = arguments.split()
    position = 0
    if words and _LOOKS_LIKE_TIME.fullmatch(words[0]):
        parsed = time_of_day(words[0])
        if parsed is None:
            return ArgumentError(
                text(code(words[0]), " is not a time of day: use 24-hour HH:MM, e.g. 09:30.")
            )
        clock, position = parsed, 1
    if position < len(words) and _meant_as_zone(words[position]):
        word = words[position]
        canonical = canonical_zone(word)
        if canonical is None:
            return ArgumentError(_not_a_zone(word, clock))
        zone, position = canonical, position + 1
    topics: list[str] = []
    for word in words[position:]:
        lowered = word.lower()
        if match := _PAPERS.fullmatch(word):
            if not match[1].isdigit() or not 1 <= int(match[1]) <= MAX_PAPERS:
                return ArgumentError(
                    text(code("papers:"), f" takes a number from 1 to {MAX_PAPERS}.")
                )
            papers = int(match[1])
        elif match := _VOTES.fullmatch(word):
            if not match[1].isdigit() or int(match[1]) > 1_000_000:
                return ArgumentError(
                    text(code("votes:"), " takes the minimum number of upvotes, e.g. votes:10.")
                )
            votes = int(match[1])
        elif lowered in ("weekdays", "weekdays-only"):
            weekdays = True
        elif problem := _misplaced(word, clock=clock, zone=zone):
            return ArgumentError(problem)
        else:
            topics.append(word)
    topic_text = " ".join(topics)
    if len(topic_text) > MAX_TOPICS_CHARS:
        return ArgumentError(text(f"Topics are limited to {MAX_TOPICS_CHARS} characters."))
    return SubscriptionSpec(clock, zone, topic_text, papers, votes, weekdays)


def _meant_as_zone(word: str) -> bool:
    """Whether the word in the timezone's place is meant as one (right or wrong).

    A place written as in a zone name ("Berlin") counts, so that it gets "did
    you mean Europe/Berlin?" instead of becoming a topic."""
    return (
        canonical_zone(word) is not None
        or "/" in word
        or looks_like_offset(word)
        or is_known_abbreviation(word)
        or (word[:1].isupper() and bool(place_names(word)))
    )


def _not_a_zone(word: str, clock: time) -> Rich:
    problem = zone_problem(word)
    if "/" in word or looks_like_offset(word):
        return problem
    # A bare word may have been meant as the first topic.
    return text(
        problem,
        " To follow it as a topic, name the timezone first: ",
        code(f"subscribe {hh_mm(clock)} UTC {word[:40]}"),
        ".",
    )


def _misplaced(word: str, *, clock: time, zone: str) -> Rich | None:
    """Why a word among the topics cannot be one, or None when it can."""
    if _SURELY_TIME.fullmatch(word):
        return text(
            code(word),
            " looks like a time, and the time can only come first, e.g. ",
            code(f"subscribe 09:30 {zone} robotics"),
            ".",
        )
    if looks_like_offset(word) or ("/" in word and canonical_zone(word) is not None):
        return text(
            code(word),
            " looks like a timezone, and the timezone can only come right after the time, e.g. ",
            code(f"subscribe {hh_mm(clock)} Europe/Berlin robotics"),
            ".",
        )
    option = _OPTION.fullmatch(word)
    if option is not None:
        key = option[1].lower()
        if key in ("since", "until", "author"):
            return text(
                code(f"{key}:"),
                " filters a search; a digest takes ",
                code("papers:N"),
                ", ",
                code("votes:N"),
                " and ",
                code("weekdays"),
                " (its papers are always the latest featured ones).",
            )
        close = difflib.get_close_matches(key, _OPTIONS, n=1, cutoff=0.7)
        if close and key not in _OPTIONS:
            return text(
                "I don't know the option ", code(word), ". Did you mean ", code(f"{close[0]}:"), "?"
            )
    return None


def describe(spec: SubscriptionSpec) -> str:
    days = "weekdays" if spec.weekdays_only else "every day"
    parts = [f"{days} at {hh_mm(spec.time)} {spec.timezone}", f"up to {spec.max_papers} papers"]
    if spec.min_upvotes:
        parts.append(f"with at least {spec.min_upvotes} upvotes")
    parts.append(f"about “{spec.topics}”" if spec.topics else "on any topic")
    return ", ".join(parts)
