"""The Web API endpoint: parses a call, finds its token's workspace, applies faults, records it."""

from __future__ import annotations

import collections
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .records import ApiCall
from .tokens import REFUSALS

if TYPE_CHECKING:
    from collections.abc import Callable

    from .tokens import Grant, Tokens
    from .waiting import Changes
    from .workspace import Workspace
    from .workspaces import Workspaces

Answer = dict[str, Any]


@dataclass(frozen=True)
class Fault:
    """An injected failure: a Slack error answer, or HTTP 429 with Retry-After."""

    error: str
    retry_after: int | None = None
    lose_answer: bool = False  # the call takes effect, then the connection drops


# Slack's answer for a call with a token of the wrong kind.
WRONG_KIND = "not_allowed_token_type"


class WebApi:
    """Serves `POST|GET /api/{method}`; every call lands in `calls`, answered or not.

    Three kinds of method, as on Slack: `methods` act in a workspace and need a bot token
    (the call is answered in that token's workspace, so a channel of another workspace is
    `channel_not_found`); `app_methods` need the app-level token (apps.connections.open);
    `open_methods` authenticate by other means (oauth.v2.access: client id and secret) and
    see the request headers.
    """

    def __init__(self, *, app_token: str, tokens: Tokens, workspaces: Workspaces,
                 changes: Changes,
                 methods: dict[str, Callable[[dict[str, Any], Workspace], Answer]],
                 app_methods: dict[str, Callable[[dict[str, Any]], Answer]],
                 open_methods: dict[str, Callable[[dict[str, Any], dict[str, str]], Answer]],
                 grant_methods: dict[str, Callable[[dict[str, Any], Workspace, Grant], Answer]],
                 ) -> None:
        self._app_token = app_token
        self._tokens = tokens
        self._workspaces = workspaces
        self._changes = changes
        self._methods = methods
        self._app_methods = app_methods
        self._open_methods = open_methods
        self._grant_methods = grant_methods  # bot-token methods that also see the token's grant
        self._faults: dict[str, collections.deque[Fault]] = collections.defaultdict(
            collections.deque)
        self.calls: list[ApiCall] = []

    def inject(self, method: str, fault: Fault, times: int) -> None:
        self._faults[method].extend([fault] * times)

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        headers = dict(request.headers)
        token = _token(args, headers)
        status, extra_headers = 200, {}
        workspace: Workspace | None = None
        fault = self._faults[method].popleft() if self._faults[method] else None
        if fault is None or fault.lose_answer:
            answer, workspace = self._answer(method, args, headers, token)
        else:  # the method takes no effect, as when Slack refuses it
            answer = {"ok": False, "error": fault.error}
            if fault.retry_after is not None:
                status, extra_headers = 429, {"Retry-After": str(fault.retry_after)}
        peer = request.transport.get_extra_info("peername") if request.transport else None
        identity = workspace.identity if workspace is not None else None
        self.calls.append(ApiCall(
            method=method, body=args, headers=headers, status=status, response=answer,
            at=time.monotonic(), peer=peer, token=token,
            team_id=identity.team_id if identity else None,
            enterprise_id=identity.enterprise_id if identity else None))
        self._changes.notify()
        if fault is not None and fault.lose_answer and request.transport is not None:
            request.transport.abort()  # the client never gets the answer
        return web.Response(status=status, headers=extra_headers, text=json.dumps(answer),
                            content_type="application/json")

    def _answer(self, method: str, args: dict[str, Any], headers: dict[str, str],
                token: str | None) -> tuple[Answer, Workspace | None]:
        if method in self._open_methods:
            return self._open_methods[method](args, headers), None
        if method in self._app_methods:
            error = self._app_token_error(token)
            if error is not None:
                return {"ok": False, "error": error}, None
            return self._app_methods[method](args), None
        if method not in self._methods and method not in self._grant_methods:
            return {"ok": False, "error": "unknown_method"}, None
        found = self._bot_workspace(token, args)
        if isinstance(found, str):
            return {"ok": False, "error": found}, None
        workspace, grant = found
        if method in self._grant_methods:
            return self._grant_methods[method](args, workspace, grant), workspace
        return self._methods[method](args, workspace), workspace

    def _app_token_error(self, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        if token == self._app_token:
            return None
        return WRONG_KIND if self._tokens.find(token) is not None else "invalid_auth"

    def _bot_workspace(self, token: str | None,
                       args: dict[str, Any]) -> tuple[Workspace, Grant] | str:
        """The workspace the bot token acts in (and its grant), or Slack's error for it."""
        if not token:
            return "not_authed"
        if token == self._app_token:
            return WRONG_KIND
        grant = self._tokens.find(token)
        if grant is None:
            return "invalid_auth"
        if grant.state != "active":
            return REFUSALS[grant.state]
        workspace = self._workspaces.for_grant(grant, args.get("channel") or args.get("channel_id"))
        return (workspace, grant) if workspace is not None else "team_not_found"


def _token(args: dict[str, Any], headers: dict[str, str]) -> str | None:
    """The Bearer token of the call, or its `token` argument (Basic auth is no token)."""
    authorization = headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        return authorization.removeprefix("Bearer ")
    token = args.get("token")
    return token if isinstance(token, str) and token else None


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
