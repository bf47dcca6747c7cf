"""The shared request helper: backoff arithmetic, Retry-After, pacing, size limits."""

from __future__ import annotations

from datetime import date, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING

import pytest

from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.errors import SourceUnavailable
from paperboy.sources.http import HttpFetcher, RetryPolicy, endpoint, parse_retry_after
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.pacing import RateLimiter
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.fixtures import sample_day

if TYPE_CHECKING:
    from tests.simulators.sources.servers import PaperSourceSimulator

DAY = date(2024, 3, 20)


def test_backoff_doubles_up_to_the_ceiling_and_jitter_scales_it() -> None:
    policy = RetryPolicy(attempts=8, base_delay=0.5, max_delay=3.0)
    assert [policy.delay(n, 1.0, None) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.delay(3, 0.5, None) == 1.0
    assert policy.delay(3, 0.0, None) == 0.0


def test_retry_after_wins_when_longer_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_retry_after=60.0)
    assert policy.delay(1, 1.0, 10.0) == 10.0
    assert policy.delay(1, 1.0, 0.0) == 1.0
    assert policy.delay(1, 1.0, 3600.0) == 60.0


def test_a_policy_without_attempts_is_refused() -> None:
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    clock = FakeClock()
    timing = clock.timing()
    assert parse_retry_after("120", timing) == 120.0
    assert parse_retry_after(" 3 ", timing) == 3.0
    soon = format_datetime(clock.wall_now + timedelta(seconds=45), usegmt=True)
    assert parse_retry_after(soon, timing) == 45.0
    past = format_datetime(clock.wall_now - timedelta(hours=1), usegmt=True)
    assert parse_retry_after(past, timing) == 0.0
    for junk in (None, "", "-5", "soon", "1.5", "Wed, 99 Foo 2024 25:61:00 GMT"):
        assert parse_retry_after(junk, timing) is None


async def test_the_limiter_spaces_requests_from_the_end_of_the_previous_one() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3.0, timing=clock.timing())
    async with limiter.slot():
        clock.monotonic_now += 1.0  # the first request takes a second
    assert clock.sleeps == []
    clock.monotonic_now += 0.5  # half a second later, a second request
    async with limiter.slot():
        pass
    assert clock.sleeps == [2.5]
    clock.monotonic_now += 10.0
    async with limiter.slot():
        pass
    assert clock.sleeps == [2.5]  # long enough ago: no wait


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="min_interval"):
        RateLimiter(-1.0, timing=FakeClock().timing())


async def test_an_oversized_body_is_unavailable_not_swallowed(
    sources: PaperSourceSimulator,
) -> None:
    sources.huggingface.set_day(DAY, sample_day(DAY))
    fetcher = HttpFetcher(
        "Hugging Face",
        timeout=2.0,
        retry=RetryPolicy(attempts=2),
        timing=FakeClock().timing(),
        max_body_bytes=1_000,
    )
    await fetcher.start()
    try:
        with pytest.raises(SourceUnavailable, match="larger than 1000 bytes"):
            await fetcher.get(
                sources.huggingface_url + "/api/daily_papers",
                {"date": "2024-03-20"},
                lambda body: body,
            )
    finally:
        await fetcher.aclose()


async def test_starting_twice_is_an_error_and_closing_twice_is_harmless() -> None:
    fetcher = HttpFetcher("arXiv", timeout=1.0, retry=RetryPolicy(), timing=FakeClock().timing())
    await fetcher.start()
    with pytest.raises(RuntimeError, match="already started"):
        await fetcher.start()
    await fetcher.aclose()
    await fetcher.aclose()


@pytest.mark.parametrize("base", ["", "huggingface.co", "ftp://example.org", "http://a b"])
def test_a_client_refuses_a_base_url_that_is_not_http(base: str) -> None:
    with pytest.raises(ValueError, match="http"):
        HuggingFaceClient(base)
    with pytest.raises(ValueError, match="http"):
        ArxivClient(base)


def test_a_trailing_slash_on_the_base_url_is_fine() -> None:
    assert (
        endpoint("https://export.arxiv.org/", "/api/query") == "https://export.arxiv.org/api/query"
    )
