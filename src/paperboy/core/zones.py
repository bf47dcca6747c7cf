"""Timezones as people type them, and as the store keeps them.

A zone is one of

- a name the zoneinfo database knows: `Europe/Berlin`, `America/New_York`,
  `CET`, `EST`, `Japan`, `UTC`. Names with a slash, the common abbreviations
  (`cet`, `est`) and names with a digit (`est5edt`) may be typed in any case;
  the others (`Japan`, `ROC`, `WET`) only as written, so the topic words
  "japan", "roc" or "wet" never become a zone;
- a fixed offset from UTC: `UTC+2`, `GMT-3`, `+05:30`, `-0800`, kept as
  "UTC+02:00" (which reads back as the same zone). Real offsets run from
  -12:00 to +14:00.

`canonical_zone` turns what was typed into the stored spelling (or None);
`zone_info` turns a stored spelling into a tzinfo; `zone_problem` says why a
word that looks like a zone is not one, with a suggestion where there is one.
"""

from __future__ import annotations

import difflib
import functools
import re
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from paperboy.core.rich import Rich, code, text

EXAMPLES = "a name such as Europe/Berlin, America/New_York, CET or UTC, or an offset such as UTC+2"
MAX_OFFSET_EAST = timedelta(hours=14)
MAX_OFFSET_WEST = timedelta(hours=12)

_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
# What an offset looks like, right or wrong: "UTC+25", "+5:3", "GMT-".
_OFFSET_SHAPE = re.compile(r"(?:(?:UTC|GMT)[+\-−]\S*|[+\-−]\d[\d:]*)", re.IGNORECASE)
_CANONICAL_OFFSET = re.compile(r"UTC([+-])(\d{2}):(\d{2})")
_UTC_NAMES = frozenset({"utc", "z"})
# Abbreviations people use that the zoneinfo database does not define (most
# change meaning with daylight saving or are ambiguous), with the zone to use.
_ABBREVIATIONS = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "MDT": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "EDT": "America/New_York",
    "AKST": "America/Anchorage",
    "BST": "Europe/London",
    "CEST": "Europe/Berlin",
    "EEST": "Europe/Athens",
    "WEST": "Europe/Lisbon",
    "MSK": "Europe/Moscow",
    "IST": "Asia/Kolkata",
    "PKT": "Asia/Karachi",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "BRT": "America/Sao_Paulo",
    "ART": "America/Argentina/Buenos_Aires",
}
# Offered before anything is typed.
_POPULAR = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
)
# "localtime" is the server's own setting and "Factory" means "no zone set":
# neither is a place a channel can be in.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


# Names without a slash that may be typed in any case: the lower-case spelling
# of the others is an everyday word ("wet", "met", "roc", "gb") or a country.
_ANY_CASE = frozenset({"CET", "EET", "EST", "MST", "HST", "UCT", "UTC", "GMT"})


@functools.cache
def _names() -> dict[str, str]:
    """Every accepted spelling of every zoneinfo name -> the name (read once: it scans tzdata)."""
    spellings: dict[str, str] = {}
    for name in available_timezones() - _NOT_ZONES:
        spellings[name] = name
        if "/" in name or name in _ANY_CASE or any(ch.isdigit() for ch in name):
            spellings[name.lower()] = name
    return spellings


@functools.cache
def _places() -> dict[str, list[str]]:
    """Lower-cased last part of each Area/Place name ("berlin") -> the names ending in it."""
    found: dict[str, list[str]] = {}
    for name in sorted(available_timezones() - _NOT_ZONES):
        if "/" in name and not name.startswith("Etc/"):
            found.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    return found


def zone_names() -> list[str]:
    """Every zoneinfo name paperboy accepts, sorted."""
    return sorted(set(_names().values()))


def canonical_zone(text: str) -> str | None:
    """The stored spelling of the zone `text` names, or None when it names none."""
    word = text.strip()
    if not word or len(word) > 64:
        return None
    if word.lower() in _UTC_NAMES:
        return "UTC"
    name = _names().get(word) or _names().get(word.lower())
    if name is not None:
        return name if _loads(name) else None
    return _offset(word)


def zone_info(name: str) -> tzinfo:
    """The tzinfo of a zone as `canonical_zone` reads it (stored names read back as
    themselves). Raises ValueError for a name that is none (a store edited by hand)."""
    canonical = canonical_zone(name)
    if canonical is None:
        raise ValueError(f"unknown timezone {name!r}")
    offset = _CANONICAL_OFFSET.fullmatch(canonical)
    if offset is None:
        return ZoneInfo(canonical)
    sign = -1 if offset[1] == "-" else 1
    return timezone(sign * timedelta(hours=int(offset[2]), minutes=int(offset[3])), canonical)


def zone_name(zone: tzinfo) -> str:
    """The name a tzinfo from `zone_info` was made from (for logs)."""
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)


def looks_like_offset(word: str) -> bool:
    """Whether `word` is written like a UTC offset ("UTC+2", "+05:30"), valid or not."""
    return _OFFSET_SHAPE.fullmatch(word.strip()) is not None


def is_known_abbreviation(word: str) -> bool:
    """Whether `word` is a zone abbreviation people use that zoneinfo lacks ("PST")."""
    return word.strip() in _ABBREVIATIONS


def place_names(word: str) -> list[str]:
    """Zone names whose place is `word` ("Berlin" -> ["Europe/Berlin"])."""
    return _places().get(word.strip().lower().replace(" ", "_"), [])


def zone_suggestions(typed: str, *, limit: int) -> list[str]:
    """Zones for what has been typed so far, best first: the zone it already names
    (or the one its abbreviation stands for), then names and whole offsets
    containing it (any case), those starting with it first, shortest first."""
    word = typed.strip()
    if not word:
        return list(_POPULAR[:limit])
    first = [canonical_zone(word) or _ABBREVIATIONS.get(word.upper(), "")]
    needle = word.lower().replace(" ", "_")
    candidates = [*zone_names(), *_common_offsets()]
    found = [name for name in candidates if needle in name.lower()]
    found.sort(key=lambda name: (not name.lower().startswith(needle), len(name), name))
    return list(dict.fromkeys(name for name in [*first, *found] if name))[:limit]


@functools.cache
def _common_offsets() -> tuple[str, ...]:
    hours = [f"UTC{h:+03d}:00" for h in range(-12, 15) if h]
    odd = ("-09:30", "-03:30", "+03:30", "+04:30", "+05:30", "+05:45", "+06:30", "+09:30")
    return (*hours, *(f"UTC{offset}" for offset in odd))


def zone_problem(word: str) -> Rich:
    """Why `word` is not a timezone, with the zone the user probably meant."""
    shown = code(word, 40)
    word = word.strip()
    if word in _ABBREVIATIONS:
        return text(
            shown,
            " is not a timezone I can use (abbreviations are ambiguous and change "
            f"with daylight saving): try {_ABBREVIATIONS[word]}, or an offset such as UTC+2.",
        )
    if looks_like_offset(word):
        return text(
            shown,
            " is not a UTC offset: use one from UTC-12 to UTC+14, e.g. UTC+2, UTC-05:00 or +05:30.",
        )
    places = place_names(word)
    if not places:
        close = difflib.get_close_matches(word.lower(), _names().keys(), n=1, cutoff=0.8)
        places = [_names()[close[0]]] if close else []
    hint = f" Did you mean {places[0]}?" if places else ""
    return text("I don't know the timezone ", shown, f".{hint} Use {EXAMPLES}.")


def _offset(word: str) -> str | None:
    match = _OFFSET.fullmatch(word)
    if match is None:
        return None
    hours, minutes = int(match[2]), int(match[3] or 0)
    if minutes >= 60:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    west = match[1] != "+"
    if delta > (MAX_OFFSET_WEST if west else MAX_OFFSET_EAST):
        return None
    if not delta:
        return "UTC"
    return f"UTC{'-' if west else '+'}{hours:02d}:{minutes:02d}"


def _loads(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
