"""Slack's OAuth v2 for a distributed app: the authorize page and `oauth.v2.access`.

1. The app's install page sends the browser to `GET /oauth/v2/authorize?client_id&scope
   &user_scope&state[&redirect_uri][&team]` (bolt: `AsyncOAuthSettings(authorization_url=
   ...)`). A person approves for one workspace (the simulator's `sim_team`, `sim_user`,
   `sim_org_install`, `sim_deny` query parameters stand for their choice in Slack's UI) and
   Slack redirects to the redirect URL with `code` and `state` (or `error=access_denied`).
2. The app exchanges the code with `oauth.v2.access` (client id and secret by HTTP Basic
   or form fields, `code`, `redirect_uri`), and gets a bot token for that workspace (or
   for the whole Grid org on an org-wide install). With token rotation on, the answer also
   has `refresh_token` and `expires_in`, and `grant_type=refresh_token` swaps the pair for
   a new one (the old token and refresh token stop working).

Refusals use Slack's error codes: `invalid_client_id`, `bad_client_secret`,
`invalid_code` (unknown or already used), `bad_redirect_uri`, `invalid_refresh_token`,
`invalid_grant_type`.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

if TYPE_CHECKING:
    from .tokens import Grant, Tokens
    from .waiting import Changes
    from .workspace import Workspace
    from .workspaces import Workspaces

Answer = dict[str, Any]


@dataclass
class _Code:
    """A code handed to the browser at the authorize step, exchangeable once."""

    code: str
    client_id: str
    team_id: str | None  # None for an org-wide install
    enterprise_id: str | None
    user_id: str
    scope: str
    user_scope: str
    redirect_uri: str | None  # as the authorize request sent it (None: the registered one)
    used: bool = False


@dataclass(frozen=True)
class Installed:
    """One successful exchange of a code: what Slack installed where, with which token."""

    team_id: str | None
    enterprise_id: str | None
    is_enterprise_install: bool
    user_id: str
    scope: str
    access_token: str
    refresh_token: str | None


class OAuthServer:
    """The app registration (client id and secret, redirect URLs) and both OAuth steps."""

    def __init__(self, *, app_id: str, client_id: str, client_secret: str, tokens: Tokens,
                 workspaces: Workspaces, changes: Changes) -> None:
        self.app_id = app_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_urls: list[str] = []  # the app's configured redirect URLs
        self.token_rotation = False
        self.token_expires_in = 43200  # Slack's 12 hours
        self.installs: list[Installed] = []
        self._tokens = tokens
        self._workspaces = workspaces
        self._changes = changes
        self._codes: dict[str, _Code] = {}
        self._numbers = itertools.count(1)

    # step 1: the authorize page

    async def authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != self.client_id:
            return _refusal("invalid_client_id")
        redirect_uri = query.get("redirect_uri") or None
        target = redirect_uri or (self.redirect_urls[0] if self.redirect_urls else None)
        if target is None or not self._registered(target):
            return _refusal("bad_redirect_uri")
        state = query.get("state", "")
        if query.get("sim_deny"):
            return _redirect(target, {"error": "access_denied", "state": state})
        team_id = query.get("sim_team") or query.get("team") or None
        workspace = self._workspaces.get(team_id)
        if workspace is None:
            return _refusal("team_not_found")
        org_install = bool(query.get("sim_org_install"))
        enterprise_id = workspace.identity.enterprise_id
        if org_install and enterprise_id is None:
            return _refusal("not_an_enterprise")
        code = f"{next(self._numbers)}.{secrets.token_hex(16)}"
        self._codes[code] = _Code(
            code=code, client_id=self.client_id,
            team_id=None if org_install else workspace.identity.team_id,
            enterprise_id=enterprise_id,
            user_id=query.get("sim_user") or workspace.identity.user_id,
            scope=query.get("scope", ""), user_scope=query.get("user_scope", ""),
            redirect_uri=redirect_uri)
        return _redirect(target, {"code": code, "state": state})

    def _registered(self, url: str) -> bool:
        """Slack accepts a configured redirect URL or a URL below one; with none configured
        (a test that did not call allow_redirect_url), any URL."""
        return not self.redirect_urls or any(
            url == allowed or url.startswith(allowed.rstrip("/") + "/")
            for allowed in self.redirect_urls)

    # step 2: oauth.v2.access

    def access(self, args: dict[str, Any], headers: dict[str, str]) -> Answer:
        client_id, client_secret = _credentials(args, headers)
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if client_secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        grant_type = args.get("grant_type") or "authorization_code"
        if grant_type == "refresh_token":
            return self._refresh(args)
        if grant_type != "authorization_code":
            return {"ok": False, "error": "invalid_grant_type"}
        code = self._codes.get(str(args.get("code") or ""))
        if code is None or code.used or code.client_id != client_id:
            if code is not None:
                code.used = True  # a replayed code is burnt, as OAuth asks
            return {"ok": False, "error": "invalid_code"}
        code.used = True
        sent_uri = args.get("redirect_uri") or None
        if code.redirect_uri is not None and sent_uri != code.redirect_uri:
            return {"ok": False, "error": "bad_redirect_uri"}
        if sent_uri is not None and not self._registered(sent_uri):
            return {"ok": False, "error": "bad_redirect_uri"}
        grant = self._tokens.issue_bot(team_id=code.team_id, enterprise_id=code.enterprise_id,
                                       scope=code.scope, installer=code.user_id,
                                       rotating=self.token_rotation)
        self.installs.append(Installed(
            team_id=code.team_id, enterprise_id=code.enterprise_id,
            is_enterprise_install=code.team_id is None, user_id=code.user_id, scope=code.scope,
            access_token=grant.token, refresh_token=grant.refresh_token))
        self._changes.notify()
        return {**self._token_answer(grant), "authed_user": {"id": code.user_id}}

    def _refresh(self, args: dict[str, Any]) -> Answer:
        old = self._tokens.by_refresh_token(str(args.get("refresh_token") or ""))
        if old is None or old.state != "active":
            return {"ok": False, "error": "invalid_refresh_token"}
        return self._token_answer(self._tokens.rotate(old))

    def _token_answer(self, grant: Grant) -> Answer:
        workspace = self._workspace_of(grant)
        identity = workspace.identity
        enterprise = None
        if grant.enterprise_id is not None:
            enterprise = {"id": grant.enterprise_id,
                          "name": identity.enterprise_name or grant.enterprise_id}
        answer: Answer = {
            "ok": True,
            "app_id": self.app_id,
            "scope": grant.scope,
            "token_type": "bot",
            "access_token": grant.token,
            "bot_user_id": identity.bot_user_id,
            "team": None if grant.team_id is None else {"id": identity.team_id,
                                                        "name": identity.team_name},
            "enterprise": enterprise,
            "is_enterprise_install": grant.team_id is None,
        }
        if grant.refresh_token is not None:
            answer["refresh_token"] = grant.refresh_token
            answer["expires_in"] = self.token_expires_in
        return answer

    def _workspace_of(self, grant: Grant) -> Workspace:
        found = self._workspaces.for_grant(grant, None)
        if found is None:
            raise AssertionError(f"token {grant.token} belongs to no simulated workspace")
        return found


def _credentials(args: dict[str, Any], headers: dict[str, str]) -> tuple[str | None, str | None]:
    """Client id and secret from HTTP Basic auth (preferred by Slack) or the form fields."""
    authorization = headers.get("Authorization", "")
    if authorization.startswith("Basic "):
        try:
            decoded = base64.b64decode(authorization.removeprefix("Basic "), validate=True)
        except (binascii.Error, ValueError):
            return None, None
        basic_id, _, basic_secret = decoded.decode("utf-8", "replace").partition(":")
        return basic_id, basic_secret
    form_id, form_secret = args.get("client_id"), args.get("client_secret")
    return (form_id if isinstance(form_id, str) else None,
            form_secret if isinstance(form_secret, str) else None)


def _refusal(error: str) -> web.Response:
    """Slack's error page at the authorize step (the browser stays on Slack)."""
    return web.Response(status=400, text=error, headers={"X-Slack-Error": error})


def _redirect(url: str, params: dict[str, str]) -> web.Response:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    return web.Response(status=302, headers={"Location": location})
