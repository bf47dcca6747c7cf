"""HTTP mode: Slack POSTs signed requests to an aiohttp server we start and stop.

Each POST to `path` goes through, in order, and stops at the first refusal:
1. the body's size: over `max_body_bytes` (declared or sent) is 413, before or while it is
   read; a body that has not all arrived within `body_timeout` is 408;
2. `SignatureCheck`, on the raw bytes: the signature headers' shapes, the five-minute window
   and the signature (401), the body's encoding (400);
3. `ReplayMemory`: a signature already used is acknowledged (200) and not run again;
and only then is the body decoded, parsed and handed to bolt. A refusal costs one short log
line naming the peer and the reason, never a part of the request. `GuardedServer` deals
with connections (deadlines for request heads, the cap on open connections).

GET /healthz answers 200 for load balancers. In OAuth distribution, GET /slack/install and
GET /slack/oauth_redirect are bolt's install flow (a browser's, not Slack's signed POSTs:
no signature to check; the flow checks its state parameter and cookie).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest

from paperboy.adapters.slack.http_guard import GuardedServer
from paperboy.adapters.slack.replays import ReplayMemory
from paperboy.adapters.slack.signatures import Refusal, SignatureCheck

log = logging.getLogger(__name__)

# A block_actions payload carries the whole message it came from (50 blocks of up to 3,000
# characters); 1 MiB leaves room for that and nothing silly.
MAX_BODY_BYTES = 1024 * 1024
HEALTH_PATH = "/healthz"


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """How long each read may take and how much may come; see SlackSettings.http_*."""

    header_timeout: float
    body_timeout: float
    idle_timeout: float
    max_connections: int
    max_body_bytes: int = MAX_BODY_BYTES


@dataclass(frozen=True, slots=True)
class HttpListen:
    """Where HTTP mode listens for Slack's signed requests, and its limits."""

    host: str
    port: int
    path: str
    limits: HttpLimits


class SlackHttpServer:
    def __init__(
        self,
        app: AsyncApp,
        *,
        signing_secret: str,
        host: str,
        port: int,
        path: str,
        limits: HttpLimits,
        oauth_flow: AsyncOAuthFlow | None = None,
    ) -> None:
        self._app = app
        self._oauth_flow = oauth_flow
        self._signatures = SignatureCheck(signing_secret)
        self._replays = ReplayMemory()
        self.host = host
        self.port = port
        self.path = path
        self._limits = limits
        self._runner: web.ServerRunner | None = None

    async def start(self) -> None:
        """Listen; `port` is the bound port afterwards (useful when 0 was asked for)."""
        limits = self._limits
        server = GuardedServer(
            self._route,
            max_connections=limits.max_connections,
            header_timeout=limits.header_timeout,
            idle_timeout=limits.idle_timeout,
            # A refused body still on its way is read and dropped so that the client sees
            # the answer, for no longer than a whole body may take.
            drain_timeout=limits.body_timeout,
            max_body_bytes=limits.max_body_bytes,
        )
        runner = web.ServerRunner(server)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("listening for Slack on http://%s:%d%s", self.host, self.port, self.path)

    async def aclose(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _route(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.path == self.path:
            if request.method == "POST":
                return await self._slack_request(request)
            return web.Response(status=405, text="POST only", headers={"Allow": "POST"})
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return web.Response(text="ok")
        flow = self._oauth_flow
        install_paths = (flow.install_path, flow.redirect_uri_path) if flow else ()
        if flow is not None and request.method == "GET" and request.path in install_paths:
            return await self._install_step(flow, request)
        return web.Response(status=404, text="not found")

    async def _install_step(
        self, flow: AsyncOAuthFlow, request: web.BaseRequest
    ) -> web.StreamResponse:
        """The "Add to Slack" page, or Slack's redirect back with a code to exchange."""
        headers: dict[str, str | Sequence[str]] = {
            name: request.headers.getall(name) for name in request.headers
        }
        bolt_request = AsyncBoltRequest(body="", query=request.query_string, headers=headers)
        try:
            if request.path == flow.install_path:
                answer = await flow.handle_installation(bolt_request)
            else:
                answer = await flow.handle_callback(bolt_request)
        except Exception:
            log.exception("the Slack install flow failed at %s", request.path)
            return web.Response(status=500, text="The installation failed; try again shortly.")
        return await to_aiohttp_response(answer)

    async def _slack_request(self, request: web.BaseRequest) -> web.StreamResponse:
        raw = await self._read_body(request)
        if isinstance(raw, Refusal):
            return self._refuse(request, raw)
        signed = self._signatures.check(raw, request.headers, charset=request.charset)
        if isinstance(signed, Refusal):
            return self._refuse(request, signed)
        if not self._replays.first_delivery(
            signed.signature, timestamp=signed.timestamp, now=time.time()
        ):
            log.warning("ignored a replayed Slack request from %s", request.remote)
            return web.Response()  # acknowledged: a retrying proxy need not try again
        headers: dict[str, str | Sequence[str]] = {
            name: request.headers.getall(name) for name in request.headers
        }
        bolt_request = AsyncBoltRequest(
            body=signed.body, query=request.query_string, headers=headers
        )
        return await to_aiohttp_response(await self._app.async_dispatch(bolt_request))

    async def _read_body(self, request: web.BaseRequest) -> bytes | Refusal:
        too_big = Refusal(413, f"body over {self._limits.max_body_bytes} bytes")
        if (request.content_length or 0) > self._limits.max_body_bytes:
            return too_big
        try:
            async with asyncio.timeout(self._limits.body_timeout):
                return await request.read()
        except TimeoutError:
            return Refusal(408, f"body not sent within {self._limits.body_timeout:g}s")
        except web.HTTPRequestEntityTooLarge:  # a chunked body, counted as it comes
            return too_big
        except (web.RequestPayloadError, ConnectionError):
            return Refusal(400, "body cut short or malformed")

    def _refuse(self, request: web.BaseRequest, refusal: Refusal) -> web.Response:
        log.warning(
            "refused a Slack request from %s: %s (%d)",
            request.remote,
            refusal.reason,
            refusal.status,
        )
        answer = web.Response(status=refusal.status, text=refusal.reason)
        if refusal.status in (408, 413):
            answer.force_close()  # the rest of the body is not worth waiting for
        return answer
