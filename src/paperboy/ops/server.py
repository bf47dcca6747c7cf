"""The operations endpoint's HTTP server (aiohttp): /livez, /readyz, /metrics.

- `GET /livez`: 200 "ok" while the event loop answers at all (a wedged loop answers
  nothing, which is what a liveness probe is for).
- `GET /readyz`: 200 when every readiness check passes, else 503; the body is JSON
  with each check's result and a one-line reason (`?verbose` is not needed: it is
  always there, and holds no ids or secrets).
- `GET /metrics`: Prometheus's text format; the store and index figures are sampled
  for each scrape, within `sample_timeout` (a slow store leaves them as they were).

No authentication: it listens on loopback unless `ops.host` says otherwise. Requests
are not logged (probes come every few seconds); failures to sample are, once each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from paperboy.ops.metrics import CONTENT_TYPE, PrometheusMetrics, Sample
from paperboy.ops.readiness import Readiness

log = logging.getLogger(__name__)


class OpsServer:
    """`start` listens (then `port` is the bound port, useful when 0 was asked for);
    `aclose` stops listening; safe to repeat."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        readiness: Readiness,
        metrics: PrometheusMetrics,
        sample: Callable[[], Awaitable[Sample]],
        sample_timeout: float = 2.0,
    ) -> None:
        self.host = host
        self.port = port
        self._readiness = readiness
        self._metrics = metrics
        self._sample = sample
        self._sample_timeout = sample_timeout
        self._sampling_failed = False
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Listen. Raises OSError when the address cannot be bound."""
        app = web.Application()
        app.router.add_get("/livez", self._livez)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics_page)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("operations endpoint on %s (/livez, /readyz, /metrics)", self.url)

    async def aclose(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _livez(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        report = await self._readiness.check()
        return web.json_response(report.as_dict(), status=200 if report.ready else 503)

    async def _metrics_page(self, request: web.Request) -> web.Response:
        await self._refresh_sample()
        return web.Response(body=self._metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})

    async def _refresh_sample(self) -> None:
        try:
            async with asyncio.timeout(self._sample_timeout):
                sample = await self._sample()
        except Exception as error:
            if not self._sampling_failed:  # once, not at every scrape
                log.warning("metrics: could not count papers (%s); serving the last counts", error)
            self._sampling_failed = True
            return
        self._sampling_failed = False
        self._metrics.record_sample(sample)
