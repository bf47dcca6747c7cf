"""aiohttp's low-level `web.Server`, with what an open port needs and aiohttp does not give.

- A deadline for a new connection's first request head (request line and headers),
  counted from when it opened: one that sends nothing, or its headers slowly or a byte at
  a time, is closed when it passes. aiohttp's `keepalive_timeout` covers the wait for each
  later request on a kept-alive connection (an answer starts it; only a whole request head
  stops it), but older releases do not start it for a connection's first request.
- A cap on open connections: one more is answered 503 and closed at once.
- One short line in the log where aiohttp logs a traceback, as it does for every
  malformed request; the line quotes nothing from the request but its first line of
  aiohttp's complaint, with control characters escaped.
- Bodies are read as sent (`auto_decompress=False`): a signature covers the bytes on the
  wire, and nothing is inflated before it is checked.

Everything else (parsing, keep-alive, draining a refused body for `lingering_time`) is
aiohttp's own, through its public `Server`, `RequestHandler` and `request_factory` hooks.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.http_parser import RawRequestMessage
from aiohttp.streams import StreamReader

log = logging.getLogger(__name__)

TURNED_AWAY = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
)
MAX_LOGGED_CHARS = 60


class GuardedServer(web.Server):
    def __init__(
        self,
        handler: Callable[[web.BaseRequest], Awaitable[web.StreamResponse]],
        *,
        max_connections: int,
        header_timeout: float,
        idle_timeout: float,
        drain_timeout: float,
        max_body_bytes: int,
    ) -> None:
        super().__init__(handler, request_factory=self._request_head_arrived)
        self._event_loop = asyncio.get_running_loop()
        self._max_connections = max_connections
        self._header_timeout = header_timeout
        self._max_body_bytes = max_body_bytes
        self._handler_options: dict[str, Any] = {
            "keepalive_timeout": idle_timeout,
            "lingering_time": drain_timeout,
            "auto_decompress": False,
            "access_log": None,
        }
        # Weak: a connection the event loop dropped between accepting it and
        # `connection_made` (so never `connection_lost` either) stops counting once collected.
        self._open: weakref.WeakSet[web.RequestHandler] = weakref.WeakSet()
        self._head_deadlines: dict[web.RequestHandler, asyncio.TimerHandle] = {}
        self._turning_away = False

    def __call__(self) -> web.RequestHandler:
        """The protocol for one accepted connection (counted from here: several connections
        can be accepted before the first of them is `connection_made`)."""
        if len(self._open) >= self._max_connections:
            if not self._turning_away:  # one line per crowd, not one per connection
                log.warning(
                    "HTTP mode: %d connections open (slack.http_max_connections); "
                    "answering 503 to new ones",
                    len(self._open),
                )
                self._turning_away = True
            return _TurnAway(self, loop=self._event_loop)
        self._turning_away = False
        handler = _OneLineErrors(self, loop=self._event_loop, **self._handler_options)
        self._open.add(handler)
        return handler

    def connection_made(self, handler: web.RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        self._head_deadlines[handler] = self._event_loop.call_later(
            self._header_timeout, self._head_overdue, handler
        )

    def connection_lost(
        self, handler: web.RequestHandler, exc: BaseException | None = None
    ) -> None:
        self._cancel_head_deadline(handler)
        self._open.discard(handler)
        super().connection_lost(handler, exc)

    def _request_head_arrived(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: web.RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
    ) -> web.BaseRequest:
        self._cancel_head_deadline(protocol)
        return web.BaseRequest(
            message,
            payload,
            protocol,
            writer,
            task,
            self._event_loop,
            client_max_size=self._max_body_bytes,
        )

    def _head_overdue(self, handler: web.RequestHandler) -> None:
        self._head_deadlines.pop(handler, None)
        log.debug("closed a connection that sent no request head in %gs", self._header_timeout)
        handler.force_close()

    def _cancel_head_deadline(self, handler: web.RequestHandler) -> None:
        deadline = self._head_deadlines.pop(handler, None)
        if deadline is not None:
            deadline.cancel()


class _TurnAway(web.RequestHandler):
    """A connection past the cap: answered 503 and closed, never parsed nor counted."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        stream = cast(asyncio.Transport, transport)  # a TCP server's transports are streams
        stream.write(TURNED_AWAY)
        stream.close()  # after the 503 is flushed

    def data_received(self, data: bytes) -> None:
        pass

    def connection_lost(self, exc: BaseException | None) -> None:
        pass


class _OneLineErrors(web.RequestHandler):
    def log_exception(self, *args: Any, **kw: Any) -> None:
        """aiohttp calls this with a traceback (`exc_info`) for a malformed request, as for
        an exception from a handler; anyone can send the first, so it takes one line."""
        error = kw.get("exc_info")
        if not args:
            what = "HTTP error"
        else:
            what = printable(str(args[0]) % args[1:] if len(args) > 1 else str(args[0]))
        if isinstance(error, HttpProcessingError):
            log.info("%s: %s", what, printable(first_line(error.message)))
            return
        log.error("%s: %s", what, printable(first_line(repr(error))))
        log.debug("the error above, in full", exc_info=error)


def first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def printable(text: str) -> str:
    """At most MAX_LOGGED_CHARS, control characters escaped (a newline cannot start a line)."""
    cut = text[:MAX_LOGGED_CHARS]
    shown = "".join(char if char.isprintable() else ascii(char)[1:-1] for char in cut)
    return shown + ("…" if len(text) > MAX_LOGGED_CHARS else "")
