"""The simulated Discord gateway websocket: HELLO, heartbeats, IDENTIFY/READY, RESUME, dispatches.

One session at a time. Every dispatch gets the next sequence number and is kept in the
session's log; when the client RESUMEs (after op 7 RECONNECT or a dropped socket) the
events after the sequence it reports are replayed, then RESUMED is sent, so no event is
lost or doubled across a reconnect, as with real Discord. Frames are plain JSON text:
discord.py parses text frames as JSON whatever compression it asked for.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord
from aiohttp import WSMsgType, web

from tests.simulators.discord.records import DispatchRecord, IdentifyRecord, ResumeRecord

if TYPE_CHECKING:
    from tests.simulators.discord.waiting import ChangeFeed
    from tests.simulators.discord.world import SimGuild, World

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]

GUILD_MEMBERS = discord.Intents(members=True).value


@dataclass
class _Session:
    session_id: str
    intents: int
    log: list[JsonDict] = field(default_factory=list)

    def append(self, event: str, data: JsonDict) -> JsonDict:
        frame = {"op": 0, "t": event, "s": len(self.log) + 1, "d": data}
        self.log.append(frame)
        return frame


class Gateway:
    """Serves ``/gateway`` for one discord.py client at a time; see the module docstring."""

    def __init__(
        self,
        *,
        world: World,
        feed: ChangeFeed,
        token: str,
        application_id: int,
        heartbeat_interval: float,
    ) -> None:
        self.url = ""
        """The websocket URL (set when the simulator starts); READY's resume_gateway_url."""
        self.identifies: list[IdentifyRecord] = []
        self.resumes: list[ResumeRecord] = []
        self.dispatches: list[DispatchRecord] = []
        self.heartbeats = 0
        self._world = world
        self._feed = feed
        self._token = token
        self._application_id = application_id
        self._heartbeat_interval = heartbeat_interval
        self._session: _Session | None = None
        self._live: web.WebSocketResponse | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._send_lock = asyncio.Lock()

    @property
    def intents(self) -> int:
        """The intents of the current session (0 before IDENTIFY)."""
        return self._session.intents if self._session else 0

    @property
    def connected(self) -> bool:
        """True while a socket has an identified or resumed session."""
        return self._live is not None and not self._live.closed

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.add(socket)
        try:
            hello = {"heartbeat_interval": int(self._heartbeat_interval * 1000)}
            await self._send(socket, {"op": 10, "s": None, "t": None, "d": hello})
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._on_frame(socket, json.loads(message.data))
        finally:
            self._sockets.discard(socket)
            if self._live is socket:
                self._live = None
            self._feed.notify()
        return socket

    async def _on_frame(self, socket: web.WebSocketResponse, frame: JsonDict) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            self.heartbeats += 1
            await self._send(socket, {"op": 11, "s": None, "t": None, "d": None})
        elif op == 2:
            await self._identify(socket, data or {})
        elif op == 6:
            await self._resume(socket, data or {})
        elif op == 8:
            await self._member_chunk(data or {})
        else:
            log.debug("gateway ignores op %s", op)
        self._feed.notify()

    async def _identify(self, socket: web.WebSocketResponse, data: JsonDict) -> None:
        if data.get("token") != self._token:
            await socket.close(code=4004, message=b"Authentication failed.")
            return
        session = _Session(session_id=secrets.token_hex(16), intents=int(data.get("intents", 0)))
        async with self._send_lock:
            self._session = session
            ready = {
                "v": 10,
                "user": {**self._world.bot.payload(), "verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in self._world.guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": self.url,
                "application": {"id": str(self._application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
            }
            await self._send(socket, session.append("READY", ready))
            for guild in self._world.guilds:
                payload = self._guild_create(guild, session)
                await self._send(socket, session.append("GUILD_CREATE", payload))
            self._live = socket
        self.identifies.append(IdentifyRecord(session.session_id, session.intents, data["token"]))

    def guild_create(self, guild: SimGuild) -> JsonDict:
        """The GUILD_CREATE payload for ``guild`` as the current session sees it."""
        if self._session is None:
            raise RuntimeError("no gateway session yet: await sim.wait_ready() first")
        return self._guild_create(guild, self._session)

    def _guild_create(self, guild: SimGuild, session: _Session) -> JsonDict:
        return self._world.guild_create_payload(
            guild, with_humans=bool(session.intents & GUILD_MEMBERS)
        )

    async def _resume(self, socket: web.WebSocketResponse, data: JsonDict) -> None:
        session = self._session
        if session is None or data.get("session_id") != session.session_id:
            await self._send(socket, {"op": 9, "s": None, "t": None, "d": False})
            return
        client_seq = data.get("seq")
        async with self._send_lock:
            missed = [f for f in session.log if client_seq is None or f["s"] > client_seq]
            for frame in missed:
                await self._send(socket, frame)
            await self._send(socket, session.append("RESUMED", {}))
            self._live = socket
        self.resumes.append(ResumeRecord(session.session_id, client_seq, len(missed)))

    async def _member_chunk(self, data: JsonDict) -> None:
        guild = self._world.guild(int(data["guild_id"]))
        people = [self._world.bot, *(guild.members if self.intents & GUILD_MEMBERS else ())]
        chunk = {
            "guild_id": str(guild.id),
            "members": [self._world.member_payload(guild, user) for user in people],
            "chunk_index": 0,
            "chunk_count": 1,
            "nonce": data.get("nonce"),
        }
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def _send(self, socket: web.WebSocketResponse, frame: JsonDict) -> bool:
        try:
            await socket.send_str(json.dumps(frame))
        except (ConnectionError, RuntimeError):
            return False  # the socket is going away; the frame stays in the log for RESUME
        return True

    async def dispatch(self, event: str, data: JsonDict, *, intent: int = 0) -> DispatchRecord:
        """Send ``event`` now, or keep it for replay if the client is reconnecting.

        With ``intent`` set, the event is withheld (``seq`` None) unless the session asked
        for that intent, as Discord does. Raises RuntimeError before the first IDENTIFY.
        """
        session = self._session
        if session is None:
            raise RuntimeError("no gateway session yet: await sim.wait_ready() first")
        if intent and not session.intents & intent:
            record = DispatchRecord(event, None, data)
        else:
            async with self._send_lock:
                frame = session.append(event, data)
                if self._live is not None and not await self._send(self._live, frame):
                    self._live = None
            record = DispatchRecord(event, frame["s"], data)
        self.dispatches.append(record)
        self._feed.notify()
        return record

    async def send_op(self, op: int, data: Any) -> None:
        """Send a raw non-dispatch opcode to the live socket; the socket stops being live."""
        socket = self._live
        if socket is None:
            raise RuntimeError("no live gateway connection")
        self._live = None
        await self._send(socket, {"op": op, "s": None, "t": None, "d": data})
        if op == 9 and data is False:
            self._session = None

    async def close(self) -> None:
        """Close every socket (the simulator is shutting down)."""
        for socket in list(self._sockets):
            await socket.close(code=1001, message=b"simulator shutting down")
