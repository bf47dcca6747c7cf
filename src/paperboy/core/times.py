"""Times of day as people (and config files) write them: 24-hour "HH:MM".

The one parser of a time of day; `core/zones.py` is the one parser of a zone.
"""

from __future__ import annotations

import re
from datetime import time

_HH_MM = re.compile(r"(\d{1,2}):(\d{2})")

HH_MM_PROBLEM = "must be a time of day as HH:MM (24-hour)"


def time_of_day(text: str) -> time | None:
    """ "09:30" or "9:30" as a time; None for anything else ("24:00", "9.30", "9am")."""
    match = _HH_MM.fullmatch(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def checked_time_of_day(text: str) -> time:
    """A time of day already validated (a setting): raises ValueError if it is not one."""
    parsed = time_of_day(text)
    if parsed is None:
        raise ValueError(f"{text!r} {HH_MM_PROBLEM}")
    return parsed


def hh_mm(at: time) -> str:
    """ "09:30": how a time of day is written back (and stored)."""
    return at.strftime("%H:%M")
