"""The Socket Mode side of the simulator: one-time websocket URLs, hello, envelopes, acks."""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from .records import Ack, Envelope

if TYPE_CHECKING:
    from .waiting import Changes

log = logging.getLogger(__name__)


@dataclass
class SocketConnection:
    number: int  # 1 for the first connection opened, 2 for the next (a reconnect or a replica)
    ws: web.WebSocketResponse
    closed: bool = False
    draining: bool = False  # told to disconnect: Slack sends it nothing more
    delivered: int = 0  # envelopes sent on it


@dataclass
class _Pending:
    envelope: Envelope
    sent: float
    ack: asyncio.Future[Ack]
    connection: int


class SocketModeServer:
    """Hands out websocket URLs, keeps the connections, delivers envelopes, awaits acks.

    Like Slack with an app that opened several connections (replicas, or one client's
    spares), each envelope goes to ONE open connection, taken in turn."""

    def __init__(self, *, app_id: str, changes: Changes) -> None:
        self._app_id = app_id
        self._changes = changes
        self._tickets: set[str] = set()
        self._ticket_numbers = itertools.count(1)
        self.connections: list[SocketConnection] = []
        self.acks: list[Ack] = []
        self._pending: dict[str, collections.deque[_Pending]] = collections.defaultdict(
            collections.deque)
        self._turns = itertools.count()

    def issue_ticket(self) -> str:
        """A ticket for one websocket connection (apps.connections.open hands out one each)."""
        ticket = f"ticket-{next(self._ticket_numbers)}"
        self._tickets.add(ticket)
        return ticket

    def current(self) -> SocketConnection | None:
        """The newest open connection: the one Slack would deliver to."""
        for connection in reversed(self.connections):
            if not connection.closed:
                return connection
        return None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.json_response({"ok": False, "error": "invalid_ticket"}, status=401)
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = SocketConnection(number=len(self.connections) + 1, ws=ws)
        self.connections.append(connection)
        await ws.send_json({
            "type": "hello",
            "num_connections": sum(not c.closed for c in self.connections),
            "debug_info": {"host": "applink-sim", "build_number": 1,
                           "approximate_connection_time": 18060},
            "connection_info": {"app_id": self._app_id},
        })
        self._changes.notify()
        try:
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    self._receive(frame.data)
        finally:
            connection.closed = True
            self._changes.notify()
        return ws

    def _receive(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            log.warning("socket mode client sent a non-JSON frame: %r", data)
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        waiting = self._pending.get(envelope_id) if isinstance(envelope_id, str) else None
        if not waiting:
            log.warning("ack for no outstanding envelope: %r", data)
            return
        pending = waiting.popleft()
        payload = message.get("payload")
        ack = Ack(envelope=pending.envelope, payload=payload if isinstance(payload, dict) else None,
                  seconds=time.perf_counter() - pending.sent, connection=pending.connection)
        self.acks.append(ack)
        if not pending.ack.done():
            pending.ack.set_result(ack)
        self._changes.notify()

    def serving(self) -> list[SocketConnection]:
        """The connections Slack delivers to: open and not told to disconnect."""
        return [c for c in self.connections if not c.closed and not c.draining]

    def _next_serving(self) -> SocketConnection | None:
        serving = self.serving()
        return serving[next(self._turns) % len(serving)] if serving else None

    async def wait_for_connections(self, count: int, *, timeout: float) -> list[SocketConnection]:
        """Wait until `count` connections are serving; returns them."""
        return await self._changes.until(
            lambda: serving if len(serving := self.serving()) >= count else None,
            timeout=timeout, what=f"{count} Socket Mode connections",
            seen=lambda: f"{len(self.serving())} serving")

    async def wait_for_connection(self, *, timeout: float) -> SocketConnection:
        return await self._changes.until(
            self.current, timeout=timeout, what="a Socket Mode client to connect",
            seen=lambda: f"{len(self.connections)} connection(s), none open")

    async def deliver(self, envelope: Envelope, *, timeout: float) -> Ack:
        """Send `envelope` on one serving connection (each in turn) and return its ack.

        Raises AssertionError when no ack comes within `timeout` seconds (Slack's is 3).
        """
        connection = await self._changes.until(
            self._next_serving, timeout=timeout, what="a Socket Mode client to connect",
            seen=lambda: f"{len(self.connections)} connection(s), none serving")
        connection.delivered += 1
        pending = _Pending(envelope, time.perf_counter(),
                           asyncio.get_running_loop().create_future(), connection.number)
        self._pending[envelope.envelope_id].append(pending)
        await connection.ws.send_json(envelope.to_json())
        try:
            return await asyncio.wait_for(asyncio.shield(pending.ack), timeout)
        except TimeoutError:  # a late ack still lands in `acks`, with its real delay
            raise AssertionError(
                f"no ack for {envelope.type} envelope {envelope.envelope_id} "
                f"within {timeout:g}s") from None

    async def request_reconnect(self, *, reason: str, timeout: float) -> SocketConnection:
        """Send `disconnect` and return the new connection the client opens in answer."""
        old = await self.wait_for_connection(timeout=timeout)
        old.draining = True
        await old.ws.send_json({"type": "disconnect", "reason": reason,
                                "debug_info": {"host": "applink-sim"}})

        def reconnected() -> SocketConnection | None:
            newest = self.current()
            return newest if newest is not None and newest.number > old.number else None

        return await self._changes.until(
            reconnected, timeout=timeout, what=f"a reconnection after disconnect ({reason})",
            seen=lambda: f"{len(self.connections)} connection(s)")

    async def aclose(self) -> None:
        for connection in self.connections:
            if not connection.closed:
                await connection.ws.close()
        for waiting in self._pending.values():
            for pending in waiting:
                pending.ack.cancel()
