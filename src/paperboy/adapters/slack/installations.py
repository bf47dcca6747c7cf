"""OAuth distribution: each workspace's installation (its bot token) in paperboy's database.

slack_sdk's async SQLAlchemy installation and OAuth state stores, on the store's engine
(their tables are made by the store's migration 7). bolt authorizes every request
through `store`; the Publisher's posts go through `bot_token`, which finds a channel's
workspace's installation and rotates its token first when it expires soon, saving the
new one before it is used (a refresh token works once: an unsaved rotation would lose
the workspace).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import desc, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from paperboy.store.schema import slack_bots, slack_installations

log = logging.getLogger(__name__)

# bolt's own window: a token expiring within this is rotated before it is used.
ROTATE_WITHIN_MINUTES = 120
STATE_SECONDS = 600  # an install started more than ten minutes ago must start again


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """The app's OAuth credentials and where its flow goes (see SlackSettings)."""

    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    authorization_url: str
    redirect_url: str = ""


class SlackInstallations:
    def __init__(self, app: OAuthApp, *, engine: AsyncEngine, client: AsyncWebClient) -> None:
        """`client`: a client without a token on `slack.api_url`, for oauth.v2.access."""
        self.app = app
        self.store = AsyncSQLAlchemyInstallationStore(
            client_id=app.client_id, engine=engine, logger=log
        )
        self.states = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS, engine=engine, logger=log
        )
        self._engine = engine
        self._rotator = AsyncTokenRotator(
            client_id=app.client_id, client_secret=app.client_secret, client=client
        )

    async def bot_token(self, team_id: str) -> str | None:
        """The workspace's bot token, rotated first when due; None when not installed."""
        enterprise_id = await self._enterprise_of(team_id)
        installation = await self.store.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id
        )
        if installation is None or not installation.bot_token:
            return None
        rotated = await self._rotator.perform_token_rotation(
            installation=installation, minutes_before_expiration=ROTATE_WITHIN_MINUTES
        )
        if rotated is not None:
            await self.store.async_save(rotated)  # before use: the old refresh token is spent
            log.info("Slack: rotated the bot token of workspace %s", team_id)
            installation = rotated
        return installation.bot_token

    async def forget(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Delete the workspace's installations and bots (its tokens)."""
        await self.store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def count(self) -> int:
        """Workspaces installed now (with a bot token), for the installations metric."""
        c = slack_bots.c
        query = select(func.count(distinct(c.team_id))).where(
            c.client_id == self.app.client_id, c.bot_token.is_not(None)
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def _enterprise_of(self, team_id: str) -> str | None:
        """A channel knows its workspace only; a workspace of an Enterprise Grid org was
        installed under the org's id too, which the store's lookups need."""
        c = slack_installations.c
        query = (
            select(c.enterprise_id)
            .where(c.client_id == self.app.client_id, c.team_id == team_id)
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        async with self._engine.connect() as conn:
            enterprise_id = (await conn.execute(query)).scalar_one_or_none()
        return enterprise_id if isinstance(enterprise_id, str) else None
