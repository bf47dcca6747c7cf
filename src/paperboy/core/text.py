"""Small text helpers for answers: shortening, quoting user input and titles."""

from __future__ import annotations

import unicodedata

from paperboy.core.models import Paper

_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


def clean_text(text: str) -> str:
    """One line of visible text: NFC, control, format (zero-width, bidi override) and
    line-separator characters become spaces, whitespace is folded."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) in _INVISIBLE else ch for ch in text)
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def inline_code(text: str, limit: int = 60) -> str:
    """User input shown back inside `code` marks: backticks cannot close the span."""
    return "`" + shorten(text.replace("`", "'"), limit) + "`"


def quote_title(paper: Paper, limit: int = 80) -> str:
    return f"“{shorten(paper.title, limit)}”"


def short_authors(authors: tuple[str, ...], *, keep: int = 3) -> str:
    """ "A, B, C et al." — or "" when there are none."""
    if len(authors) <= keep:
        return ", ".join(authors)
    return ", ".join(authors[:keep]) + " et al."
