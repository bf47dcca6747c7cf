"""Reading daily-papers items: every field lands where a user will see it; garbage never crashes."""

from __future__ import annotations

import contextlib
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperboy.sources.daily_papers import InvalidItem, paper_from_item, parse_page
from paperboy.sources.http import BadBody
from tests.simulators.sources.fixtures import hf_item, sample_day

DAY = date(2024, 3, 20)


def test_a_realistic_item_maps_every_field() -> None:
    item = sample_day(DAY)[0]
    paper = paper_from_item(item, DAY)
    assert paper.id == "2403.10001"
    assert paper.title == "Sparse Mixture-of-Experts Routing without Load Balancing Losses"
    assert paper.abstract.startswith("Mixture-of-experts language models usually add an auxiliary")
    assert "\n" not in paper.abstract
    assert "  " not in paper.abstract
    assert paper.authors == ("Mei Tanaka", "Jonas Berg", "Priya Raman")
    assert paper.published == date(2024, 3, 19)  # paper.publishedAt, not the item's
    assert paper.featured == DAY  # paper.submittedOnDailyAt
    assert paper.upvotes == 42
    assert paper.github_url == "https://github.com/example/sparse-moe-router"
    assert paper.project_url == "https://example.github.io/sparse-moe-router/"
    assert paper.thumbnail_url == (
        "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2403.10001.png"
    )
    assert paper.ai_summary == "A capacity-aware router trains MoE models without balancing losses."
    assert paper.keywords == ("mixture of experts", "routing", "load balancing")
    assert paper.url == "https://huggingface.co/papers/2403.10001"


def test_missing_optional_fields_leave_defaults() -> None:
    item = sample_day(DAY)[3]  # no authors, no ai_*, no links
    paper = paper_from_item(item, DAY)
    assert paper.authors == ()
    assert paper.ai_summary is None
    assert paper.keywords == ()
    assert paper.github_url is None
    assert paper.project_url is None
    assert paper.upvotes == 0
    no_thumbnail = paper_from_item(sample_day(DAY)[2], DAY)
    assert no_thumbnail.thumbnail_url is None


def test_the_requested_day_stands_in_for_a_missing_featured_date() -> None:
    item = hf_item(paper_id="2403.10001", title="T", summary="S", featured=date(2024, 3, 1))
    del item["paper"]["submittedOnDailyAt"]
    assert paper_from_item(item, DAY).featured == DAY


def test_a_versioned_id_is_normalised_and_unsafe_links_dropped() -> None:
    item = hf_item(
        paper_id="2403.10001v2",
        title="T",
        summary="S",
        featured=DAY,
        github_repo="javascript:alert(1)",
        project_page="",
    )
    paper = paper_from_item(item, DAY)
    assert paper.id == "2403.10001"
    assert paper.github_url is None
    assert paper.project_url is None


@pytest.mark.parametrize("missing", ["id", "title", "summary"])
def test_an_item_without_a_required_field_is_invalid(missing: str) -> None:
    item = hf_item(paper_id="2403.10001", title="T", summary="S", featured=DAY)
    del item["paper"][missing]
    with pytest.raises(InvalidItem, match=missing):
        paper_from_item(item, DAY)


@pytest.mark.parametrize(
    "item",
    [
        None,
        3,
        "x",
        [],
        {},
        {"paper": "x"},
        {"paper": {"id": 7}},
        {"paper": {"id": "not-an-id", "title": "T", "summary": "S"}},
        {"paper": {"id": "2403.10001", "title": "T", "summary": "  "}},
    ],
)
def test_malformed_items_are_invalid_not_crashes(item: object) -> None:
    with pytest.raises(InvalidItem):
        paper_from_item(item, DAY)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'[{"paper": {"id": "2403',
        b"<html>502</html>",
        b"\xff\xfe\x00garbage",
        b'{"error": "Invalid date"}',
        b"null",
        b"42",
        b"[" * 100_000,
    ],
)
def test_a_body_that_is_not_a_json_list_is_a_bad_body(body: bytes) -> None:
    with pytest.raises(BadBody):
        parse_page(body)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "paper",
                    "id",
                    "title",
                    "summary",
                    "authors",
                    "name",
                    "upvotes",
                    "publishedAt",
                    "submittedOnDailyAt",
                    "ai_keywords",
                    "githubRepo",
                    "thumbnail",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_json_gives_items_or_a_bad_body_and_any_item_a_paper_or_invalid(value: object) -> None:
    try:
        items = parse_page(json.dumps(value).encode())
    except BadBody:
        return
    for item in items:
        with contextlib.suppress(InvalidItem):
            paper_from_item(item, DAY)
