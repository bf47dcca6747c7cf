"""SlackAdapter: the bot on Slack through slack-bolt's AsyncApp, in Socket Mode or HTTP mode.

Built by the composition root when SLACK_BOT_TOKEN is set. `start` checks the bot
token (auth.test) and connects: Socket Mode (SLACK_APP_TOKEN; no public URL) or
an HTTP server for signed requests (SLACK_SIGNING_SECRET). `post` is the digest's
ChannelPoster. `aclose` disconnects, letting answers in progress finish first.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.slack.handlers import SlackHandlers
from paperboy.adapters.slack.http_server import HttpLimits, SlackHttpServer
from paperboy.adapters.slack.permissions import ChannelManagers
from paperboy.adapters.slack.render import render
from paperboy.adapters.slack.sender import SlackPostFailed, SlackSender
from paperboy.config import ConfigError, Secrets, SlackSettings
from paperboy.core.bot import Bot
from paperboy.core.models import ChannelRef, Platform
from paperboy.core.ports import Unreachable
from paperboy.core.publishing import Publisher
from paperboy.core.replies import Reply

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3
DRAIN_SECONDS = 5.0


def check_credentials(settings: SlackSettings, secrets: Secrets) -> None:
    """Raise ConfigError (one line naming the variable) when the mode lacks a secret."""
    if not secrets.slack_bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN: must be the app's bot token (xoxb-…)")
    if settings.mode == "socket" and not secrets.slack_app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN: Socket Mode needs an app-level token (xapp-…) with "
            'connections:write; or set slack.mode = "http"'
        )
    if settings.mode == "http" and not secrets.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET: HTTP mode needs the app's signing secret")


class SlackAdapter:
    name = "slack"
    platform = Platform.SLACK.value

    def __init__(
        self, bot: Bot, *, settings: SlackSettings, secrets: Secrets, publisher: Publisher
    ) -> None:
        check_credentials(settings, secrets)
        self.bot = bot
        self.settings = settings
        self._app_token = secrets.slack_app_token
        # slack_sdk joins method names onto the base URL, which must end in "/".
        base_url = settings.api_url if settings.api_url.endswith("/") else settings.api_url + "/"
        self.client = AsyncWebClient(token=secrets.slack_bot_token, base_url=base_url)
        self.client.retry_handlers.append(
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
        )
        self.sender = SlackSender(self.client)
        self._signing_secret = secrets.slack_signing_secret
        self.app = AsyncApp(
            name="paperboy",
            client=self.client,
            # HTTP mode checks each request's signature on its raw bytes before bolt sees
            # it (SlackHttpServer); bolt's own check would log a forged body whole.
            request_verification_enabled=False,
            logger=logging.getLogger(f"{__name__}.bolt"),
        )
        self.handlers = SlackHandlers(
            bot,
            self.sender,
            ChannelManagers(self.client, who=settings.digest_managers),
            publisher=publisher,
            bot_mention="@paperboy",
        )
        self.handlers.register(self.app)
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
            identity = await self._who_am_i()
            self.handlers.answers.bot_mention = f"@{identity}"
            if self.settings.mode == "http":
                await self._listen()
            else:
                await self._connect()
        except BaseException:
            await self._close_session()
            raise

    async def post(self, channel: ChannelRef, reply: Reply) -> str:
        """ChannelPoster: one message into a channel; returns its ts (the publisher paces).

        Raises PostFailed, permanent when the channel is gone or closed to the bot."""
        if channel.platform != self.platform:
            raise SlackPostFailed(
                f"{channel} is not a Slack channel", code="wrong_platform", permanent=True
            )
        return await self.sender.post(channel.channel, render(reply))

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
            return Unreachable(
                f"Slack answered HTTP {status} at {self.settings.api_url}; try again later"
            )
        return ConfigError(f"{token}: Slack refused it ({body.get('error')}){advice}")

    def _unreachable(self, error: Exception) -> Unreachable:
        # TimeoutError is an OSError; aiohttp's timeouts are both.
        reason = str(error) or type(error).__name__
        return Unreachable(
            f"cannot reach Slack at {self.settings.api_url} ({reason}); check the network "
            "and slack.api_url"
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

    async def _listen(self) -> None:
        settings = self.settings
        server = SlackHttpServer(
            self.app,
            signing_secret=self._signing_secret,
            host=settings.http_host,
            port=settings.http_port,
            path=settings.http_path,
            limits=HttpLimits(
                header_timeout=settings.http_header_timeout_seconds,
                body_timeout=settings.http_body_timeout_seconds,
                idle_timeout=settings.http_idle_timeout_seconds,
                max_connections=settings.http_max_connections,
            ),
        )
        try:
            await server.start()
        except OSError as error:
            raise ConfigError(
                f"slack.http_port: cannot listen on {self.settings.http_host}:"
                f"{self.settings.http_port} ({error.strerror or error})"
            ) from None
        self.http = server
