"""Stored and user text made inert for Discord markdown, and cut to Discord's limits.

Every character Discord's markdown gives a meaning is backslash-escaped, so a title
like ``**bold** [link](http://evil) <@123> @everyone`` shows exactly those characters:
no formatting, no masked link, no mention syntax. ``@everyone`` and ``@here`` also get
a zero-width space after the ``@`` (what discord.py's ``escape_mentions`` does), so even
a message sent with mentions allowed would not ping. Cutting works on whole escape
sequences, so an ellipsis is never swallowed by a dangling backslash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from paperboy.core.rich import Code, Emphasis, Plain, Rich
from paperboy.core.text import clean_text, without_invisibles

ELLIPSIS = "…"

# Inline markdown: emphasis, strike, spoiler, code, masked links, mentions/timestamps, quotes.
_ALWAYS = frozenset("\\*_~|`[]<>")
# Only at the start of a line: headings, lists, block quotes, subtext.
_LINE_START = frozenset("#-+>")
_ORDERED_LIST = re.compile(r"\d+\.")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_MENTION_SYNTAX = re.compile(r"<(@[!&]?\d)")


def break_mass_mentions(text: str) -> str:
    return _MASS_MENTION.sub("@\u200b\\1", text)


def _escaped_chars(text: str, *, line_start: bool) -> Iterator[str]:
    """One token per character of `text`: the character, escaped where needed."""
    at_start = line_start
    position = 0
    while position < len(text):
        ch = text[position]
        if at_start and (ordered := _ORDERED_LIST.match(text, position)):
            # "1. item" would become a list: escape the dot.
            yield from ordered.group()[:-1]
            yield "\\."
            position = ordered.end()
            at_start = False
            continue
        if ch in _ALWAYS or (at_start and ch in _LINE_START):
            yield "\\" + ch
        else:
            yield ch
        if ch == "\n":
            at_start = True
        elif not ch.isspace():
            at_start = False
        position += 1


def escape(text: str, *, line_start: bool = True) -> str:
    """`text` shown literally by Discord (markdown and mention syntax inert)."""
    return "".join(tokens(text, line_start=line_start))


def tokens(text: str, *, line_start: bool = True) -> list[str]:
    """`text` as escaped tokens, each safe to cut after (see `fit_tokens`)."""
    return list(_escaped_chars(break_mass_mentions(text), line_start=line_start))


def fit_tokens(parts: Iterable[str], limit: int) -> str:
    """Join tokens into at most `limit` characters, ending in "…" when something was cut.

    A token is never split: escape sequences and bold words stay whole."""
    if limit <= 0:
        return ""
    pieces = list(parts)
    if sum(len(piece) for piece in pieces) <= limit:
        return "".join(pieces)
    room = limit - len(ELLIPSIS)
    kept: list[str] = []
    size = 0
    for piece in pieces:
        if size + len(piece) > room:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept).rstrip() + ELLIPSIS


def fit(text: str, limit: int) -> str:
    """`text` escaped and cut to `limit` characters."""
    return fit_tokens(tokens(text), limit)


CODE_CHARS = 200


def rich_tokens(value: Rich) -> list[str]:
    """Typed inline text as Discord markdown tokens: plain text escaped, each code or
    emphasis span one token. Line breaks are kept: the help text is a list of lines."""
    found: list[str] = []
    line_start = True
    for span in value.spans:
        match span:
            case Plain(text):
                shown = "\n".join(without_invisibles(line) for line in text.split("\n"))
                found += tokens(shown, line_start=line_start)
                line_start = text.endswith("\n") or (line_start and not text.strip())
                continue
            case Code(text):
                piece = code_span(text)
            case Emphasis(text):
                inner = escape(clean_text(text), line_start=False)
                piece = f"*{inner}*" if inner else ""
        if piece:
            found.append(piece)
            line_start = False
    return found


def code_span(text: str) -> str:
    """`text` as inline code that its own backticks cannot close: a backtick inside is
    fenced with double backticks (or, beside another, made a look-alike ˋ)."""
    text = clean_text(text)
    if len(text) > CODE_CHARS:
        text = text[: CODE_CHARS - 1].rstrip() + ELLIPSIS
    if not text:
        return ""
    # Code shows text literally; a zero-width space still keeps mention syntax inert.
    text = _MENTION_SYNTAX.sub("<\u200b\\1", break_mass_mentions(text))
    if "`" not in text:
        return f"`{text}`"
    if "``" not in text:
        return f"`` {text} ``"
    return "`" + text.replace("`", "ˋ") + "`"


def plain(text: str, limit: int) -> str:
    """For fields Discord shows without markdown (embed footers): one line, cut, unescaped."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS
