"""Small text helpers for answers: shortening, quoting user input and titles."""

from __future__ import annotations

import unicodedata
from datetime import date

from paperboy.core.models import Paper

# Control, format (zero-width, bidi override) and line/paragraph separators.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def without_invisibles(text: str) -> str:
    """NFC, with every invisible character (see INVISIBLE_CATEGORIES) as a space."""
    text = unicodedata.normalize("NFC", text)
    # Every answer passes its texts through here on the event loop: look at each
    # distinct character once rather than at every character (an abstract has a
    # few dozen distinct ones in about 1,500).
    invisible = {
        ord(ch): " " for ch in set(text) if unicodedata.category(ch) in INVISIBLE_CATEGORIES
    }
    return text.translate(invisible) if invisible else text


def visible_text(text: str) -> str:
    """Visible text on one line: invisible characters become spaces and runs of
    whitespace fold to one space, keeping one at either edge (so segments of a
    snippet can be joined as they are)."""
    text = without_invisibles(text)
    folded = " ".join(text.split())
    if not folded:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + folded + (" " if text[-1].isspace() else "")


def terminal_text(text: str) -> str:
    """`text` safe to write to a terminal: line breaks kept, every other invisible
    character (the ESC that starts an escape sequence, a bidi override) a space."""
    return "\n".join(without_invisibles(line) for line in text.split("\n"))


def clean_text(text: str) -> str:
    """One line of visible text, nothing at either edge."""
    return " ".join(without_invisibles(text).split())


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def quote_title(paper: Paper, limit: int = 80) -> str:
    return f"“{shorten(paper.title, limit)}”"


def short_authors(authors: tuple[str, ...], *, keep: int = 3) -> str:
    """ "A, B, C et al." — or "" when there are none."""
    if len(authors) <= keep:
        return ", ".join(authors)
    return ", ".join(authors[:keep]) + " et al."


def long_day(day: date) -> str:
    """ "Thu 13 Mar 2025": a day named with its year, as it may lie in another."""
    return f"{day:%a} {day.day} {day:%b %Y}"
