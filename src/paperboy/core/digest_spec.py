"""What `subscribe` asks of a channel's daily digest, as a value validated when built.

Two ways in, one set of checks and answers: `parse_digest_spec` reads the text
grammar `subscribe [HH:MM] [timezone] [topics…] [papers:N] [votes:N] [rank:team|votes]
[weekdays]`
(Slack, the console), `digest_spec` takes typed options (Discord's). Pure: the
result is either a `DigestSpec` or a `ParseError` that names what was wrong.
What the person leaves out stays None, and the digest fills in its defaults.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from datetime import time as TimeOfDay

from paperboy.core.rich import Rich, code, text
from paperboy.core.text import clean_text
from paperboy.core.times import hh_mm, time_of_day
from paperboy.core.zones import (
    canonical_zone,
    is_known_abbreviation,
    looks_like_offset,
    place_names,
    zone_problem,
)

MAX_PAPERS = 10
MAX_MIN_UPVOTES = 1_000_000
MAX_TOPICS_CHARS = 200

# What may be meant as a time in the first word ("9.30", "9h", "9am")...
_LOOKS_LIKE_TIME = re.compile(r"\d{1,2}[:.h]\d{0,2}|\d{1,2}(am|pm)", re.IGNORECASE)
# ...and what can only be meant as one anywhere else.
_SURELY_TIME = re.compile(r"\d{1,2}:\d{2}|\d{1,2}(?::\d{2})?(am|pm)", re.IGNORECASE)
_PAPERS = re.compile(r"papers:(\S*)", re.IGNORECASE)
_VOTES = re.compile(r"votes:(?:>=)?(\S*)", re.IGNORECASE)
_RANK = re.compile(r"rank:(\S*)", re.IGNORECASE)
_OPTION = re.compile(r"([a-z]+):\S*", re.IGNORECASE)
_OPTIONS = ("papers", "votes", "rank")
# How a digest may be ordered: by upvotes (the default), or by what the channel's people
# saved from its posts (upvotes breaking ties).
RANKS = ("votes", "team")
# In hints, where the person named no time or zone of their own.
_EXAMPLE_TIME, _EXAMPLE_ZONE = "09:30", "UTC"


@dataclass(frozen=True, slots=True)
class ParseError:
    """A short answer for the person: what was wrong and what to type instead."""

    message: Rich


@dataclass(frozen=True, slots=True)
class DigestSpec:
    """A channel's digest as asked for; None: the bot's default (see `with_defaults`).

    Build one with `parse_digest_spec` or `digest_spec`, which check every field."""

    time: TimeOfDay | None = None
    zone: str | None = None  # canonical, as `canonical_zone` spells it
    topics: str = ""
    papers: int | None = None
    min_upvotes: int = 0
    weekdays: bool = False
    rank: str = "votes"  # one of RANKS

    def with_defaults(self, *, time: TimeOfDay, zone: str, papers: int) -> DigestSpec:
        """Every field filled: the ones left out take the given defaults."""
        return replace(
            self,
            time=self.time or time,
            zone=self.zone or canonical_zone(zone) or zone,  # a setting may say "utc+2"
            papers=self.papers or papers,
        )


def parse_digest_spec(arguments: str) -> DigestSpec | ParseError:
    """The digest `subscribe [HH:MM] [timezone] [topics…] [options]` asks for.

    The time can only be the first word and the timezone only the word after
    it (or the first, without a time). Anywhere else, a word that can only be
    a time or a timezone ("10:00", "Europe/Berlin", "UTC+2") is refused with a
    hint rather than taken as a topic; so is a mistyped option ("paper:3")."""
    clock: TimeOfDay | None = None
    zone: str | None = None
    papers: int | None = None
    votes, weekdays, rank = 0, False, "votes"
    words = clean_text(arguments).split()
    position = 0
    if words and _LOOKS_LIKE_TIME.fullmatch(words[0]):
        parsed = _parse_time(words[0])
        if parsed is None:
            return _not_a_time(words[0])
        clock, position = parsed, 1
    if position < len(words) and _meant_as_zone(words[position]):
        word = words[position]
        zone = canonical_zone(word)
        if zone is None:
            return ParseError(_not_a_zone(word, clock))
        position += 1
    topics: list[str] = []
    for word in words[position:]:
        lowered = word.lower()
        if match := _PAPERS.fullmatch(word):
            if not match[1].isdigit():
                return _bad_papers()
            papers = int(match[1])
        elif match := _VOTES.fullmatch(word):
            if not match[1].isdigit():
                return _bad_votes()
            votes = int(match[1])
        elif match := _RANK.fullmatch(word):
            if match[1].lower() not in RANKS:
                return _bad_rank()
            rank = match[1].lower()
        elif lowered in ("weekdays", "weekdays-only"):
            weekdays = True
        elif problem := _misplaced(word, clock=clock, zone=zone):
            return ParseError(problem)
        else:
            topics.append(word)
    return _checked(DigestSpec(clock, zone, " ".join(topics), papers, votes, weekdays, rank))


def digest_spec(
    *,
    time: str | None = None,
    zone: str | None = None,
    topics: str | None = None,
    papers: int | None = None,
    min_upvotes: int | None = None,
    weekdays: bool = False,
    rank: str | None = None,
) -> DigestSpec | ParseError:
    """The digest typed options ask for, checked as the text grammar checks its words.

    Options need no word positions, so topics are taken as typed (a "/" or a
    "10:00" in them is a topic word, not a misplaced timezone or time)."""
    when = typed_time_and_zone(time, zone)
    if isinstance(when, ParseError):
        return when
    clock, canonical = when
    words = " ".join(clean_text(topics or "").split())
    order = (rank or "votes").strip().lower()
    if order not in RANKS:
        return _bad_rank()
    return _checked(DigestSpec(clock, canonical, words, papers, min_upvotes or 0, weekdays, order))


def typed_time_and_zone(
    time: str | None, zone: str | None
) -> tuple[TimeOfDay | None, str | None] | ParseError:
    """A typed time and timezone option (each may be left out), checked as the words are;
    the weekly list's options share it."""
    clock = None
    if time is not None and time.strip():
        clock = _parse_time(time.strip())
        if clock is None:
            return _not_a_time(time.strip())
    canonical = None
    if zone is not None and zone.strip():
        canonical = canonical_zone(zone.strip())
        if canonical is None:
            return ParseError(zone_problem(zone.strip()))
    return clock, canonical


def describe(spec: DigestSpec) -> str:
    """The digest in a sentence's words (a spec with its defaults filled in)."""
    days = "weekdays" if spec.weekdays else "every day"
    at = spec.time.strftime("%H:%M") if spec.time else "the default time"
    papers = "1 paper" if spec.papers == 1 else f"{spec.papers} papers"
    parts = [f"{days} at {at} {spec.zone or 'UTC'}", f"up to {papers}"]
    if spec.min_upvotes:
        parts.append(f"with at least {spec.min_upvotes} upvotes")
    parts.append(f"about “{spec.topics}”" if spec.topics else "on any topic")
    if spec.rank == "team":
        parts.append("ordered by what people here save")
    return ", ".join(parts)


def _checked(spec: DigestSpec) -> DigestSpec | ParseError:
    """The bounds every way in shares."""
    if spec.papers is not None and not 1 <= spec.papers <= MAX_PAPERS:
        return _bad_papers()
    if not 0 <= spec.min_upvotes <= MAX_MIN_UPVOTES:
        return _bad_votes()
    if len(spec.topics) > MAX_TOPICS_CHARS:
        return ParseError(text(f"Topics are limited to {MAX_TOPICS_CHARS} characters."))
    return spec


def _bad_papers() -> ParseError:
    return ParseError(text(code("papers:"), f" takes a number from 1 to {MAX_PAPERS}."))


def _bad_votes() -> ParseError:
    return ParseError(text(code("votes:"), " takes the minimum number of upvotes, e.g. votes:10."))


def _bad_rank() -> ParseError:
    return ParseError(
        text(
            code("rank:"),
            " takes ",
            code("team"),
            " (by what people here save) or ",
            code("votes"),
            " (by upvotes, the default).",
        )
    )


def _not_a_time(word: str) -> ParseError:
    return ParseError(text(code(word), " is not a time of day: use 24-hour HH:MM, e.g. 09:30."))


def _parse_time(word: str) -> TimeOfDay | None:
    return time_of_day(word)


def _shown(clock: TimeOfDay | None) -> str:
    return hh_mm(clock) if clock else _EXAMPLE_TIME


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


def _not_a_zone(word: str, clock: TimeOfDay | None) -> Rich:
    problem = zone_problem(word)
    if "/" in word or looks_like_offset(word):
        return problem
    # A bare word may have been meant as the first topic.
    return text(
        problem,
        " To follow it as a topic, name the timezone first: ",
        code(f"subscribe {_shown(clock)} UTC {word[:40]}"),
        ".",
    )


def _misplaced(word: str, *, clock: TimeOfDay | None, zone: str | None) -> Rich | None:
    """Why a word among the topics cannot be one, or None when it can."""
    if _SURELY_TIME.fullmatch(word):
        return text(
            code(word),
            " looks like a time, and the time can only come first, e.g. ",
            code(f"subscribe 09:30 {zone or _EXAMPLE_ZONE} robotics"),
            ".",
        )
    if looks_like_offset(word) or ("/" in word and canonical_zone(word) is not None):
        return text(
            code(word),
            " looks like a timezone, and the timezone can only come right after the time, e.g. ",
            code(f"subscribe {_shown(clock)} Europe/Berlin robotics"),
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
                ", ",
                code("rank:team"),
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
