"""What a follow matches: author names however they are written, words by a calibrated
share of the best BM25 score; and the grammar's answers to hostile input."""

from __future__ import annotations

import pytest
from bench.follow_threshold import passing, scores

from paperboy.core import commands as c
from paperboy.core.follows import WORDS_THRESHOLD, same_author


@pytest.mark.parametrize(
    "written",
    ["Yann LeCun", "Y. LeCun", "Yann Lecún", "yann lecun", "Y LeCun", "LeCun", "Y.  LECUN"],
)
def test_an_author_follow_matches_the_name_however_it_is_written(written: str) -> None:
    assert same_author(written, "Yann LeCun")
    assert same_author("Yann LeCun", written)


@pytest.mark.parametrize("other", ["Jean LeCun", "Yann Lecunn", "Yann", "", "J. LeCun", "—"])
def test_an_author_follow_does_not_match_another_person(other: str) -> None:
    assert not same_author("Y. LeCun", other)
    assert not same_author("Yann LeCun", other)


def test_hyphenated_and_accented_given_names_match_their_initials() -> None:
    assert same_author("J.-P. Dupré", "Jean-Pierre Dupre")
    assert not same_author("J.-M. Dupré", "Jean-Pierre Dupre")


def test_the_words_threshold_keeps_the_papers_about_the_words_and_drops_passing_mentions() -> None:
    """The calibration of bench/follow_threshold.py, on the bundled sample papers."""
    found = scores()
    on, off = found.on_topic, found.off_topic
    assert len(on) >= 30
    assert len(off) >= 300
    assert passing(on, WORDS_THRESHOLD) == len(on)
    assert passing(off, WORDS_THRESHOLD) <= 0.05 * len(off)
    # A raw BM25 score per word cannot do both: common words score low everywhere.
    assert all(
        passing(on, raw, raw=True) < len(on) or passing(off, raw, raw=True) > 0.05 * len(off)
        for raw in (0.5, 1.0, 2.0, 3.0)
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('follow author:"Yann LeCun"', c.Follow("author", "Yann LeCun")),
        ("follow author: Y. LeCun", c.Follow("author", "Y. LeCun")),
        ("follow AUTHOR:“Yann Lecún”", c.Follow("author", "Yann Lecún")),
        ("follow here graph   neural networks", c.Follow("words", "graph neural networks", True)),
        ("following", c.Following()),
        ("unfollow 3", c.Unfollow(3)),
    ],
)
def test_the_follow_grammar(typed: str, expected: c.Command) -> None:
    assert c.parse_command(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "follow",
        "follow here",
        'follow author:""',
        "follow author:123",
        "follow author:" + "x" * 101,
        "follow " + "w" * 201,
        "following everything",
        "unfollow",
        "unfollow banana",
        "unfollow 0",
        "unfollow 9999999",
    ],
)
def test_hostile_follow_commands_get_a_short_answer(typed: str) -> None:
    assert isinstance(c.parse_command(typed), c.ParseError)


def test_the_typed_builder_takes_an_author_or_words_not_both() -> None:
    assert isinstance(c.follow_command(author="Ada", words="lora"), c.ParseError)
    assert c.follow_command(words="lora", here=True) == c.Follow("words", "lora", True)
    assert isinstance(c.follow_command(), c.ParseError)
    assert c.unfollow_command(2) == c.Unfollow(2)
