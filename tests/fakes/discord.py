"""A loopback Discord (REST API + gateway websocket) for testing the real discord.py client.

Usage::

    async with DiscordSimulator() as sim, discord_urls(sim):      # see discord_client.py
        client = MyClient(intents=..., guild_ready_timeout=0.05)
        async with running_client(client, sim):                     # fails fast if it dies
            interaction = await sim.send_slash_command("papers", "search", options={"query": "x"})
            reply = await sim.interaction_response(interaction)

The server binds 127.0.0.1 on a free port. discord.py reaches it through its two URL knobs,
``discord.http.Route.BASE = sim.api_url`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sim.gateway_url)``.
What real Discord refuses, the simulator refuses the same way and records as a violation;
every wait has a timeout; see the README of each part in its module docstring.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from tests.fakes.discord_app_routes import AppRoutes
from tests.fakes.discord_gateway import Gateway
from tests.fakes.discord_http import Fault, error_response
from tests.fakes.discord_interaction_routes import InteractionRoutes
from tests.fakes.discord_interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    InteractionFactory,
    OptionValue,
)
from tests.fakes.discord_message_routes import DM_REACTIONS, GUILD_REACTIONS, MessageRoutes
from tests.fakes.discord_records import (
    CommandSync,
    DispatchRecord,
    IdentifyRecord,
    InteractionReply,
    RecordedRequest,
    ResumeRecord,
    SentMessage,
    SimInteraction,
    Violation,
)
from tests.fakes.discord_state import SimState, parse_emoji
from tests.fakes.discord_waiting import ChangeFeed
from tests.fakes.discord_world import SimGuild, SimUser, World, default_bot, default_guild

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

log = logging.getLogger(__name__)

T = TypeVar("T")
JsonDict = dict[str, Any]

API_PREFIX = "/api/v10"
UNAUTHENTICATED = ("/interactions/", "/webhooks/")


class DiscordSimulator:
    """The simulated Discord; an async context manager (``start``/``aclose``).

    ``guilds`` defaults to one guild, ``default_guild()`` ("Paper Lab": channels papers,
    general, read-only, no-embeds; members alice, bob). The bot user's id is the application id.
    ``heartbeat_interval`` is what HELLO announces (seconds); ``interaction_deadline`` is the
    time allowed to answer an interaction; ``timeout`` is the default of every wait.
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
    ) -> None:
        self.token = token
        self.bot = bot or default_bot()
        self.application_id = self.bot.id
        self.guilds = tuple(guilds if guilds is not None else (default_guild(),))
        self.guild = self.guilds[0]
        self.timeout = timeout
        self._feed = ChangeFeed()
        world = World(bot=self.bot, guilds=self.guilds)
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
        self._interactions = InteractionFactory(self._state)
        self._runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------

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

    # -- records ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request, in order, with path below the API base and status answered."""
        return self._state.requests

    @property
    def unhandled(self) -> list[RecordedRequest]:
        """Requests to routes the simulator does not serve (answered 404)."""
        return self._state.unhandled

    @property
    def violations(self) -> list[Violation]:
        """Requests refused as real Discord would refuse them (limits, late or double answers)."""
        return self._state.violations

    @property
    def command_syncs(self) -> list[CommandSync]:
        return self._state.command_syncs

    @property
    def identifies(self) -> list[IdentifyRecord]:
        return self._gateway.identifies

    @property
    def resumes(self) -> list[ResumeRecord]:
        return self._gateway.resumes

    @property
    def dispatches(self) -> list[DispatchRecord]:
        """Every gateway event sent by a helper or by REST side effects (not READY/GUILD_CREATE)."""
        return self._gateway.dispatches

    @property
    def heartbeats(self) -> int:
        return self._gateway.heartbeats

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """Recorded requests with this method and exact path (e.g. ``/channels/1/messages``)."""
        return [r for r in self._state.requests if r.method == method and r.path == path]

    def messages(
        self, channel_id: int, *, ephemeral: bool | None = None, include_deleted: bool = False
    ) -> list[SentMessage]:
        """Bot messages in a channel, oldest first; ``ephemeral`` filters when not None."""
        return [
            m
            for m in self._state.messages.get(channel_id, [])
            if (ephemeral is None or m.ephemeral == ephemeral)
            and (include_deleted or not m.deleted)
        ]

    def dm_channel_id(self, user_id: int) -> int | None:
        """The DM channel the bot opened with ``user_id``, if any."""
        return self._state.dm_channels.get(user_id)

    def dm_messages(self, user_id: int) -> list[SentMessage]:
        channel_id = self.dm_channel_id(user_id)
        return [] if channel_id is None else self.messages(channel_id)

    def find_message(self, message_id: int) -> SentMessage | None:
        return self._state.find_message(message_id)

    def interaction(self, interaction_id: int) -> SimInteraction:
        return self._state.interactions[interaction_id]

    def synced_commands(self, guild_id: int | None = None) -> list[JsonDict]:
        """The last synced command list for a guild (None: global), with ids."""
        return self._state.latest_commands(guild_id)

    def pending_faults(self) -> list[Fault]:
        return self._state.faults.pending()

    # -- waiting ---------------------------------------------------------------------------

    def watch_client(self, task: Any) -> None:
        """Every wait raises ClientTaskEnded as soon as ``task`` (running ``client.start``) ends."""
        self._feed.watch(task)

    def unwatch_client(self, task: Any) -> None:
        self._feed.unwatch(task)

    async def wait_for(
        self,
        check: Callable[[], T | None],
        *,
        what: str | Callable[[], str],
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> T:
        """The first non-None ``check()``, re-evaluated whenever the simulator records something."""
        return await self._feed.wait_until(check, timeout=timeout or self.timeout, what=what)

    async def guard(self, awaitable: Awaitable[T], *, what: str, timeout: float | None = None) -> T:  # noqa: ASYNC109
        """Await anything (e.g. an event the test client sets) under the same fail-fast rules."""
        return await self._feed.guard(awaitable, timeout=timeout or self.timeout, what=what)

    async def wait_ready(self, *, timeout: float | None = None) -> IdentifyRecord:  # noqa: ASYNC109
        """Wait until a client has identified and received READY and every GUILD_CREATE."""

        def ready() -> IdentifyRecord | None:
            ok = self._gateway.identifies and self._gateway.connected
            return self._gateway.identifies[-1] if ok else None

        return await self.wait_for(ready, what="the client to IDENTIFY", timeout=timeout)

    async def wait_for_command_sync(
        self,
        *,
        guild_id: int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> CommandSync:
        """The latest command sync for ``guild_id`` (None: global), waiting for one if needed."""

        def synced() -> CommandSync | None:
            found = [s for s in self._state.command_syncs if s.guild_id == guild_id]
            return found[-1] if found else None

        return await self.wait_for(
            synced, what=f"a command sync (guild {guild_id})", timeout=timeout
        )

    async def wait_for_message(
        self,
        channel_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> SentMessage:
        """The first (oldest) message in the channel matching ``predicate`` (any, if None)."""

        def found() -> SentMessage | None:
            return next(
                (m for m in self.messages(channel_id) if not predicate or predicate(m)), None
            )

        return await self.wait_for(
            found,
            what=lambda: f"a message in {channel_id}; have {self.messages(channel_id)}",
            timeout=timeout,
        )

    async def wait_for_messages(
        self,
        channel_id: int,
        count: int,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """The first ``count`` messages of a channel, once there are that many."""

        def enough() -> list[SentMessage] | None:
            found = self.messages(channel_id)
            return found[:count] if len(found) >= count else None

        return await self.wait_for(
            enough, what=f"{count} messages in {channel_id}", timeout=timeout
        )

    async def wait_for_dm(self, user_id: int, *, timeout: float | None = None) -> SentMessage:  # noqa: ASYNC109
        """The first DM the bot sent to ``user_id``."""

        def found() -> SentMessage | None:
            return next(iter(self.dm_messages(user_id)), None)

        return await self.wait_for(found, what=f"a DM to {user_id}", timeout=timeout)

    async def interaction_replies(
        self,
        interaction: SimInteraction | int,
        count: int = 1,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[InteractionReply]:
        """All replies to the interaction so far, once it has at least ``count``."""
        target = (
            interaction
            if isinstance(interaction, SimInteraction)
            else self.interaction(interaction)
        )

        def enough() -> list[InteractionReply] | None:
            return list(target.replies) if len(target.replies) >= count else None

        return await self.wait_for(
            enough, what=f"{count} replies to interaction {target.id}", timeout=timeout
        )

    async def interaction_response(
        self,
        interaction: SimInteraction | int,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> InteractionReply:
        """The callback (first reply) of the interaction."""
        return (await self.interaction_replies(interaction, 1, timeout=timeout))[0]

    # -- gateway events --------------------------------------------------------------------

    def _default_channel(self, channel_id: int | None) -> int:
        return channel_id if channel_id is not None else self.guild.channels[0].id

    def _default_user(self, user_id: int | None) -> int:
        return user_id if user_id is not None else self.guild.members[0].id

    async def _send_interaction(self, interaction: SimInteraction) -> SimInteraction:
        await self._gateway.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def send_slash_command(
        self,
        name: str,
        *subcommands: str,
        options: Mapping[str, OptionValue] | None = None,
        user_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
    ) -> SimInteraction:
        """Dispatch ``/name subcommands... options`` (type 2); discord_interactions lists checks."""
        channel = self._default_channel(channel_id)
        found = self._state.world.find_channel(channel)
        data = self._interactions.command_data(
            name, subcommands, options or {}, guild_id=found[0].id if found else 0, focused=None
        )
        return await self._send_interaction(
            self._interactions.envelope(
                kind=APPLICATION_COMMAND,
                data=data,
                channel_id=channel,
                user_id=self._default_user(user_id),
                locale=locale,
            )
        )

    async def send_autocomplete(
        self,
        name: str,
        *subcommands: str,
        focused: str,
        options: Mapping[str, OptionValue],
        user_id: int | None = None,
        channel_id: int | None = None,
    ) -> SimInteraction:
        """Dispatch an autocomplete request (type 4) while the user types option ``focused``."""
        channel = self._default_channel(channel_id)
        found = self._state.world.find_channel(channel)
        data = self._interactions.command_data(
            name, subcommands, options, guild_id=found[0].id if found else 0, focused=focused
        )
        return await self._send_interaction(
            self._interactions.envelope(
                kind=AUTOCOMPLETE,
                data=data,
                channel_id=channel,
                user_id=self._default_user(user_id),
            )
        )

    async def click_button(
        self,
        message_id: int,
        custom_id: str,
        *,
        user_id: int | None = None,
        values: Sequence[str] = (),
    ) -> SimInteraction:
        """Dispatch a component interaction (type 3) for ``custom_id`` on a stored bot message."""
        message = self._state.find_message(message_id)
        if message is None:
            raise LookupError(f"no stored bot message {message_id}")
        data = self._interactions.component_data(message, custom_id, values)
        return await self._send_interaction(
            self._interactions.envelope(
                kind=MESSAGE_COMPONENT,
                data=data,
                channel_id=message.channel_id,
                user_id=self._default_user(user_id),
                message=message,
            )
        )

    async def _reaction(
        self, channel_id: int, message_id: int, emoji: str, user_id: int | None, *, added: bool
    ) -> DispatchRecord:
        data = self._state.reaction_event(
            channel_id=channel_id,
            message_id=message_id,
            user_id=self._default_user(user_id),
            emoji=parse_emoji(emoji),
            added=added,
        )
        intent = GUILD_REACTIONS if "guild_id" in data else DM_REACTIONS
        event = "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE"
        return await self._gateway.dispatch(event, data, intent=intent)

    async def add_reaction(
        self, channel_id: int, message_id: int, emoji: str = "🔖", *, user_id: int | None = None
    ) -> DispatchRecord:
        """A user adds ``emoji`` (unicode, or ``name:id`` for a custom emoji) to a message.

        Withheld (``seq`` None) unless the client asked for the reactions intent.
        """
        return await self._reaction(channel_id, message_id, emoji, user_id, added=True)

    async def remove_reaction(
        self, channel_id: int, message_id: int, emoji: str = "🔖", *, user_id: int | None = None
    ) -> DispatchRecord:
        """A user removes their reaction (no ``member`` in the event, as on Discord)."""
        return await self._reaction(channel_id, message_id, emoji, user_id, added=False)

    async def dispatch(self, event: str, data: JsonDict) -> DispatchRecord:
        """Send any gateway event as given (no checks: malformed payloads are allowed)."""
        return await self._gateway.dispatch(event, data)

    async def dispatch_malformed(self) -> DispatchRecord:
        """A MESSAGE_REACTION_ADD without ``emoji``: discord.py's client task dies with KeyError."""
        channel = self.guild.channels[0].id
        data = {
            "user_id": str(self._default_user(None)),
            "channel_id": str(channel),
            "message_id": "1",
            "guild_id": str(self.guild.id),
            "type": 0,
        }
        return await self._gateway.dispatch("MESSAGE_REACTION_ADD", data)

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT; events dispatched until the client RESUMEs are replayed then."""
        await self._gateway.send_op(7, None)

    async def wait_resumed(self, count: int = 1, *, timeout: float | None = None) -> ResumeRecord:  # noqa: ASYNC109
        """Wait until ``count`` RESUMEs happened in all and the socket is live again."""

        def resumed() -> ResumeRecord | None:
            done = len(self._gateway.resumes) >= count and self._gateway.connected
            return self._gateway.resumes[-1] if done else None

        return await self.wait_for(resumed, what=f"RESUME number {count}", timeout=timeout)

    async def reconnect(self, *, timeout: float | None = None) -> ResumeRecord:  # noqa: ASYNC109
        """Send op 7 RECONNECT and wait until the client has RESUMEd."""
        count = len(self._gateway.resumes) + 1
        await self.send_reconnect()
        return await self.wait_resumed(count, timeout=timeout)

    async def invalidate_session(self, *, timeout: float | None = None) -> IdentifyRecord:  # noqa: ASYNC109
        """Send op 9 (not resumable) and wait for the client to IDENTIFY a new session."""
        before = len(self._gateway.identifies)
        await self._gateway.send_op(9, False)

        def identified() -> IdentifyRecord | None:
            done = len(self._gateway.identifies) > before and self._gateway.connected
            return self._gateway.identifies[-1] if done else None

        return await self.wait_for(identified, what="a new IDENTIFY after op 9", timeout=timeout)

    # -- faults ----------------------------------------------------------------------------

    def rate_limit(
        self,
        method: str,
        path: str,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> None:
        """The next ``times`` matching requests get 429 with ``Via`` and ``retry_after``.

        ``path`` is below the API base and may use ``*`` (e.g. ``/channels/*/messages``).
        discord.py sleeps ``retry_after`` and retries, so the request succeeds once.
        """
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        self._state.faults.add(Fault(method, path, times, 429, body, headers))

    def fail(
        self, method: str, path: str, *, status: int, code: int, message: str, times: int = 1
    ) -> None:
        """The next ``times`` matching requests get ``status`` with a Discord error body."""
        self._state.faults.add(
            Fault(method, path, times, status, {"code": code, "message": message})
        )

    def deny_channel(self, channel_id: int, *, code: int = 50013) -> None:
        """Posts to the channel get 403: 50013 Missing Permissions or 50001 Missing Access."""
        self._state.denied_channels[channel_id] = code

    def allow_channel(self, channel_id: int) -> None:
        self._state.denied_channels.pop(channel_id, None)

    def refuse_dms(self, user_id: int | None = None) -> None:
        """DMs to ``user_id`` (None: everyone) get 403 50007 Cannot send messages to this user."""
        if user_id is None:
            self._state.refuse_all_dms = True
        else:
            self._state.dm_refusals.add(user_id)
