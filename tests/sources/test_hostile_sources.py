"""A paper source that is hostile or misconfigured gets a short, clear error and
nothing else: no entity expansion, no redirect away from the configured site, no
retries against a host that cannot be reached, no traceback."""

from __future__ import annotations

import pytest

from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.errors import (
    SourceRedirected,
    SourceUnavailable,
    SourceUnreachable,
)
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.fixtures import ArxivRecord, sample_day
from tests.simulators.sources.servers import PaperSourceSimulator, body, ok, redirect, status
from tests.sources.test_source_faults import DAY

PAPER = "2403.10001"


def expanding_feed(encoding: str) -> bytes:
    """An Atom feed of 1 KB whose abstract an XML parser that honours its document
    type declaration expands into 409,600 characters ("billion laughs", scaled down)."""
    entities = ['<!ENTITY a0 "' + "lol " * 25 + '">']
    entities += [f'<!ENTITY a{n} "{f"&a{n - 1};" * 4}">' for n in range(1, 7)]
    declared = "UTF-16" if "16" in encoding else "UTF-8"  # with or without a byte-order mark
    text = (
        f'<?xml version="1.0" encoding="{declared}"?>\n'
        f"<!DOCTYPE feed [{''.join(entities)}]>\n"
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        f"<id>http://arxiv.org/abs/{PAPER}v1</id><published>2024-03-18T00:00:00Z</published>"
        "<title>Laughs</title><summary>&a6;</summary></entry></feed>"
    )
    return text.encode(encoding)


def arxiv(sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy) -> ArxivClient:
    return ArxivClient(sources.arxiv_url, retry=retry, timing=clock.timing(), min_interval=0.0)


def huggingface(url: str, clock: FakeClock, retry: RetryPolicy) -> HuggingFaceClient:
    return HuggingFaceClient(url, retry=retry, timing=clock.timing(), timeout=5.0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be"])
async def test_a_feed_with_a_document_type_declaration_is_refused_in_any_encoding(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy, encoding: str
) -> None:
    feed = expanding_feed(encoding)
    assert len(feed) < 1_100 * (2 if "16" in encoding else 1)
    sources.arxiv.fail_always(body(feed, "application/atom+xml"))
    async with arxiv(sources, clock, retry) as client:
        with pytest.raises(SourceUnavailable, match="document type declarations are not allowed"):
            await client.fetch_one(PAPER)


async def test_a_redirect_to_another_port_is_not_followed(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy
) -> None:
    elsewhere = f"{sources.arxiv_url}/api/daily_papers?date={DAY}"
    sources.huggingface.fail_always(redirect(elsewhere))
    async with huggingface(sources.huggingface_url, clock, retry) as client:
        with pytest.raises(SourceRedirected) as caught:
            await client.daily_papers(DAY)
    assert str(caught.value) == (
        f"Hugging Face redirected {sources.huggingface_url} to {sources.arxiv_url},"
        " another host, port or scheme; not followed"
        " (set the source URL to the new address if it is right)"
    )
    assert sources.requests_to("arxiv") == []  # never asked
    assert len(sources.requests_to("huggingface")) == 1  # and not retried
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "target", ["https://{host}/api/daily_papers", "http://localhost:{port}/api/daily_papers"]
)
async def test_a_redirect_to_another_scheme_or_host_is_not_followed(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy, target: str
) -> None:
    host = sources.huggingface_url.removeprefix("http://")
    location = target.format(host=host, port=host.rpartition(":")[2])
    sources.huggingface.fail_always(redirect(location, code=301))
    async with huggingface(sources.huggingface_url, clock, retry) as client:
        with pytest.raises(SourceRedirected):
            await client.daily_papers(DAY)
    assert len(sources.requests_to("huggingface")) == 1


async def test_a_redirect_within_the_source_is_followed(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy
) -> None:
    sources.huggingface.set_day(DAY, sample_day(DAY))
    sources.huggingface.fail_next(redirect(f"/api/daily_papers?date={DAY}&p=0&limit=100"))
    async with huggingface(sources.huggingface_url, clock, retry) as client:
        result = await client.daily_papers(DAY)
    assert len(result.papers) == 5
    assert len(sources.requests_to("huggingface")) == 2
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("url", "host", "why"),
    [
        # An address whose resolution fails on this machine (no such network
        # interface), so the test asks no DNS server, yet fails as an unknown name does.
        (
            "http://[fe80::1%25nosuchif0]:9",
            "fe80::1%25nosuchif0:9",
            "its name does not resolve (Name or service not known)",
        ),
        ("http://huggingface..co", "huggingface..co", "not a valid host name"),
    ],
)
async def test_a_host_that_does_not_resolve_fails_at_once_naming_it(
    clock: FakeClock, retry: RetryPolicy, url: str, host: str, why: str
) -> None:
    async with huggingface(url, clock, retry) as client:
        with pytest.raises(SourceUnreachable) as caught:
            await client.daily_papers(DAY)
    assert str(caught.value) == f"cannot reach {host} (Hugging Face): {why}"
    assert clock.sleeps == []


async def test_a_retry_after_in_unusual_digits_is_a_plain_retry(
    sources: PaperSourceSimulator, clock: FakeClock, retry: RetryPolicy
) -> None:
    """ "²".isdigit() is true but float("²") is an error: that escaped as a traceback."""
    sources.arxiv.add(ArxivRecord(PAPER, title="T", summary="S."))
    sources.arxiv.fail_next(status(503, retry_after="²"))
    sources.arxiv.fail_next(ok())
    async with arxiv(sources, clock, retry) as client:
        assert (await client.fetch_one(PAPER)).title == "T"
    assert clock.sleeps == [1.0]
