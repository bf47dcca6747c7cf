"""The text helpers every renderer shares: what reaches a chat or a terminal is visible
text on the lines it was meant for, authors are cut to three, and a reply splits into
its lines with its code spans kept whole."""

from __future__ import annotations

import pytest

from paperboy.core.rich import Code, Plain, Rich, code, text
from paperboy.core.text import short_authors, terminal_text, visible_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("", ""),
        ("   ", " "),
        ("\u200b", " "),
        ("plain", "plain"),
        ("  two\t\nwords  ", " two words "),
        ("lo\u202era\x00 x", "lo ra x"),
        ("edge\u200b", "edge "),
        (" a", " a"),
        ("\u200bab", " ab"),
    ],
)
def test_visible_text_is_one_line_and_keeps_one_space_at_an_edge(raw: str, shown: str) -> None:
    assert visible_text(raw) == shown


def test_terminal_text_keeps_line_breaks_and_blanks_escapes() -> None:
    assert terminal_text("red\x1b[31m\nnext\u202eline") == "red [31m\nnext line"
    assert terminal_text("a\n\nb") == "a\n\nb"


@pytest.mark.parametrize(
    ("authors", "shown"),
    [
        ((), ""),
        (("Ada",), "Ada"),
        (("Ada", "Bo", "Cy"), "Ada, Bo, Cy"),
        (("Ada", "Bo", "Cy", "Di"), "Ada, Bo, Cy et al."),
    ],
)
def test_more_than_three_authors_end_in_et_al(authors: tuple[str, ...], shown: str) -> None:
    assert short_authors(authors) == shown


def test_a_reply_splits_into_lines_keeping_code_spans() -> None:
    reply = text("first ", code("a b"), " still first\nsecond\n\nfourth\n")
    assert reply.lines() == [
        Rich((Plain("first "), Code("a b"), Plain(" still first"))),
        Rich((Plain("second"),)),
        Rich(()),
        Rich((Plain("fourth"),)),
        Rich(()),
    ]
    assert text("one line").lines() == [Rich((Plain("one line"),))]
