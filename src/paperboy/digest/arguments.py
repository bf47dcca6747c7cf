"""`subscribe [HH:MM] [timezone] [topics…] [papers:N] [votes:N] [weekdays]`, parsed.

Pure: the result is either the channel's new settings or a short answer that
names what was wrong.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from paperboy.core.text import inline_code

MAX_PAPERS = 10
MAX_TOPICS_CHARS = 200

_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_LOOKS_LIKE_TIME = re.compile(r"\d{1,2}[:.h]\d{0,2}|\d{1,2}(am|pm)", re.IGNORECASE)
_PAPERS = re.compile(r"papers:(\S*)", re.IGNORECASE)
_VOTES = re.compile(r"votes:(?:>=)?(\S*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    time: str
    timezone: str
    topics: str
    max_papers: int
    min_upvotes: int
    weekdays_only: bool


@dataclass(frozen=True, slots=True)
class ArgumentError:
    message: str


def parse_subscription(
    arguments: str, *, default_time: str, default_timezone: str, default_papers: int = 5
) -> SubscriptionSpec | ArgumentError:
    clock, zone, papers, votes, weekdays = default_time, default_timezone, default_papers, 0, False
    topics: list[str] = []
    words = arguments.split()
    for position, word in enumerate(words):
        lowered = word.lower()
        if position == 0 and _LOOKS_LIKE_TIME.fullmatch(word):
            parsed = _parse_time(word)
            if parsed is None:
                return ArgumentError(
                    f"{inline_code(word)} is not a time of day: use 24-hour HH:MM, e.g. 09:30."
                )
            clock = parsed
        elif position <= 1 and _looks_like_zone(word):
            canonical = _zone(word)
            if canonical is None:
                return ArgumentError(
                    f"I don't know the timezone {inline_code(word)}: use an IANA name such as "
                    "Europe/Berlin, America/New_York or UTC."
                )
            zone = canonical
        elif match := _PAPERS.fullmatch(word):
            if not match[1].isdigit() or not 1 <= int(match[1]) <= MAX_PAPERS:
                return ArgumentError(f"`papers:` takes a number from 1 to {MAX_PAPERS}.")
            papers = int(match[1])
        elif match := _VOTES.fullmatch(word):
            if not match[1].isdigit() or int(match[1]) > 1_000_000:
                return ArgumentError("`votes:` takes the minimum number of upvotes, e.g. votes:10.")
            votes = int(match[1])
        elif lowered in ("weekdays", "weekdays-only"):
            weekdays = True
        else:
            topics.append(word)
    topic_text = " ".join(topics)
    if len(topic_text) > MAX_TOPICS_CHARS:
        return ArgumentError(f"Topics are limited to {MAX_TOPICS_CHARS} characters.")
    return SubscriptionSpec(clock, zone, topic_text, papers, votes, weekdays)


def _parse_time(text: str) -> str | None:
    match = _TIME.fullmatch(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return f"{int(match[1]):02d}:{match[2]}"


def _looks_like_zone(word: str) -> bool:
    return "/" in word or word.upper() in ("UTC", "GMT", "Z")


@functools.cache
def _zone_names() -> dict[str, str]:
    """Lower-cased IANA names to their canonical spelling (read once: it scans tzdata)."""
    return {name.lower(): name for name in available_timezones()}


def _zone(word: str) -> str | None:
    if word.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    # Accept any capitalisation ("europe/berlin") but answer with the canonical name.
    name = _zone_names().get(word.lower())
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def describe(spec: SubscriptionSpec) -> str:
    days = "weekdays" if spec.weekdays_only else "every day"
    parts = [f"{days} at {spec.time} {spec.timezone}", f"up to {spec.max_papers} papers"]
    if spec.min_upvotes:
        parts.append(f"with at least {spec.min_upvotes} upvotes")
    parts.append(f"about “{spec.topics}”" if spec.topics else "on any topic")
    return ", ".join(parts)
