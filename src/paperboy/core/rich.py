"""Text with inline markup as typed spans, so each front end renders it its own way.

A reply never carries one platform's syntax: "Try `search lora`." is built as
`text("Try ", code("search lora"), ".")`, and Slack shows a code span, Discord
one safe against backticks in its content, the terminal the words as they are.
Plain spans are plain text: every renderer escapes them for its own markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from paperboy.core.text import clean_text, shorten


@dataclass(frozen=True, slots=True)
class Plain:
    text: str


@dataclass(frozen=True, slots=True)
class Code:
    """Something to type, or user input shown back literally: one line."""

    text: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    text: str


Span = Plain | Code | Emphasis


@dataclass(frozen=True, slots=True)
class Rich:
    """A run of spans. `str(rich)` (and `plain`) is the text as a person reads it."""

    spans: tuple[Span, ...] = ()

    @property
    def plain(self) -> str:
        return "".join(span.text for span in self.spans)

    def __str__(self) -> str:
        return self.plain

    def __contains__(self, word: str) -> bool:
        return word in self.plain

    def __bool__(self) -> bool:
        return any(span.text for span in self.spans)

    def __add__(self, other: str | Span | Rich) -> Rich:
        return text(self, other)

    def __radd__(self, other: str | Span | Rich) -> Rich:
        return text(other, self)

    def lines(self) -> list[Rich]:
        """One Rich per line of the text (line breaks only ever sit in plain spans)."""
        found: list[list[Span]] = [[]]
        for span in self.spans:
            if not isinstance(span, Plain):
                found[-1].append(span)
                continue
            first, *rest = span.text.split("\n")
            if first:
                found[-1].append(Plain(first))
            for piece in rest:
                found.append([Plain(piece)] if piece else [])
        return [Rich(tuple(spans)) for spans in found]


def text(*parts: str | Span | Rich) -> Rich:
    """One Rich from strings (plain text), spans and other Rich values, in order."""
    spans: list[Span] = []
    for part in parts:
        pieces = part.spans if isinstance(part, Rich) else (part,)
        for piece in pieces:
            span = Plain(piece) if isinstance(piece, str) else piece
            if not span.text:
                continue
            if isinstance(span, Plain) and spans and isinstance(spans[-1], Plain):
                spans[-1] = Plain(spans[-1].text + span.text)
            else:
                spans.append(span)
    return Rich(tuple(spans))


def code(value: str, limit: int = 60) -> Code:
    """`value` as code on one line, cut to `limit` characters ("…" when cut).

    Safe for user input: each renderer keeps the span closed whatever it holds."""
    return Code(shorten(clean_text(value), limit))


def emphasis(value: str) -> Emphasis:
    return Emphasis(value)


def join(separator: str | Rich, parts: Iterable[str | Span | Rich]) -> Rich:
    """`parts` with `separator` between each two, like str.join."""
    found: list[str | Span | Rich] = []
    for index, part in enumerate(parts):
        if index:
            found.append(separator)
        found.append(part)
    return text(*found)


def sentence_start(value: Rich) -> Rich:
    """`value` with its first letter upper-cased, when it starts with plain text."""
    first, *rest = value.spans or (Plain(""),)
    if not isinstance(first, Plain):
        return value
    return Rich((Plain(first.text[:1].upper() + first.text[1:]), *rest))


def as_rich(value: str | Rich) -> Rich:
    return value if isinstance(value, Rich) else text(value)


EMPTY = Rich()
