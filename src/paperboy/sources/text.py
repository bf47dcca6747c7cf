"""Small, pure helpers shared by the parsers: whitespace, dates, links."""

from __future__ import annotations

from datetime import date, datetime


def clean_text(text: str) -> str:
    """Collapse every run of whitespace (newlines and indentation included) to one space."""
    return " ".join(text.split())


def date_part(value: object) -> date | None:
    """The calendar date of "2024-03-18" or an ISO datetime ("2024-03-18T17:59:58.000Z").

    The date is the one written in the string, not converted to another zone.
    Anything else (None, numbers, garbage) gives None.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def web_link(value: object) -> str | None:
    """`value` when it is an http(s) URL, else None (no javascript: links in chat)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.lower().startswith(("https://", "http://")) and len(value) > len("https://"):
        return value if not any(ch.isspace() for ch in value) else None
    return None
