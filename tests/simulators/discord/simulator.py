"""A loopback Discord (REST API + gateway websocket) for testing the real discord.py client.

Usage::

    async with DiscordSimulator() as sim, discord_urls(sim):      # see client.py
        client = MyClient(intents=..., guild_ready_timeout=0.05)
        async with running_client(client, sim):                     # fails fast if it dies
            interaction = await sim.send_slash_command("papers", "search", options={"query": "x"})
            reply = await sim.interaction_response(interaction)

The server binds 127.0.0.1 on a free port. discord.py reaches it through its two URL knobs,
``discord.http.Route.BASE = sim.api_url`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sim.gateway_url)``.
What real Discord refuses, the simulator refuses the same way and records as a violation.

The class is assembled from parts, each documented in its module of this package: records
and waits (queries), gateway events sent to the client (actions), injected failures
(faults), the gateway (gateway), REST routes (*_routes), request limits (limits), the
guilds and payloads (world).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.simulators.discord.actions import SimulatorActions
from tests.simulators.discord.app_routes import AppRoutes
from tests.simulators.discord.faults import SimulatorFaults
from tests.simulators.discord.gateway import Gateway
from tests.simulators.discord.http import error_response
from tests.simulators.discord.interaction_routes import InteractionRoutes
from tests.simulators.discord.interactions import InteractionFactory
from tests.simulators.discord.message_routes import MessageRoutes
from tests.simulators.discord.records import (
    CommandSync,
    DispatchRecord,
    IdentifyRecord,
    InteractionReply,
    RecordedRequest,
    ResumeRecord,
    SentAttachment,
    SentMessage,
    SimInteraction,
    Violation,
)
from tests.simulators.discord.state import SimState
from tests.simulators.discord.waiting import (
    ChangeFeed,
    ClientTaskEnded,
    SimulatorError,
    SimulatorTimeout,
)
from tests.simulators.discord.world import (
    BOT_PERMISSIONS,
    EMBED_LINKS,
    EVERYONE_PERMISSIONS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    SimChannel,
    SimGuild,
    SimUser,
    World,
    default_bot,
    default_guild,
    guild_on_shard,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "BOT_PERMISSIONS",
    "EMBED_LINKS",
    "EVERYONE_PERMISSIONS",
    "SEND_MESSAGES",
    "VIEW_CHANNEL",
    "ClientTaskEnded",
    "CommandSync",
    "DiscordSimulator",
    "DispatchRecord",
    "IdentifyRecord",
    "InteractionReply",
    "RecordedRequest",
    "ResumeRecord",
    "SentAttachment",
    "SentMessage",
    "SimChannel",
    "SimGuild",
    "SimInteraction",
    "SimUser",
    "SimulatorError",
    "SimulatorTimeout",
    "Violation",
    "default_bot",
    "default_guild",
    "guild_on_shard",
]

log = logging.getLogger(__name__)


API_PREFIX = "/api/v10"
UNAUTHENTICATED = ("/interactions/", "/webhooks/")


class DiscordSimulator(SimulatorActions, SimulatorFaults):
    """The simulated Discord; an async context manager (``start``/``aclose``).

    ``guilds`` defaults to one guild, ``default_guild()`` ("Paper Lab": channels papers,
    general, read-only, no-embeds; members alice, bob). The bot user's id is the application id.
    ``heartbeat_interval`` is what HELLO announces (seconds); ``interaction_deadline`` is the
    time allowed to answer an interaction; ``timeout`` is the default of every wait;
    ``recommended_shards`` is what GET /gateway/bot answers in ``shards``.
    """

    def __init__(
        self,
        *,
        token: str = "sim-bot-token",
        bot: SimUser | None = None,
        guilds: Sequence[SimGuild] | None = None,
        heartbeat_interval: float = 1.0,
        interaction_deadline: float = 3.0,
        attachment_size_limit: int = 10 * 1024 * 1024,
        timeout: float = 5.0,
        recommended_shards: int = 1,
    ) -> None:
        self.token = token
        self.bot = bot or default_bot()
        self.application_id = self.bot.id
        self.guild = (guilds or (default_guild(),))[0]
        self.timeout = timeout
        self._feed = ChangeFeed()
        world = World(bot=self.bot, guilds=guilds if guilds is not None else (self.guild,))
        self._gateway = Gateway(
            world=world,
            feed=self._feed,
            token=token,
            application_id=self.application_id,
            heartbeat_interval=heartbeat_interval,
        )
        self._state = SimState(
            world=world,
            token=token,
            application_id=self.application_id,
            attachment_size_limit=attachment_size_limit,
            interaction_deadline=interaction_deadline,
            gateway=self._gateway,
            feed=self._feed,
        )
        self._gateway.recommended_shards = recommended_shards
        self._interactions = InteractionFactory(self._state)
        self._runner: web.AppRunner | None = None

    @property
    def guilds(self) -> tuple[SimGuild, ...]:
        """The guilds the bot is in now (``add_bot_to_guild``, ``remove_bot_from_guild``)."""
        return self._state.world.guilds

    async def __aenter__(self) -> DiscordSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve."""
        app = web.Application(middlewares=[self._middleware])
        for routes in (
            AppRoutes(self._state),
            MessageRoutes(self._state),
            InteractionRoutes(self._state),
        ):
            routes.register(app, API_PREFIX)
        app.router.add_get("/gateway", self._gateway.handle)
        app.router.add_get("/gateway/", self._gateway.handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self._state.base_url = f"http://127.0.0.1:{port}"
        self._gateway.url = f"ws://127.0.0.1:{port}/gateway"

    async def aclose(self) -> None:
        """Close gateway sockets and the server (close the client first)."""
        await self._gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        """REST base for ``discord.http.Route.BASE``, e.g. ``http://127.0.0.1:PORT/api/v10``."""
        return self._state.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Websocket URL for ``DiscordWebSocket.DEFAULT_GATEWAY`` (wrap it in ``yarl.URL``)."""
        return self._gateway.url

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        path = request.path.removeprefix(API_PREFIX)
        record = RecordedRequest(request.method, path, dict(request.query))
        self._state.in_flight[id(request)] = record
        is_api = request.path.startswith(API_PREFIX + "/")
        if is_api:
            self._state.requests.append(record)
        try:
            if (
                is_api
                and not path.startswith(UNAUTHENTICATED)
                and (request.headers.get("Authorization") != f"Bot {self.token}")
            ):
                response: web.StreamResponse = error_response(401, 0, "401: Unauthorized")
            elif is_api and (fault := self._state.faults.take(request.method, path)):
                if fault.lose_answer:
                    await handler(request)
                    if request.transport is not None:
                        request.transport.abort()  # the client never gets the answer
                response = fault.response()
            else:
                response = await handler(request)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
            log.warning("simulated Discord has no route %s %s", request.method, request.path)
            self._state.unhandled.append(record)
            response = error_response(404, 0, "404: Not Found")
        except Exception as error:  # a bug in the simulator: fail the waiting test now
            log.exception("simulated Discord failed on %s %s", request.method, request.path)
            self._feed.fail(error)
            response = error_response(400, 0, f"simulator error: {error!r}")
        finally:
            self._state.in_flight.pop(id(request), None)
        record.status = response.status
        self._feed.notify()
        return response
