"""Every reader holds a paper to the same bounds: one field beyond its bound skips that
paper, with a reason naming the field, and a field at its bound is kept as it came."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from paperboy.core.models import Paper
from paperboy.sources import bounds
from paperboy.sources.atom import parse_feed
from paperboy.sources.daily_papers import InvalidItem, paper_from_item
from paperboy.sources.jsonl import parse_jsonl
from tests.simulators.sources.fixtures import ArxivRecord, atom_entry, atom_feed, hf_item

DAY = date(2024, 3, 20)
PAPER_ID = "2403.10001"
Reader = Callable[[dict[str, Any]], Paper | str]


def words(length: int) -> str:
    """Text of exactly `length` characters that survives re-wrapping unchanged."""
    text = ("abcd " * (length // 5 + 1))[:length]
    return text[:-1] + "x" if text.endswith(" ") else text


def names(count: int) -> list[str]:
    return [f"Author {n}" for n in range(count)]


def read_jsonl(fields: dict[str, Any]) -> Paper | str:
    record = {"id": PAPER_ID, "title": "T", "abstract": "A.", **fields}
    if isinstance(record.get("published"), date):
        record["published"] = record["published"].isoformat()
    papers, errors = parse_jsonl([json.dumps(record)])
    return papers[0] if papers else errors[0].reason


def read_hf(fields: dict[str, Any]) -> Paper | str:
    values = {"title": "T", "summary": "A.", **fields}
    values["summary"] = values.pop("abstract", values["summary"])
    published = values.pop("published", None)
    item = hf_item(paper_id=PAPER_ID, featured=DAY, **values)
    if published is not None:  # set as the API spells it, whatever the year
        item["paper"]["publishedAt"] = f"{published.isoformat()}T17:59:58.000Z"
    try:
        return paper_from_item(item, DAY)
    except InvalidItem as exc:
        return str(exc)


def read_arxiv(fields: dict[str, Any]) -> Paper | str:
    values = {"title": "T", "summary": "A.", **fields}
    values["summary"] = values.pop("abstract", values["summary"])
    if "authors" in values:
        values["authors"] = tuple(values["authors"])
    if "categories" in values:
        values["categories"] = tuple(values["categories"])
    if "published" in values:
        values["published"] = datetime.combine(values["published"], datetime.min.time())
    entry = atom_entry(ArxivRecord(PAPER_ID, **values))
    parsed = parse_feed(atom_feed([entry], query="id_list=x", total=1).encode())
    return parsed.entries[0].paper if parsed.entries else parsed.errors[0].message


EVERY_READER = [read_jsonl, read_hf, read_arxiv]

# (reader field, a value at the bound, a value just beyond it, the Paper field)
SHARED = [
    ("title", words(1_000), words(1_001), "title"),
    ("abstract", words(50_000), words(50_001), "abstract"),
    ("authors", names(10_000), names(10_001), "authors"),
    ("authors", ["N" * 300], ["N" * 301], "authors"),
    ("published", date(1600, 1, 1), date(1599, 12, 31), "published"),
    ("published", date(2199, 12, 31), date(9999, 12, 31), "published"),
]
COUNTED = [
    ("upvotes", 2**31 - 1, 2**31, "upvotes"),
    ("upvotes", 2**31 - 1, 2**63, "upvotes"),  # past SQLite's INTEGER: aborted the insert
]
HF_ONLY = [
    ("ai_summary", words(5_000), words(5_001), "ai_summary"),
    ("ai_keywords", ["k"] * 100, ["k"] * 101, "keywords"),
    ("ai_keywords", ["k" * 200], ["k" * 201], "keywords"),
    (
        "github_repo",
        "https://github.com/" + "r" * 1_981,
        "https://github.com/" + "r" * 1_982,
        "github_url",
    ),
]
ARXIV_ONLY = [
    ("categories", [f"cs.{n}" for n in range(100)], [f"cs.{n}" for n in range(101)], "categories"),
    ("doi", "10.1/" + "d" * 295, "10.1/" + "d" * 296, "doi"),
    ("journal_ref", words(1_000), words(1_001), "journal_ref"),
]
CASES = (
    [(reader, *case) for reader in EVERY_READER for case in SHARED]
    + [(reader, *case) for reader in (read_jsonl, read_hf) for case in COUNTED]
    + [(read_hf, *case) for case in HF_ONLY]
    + [(read_arxiv, *case) for case in ARXIV_ONLY]
)


@pytest.mark.parametrize(
    ("reader", "field", "within", "beyond", "paper_field"),
    CASES,
    ids=[f"{reader.__name__}-{field}-{n}" for n, (reader, field, *_) in enumerate(CASES)],
)
def test_a_field_beyond_its_bound_skips_the_paper_and_names_the_field(
    reader: Reader, field: str, within: object, beyond: object, paper_field: str
) -> None:
    kept = reader({field: within})
    assert isinstance(kept, Paper), kept
    expected = tuple(within) if isinstance(within, list) else within
    assert getattr(kept, paper_field) == expected
    reason = reader({field: beyond})
    assert isinstance(reason, str)
    assert paper_field in reason


def test_an_arxiv_comment_beyond_its_bound_skips_the_entry() -> None:
    assert isinstance(read_arxiv({"comment": words(bounds.MAX_COMMENT)}), Paper)
    assert "comment" in str(read_arxiv({"comment": words(bounds.MAX_COMMENT + 1)}))


def test_every_field_of_a_paper_has_a_bound() -> None:
    """A field added to Paper must get a bound, or a source could fill it without limit."""
    covered = {
        *bounds.TEXT_LIMITS,
        *bounds.LIST_LIMITS,
        *bounds.DATE_FIELDS,
        *bounds.COUNT_FIELDS,
    }
    assert [f.name for f in dataclasses.fields(Paper) if f.name not in covered] == []
