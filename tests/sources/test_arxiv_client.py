"""The arXiv client against the loopback fake: batches, error entries, clean text, politeness."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest

from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.errors import PaperNotFound, SourceUnavailable
from paperboy.sources.http import RetryPolicy
from tests.simulators.sources.fixtures import ArxivRecord
from tests.simulators.sources.servers import status

if TYPE_CHECKING:
    from tests.simulators.sources.clock import FakeClock
    from tests.simulators.sources.servers import PaperSourceSimulator

ATTENTION = ArxivRecord(
    "1706.03762",
    title="Attention Is All You Need: a much longer title so that arXiv wraps it over lines",
    summary="The dominant sequence transduction models are based on complex recurrent or "
    "convolutional neural networks in an encoder-decoder configuration. We propose the "
    "Transformer, based solely on attention mechanisms.",
    authors=("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"),
    version=7,
    published=datetime(2017, 6, 12, 17, 57, 34),
    updated=datetime(2023, 8, 2, 0, 41, 18),
    categories=("cs.CL", "cs.LG"),
    comment="15 pages, 5 figures",
)
OLD_STYLE = ArxivRecord(
    "math/0309136",
    title="Heegaard splittings & <angle brackets>",
    summary="An abstract with an ampersand & and a less-than < sign.",
    authors=("Some Topologist",),
    published=datetime(2003, 9, 8, 12, 0, 0),
    categories=("math.GT",),
    doi="10.1000/example.doi",
    journal_ref="Geom. Topol. 8 (2004) 1-30",
)


def numbered(count: int) -> list[ArxivRecord]:
    return [
        ArxivRecord(f"2403.{30000 + n}", title=f"Paper {n}", summary=f"Abstract {n}.")
        for n in range(count)
    ]


def client(sources: PaperSourceSimulator, clock: FakeClock, **options: object) -> ArxivClient:
    settings: dict[str, object] = {
        "timing": clock.timing(),
        "timeout": 2.0,
        "retry": RetryPolicy(attempts=3, base_delay=1.0),
    }
    settings.update(options)
    return ArxivClient(sources.arxiv_url, **settings)  # type: ignore[arg-type]


async def test_a_batch_comes_back_keyed_by_canonical_id_with_clean_fields(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.arxiv.add(ATTENTION, OLD_STYLE)
    async with client(sources, clock) as arxiv:
        papers = await arxiv.fetch(["arXiv:1706.03762v5", "math.GT/0309136", "2403.99999"])
    assert set(papers) == {"1706.03762", "math/0309136"}
    attention = papers["1706.03762"]
    assert attention.title == (
        "Attention Is All You Need: a much longer title so that arXiv wraps it over lines"
    )
    assert attention.abstract.startswith("The dominant sequence transduction models are based")
    assert "\n" not in attention.abstract
    assert "  " not in attention.abstract
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")
    assert attention.published == date(2017, 6, 12)
    assert attention.categories == ("cs.CL", "cs.LG")
    assert attention.featured is None
    assert attention.url == "https://arxiv.org/abs/1706.03762"
    old = papers["math/0309136"]
    assert old.title == "Heegaard splittings & <angle brackets>"
    assert old.doi == "10.1000/example.doi"
    assert old.journal_ref == "Geom. Topol. 8 (2004) 1-30"
    [request] = sources.requests_to("arxiv")
    assert request.path == "/api/query"
    assert request.query == {"id_list": "1706.03762,math/0309136,2403.99999", "max_results": "3"}


async def test_entries_carry_version_comment_and_primary_category(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.arxiv.add(ATTENTION)
    async with client(sources, clock) as arxiv:
        entries = await arxiv.fetch_entries(["1706.03762"])
    entry = entries["1706.03762"]
    assert entry.version == 7
    assert entry.updated == date(2023, 8, 2)
    assert entry.primary_category == "cs.CL"
    assert entry.comment == "15 pages, 5 figures"


async def test_ids_go_in_batches_of_at_most_one_hundred(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    records = numbered(250)
    sources.arxiv.add(*records)
    async with client(sources, clock) as arxiv:
        papers = await arxiv.fetch([r.paper_id for r in records])
    assert len(papers) == 250
    sizes = [len(r.query["id_list"].split(",")) for r in sources.requests_to("arxiv")]
    assert sizes == [100, 100, 50]
    assert [r.query["max_results"] for r in sources.requests_to("arxiv")] == ["100", "100", "50"]


async def test_requests_are_three_seconds_apart_on_the_clock(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    records = numbered(5)
    sources.arxiv.add(*records)
    async with client(sources, clock, batch_size=2) as arxiv:
        await arxiv.fetch([r.paper_id for r in records])
    assert len(sources.requests_to("arxiv")) == 3
    assert clock.sleeps == [3.0, 3.0]


async def test_retries_also_keep_the_interval(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.arxiv.add(ATTENTION)
    sources.arxiv.fail_next(status(503))
    async with client(sources, clock) as arxiv:
        papers = await arxiv.fetch(["1706.03762"])
    assert list(papers) == ["1706.03762"]
    # 1 s of backoff, then the limiter waits out the rest of the 3 s interval.
    assert clock.sleeps == [1.0, 2.0]


async def test_concurrent_callers_are_served_one_at_a_time_and_spaced_in_real_time(
    sources: PaperSourceSimulator,
) -> None:
    interval = 0.05
    records = numbered(4)
    sources.arxiv.add(*records)
    async with ArxivClient(sources.arxiv_url, min_interval=interval, batch_size=1) as arxiv:
        results = await asyncio.gather(
            arxiv.fetch([r.paper_id for r in records[:2]]),
            arxiv.fetch([r.paper_id for r in records[2:]]),
        )
    assert sum(len(r) for r in results) == 4
    arrivals = [r.at for r in sources.requests_to("arxiv")]
    assert len(arrivals) == 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= interval


async def test_an_error_entry_means_not_found_and_spares_the_other_ids(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    records = numbered(3)
    sources.arxiv.add(*records)
    sources.arxiv.error_for("2403.30001", "incorrect id format for 2403.30001")
    async with client(sources, clock) as arxiv:
        papers = await arxiv.fetch([r.paper_id for r in records])
    assert set(papers) == {"2403.30000", "2403.30002"}
    batches = [r.query["id_list"] for r in sources.requests_to("arxiv")]
    assert batches[0] == "2403.30000,2403.30001,2403.30002"
    assert len(batches) <= 5  # halving, not one request per id


async def test_ids_that_are_not_arxiv_ids_are_never_sent(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.arxiv.add(ATTENTION)
    async with client(sources, clock) as arxiv:
        papers = await arxiv.fetch(["not an id", "1706.03762", "1706.03762v2"])
    assert list(papers) == ["1706.03762"]
    assert [r.query["id_list"] for r in sources.requests_to("arxiv")] == ["1706.03762"]


async def test_nothing_to_fetch_makes_no_request(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    async with client(sources, clock) as arxiv:
        assert await arxiv.fetch([]) == {}
        assert await arxiv.fetch(["garbage"]) == {}
    assert sources.requests_to("arxiv") == []


async def test_fetch_one_finds_a_paper_from_any_ref_form(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.arxiv.add(ATTENTION)
    async with client(sources, clock) as arxiv:
        paper = await arxiv.fetch_one("https://arxiv.org/pdf/1706.03762v7.pdf")
    assert paper.id == "1706.03762"


@pytest.mark.parametrize(
    ("ref", "detail"),
    [
        ("2403.99999", ""),  # well-formed, unknown
        ("2403.98765", "incorrect id format for 2403.98765"),  # error entry
        ("banana", "not an arXiv id or URL"),
    ],
)
async def test_fetch_one_says_no_such_paper(
    sources: PaperSourceSimulator, clock: FakeClock, ref: str, detail: str
) -> None:
    sources.arxiv.error_for("2403.98765", "incorrect id format for 2403.98765")
    async with client(sources, clock) as arxiv:
        with pytest.raises(PaperNotFound) as caught:
            await arxiv.fetch_one(ref)
    assert caught.value.detail == detail
    assert str(caught.value).startswith(f"no such paper on arXiv: {ref}")


async def test_fetch_one_while_arxiv_is_down_is_unavailable_not_not_found(
    sources: PaperSourceSimulator, clock: FakeClock
) -> None:
    sources.arxiv.fail_always(status(503))
    async with client(sources, clock) as arxiv:
        with pytest.raises(SourceUnavailable, match="arXiv did not answer"):
            await arxiv.fetch_one("1706.03762")


def test_batch_size_beyond_arxivs_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        ArxivClient(batch_size=101)
