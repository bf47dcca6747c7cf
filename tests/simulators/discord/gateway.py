"""The simulated Discord gateway websocket: HELLO, heartbeats, IDENTIFY/READY, RESUME, dispatches.

One session per shard. IDENTIFY with ``shard: [id, count]`` opens the session of shard
``id`` (without it, shard 0 of 1): it gets READY and GUILD_CREATE for, and later events
of, only the guilds with ``(guild_id >> 22) % count == id``, as on Discord; DMs go to
shard 0. A new IDENTIFY for a shard replaces that shard's session.

Every dispatch gets the next sequence number of its session and is kept in the
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


GUILD_EVENTS = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE")
"""Events whose ``id`` (not ``guild_id``) is the guild's."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a guild's events go to (Discord's formula)."""
    return (guild_id >> 22) % shard_count


def guild_of(event: str, data: JsonDict) -> int | None:
    """The guild an event is about, if any (None: a DM or an event about no guild)."""
    raw = data.get("id") if event in GUILD_EVENTS else data.get("guild_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


@dataclass
class _Session:
    session_id: str
    intents: int
    shard_id: int = 0
    shard_count: int = 1
    log: list[JsonDict] = field(default_factory=list)
    live: web.WebSocketResponse | None = None  # the socket events go to; None while away

    def owns(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id

    def append(self, event: str, data: JsonDict) -> JsonDict:
        frame = {"op": 0, "t": event, "s": len(self.log) + 1, "d": data}
        self.log.append(frame)
        return frame


class Gateway:
    """Serves ``/gateway``: one session per shard; see the module docstring."""

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
        self.recommended_shards = 1
        """What GET /gateway/bot answers in ``shards``."""
        self._sessions: dict[int, _Session] = {}  # shard id -> its current session
        self._latest: _Session | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._send_lock = asyncio.Lock()

    @property
    def intents(self) -> int:
        """The intents of the newest session (0 before IDENTIFY)."""
        return self._latest.intents if self._latest else 0

    def intents_for(self, guild_id: int | None) -> int:
        """The intents of the session that gets events of ``guild_id`` (0 if none does)."""
        session = self._owner(guild_id)
        return session.intents if session else 0

    @property
    def connected(self) -> bool:
        """True while a socket has an identified or resumed session (any shard)."""
        return any(_is_live(s) for s in self._sessions.values())

    def live_shards(self) -> dict[int, int]:
        """Shard id -> shard count, for every session whose socket is live."""
        return {s.shard_id: s.shard_count for s in self._sessions.values() if _is_live(s)}

    def _owner(self, guild_id: int | None) -> _Session | None:
        for session in self._sessions.values():
            if session.owns(guild_id):
                return session
        return None

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
            for session in self._sessions.values():
                if session.live is socket:
                    session.live = None
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
        shard = data.get("shard") or [0, 1]
        shard_id, shard_count = int(shard[0]), int(shard[1])
        if shard_count < 1 or not 0 <= shard_id < shard_count:
            await socket.close(code=4010, message=b"Invalid shard.")
            return
        session = _Session(
            session_id=secrets.token_hex(16),
            intents=int(data.get("intents", 0)),
            shard_id=shard_id,
            shard_count=shard_count,
        )
        guilds = [g for g in self._world.guilds if session.owns(g.id)]
        async with self._send_lock:
            # Sessions sharded another way are from an earlier run of the client: forget them,
            # so no event is routed to a session nobody will resume.
            for stale in [s for s in self._sessions.values() if s.shard_count != shard_count]:
                del self._sessions[stale.shard_id]
            self._sessions[shard_id] = self._latest = session
            ready = {
                "v": 10,
                "user": {**self._world.bot.payload(), "verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": self.url,
                "application": {"id": str(self._application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
            }
            if "shard" in data:
                ready["shard"] = [shard_id, shard_count]
            await self._send(socket, session.append("READY", ready))
            for guild in guilds:
                payload = self._guild_create(guild, session)
                await self._send(socket, session.append("GUILD_CREATE", payload))
            session.live = socket
        self.identifies.append(
            IdentifyRecord(
                session.session_id, session.intents, data["token"], shard_id, shard_count
            )
        )

    def guild_create(self, guild: SimGuild) -> JsonDict:
        """The GUILD_CREATE payload for ``guild`` as the session of its shard sees it."""
        session = self._owner(guild.id)
        if session is None:
            raise RuntimeError(f"no gateway session for guild {guild.id}'s shard yet")
        return self._guild_create(guild, session)

    def _guild_create(self, guild: SimGuild, session: _Session) -> JsonDict:
        return self._world.guild_create_payload(
            guild, with_humans=bool(session.intents & GUILD_MEMBERS)
        )

    async def _resume(self, socket: web.WebSocketResponse, data: JsonDict) -> None:
        session = next(
            (s for s in self._sessions.values() if s.session_id == data.get("session_id")), None
        )
        if session is None:
            await self._send(socket, {"op": 9, "s": None, "t": None, "d": False})
            return
        client_seq = data.get("seq")
        async with self._send_lock:
            missed = [f for f in session.log if client_seq is None or f["s"] > client_seq]
            for frame in missed:
                await self._send(socket, frame)
            await self._send(socket, session.append("RESUMED", {}))
            session.live = socket
        self.resumes.append(ResumeRecord(session.session_id, client_seq, len(missed)))

    async def _member_chunk(self, data: JsonDict) -> None:
        guild = self._world.guild(int(data["guild_id"]))
        asked = self.intents_for(guild.id) & GUILD_MEMBERS
        people = [self._world.bot, *(guild.members if asked else ())]
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

    async def dispatch(
        self, event: str, data: JsonDict, *, intent: int = 0, guild_id: int | None = None
    ) -> DispatchRecord:
        """Send ``event`` to the shard of its guild now, or keep it for replay if that shard
        is reconnecting.

        The guild is ``guild_id`` or the event's own (``guild_id``, or ``id`` for GUILD_*);
        none (a DM) goes to shard 0. With ``intent`` set, the event is withheld (``seq``
        None) unless that session asked for the intent, as Discord does; so is an event
        for a shard no client has opened. Raises RuntimeError before the first IDENTIFY.
        """
        if not self._sessions:
            raise RuntimeError("no gateway session yet: await sim.wait_ready() first")
        target = guild_id if guild_id is not None else guild_of(event, data)
        session = self._owner(target)
        if session is None or (intent and not session.intents & intent):
            record = DispatchRecord(event, None, data, session.shard_id if session else None)
        else:
            async with self._send_lock:
                frame = session.append(event, data)
                if session.live is not None and not await self._send(session.live, frame):
                    session.live = None
            record = DispatchRecord(event, frame["s"], data, session.shard_id)
        self.dispatches.append(record)
        self._feed.notify()
        return record

    async def send_op(self, op: int, data: Any, *, shard_id: int | None = None) -> None:
        """Send a raw non-dispatch opcode to a live socket (``shard_id``'s, default: the newest
        session's); that socket stops being live."""
        session = self._latest if shard_id is None else self._sessions.get(shard_id)
        socket = session.live if session is not None else None
        if session is None or socket is None:
            raise RuntimeError("no live gateway connection")
        session.live = None
        await self._send(socket, {"op": op, "s": None, "t": None, "d": data})
        if op == 9 and data is False:
            self._sessions.pop(session.shard_id, None)
            if self._latest is session:
                self._latest = None

    async def close(self) -> None:
        """Close every socket (the simulator is shutting down)."""
        for socket in list(self._sockets):
            await socket.close(code=1001, message=b"simulator shutting down")


def _is_live(session: _Session) -> bool:
    return session.live is not None and not session.live.closed
