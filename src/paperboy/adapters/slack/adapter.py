"""SlackAdapter: the bot on Slack through slack-bolt's AsyncApp, in Socket Mode or HTTP mode.

Built by the composition root when SLACK_BOT_TOKEN is set (one workspace), or
slack.client_id (OAuth distribution: any number of workspaces, each authorized by its
own installation, HTTP mode only; see oauth.py). `start` checks the bot token
(auth.test; not in OAuth mode: there is none) and connects: Socket Mode
(SLACK_APP_TOKEN; no public URL) or an HTTP server for signed requests
(SLACK_SIGNING_SECRET). Posting into channels
is the Publisher's, through `poster.SlackPoster` on the same client. `aclose`
disconnects, letting answers in progress finish first.
"""

from __future__ import annotations

import asyncio
import logging
import os

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.slack.handlers import SlackHandlers
from paperboy.adapters.slack.http_server import HttpListen, SlackHttpServer
from paperboy.adapters.slack.installations import SlackInstallations
from paperboy.adapters.slack.oauth import Uninstalls, oauth_app
from paperboy.adapters.slack.permissions import ANYONE, ChannelManagers
from paperboy.adapters.slack.send import SlackSender
from paperboy.config import ConfigError
from paperboy.core.bot import Bot
from paperboy.core.models import Platform
from paperboy.core.ports import Unreachable
from paperboy.core.publishing import Publisher

log = logging.getLogger(__name__)

DRAIN_SECONDS = 5.0


class SlackAdapter:
    name = "slack"
    platform = Platform.SLACK.value

    def __init__(
        self,
        bot: Bot,
        *,
        client: AsyncWebClient,
        publisher: Publisher,
        app_token: str = "",
        listen: HttpListen | None = None,
        signing_secret: str = "",
        digest_managers: str = ANYONE,
        installations: SlackInstallations | None = None,
    ) -> None:
        """Socket Mode with `app_token`, or HTTP mode (signed with `signing_secret`)
        when `listen` says where; Web API calls through `client` (`poster.web_client`).
        Every post into a channel goes through `publisher`. With `installations`
        (HTTP mode only), OAuth distribution: each request acts with its workspace's
        installation's token."""
        self.publisher = publisher
        self.bot = bot
        self.client = client
        self._api_url = client.base_url
        self._app_token = app_token
        self._listen_at = listen
        self._signing_secret = signing_secret
        self._digest_managers = digest_managers
        self.sender = SlackSender(self.client)
        self.installations = installations
        bolt_log = logging.getLogger(f"{__name__}.bolt")
        if installations is not None:
            self.app = oauth_app(installations, client=self.client, logger=bolt_log)
        else:
            self.app = AsyncApp(
                name="paperboy",
                client=self.client,
                # HTTP mode checks each request's signature on its raw bytes before bolt
                # sees it (SlackHttpServer); bolt's own check would log a forged body whole.
                request_verification_enabled=False,
                logger=bolt_log,
            )
        self.handlers: SlackHandlers | None = None  # built in `start`, once we know our name
        self._socket: AsyncSocketModeHandler | None = None
        self.http: SlackHttpServer | None = None
        self._closed = asyncio.Event()

    async def start(self) -> None:
        """Check the bot token, then connect; returns once messages can be posted."""
        # One HTTP session for every Web API call, so connections to Slack are kept
        # and reused; without it slack_sdk opens (and TLS-handshakes) one per message.
        self.client.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.client.timeout)
        )
        try:
            # OAuth: no token of our own to ask with; the manifest's display name.
            identity = "paperboy" if self.installations else await self._who_am_i()
            self.handlers = SlackHandlers(
                self.bot,
                self.sender,
                ChannelManagers(self.client, who=self._digest_managers),
                publisher=self.publisher,
                bot_mention=f"@{identity}",
            )
            self.handlers.register(self.app)
            if self.installations is not None:
                uninstalls = Uninstalls(
                    self.bot, self.installations, in_flight=self.handlers.in_flight
                )
                uninstalls.register(self.app)
            if self._listen_at is not None:
                await self._listen(self._listen_at)
            else:
                await self._connect()
        except BaseException:
            await self._close_session()
            raise

    async def is_connected(self) -> bool:
        """Socket Mode: the websocket is open and answering pings (it reconnects by itself);
        HTTP mode: the server is listening."""
        if self._closed.is_set():
            return False
        if self.http is not None:
            return True
        if self._socket is None:
            return False
        connected: bool = await self._socket.client.is_connected()
        return connected

    async def installation_count(self) -> int:
        """Workspaces served: the installations (OAuth distribution), else the one."""
        return 1 if self.installations is None else await self.installations.count()

    async def wait_closed(self) -> None:
        """Returns once the adapter is closed (Socket Mode reconnects by itself until then)."""
        await self._closed.wait()

    async def aclose(self) -> None:
        """Disconnect (idempotent), then let answers in progress finish, briefly."""
        self._closed.set()
        if self.http is not None:
            http, self.http = self.http, None
            await http.aclose()
        if self._socket is not None:
            socket, self._socket = self._socket, None
            await socket.close_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
        if self.handlers is not None:
            await self.handlers.drain(DRAIN_SECONDS)
        await self._close_session()

    async def _close_session(self) -> None:
        session, self.client.session = self.client.session, None
        if session is not None:
            await session.close()

    async def _who_am_i(self) -> str:
        try:
            auth = await self.client.auth_test()
        except SlackApiError as error:
            raise self._refused(error, "SLACK_BOT_TOKEN") from None
        except (aiohttp.ClientError, OSError) as error:
            raise self._unreachable(error) from None
        user = auth.get("user")
        log.info("Slack: signed in to %s as @%s", auth.get("team"), user)
        return user if isinstance(user, str) and user else "paperboy"

    def _refused(self, error: SlackApiError, token: str, advice: str = "") -> Exception:
        """A token Slack refused is a bad setting; a server error is Slack being down.
        (An error page instead of JSON is no refusal either: its body is a string.)"""
        status, body = error.response.status_code, error.response.data
        if status >= 500 or not isinstance(body, dict):
            return Unreachable(f"Slack answered HTTP {status} at {self._api_url}; try again later")
        return ConfigError(f"{token}: Slack refused it ({body.get('error')}){advice}")

    def _unreachable(self, error: Exception) -> Unreachable:
        # TimeoutError is an OSError; aiohttp's timeouts are both.
        reason = str(error) or type(error).__name__
        return Unreachable(
            f"cannot reach Slack at {self._api_url} ({reason}); check the network and slack.api_url"
        )

    async def _connect(self) -> None:
        # slack_sdk's client retries a refused app token forever, every 10 s, so ask
        # once first: a wrong token is then one clear line instead of a silent loop.
        try:
            await self.client.apps_connections_open(app_token=self._app_token)
        except SlackApiError as error:
            raise self._refused(
                error,
                "SLACK_APP_TOKEN",
                "; it must be an app-level token with connections:write, and Socket Mode "
                "must be on",
            ) from None
        except (aiohttp.ClientError, OSError) as error:
            raise self._unreachable(error) from None
        socket = AsyncSocketModeHandler(self.app, self._app_token)
        await socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
        self._socket = socket
        log.info("Slack: connected in Socket Mode")

    async def _listen(self, at: HttpListen) -> None:
        server = SlackHttpServer(
            self.app,
            signing_secret=self._signing_secret,
            host=at.host,
            port=at.port,
            path=at.path,
            limits=at.limits,
            oauth_flow=self.app.oauth_flow if self.installations is not None else None,
        )
        try:
            await server.start()
        except OSError as error:
            # asyncio's strerror repeats the address; the errno's own words say it all.
            reason = os.strerror(error.errno).lower() if error.errno else str(error)
            raise ConfigError(
                f"slack.http_port: cannot listen on {at.host}:{at.port} ({reason})"
            ) from None
        self.http = server
