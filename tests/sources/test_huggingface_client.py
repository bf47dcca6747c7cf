"""The Hugging Face client against the loopback fake: a day's papers, every page, each once."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

import pytest

from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from tests.simulators.sources.fixtures import hf_item, sample_day

if TYPE_CHECKING:
    from tests.simulators.sources.clock import FakeClock
    from tests.simulators.sources.servers import PaperSourceSimulator

DAY = date(2024, 3, 20)


def client(sources: PaperSourceSimulator, clock: FakeClock) -> HuggingFaceClient:
    return HuggingFaceClient(
        sources.huggingface_url,
        timeout=2.0,
        timing=clock.timing(),
        retry=RetryPolicy(attempts=3, base_delay=0.01),
    )


def numbered(count: int, *, upvotes: int = 1) -> list[dict[str, object]]:
    return [
        hf_item(
            paper_id=f"2403.{20000 + n}",
            title=f"Paper {n}",
            summary=f"Abstract {n}.",
            featured=DAY,
            upvotes=upvotes,
        )
        for n in range(count)
    ]


async def test_a_day_comes_back_as_papers_with_their_fields(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.huggingface.set_day(DAY, sample_day(DAY))
    async with client(sources, clock) as hf:
        result = await hf.daily_papers(DAY)
    assert result.day == DAY
    assert result.skipped == 0
    assert [p.id for p in result.papers] == [f"2403.1000{n}" for n in range(1, 6)]
    first = result.papers[0]
    assert first.authors == ("Mei Tanaka", "Jonas Berg", "Priya Raman")
    assert first.upvotes == 42
    assert first.featured == DAY
    [request] = sources.requests_to("huggingface")
    assert request.path == "/api/daily_papers"
    assert request.query == {"date": "2024-03-20", "p": "0", "limit": "100"}


async def test_pages_are_followed_until_a_short_page(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.huggingface.set_day(DAY, numbered(7))
    async with client(sources, clock) as hf:
        result = await hf.daily_papers(DAY, page_size=3)
    assert len(result.papers) == 7
    pages = [(r.query["p"], r.query["limit"]) for r in sources.requests_to("huggingface")]
    assert pages == [("0", "3"), ("1", "3"), ("2", "3")]


async def test_an_exactly_full_last_page_costs_one_empty_request(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.huggingface.set_day(DAY, numbered(6))
    async with client(sources, clock) as hf:
        result = await hf.daily_papers(DAY, page_size=3)
    assert len(result.papers) == 6
    assert [r.query["p"] for r in sources.requests_to("huggingface")] == ["0", "1", "2"]


async def test_trending_sort_is_passed_through(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.huggingface.set_day(DAY, sample_day(DAY))
    async with client(sources, clock) as hf:
        result = await hf.daily_papers(DAY, sort="trending")
    assert sources.requests_to("huggingface")[0].query["sort"] == "trending"
    assert [p.upvotes for p in result.papers] == [42, 25, 17, 8, 0]


async def test_an_empty_day_is_an_empty_result(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    async with client(sources, clock) as hf:
        result = await hf.daily_papers(date(2024, 3, 23))
    assert result.papers == ()
    assert result.skipped == 0


async def test_duplicates_within_and_across_pages_collapse_keeping_the_most_upvotes(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    items = numbered(5)
    items.insert(
        1, hf_item(paper_id="2403.20000", title="Paper 0", summary="A.", featured=DAY, upvotes=9)
    )  # same page as the first copy
    items.append(
        hf_item(paper_id="2403.20002v2", title="Paper 2", summary="A.", featured=DAY, upvotes=5)
    )  # a later page, versioned id
    sources.huggingface.set_day(DAY, items)
    async with client(sources, clock) as hf:
        result = await hf.daily_papers(DAY, page_size=3)
    ids = [p.id for p in result.papers]
    assert ids == ["2403.20000", "2403.20001", "2403.20002", "2403.20003", "2403.20004"]
    upvotes = {p.id: p.upvotes for p in result.papers}
    assert upvotes["2403.20000"] == 9
    assert upvotes["2403.20002"] == 5


async def test_an_item_missing_a_required_field_is_skipped_and_the_rest_kept(
    sources: PaperSourceSimulator, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    items = sample_day(DAY)
    del items[1]["paper"]["summary"]
    del items[3]["paper"]["id"]
    items.append({"unexpected": "shape"})
    sources.huggingface.set_day(DAY, items)
    with caplog.at_level(logging.WARNING, logger="paperboy.sources.huggingface"):
        async with client(sources, clock) as hf:
            result = await hf.daily_papers(DAY)
    assert [p.id for p in result.papers] == ["2403.10001", "2403.10003", "2403.10005"]
    assert result.skipped == 3
    assert sum("skipping item" in r.getMessage() for r in caplog.records) == 3


async def test_a_server_that_ignores_paging_does_not_loop_forever(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    async with client(sources, clock) as hf:
        # Every page repeats the same three papers, as when a server ignores `p`.
        sources.huggingface.days[DAY] = numbered(3) * 10
        result = await hf.daily_papers(DAY, page_size=3)
    assert len(result.papers) == 3
    assert len(sources.requests_to("huggingface")) == 2


async def test_unknown_extra_fields_are_ignored(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    item = hf_item(paper_id="2403.10001", title="T", summary="S", featured=DAY)
    item["brandNewField"] = {"nested": [1, 2]}
    item["paper"]["organization"] = {"name": "example", "fullname": "Example Lab"}
    sources.huggingface.set_day(DAY, [item])
    async with client(sources, clock) as hf:
        result = await hf.daily_papers(DAY)
    assert [p.id for p in result.papers] == ["2403.10001"]


async def test_using_the_client_before_start_is_a_clear_error(
    sources: PaperSourceSimulator,
) -> None:
    hf = HuggingFaceClient(sources.huggingface_url)
    with pytest.raises(RuntimeError, match="before start"):
        await hf.daily_papers(DAY)
