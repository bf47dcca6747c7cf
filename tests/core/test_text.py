"""The text helpers every renderer shares: what reaches a chat or a terminal is visible
text on the lines it was meant for, authors are cut to three, and a reply splits into
its lines with its code spans kept whole."""

from __future__ import annotations

import pytest

from paperboy.core.rich import Code, Plain, Rich, code, sentence_start, text
from paperboy.core.text import short_authors, shorten, terminal_text, visible_text


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


def test_shorten_keeps_a_text_that_fits_and_cuts_to_the_limit() -> None:
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "ab…"
    assert shorten("abc", 1) == "…"


def test_a_code_span_holds_sixty_characters_unless_told_otherwise() -> None:
    assert code("x" * 60) == Code("x" * 60)
    assert code("x" * 61) == Code("x" * 59 + "…")


def test_rich_text_joins_with_plus_either_way_and_skips_empty_parts() -> None:
    assert text("Try ") + code("help") == Rich((Plain("Try "), Code("help")))
    assert "Try " + text(code("help"), ".") == Rich((Plain("Try "), Code("help"), Plain(".")))
    assert text("a", "", code("b"), "", "c") == Rich((Plain("a"), Code("b"), Plain("c")))


def test_a_sentence_starts_with_a_capital_and_an_empty_one_stays_empty() -> None:
    assert sentence_start(text("react with ", code("x"))) == text("React with ", code("x"))
    assert str(sentence_start(Rich())) == ""
    assert sentence_start(text(code("x"), " y")) == text(code("x"), " y")


def test_an_empty_span_inside_a_rich_part_is_skipped_not_the_rest() -> None:
    assert text("a", Rich((Plain(""), Code("b")))) == Rich((Plain("a"), Code("b")))
