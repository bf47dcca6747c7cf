"""HTTP by hand over a loopback socket, for requests no polite client would send:
bytes a client library would refuse or re-encode, and connections that stall."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from tests.simulators.slack import slack_signature

HOST = "127.0.0.1"


@dataclass
class RawConnection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def until_closed(self, *, within: float) -> tuple[bytes, float]:
        """Everything the server sends until it closes the connection, and how long that
        took; fails the test if the server keeps the connection open past `within` seconds."""
        started = time.perf_counter()
        try:
            data = await asyncio.wait_for(self.reader.read(), within)
        except ConnectionResetError:
            data = b""
        except TimeoutError:
            raise AssertionError(f"the server kept the connection open for {within:g}s") from None
        finally:
            self.writer.close()
        return data, time.perf_counter() - started

    async def response_head(self) -> bytes:
        """One response's status line and headers (the connection stays open)."""
        return await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 5)

    def close(self) -> None:
        self.writer.close()


async def connect(port: int) -> RawConnection:
    reader, writer = await asyncio.open_connection(HOST, port)
    return RawConnection(reader, writer)


async def exchange(port: int, request: bytes) -> bytes:
    """Send one request (which should say `Connection: close`); the whole answer."""
    connection = await connect(port)
    try:
        await connection.send(request)
        answer, _ = await connection.until_closed(within=5)
        return answer
    finally:
        connection.close()


async def server_took_in_what_was_sent(port: int) -> None:
    """A health check on a connection of its own: once it is answered, the server has also
    read what was sent on other connections before it, and started their handlers."""
    answer = await exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status(answer) == 200


def status(answer: bytes) -> int:
    assert answer.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ")), answer[:200]
    return int(answer.split(b" ", 2)[1])


def post(path: str, body: bytes, headers: dict[str, bytes]) -> bytes:
    """A POST with a Content-Length, closing the connection after the answer."""
    lines = [f"POST {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name.encode() + b": " + value for name, value in headers.items()]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def signed_headers(
    body: bytes,
    *,
    signing_secret: str,
    timestamp: int | None = None,
    content_type: bytes = b"application/x-www-form-urlencoded",
) -> dict[str, bytes]:
    """Headers that sign these exact bytes (whatever they are) as Slack would."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(stamp).encode(),
        "X-Slack-Signature": slack_signature(signing_secret, stamp, body).encode(),
    }
