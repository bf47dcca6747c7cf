"""Reading arXiv Atom: entries become papers, error entries and junk never crash."""

from __future__ import annotations

import pytest

from paperboy.sources.atom import parse_feed
from paperboy.sources.http import BadBody
from tests.simulators.sources.fixtures import ArxivRecord, atom_entry, atom_error_entry, atom_feed
from tests.simulators.sources.servers import HTML_ERROR_PAGE


def feed(*entries: str) -> bytes:
    return atom_feed(list(entries), query="id_list=x", total=len(entries)).encode()


def test_an_error_entry_is_an_error_not_a_paper() -> None:
    parsed = parse_feed(feed(atom_error_entry("incorrect id format for 1234.5678x")))
    assert parsed.entries == ()
    [error] = parsed.errors
    assert error.message == "incorrect id format for 1234.5678x"
    assert error.entry_id.startswith("http://arxiv.org/api/errors#")


def test_an_entry_without_a_title_is_an_error_not_a_paper() -> None:
    entry = atom_entry(ArxivRecord("2403.12345", title="x", summary="An abstract."))
    entry = entry.replace("<title>x</title>", "<title>  </title>")
    parsed = parse_feed(feed(entry))
    assert parsed.entries == ()
    assert parsed.errors[0].message == "entry without a title"


def test_an_empty_feed_has_no_entries_and_counts_zero() -> None:
    parsed = parse_feed(feed())
    assert parsed.entries == ()
    assert parsed.errors == ()
    assert parsed.total_results == 0


@pytest.mark.parametrize(
    "body",
    [
        b"",
        HTML_ERROR_PAGE,
        b"<html><body>Service Unavailable</body></html>",
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>',  # cut short
        b'{"error": "not xml"}',
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol;</title></feed>',
        b"<feed><entry/></feed>",  # no Atom namespace
    ],
)
def test_anything_but_an_atom_feed_is_a_bad_body(body: bytes) -> None:
    with pytest.raises(BadBody):
        parse_feed(body)


def test_a_count_of_thousands_of_digits_is_no_count_and_no_crash() -> None:
    """int() refuses more than 4,300 digits: that ValueError escaped the reader."""
    end = b"</opensearch:totalResults>"
    huge = feed().replace(b">0" + end, b">" + b"9" * 5_000 + end)
    assert b"9" * 5_000 in huge
    assert parse_feed(huge).total_results is None


@pytest.mark.timeout(15)
def test_an_entry_with_a_flood_of_categories_is_refused_quickly() -> None:
    """Repeats were dropped by a list lookup per category: 100,000 categories took
    billions of comparisons before the bound could refuse them."""
    record = ArxivRecord(
        "2403.12345", title="T", summary="S.", categories=tuple(f"c.{n}" for n in range(100_000))
    )
    parsed = parse_feed(feed(atom_entry(record)))
    assert parsed.entries == ()
    assert "categories" in parsed.errors[0].message
