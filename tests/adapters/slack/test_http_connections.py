"""HTTP mode against connections that stall or pile up: each read has a deadline (the request
head, the body, the wait for the next request), and past `http_max_connections` a new
connection is turned away at once. Timeouts here are fractions of a second."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tests.adapters.slack.conftest import Workspace, running_workspace, slack_settings
from tests.adapters.slack.raw_http import connect, server_took_in_what_was_sent, status
from tests.simulators.slack import SlackSimulator

SHORT = 0.2  # seconds: the timeout under test
LONG = 60.0  # seconds: the timeouts not under test, out of the way
MARGIN = 3.0  # seconds of scheduling slack on a loaded machine
HEAD = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
HEALTH = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
HEALTH_THEN_CLOSE = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


@asynccontextmanager
async def http_bot(
    slack: SlackSimulator, tmp_path: Path, **limits: Any
) -> AsyncIterator[tuple[Workspace, int]]:
    """The bot in HTTP mode with these limits (the others LONG); yields it and its port."""
    values: dict[str, Any] = {
        "http_header_timeout_seconds": LONG,
        "http_body_timeout_seconds": LONG,
        "http_idle_timeout_seconds": LONG,
        **limits,
    }
    settings = slack_settings(slack, tmp_path, mode="http", **values)
    async with running_workspace(slack, settings) as workspace:
        assert workspace.adapter.http is not None
        yield workspace, workspace.adapter.http.port


async def test_a_connection_that_never_sends_is_closed_at_the_header_timeout(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    async with http_bot(slack, tmp_path, http_header_timeout_seconds=SHORT) as (_, port):
        connection = await connect(port)

        answer, seconds = await connection.until_closed(within=SHORT + MARGIN)

    assert answer == b""
    assert seconds >= SHORT * 0.9


async def test_half_sent_headers_are_closed_at_the_header_timeout(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    async with http_bot(slack, tmp_path, http_header_timeout_seconds=SHORT) as (_, port):
        connection = await connect(port)
        await connection.send(HEAD + b"Content-Type: applic")

        answer, _ = await connection.until_closed(within=SHORT + MARGIN)

    assert answer == b""


async def test_headers_trickled_a_byte_at_a_time_still_meet_the_header_timeout(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    """The deadline runs from the connection's start: fresh bytes do not extend it."""
    async with http_bot(slack, tmp_path, http_header_timeout_seconds=SHORT) as (_, port):
        connection = await connect(port)
        trickle = HEAD + b"X-Slow: " + b"a" * 1000
        sent = 0
        try:
            while sent < len(trickle) and not connection.reader.at_eof():
                await connection.send(trickle[sent : sent + 1])
                sent += 1
                await asyncio.sleep(SHORT / 10)  # pacing the sender, not waiting on the server
        except ConnectionError:
            pass

        answer, _ = await connection.until_closed(within=SHORT + MARGIN)

    assert answer == b""
    assert sent < len(trickle), "the whole trickle was taken in"


async def test_a_half_sent_body_is_answered_408_and_closed_at_the_body_timeout(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    async with http_bot(slack, tmp_path, http_body_timeout_seconds=SHORT) as (workspace, port):
        connection = await connect(port)
        await connection.send(HEAD + b"Content-Length: 1000\r\n\r\ncommand=%2Fpapers")

        # The body's deadline, then as long again to drain what is still coming in.
        answer, _ = await connection.until_closed(within=2 * SHORT + MARGIN)

    assert status(answer) == 408
    assert workspace.slack.responses() == []


async def test_a_body_garbled_after_its_head_is_answered_408_at_the_body_timeout(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    """aiohttp's parser stops at the bad chunk; the handler would wait for the rest forever."""
    async with http_bot(slack, tmp_path, http_body_timeout_seconds=SHORT) as (_, port):
        connection = await connect(port)
        await connection.send(HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        await server_took_in_what_was_sent(port)
        await connection.send(b"zz\r\nnot a chunk\r\n0\r\n\r\n")

        answer, _ = await connection.until_closed(within=2 * SHORT + MARGIN)

    assert status(answer) == 408


async def test_an_idle_kept_alive_connection_is_closed_at_the_idle_timeout(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    async with http_bot(slack, tmp_path, http_idle_timeout_seconds=SHORT) as (_, port):
        connection = await connect(port)
        await connection.send(HEALTH)
        head = await connection.response_head()
        assert status(head) == 200
        assert b"close" not in head.lower()  # kept alive for a next request

        rest, _ = await connection.until_closed(within=SHORT + MARGIN)

    assert rest == b"ok"


async def test_past_the_connection_cap_a_new_connection_gets_503_until_one_closes(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    async with http_bot(slack, tmp_path, http_max_connections=3) as (_, port):
        held = [await connect(port) for _ in range(3)]

        turned_away = await connect(port)
        refusal, _ = await turned_away.until_closed(within=MARGIN)

        # One of the three finishes a request and goes: there is room again.
        await held[0].send(HEALTH_THEN_CLOSE)
        await held[0].until_closed(within=MARGIN)
        welcome = await connect(port)
        await welcome.send(HEALTH_THEN_CLOSE)
        served, _ = await welcome.until_closed(within=MARGIN)
        for connection in held:
            connection.close()

    assert status(refusal) == 503
    assert status(served) == 200
