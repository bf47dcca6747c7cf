"""The Web API endpoint: parses a call, checks its token, applies injected faults, records it."""

from __future__ import annotations

import collections
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .records import ApiCall

if TYPE_CHECKING:
    from collections.abc import Callable

    from .waiting import Changes

Answer = dict[str, Any]


@dataclass(frozen=True)
class Fault:
    """An injected failure: a Slack error answer, or HTTP 429 with Retry-After."""

    error: str
    retry_after: int | None = None


class WebApi:
    """Serves `POST|GET /api/{method}`; every call lands in `calls`, answered or not."""

    def __init__(self, *, bot_token: str, app_token: str, changes: Changes,
                 methods: dict[str, Callable[[dict[str, Any]], Answer]]) -> None:
        self._bot_token = bot_token
        self._app_token = app_token
        self._changes = changes
        self._methods = methods
        self._faults: dict[str, collections.deque[Fault]] = collections.defaultdict(
            collections.deque)
        self.calls: list[ApiCall] = []

    def inject(self, method: str, fault: Fault, times: int) -> None:
        self._faults[method].extend([fault] * times)

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        headers = dict(request.headers)
        status, extra_headers = 200, {}
        fault = self._faults[method].popleft() if self._faults[method] else None
        if fault is None:
            answer = self._answer(method, args, headers)
        else:  # the method takes no effect, as when Slack refuses it
            answer = {"ok": False, "error": fault.error}
            if fault.retry_after is not None:
                status, extra_headers = 429, {"Retry-After": str(fault.retry_after)}
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.calls.append(ApiCall(method=method, body=args, headers=headers, status=status,
                                  response=answer, at=time.monotonic(), peer=peer))
        self._changes.notify()
        return web.Response(status=status, headers=extra_headers, text=json.dumps(answer),
                            content_type="application/json")

    def _answer(self, method: str, args: dict[str, Any], headers: dict[str, str]) -> Answer:
        handler = self._methods.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        token_error = self._token_error(method, args, headers)
        if token_error is not None:
            return {"ok": False, "error": token_error}
        return handler(args)

    def _token_error(self, method: str, args: dict[str, Any],
                     headers: dict[str, str]) -> str | None:
        authorization = headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ") if authorization else args.get("token")
        expected = self._app_token if method == "apps.connections.open" else self._bot_token
        if not token:
            return "not_authed"
        if token == expected:
            return None
        wrong_kind = self._bot_token if expected == self._app_token else self._app_token
        return "not_allowed_token_type" if token == wrong_kind else "invalid_auth"


async def _arguments(request: web.Request) -> dict[str, Any]:
    """Query string plus body, whichever encoding the client chose."""
    args: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return args
    if request.content_type == "application/json":
        body = json.loads(await request.text() or "{}")
        if isinstance(body, dict):
            args.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        args.update({key: value for key, value in form.items() if isinstance(value, str)})
    return args
