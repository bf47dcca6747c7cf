"""Every fault either source can show: bounded retries, then one clear SourceUnavailable.

Both clients run against the loopback fake with a fake clock, so the waits
between attempts are checked without being spent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING

import pytest

from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.errors import SourceRejected, SourceUnavailable, SourceUnreachable
from paperboy.sources.huggingface import HuggingFaceClient
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.fixtures import ArxivRecord, sample_day
from tests.simulators.sources.servers import (
    Fault,
    PaperSourceSimulator,
    body,
    closed_port_url,
    disconnect,
    html_page,
    ok,
    slow,
    status,
    truncated,
)

if TYPE_CHECKING:
    from paperboy.sources.http import RetryPolicy

DAY = date(2024, 3, 20)
TIMEOUT = 0.2
Call = Callable[[], Awaitable[object]]

FAULTS = {
    "timeout": (slow(TIMEOUT * 5), "timed out after 0.2s"),
    "HTTP 500": (status(500), "HTTP 500"),
    "HTTP 502": (status(502), "HTTP 502"),
    "HTTP 503": (status(503), "HTTP 503"),
    "HTTP 429": (status(429), "HTTP 429"),
    "truncated body": (truncated(), "unreadable response"),
    "HTML error page": (html_page(), "unreadable response"),
    "wrong-shape body": (body(b'{"error": "Internal"}', "application/json"), "unreadable response"),
    "dropped connection": (disconnect(), "closed the connection"),
}
# aiohttp itself re-sends an idempotent request once when the connection drops
# before an answer (RFC 9112 section 9.3.1), so such an attempt reaches the server twice.
HITS_PER_ATTEMPT = {"dropped connection": 2}


def make_call(
    source: str, base_url: str, clock: FakeClock, retry: RetryPolicy
) -> tuple[HuggingFaceClient | ArxivClient, Call]:
    if source == "huggingface":
        hf = HuggingFaceClient(base_url, timeout=TIMEOUT, retry=retry, timing=clock.timing())
        return hf, lambda: hf.daily_papers(DAY)
    arxiv = ArxivClient(
        base_url, timeout=TIMEOUT, retry=retry, timing=clock.timing(), min_interval=0.0
    )
    return arxiv, lambda: arxiv.fetch(["2403.10001"])


def base_url(sources: PaperSourceSimulator, source: str) -> str:
    return sources.huggingface_url if source == "huggingface" else sources.arxiv_url


def load(sources: PaperSourceSimulator) -> None:
    sources.huggingface.set_day(DAY, sample_day(DAY))
    sources.arxiv.add(ArxivRecord("2403.10001", title="Sparse Experts", summary="An abstract."))


def source_name(source: str) -> str:
    return "Hugging Face" if source == "huggingface" else "arXiv"


def fake_of(sources: PaperSourceSimulator, source: str) -> object:
    return sources.huggingface if source == "huggingface" else sources.arxiv


@pytest.mark.parametrize("source", ["huggingface", "arxiv"])
@pytest.mark.parametrize("fault_name", list(FAULTS))
async def test_a_lasting_fault_gives_up_after_the_retry_budget_with_a_clear_message(
    sources: PaperSourceSimulator,
    clock: FakeClock,
    retry: RetryPolicy,
    source: str,
    fault_name: str,
) -> None:
    fault, reason = FAULTS[fault_name]
    load(sources)
    fake = sources.huggingface if source == "huggingface" else sources.arxiv
    fake.fail_always(fault)
    client, call = make_call(source, base_url(sources, source), clock, retry)
    async with client:
        with pytest.raises(SourceUnavailable) as caught:
            await call()
    message = str(caught.value)
    assert message.startswith(f"{source_name(source)} did not answer (3 attempts)")
    assert reason in message
    assert "\n" not in message
    assert len(sources.requests_to(source)) == 3 * HITS_PER_ATTEMPT.get(fault_name, 1)
    assert clock.sleeps == [1.0, 2.0]  # exponential backoff (jitter pinned to its maximum)


@pytest.mark.parametrize("source", ["huggingface", "arxiv"])
@pytest.mark.parametrize("fault_name", list(FAULTS))
async def test_a_fault_that_clears_within_the_budget_is_invisible(
    sources: PaperSourceSimulator,
    clock: FakeClock,
    retry: RetryPolicy,
    source: str,
    fault_name: str,
) -> None:
    fault, _ = FAULTS[fault_name]
    load(sources)
    fake = sources.huggingface if source == "huggingface" else sources.arxiv
    hits = HITS_PER_ATTEMPT.get(fault_name, 1)
    fake.fail_next(fault, times=2 * hits)
    client, call = make_call(source, base_url(sources, source), clock, retry)
    async with client:
        result = await call()
    assert result  # the day's papers / the requested paper
    assert len(sources.requests_to(source)) == 2 * hits + 1
    assert clock.sleeps == [1.0, 2.0]


@pytest.mark.parametrize("source", ["huggingface", "arxiv"])
async def test_a_refused_connection_fails_at_once_naming_the_host(
    clock: FakeClock, retry: RetryPolicy, source: str
) -> None:
    """Nothing listening is not a hiccup: offline, retrying every day five times only
    flooded the log. One attempt, no wait, and one line that says what to check."""
    url = closed_port_url()
    client, call = make_call(source, url, clock, retry)
    async with client:
        with pytest.raises(SourceUnreachable) as caught:
            await call()
    host = url.removeprefix("http://")
    assert str(caught.value) == (f"cannot reach {host} ({source_name(source)}): connection refused")
    assert caught.value.host == host
    assert clock.sleeps == []


@pytest.mark.parametrize("source", ["huggingface", "arxiv"])
async def test_retry_after_seconds_is_honoured(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy, source: str
) -> None:
    load(sources)
    fake = sources.huggingface if source == "huggingface" else sources.arxiv
    fake.fail_next(status(429, retry_after="7"))
    fake.fail_next(status(503, retry_after="5"))
    client, call = make_call(source, base_url(sources, source), clock, retry)
    async with client:
        assert await call()
    assert clock.sleeps == [7.0, 5.0]


async def test_retry_after_as_an_http_date_is_honoured(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy
) -> None:
    load(sources)
    when = format_datetime(clock.wall_now + timedelta(seconds=20), usegmt=True)
    sources.huggingface.fail_next(status(503, retry_after=when))
    client, call = make_call("huggingface", sources.huggingface_url, clock, retry)
    async with client:
        assert await call()
    assert clock.sleeps == [20.0]


async def test_a_huge_retry_after_is_capped(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy
) -> None:
    load(sources)
    sources.huggingface.fail_always(status(429, retry_after="86400"))
    client, call = make_call("huggingface", sources.huggingface_url, clock, retry)
    async with client:
        with pytest.raises(SourceUnavailable, match="HTTP 429"):
            await call()
    assert clock.sleeps == [retry.max_retry_after, retry.max_retry_after]


async def test_jitter_spreads_waits_below_the_exponential_ceiling(
    sources: PaperSourceSimulator, retry: RetryPolicy
) -> None:
    clock = FakeClock(jitter=0.25)
    load(sources)
    sources.huggingface.fail_always(status(500))
    client, call = make_call("huggingface", sources.huggingface_url, clock, retry)
    async with client:
        with pytest.raises(SourceUnavailable):
            await call()
    assert clock.sleeps == [0.25, 0.5]


@pytest.mark.parametrize("source", ["huggingface", "arxiv"])
@pytest.mark.parametrize("code", [400, 403, 404])
async def test_other_client_errors_are_not_retried(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy, source: str, code: int
) -> None:
    load(sources)
    fake = sources.huggingface if source == "huggingface" else sources.arxiv
    fake.fail_always(Fault(status=code, body=b"nope"))
    client, call = make_call(source, base_url(sources, source), clock, retry)
    async with client:
        with pytest.raises(SourceRejected, match=f"HTTP {code}") as caught:
            await call()
    assert caught.value.status == code
    assert len(sources.requests_to(source)) == 1
    assert clock.sleeps == []


async def test_a_later_page_failing_fails_the_whole_day(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy
) -> None:
    sources.huggingface.set_day(DAY, sample_day(DAY))
    sources.huggingface.fail_next(ok())  # page 0 answers normally
    sources.huggingface.fail_always(status(503))
    hf = HuggingFaceClient(
        sources.huggingface_url, timeout=TIMEOUT, retry=retry, timing=clock.timing()
    )
    async with hf:
        with pytest.raises(SourceUnavailable):
            await hf.daily_papers(DAY, page_size=2)
    assert [r.query["p"] for r in sources.requests_to("huggingface")] == ["0", "1", "1", "1"]
