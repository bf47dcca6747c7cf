"""The Discord adapter: the App's `Adapter` (start, post, wait_closed, aclose) over discord.py.

`start` points discord.py at the configured REST and gateway URLs (its two
documented knobs, `Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY`), logs in,
connects as a task and returns once the client is READY; a refused token or an
unreachable Discord stops it with one line (`ConfigError`, `Unreachable`).
`wait_closed` ends when that task does, raising what killed it (a malformed
gateway event, a revoked token). Posting into channels is the Publisher's, through
`poster.DiscordPoster` on the same client. `aclose` disconnects and restores the URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import aiohttp
import discord
import yarl

from paperboy.adapters.discord.client import PaperboyClient
from paperboy.adapters.discord.handlers import Interactions
from paperboy.adapters.discord.poster import DiscordPoster
from paperboy.adapters.discord.suggestions import Suggestions
from paperboy.adapters.in_flight import InFlight
from paperboy.config import ConfigError
from paperboy.core.bot import Bot
from paperboy.core.models import Platform
from paperboy.core.ports import Unreachable
from paperboy.core.publishing import Publisher

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DiscordOptions:
    """Timings; tests shorten the waits Discord asks of real clients."""

    guild_ready_timeout: float = 2.0  # discord.py's wait for GUILD_CREATEs after READY
    identify_wait: float = 5.0  # Discord's pause before a re-IDENTIFY
    ready_timeout: float = 120.0  # give up starting after this long
    close_timeout: float = 10.0
    drain_seconds: float = 5.0  # answers in progress may finish this long at a stop


class DiscordAdapter:
    name = "discord"
    platform = Platform.DISCORD.value

    def __init__(
        self,
        bot: Bot,
        *,
        poster: DiscordPoster,
        publisher: Publisher,
        token: str,
        api_url: str,
        gateway_url: str,
        options: DiscordOptions | None = None,
    ) -> None:
        """Serve `bot` on the client `poster` posts through (`discord_client`)."""
        self.bot = bot
        self._token = token
        self._api_url = api_url.rstrip("/")
        self._gateway_url = yarl.URL(gateway_url)
        self.options = options or DiscordOptions()
        self.pages = poster.pages
        self.publisher = publisher
        self._in_flight = InFlight()
        self._client = poster.client
        self._client.serve(
            Interactions(bot, self.pages, publisher, self._in_flight), Suggestions(bot)
        )
        self._task: asyncio.Task[None] | None = None
        self._saved_urls: tuple[str, yarl.URL] | None = None

    @property
    def client(self) -> PaperboyClient:
        return self._client

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The task running the client (for watchers; ends when the client stops)."""
        return self._task

    async def start(self) -> None:
        """Log in and connect; return once READY.

        Raises ConfigError when Discord refuses the token, Unreachable when it cannot
        be reached (naming the URL and its setting) or is not ready in time, and what
        stopped the client if it stopped first for another reason."""
        if self._task is not None:
            raise RuntimeError("the Discord adapter was already started")
        self._point_at_configured_urls()
        client = self._client
        try:
            async with asyncio.timeout(self.options.ready_timeout):
                await self._log_in(client)
                await self._check_gateway()
                task = await self._connect(client)
        except TimeoutError:
            await self.aclose()
            raise Unreachable(
                f"Discord was not ready after {self.options.ready_timeout:g} s; check the "
                "network, discord.api_url and discord.gateway_url"
            ) from None
        except BaseException:
            await self.aclose()
            raise
        task.add_done_callback(_log_unexpected_end)
        log.info(
            "discord connected as %s (id %s) to %d guilds",
            client.user,
            client.user.id if client.user else "?",
            len(client.guilds),
        )

    async def _log_in(self, client: PaperboyClient) -> None:
        try:
            await client.login(self._token)
        except discord.LoginFailure as error:
            raise ConfigError(f"DISCORD_TOKEN: Discord refused it ({error})") from None
        except discord.HTTPException as error:
            raise Unreachable(
                f"Discord answered HTTP {error.status} at {self._api_url}; try again later"
            ) from None
        except (aiohttp.ClientError, OSError) as error:
            raise Unreachable(
                f"cannot reach Discord at {self._api_url} ({error}); check the network "
                "and discord.api_url"
            ) from None

    async def _check_gateway(self) -> None:
        """One websocket handshake with the gateway, closed at once. discord.py retries
        a gateway it cannot reach forever with a traceback each time (2.7 instead dies
        of an AttributeError on the first failure); this makes it one line."""
        try:
            async with aiohttp.ClientSession() as session:
                socket = await session.ws_connect(self._gateway_url)
                await socket.close()
        except (aiohttp.ClientError, OSError) as error:
            raise Unreachable(
                f"cannot reach the Discord gateway at {self._gateway_url} ({error}); check "
                "the network and discord.gateway_url"
            ) from None

    async def _connect(self, client: PaperboyClient) -> asyncio.Task[None]:
        """Run the client's connection as a task (`self.task`); return it once READY,
        or raise what ended it first."""
        task = self._task = asyncio.create_task(
            client.connect(reconnect=True), name="discord-client"
        )
        ready = asyncio.create_task(client.wait_until_ready(), name="discord-ready")
        try:
            done, _ = await asyncio.wait({ready, task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if ready in done:
            return task
        failure = None if task.cancelled() else task.exception()
        if isinstance(failure, discord.ConnectionClosed) and failure.code == 4004:
            raise ConfigError("DISCORD_TOKEN: the Discord gateway refused it") from None
        raise failure or RuntimeError("the Discord client stopped before it was ready")

    async def is_connected(self) -> bool:
        """The gateway session is up: READY, and the websocket open (discord.py reconnects
        by itself; while it does, this is False)."""
        client = self._client
        if client.is_closed() or not client.is_ready():
            return False
        if isinstance(client, discord.AutoShardedClient):
            shards = client.shards.values()
            return bool(shards) and not any(shard.is_closed() for shard in shards)
        websocket = client.ws  # None until the first connection
        return websocket is not None and bool(websocket.open)

    async def installation_count(self) -> int:
        """The servers (guilds) the bot is in, for the installations metric: those this
        process's shards serve (replicas that split the shards add up to all of them)."""
        return len(self._client.guilds)

    async def wait_closed(self) -> None:
        """Return when the client stops (after `aclose`); raise what killed it otherwise."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def aclose(self) -> None:
        """Let answers in progress finish (briefly), then disconnect; safe to repeat.
        Restores discord.py's URLs."""
        client, task = self._client, self._task
        if not client.is_closed():
            # Answers go out on the client's HTTP session, which closing it ends.
            await self._in_flight.drain(self.options.drain_seconds)
            await client.close()
        if task is not None and not task.done():
            done, _ = await asyncio.wait({task}, timeout=self.options.close_timeout)
            if not done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if task is not None and task.done() and not task.cancelled() and task.exception():
            log.debug("the Discord client had stopped with %r", task.exception())
        self._restore_urls()

    def _point_at_configured_urls(self) -> None:
        route, websocket = discord.http.Route, discord.gateway.DiscordWebSocket
        self._saved_urls = (route.BASE, websocket.DEFAULT_GATEWAY)
        route.BASE = self._api_url
        websocket.DEFAULT_GATEWAY = self._gateway_url

    def _restore_urls(self) -> None:
        if self._saved_urls is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = (
                self._saved_urls
            )
            self._saved_urls = None


def _log_unexpected_end(task: asyncio.Task[None]) -> None:
    """A client that dies by itself (not by `aclose`) says why, with the traceback."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("the Discord client stopped: %r", error, exc_info=error)
