"""HTTP mode: Slack POSTs signed requests to an aiohttp server we start and stop.

bolt verifies each request's signature and timestamp (401 when either is wrong)
before any listener runs; a timestamp that is not a number, which bolt would fail
on with a 500 and a traceback, is refused with 401 here first. Bodies over
`max_body_bytes` are refused with 413 before they are read; Slack's own payloads
are far smaller. GET /healthz answers 200 for load balancers.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)

# A block_actions payload carries the whole message it came from (50 blocks of up
# to 3,000 characters); 1 MiB leaves room for that and nothing silly.
MAX_BODY_BYTES = 1024 * 1024
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"


class SlackHttpServer:
    def __init__(
        self,
        app: AsyncApp,
        *,
        host: str,
        port: int,
        path: str,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._app = app
        self.host = host
        self.port = port
        self.path = path
        self._max_body_bytes = max_body_bytes
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen; `port` is the bound port afterwards (useful when 0 was asked for)."""
        web_app = web.Application(client_max_size=self._max_body_bytes)
        web_app.router.add_post(self.path, self._slack_request)
        web_app.router.add_get("/healthz", self._health)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound = runner.addresses[0]
        self.port = int(bound[1])
        log.info("listening for Slack on http://%s:%d%s", self.host, self.port, self.path)

    async def aclose(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _slack_request(self, request: web.Request) -> web.Response:
        if (request.content_length or 0) > self._max_body_bytes:
            raise web.HTTPRequestEntityTooLarge(
                max_size=self._max_body_bytes, actual_size=request.content_length or 0
            )
        bolt_request = await to_bolt_request(request)  # 413 here when a chunked body is too big
        if not request.headers.get(TIMESTAMP_HEADER, "").isdigit():
            log.warning("refused a request without a valid %s header", TIMESTAMP_HEADER)
            return web.Response(status=401, text="invalid request")
        return await to_aiohttp_response(await self._app.async_dispatch(bolt_request))

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")
