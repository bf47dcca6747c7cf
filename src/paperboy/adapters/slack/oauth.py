"""OAuth distribution: bolt's install flow and the app that authorizes every request with
its own workspace's installation.

GET /slack/install shows bolt's "Add to Slack" page (exactly the scopes paperboy uses);
GET /slack/oauth_redirect exchanges the code (oauth.v2.access on slack.api_url) and
saves the installation (installations.py). Enterprise Grid org-wide installs are refused
with a page that says so: a channel's workspace is how every post finds its token, and an
org-wide install has none of its own. Workspaces of a Grid org install one by one.

`app_uninstalled`, and `tokens_revoked` for the bot's token, delete the workspace's
installation and then everything stored about it (core/workspaces.py).
"""

from __future__ import annotations

import html
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltError
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.in_flight import InFlight
from paperboy.adapters.slack.installations import ROTATE_WITHIN_MINUTES, SlackInstallations
from paperboy.core.bot import Bot
from paperboy.core.models import Platform

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# Exactly the bot scopes slack-manifest.yml grants (tests/adapters/slack/test_oauth.py
# holds the two together).
BOT_SCOPES = ("commands", "chat:write", "reactions:read", "files:write", "im:write", "users:read")
# What a person sees when their workspace has no installation (bolt's authorize found none).
NOT_INSTALLED = (
    "paperboy is not installed in this workspace (or was uninstalled). Ask a workspace "
    "admin to add it again."
)
ORG_WIDE_REFUSED = (
    "paperboy cannot be installed for a whole Enterprise Grid organization. Install it "
    "into each workspace that wants it instead."
)


class OrgWideInstallRefused(BoltError):
    """An Enterprise Grid org-wide installation, which paperboy does not keep."""


class WorkspaceInstallFlow(AsyncOAuthFlow):
    """bolt's flow, keeping workspace installations only."""

    async def store_installation(
        self, request: AsyncBoltRequest, installation: Installation
    ) -> None:
        if installation.is_enterprise_install:
            log.warning(
                "Slack: refused an org-wide install for Enterprise Grid org %s",
                installation.enterprise_id,
            )
            raise OrgWideInstallRefused(ORG_WIDE_REFUSED)
        await super().store_installation(request, installation)
        log.info(
            "Slack: installed into workspace %s (%s)", installation.team_id, installation.team_name
        )


async def _succeeded(args: AsyncSuccessArgs) -> BoltResponse:
    return await args.default.success(args)


async def _failed(args: AsyncFailureArgs) -> BoltResponse:
    if isinstance(args.error, OrgWideInstallRefused):
        page = f"<html><body><p>{html.escape(ORG_WIDE_REFUSED)}</p></body></html>"
        return BoltResponse(
            status=403, body=page, headers={"Content-Type": "text/html; charset=utf-8"}
        )
    log.warning("Slack: an install failed (%s)", args.reason)
    return await args.default.failure(args)


def oauth_app(
    installations: SlackInstallations, *, client: AsyncWebClient, logger: logging.Logger
) -> AsyncApp:
    """bolt's AsyncApp authorizing each request by its workspace's installation, with the
    install flow (signatures are checked before bolt, in http_server.py)."""
    app_settings = installations.app
    settings = AsyncOAuthSettings(
        client_id=app_settings.client_id,
        client_secret=app_settings.client_secret,
        scopes=list(app_settings.scopes),
        redirect_uri=app_settings.redirect_url or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=app_settings.authorization_url,
        installation_store=installations.store,
        state_store=installations.states,
        token_rotation_expiration_minutes=ROTATE_WITHIN_MINUTES,
        callback_options=AsyncCallbackOptions(success=_succeeded, failure=_failed),
        logger=logger,
    )
    flow = WorkspaceInstallFlow(client=client, logger=logger, settings=settings)
    # installation_store on the app too: bolt's authorize (and its token rotator) then
    # use `client` (slack.api_url), not a default client aimed at slack.com.
    return AsyncApp(
        name="paperboy",
        client=client,
        request_verification_enabled=False,
        oauth_flow=flow,
        installation_store=installations.store,
        user_facing_authorize_error_message=NOT_INSTALLED,
        logger=logger,
    )


class Uninstalls:
    """`app_uninstalled` and `tokens_revoked` (the bot's): forget the workspace."""

    def __init__(self, bot: Bot, installations: SlackInstallations, *, in_flight: InFlight) -> None:
        """`in_flight`: the listeners' (bolt runs events after their ack), drained on close."""
        self.bot = bot
        self.installations = installations
        self._in_flight = in_flight

    def register(self, app: AsyncApp) -> None:
        app.event("app_uninstalled")(self.on_app_uninstalled)
        app.event("tokens_revoked")(self.on_tokens_revoked)

    async def on_app_uninstalled(self, body: dict[str, Any]) -> None:
        await self._forget(body, "uninstalled")

    async def on_tokens_revoked(self, body: dict[str, Any]) -> None:
        event = body.get("event")
        tokens = event.get("tokens") if isinstance(event, dict) else None
        # paperboy asks for no user scopes: only the bot's token matters.
        if isinstance(tokens, dict) and tokens.get("bot"):
            await self._forget(body, "bot token revoked")

    async def _forget(self, body: dict[str, Any], why: str) -> None:
        team_id, enterprise_id = body.get("team_id"), body.get("enterprise_id")
        if not isinstance(team_id, str) or not team_id:
            log.warning("Slack: a %s event without a workspace: ignored", why)
            return
        with self._in_flight.track():
            await self._forget_workspace(team_id, enterprise_id, why)

    async def _forget_workspace(self, team_id: str, enterprise_id: object, why: str) -> None:
        try:
            await self.installations.forget(
                enterprise_id=enterprise_id if isinstance(enterprise_id, str) else None,
                team_id=team_id,
            )
            forgotten = await self.bot.left_workspace(Platform.SLACK.value, team_id)
        except Exception:
            log.exception("Slack: forgetting workspace %s (%s) failed", team_id, why)
            return
        log.info(
            "Slack: %s in workspace %s: deleted its installation, the subscriptions of %d "
            "channels and its reading lists and posts",
            why,
            team_id,
            forgotten.channels,
        )
