"""/readyz over HTTP, on a real store: ready when the store answers, every platform is
connected and the ingest is fresh; 503 with a reason per failing check otherwise; ready
again as soon as the cause goes away."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from paperboy.ops.metrics import PrometheusMetrics, Sample
from paperboy.ops.readiness import Readiness
from paperboy.ops.server import OpsServer
from paperboy.store import Store

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
MAX_AGE = timedelta(hours=30)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Link:
    """A chat adapter as readiness sees it, connected or not as the test says."""

    name: str
    connected: bool = True

    async def is_connected(self) -> bool:
        return self.connected


@dataclass
class Endpoint:
    server: OpsServer
    clock: Clock
    metrics: PrometheusMetrics
    links: list[Link] = field(default_factory=list)

    async def get(self, path: str) -> tuple[int, Any]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(self.server.url + path) as response,
        ):
            body = await response.json() if path == "/readyz" else await response.text()
            return response.status, body


async def no_sample() -> Sample:
    return Sample(papers=0, index_papers=0, index_terms=0)


@pytest.fixture
async def endpoint(store: Store) -> AsyncIterator[Endpoint]:
    clock, metrics = Clock(), PrometheusMetrics()
    links = [Link("slack"), Link("discord")]
    readiness = Readiness(
        ping_store=store.ping,
        platforms=links,
        last_ingest=lambda: metrics.last_ingest_success,
        clock=clock,
        started=START,
        max_ingest_age=MAX_AGE,
        store_timeout=2.0,
    )
    server = OpsServer(
        host="127.0.0.1", port=0, readiness=readiness, metrics=metrics, sample=no_sample
    )
    await server.start()
    try:
        yield Endpoint(server, clock, metrics, links)
    finally:
        await server.aclose()


def failing(body: dict[str, Any]) -> dict[str, str]:
    return {name: check["detail"] for name, check in body["checks"].items() if not check["ok"]}


async def test_livez_answers_200(endpoint: Endpoint) -> None:
    assert await endpoint.get("/livez") == (200, "ok\n")


async def test_ready_when_the_store_answers_and_everything_is_connected(
    endpoint: Endpoint,
) -> None:
    status, body = await endpoint.get("/readyz")
    assert status == 200
    assert body["ready"] is True
    assert set(body["checks"]) == {"store", "slack", "discord", "ingest"}


async def test_unready_while_the_store_is_unreachable_and_ready_when_it_is_back(
    endpoint: Endpoint, store: Store
) -> None:
    await store.db.close()  # the store goes away under the running process
    status, body = await endpoint.get("/readyz")
    assert status == 503
    assert failing(body) == {"store": "database is not open"}

    await store.db.open()  # and comes back
    status, body = await endpoint.get("/readyz")
    assert status == 200
    assert failing(body) == {}


async def test_a_store_that_does_not_answer_in_time_is_unready(store: Store) -> None:
    async def stuck() -> None:
        await asyncio.Event().wait()  # a store that never answers (a lock, a dead server)

    readiness = Readiness(
        ping_store=stuck,
        platforms=[],
        last_ingest=lambda: None,
        clock=Clock(),
        started=START,
        max_ingest_age=None,
        store_timeout=0.01,
    )
    report = await readiness.check()
    assert not report.ready
    assert report.as_dict()["checks"] == {
        "store": {"ok": False, "detail": "no answer within 0.01 s"}
    }


async def test_a_disconnected_platform_is_unready_until_it_reconnects(endpoint: Endpoint) -> None:
    endpoint.links[1].connected = False
    status, body = await endpoint.get("/readyz")
    assert status == 503
    assert failing(body) == {"discord": "not connected"}
    endpoint.links[1].connected = True
    assert (await endpoint.get("/readyz"))[0] == 200


async def test_a_first_start_is_ready_until_the_ingest_age_passes_with_no_ingest(
    endpoint: Endpoint,
) -> None:
    endpoint.clock.now = START + MAX_AGE - timedelta(minutes=1)
    assert (await endpoint.get("/readyz"))[0] == 200

    endpoint.clock.now = START + MAX_AGE + timedelta(hours=1)
    status, body = await endpoint.get("/readyz")
    assert status == 503
    assert failing(body) == {"ingest": "31.0 h since start, with no ingest (limit 30 h)"}

    endpoint.metrics.ingest_succeeded(source="daily_papers", at=endpoint.clock.now)
    assert (await endpoint.get("/readyz"))[0] == 200


async def test_a_stale_ingest_is_unready(endpoint: Endpoint) -> None:
    endpoint.metrics.ingest_succeeded(source="daily_papers", at=START + timedelta(hours=1))
    endpoint.clock.now = START + timedelta(hours=1) + MAX_AGE + timedelta(hours=2)
    status, body = await endpoint.get("/readyz")
    assert status == 503
    assert failing(body) == {"ingest": "32.0 h since the last successful ingest (limit 30 h)"}


async def test_no_ingest_check_when_the_age_is_not_limited(store: Store) -> None:
    clock = Clock()
    clock.now = START + timedelta(days=400)
    readiness = Readiness(
        ping_store=store.ping,
        platforms=[],
        last_ingest=lambda: None,
        clock=clock,
        started=START,
        max_ingest_age=None,
        store_timeout=2.0,
    )
    report = await readiness.check()
    assert report.ready
    assert [check.name for check in report.checks] == ["store"]


async def test_a_failing_check_never_shows_a_secret(store: Store) -> None:
    async def refused() -> None:
        raise ConnectionError("cannot connect to postgresql://paperboy:hunter2hunter2@db/paperboy")

    readiness = Readiness(
        ping_store=refused,
        platforms=[],
        last_ingest=lambda: None,
        clock=Clock(),
        started=START,
        max_ingest_age=None,
        store_timeout=2.0,
    )
    (check,) = (await readiness.check()).checks
    assert "hunter2" not in check.detail
    assert check.detail == "cannot connect to postgresql://paperboy:[redacted]@db/paperboy"
