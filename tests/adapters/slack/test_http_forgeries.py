"""HTTP mode against an attacker who does not hold the signing secret (and one replaying what
Slack sent): every such request gets a short 4xx, costs at most one short log line that
never quotes the body, and runs nothing."""

from __future__ import annotations

import asyncio
import gzip
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.adapters.slack.conftest import Workspace, running_workspace, slack_settings
from tests.adapters.slack.raw_http import (
    connect,
    exchange,
    post,
    server_took_in_what_was_sent,
    signed_headers,
    status,
)
from tests.simulators.slack import SlackSimulator, signed_command

PAPER = "2407.06204"
PATH = "/slack/events"
MEGABYTE = 1_000_000
SHORT_LINE = 200  # characters: a refusal's log line is about a third of this


@pytest.fixture
async def http_workspace(slack: SlackSimulator, tmp_path: Path) -> AsyncIterator[Workspace]:
    settings = slack_settings(slack, tmp_path, mode="http", http_path=PATH)
    async with running_workspace(slack, settings) as running:
        yield running


def port_of(workspace: Workspace) -> int:
    assert workspace.adapter.http is not None
    return workspace.adapter.http.port


class Logged(logging.Handler):
    """Sets `event` when anything is logged."""

    def __init__(self) -> None:
        super().__init__()
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.event.set()


@pytest.fixture
def logged() -> Iterator[asyncio.Event]:
    handler = Logged()
    logging.getLogger().addHandler(handler)
    try:
        yield handler.event
    finally:
        logging.getLogger().removeHandler(handler)


def log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every line the log would show: messages and any traceback text."""
    return caplog.text.splitlines()


async def test_forged_megabyte_posts_cost_one_short_log_line_each_and_never_the_body(
    http_workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    slack = http_workspace.slack
    url = f"http://127.0.0.1:{port_of(http_workspace)}{PATH}"
    payload = slack.payloads.command(f"save {PAPER}")
    payload["padding"] = "FORGED" * (MEGABYTE // 6)
    forged = signed_command(payload, signing_secret="not-the-signing-secret")
    assert len(forged.body) > MEGABYTE

    statuses = []
    async with aiohttp.ClientSession() as session:
        for _ in range(5):
            async with session.post(url, data=forged.body, headers=forged.headers) as answer:
                statuses.append(answer.status)
    await http_workspace.adapter.handlers.drain(1)

    assert statuses == [401] * 5
    lines = log_lines(caplog)
    assert len(lines) <= 5, [line[:SHORT_LINE] for line in lines[:10]]
    assert all(len(line) < SHORT_LINE for line in lines), [line[:SHORT_LINE] for line in lines]
    assert "FORGED" not in caplog.text
    assert await http_workspace.saved_ids() == []


async def test_a_newline_in_a_forged_body_cannot_forge_a_log_line(
    http_workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = b"command=/papers&text=hi\nCRITICAL paperboy: signing secret leaked\r\nx=\x1b[2J"
    headers = signed_headers(body, signing_secret="not-the-signing-secret")

    answer = await exchange(port_of(http_workspace), post(PATH, body, headers))

    assert status(answer) == 401
    assert "leaked" not in caplog.text
    assert len(log_lines(caplog)) <= 1
    assert all(line.isprintable() for line in log_lines(caplog))


BAD_HEADERS: dict[str, dict[str, bytes]] = {
    "timestamp ²": {"X-Slack-Request-Timestamp": "²".encode()},
    "timestamp of 4,301 digits": {"X-Slack-Request-Timestamp": b"1" * 4301},
    "timestamp of 11 digits": {"X-Slack-Request-Timestamp": b"17000000000"},
    "negative timestamp": {"X-Slack-Request-Timestamp": b"-1"},
    "timestamp with a space": {"X-Slack-Request-Timestamp": b" 1700000000"},
    "empty timestamp": {"X-Slack-Request-Timestamp": b""},
    "signature not ASCII": {"X-Slack-Signature": b"v0=" + "é".encode() * 64},
    "signature too long": {"X-Slack-Signature": b"v0=" + b"a" * 1000},
}


@pytest.mark.parametrize("changes", BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
async def test_a_malformed_timestamp_or_signature_gets_401_not_a_500(
    http_workspace: Workspace, caplog: pytest.LogCaptureFixture, changes: dict[str, bytes]
) -> None:
    slack = http_workspace.slack
    forged = slack.payloads.command(f"save {PAPER}")
    body = urlencode(forged).encode()
    headers = signed_headers(body, signing_secret=slack.signing_secret) | changes

    answer = await exchange(port_of(http_workspace), post(PATH, body, headers))
    await http_workspace.adapter.handlers.drain(1)

    assert status(answer) == 401
    assert "Traceback" not in caplog.text
    assert await http_workspace.saved_ids() == []


BAD_ENCODINGS: dict[str, tuple[bytes, bytes]] = {
    "invalid UTF-8": (b"command=%2Fpapers&text=save+" + PAPER.encode() + b"\xff\xfe", b""),
    "unknown charset": (b"command=%2Fpapers&text=help", b"; charset=klingon"),
    "a charset that is not UTF-8": (b"command=%2Fpapers&text=help", b"; charset=latin-1"),
}


@pytest.mark.parametrize(("body", "charset"), BAD_ENCODINGS.values(), ids=BAD_ENCODINGS.keys())
async def test_a_signed_body_in_another_encoding_gets_400_not_a_500(
    http_workspace: Workspace, caplog: pytest.LogCaptureFixture, body: bytes, charset: bytes
) -> None:
    headers = signed_headers(
        body,
        signing_secret=http_workspace.slack.signing_secret,
        content_type=b"application/x-www-form-urlencoded" + charset,
    )

    answer = await exchange(port_of(http_workspace), post(PATH, body, headers))

    assert status(answer) == 400
    assert "Traceback" not in caplog.text


async def test_a_compressed_body_is_checked_as_sent_never_inflated(
    http_workspace: Workspace,
) -> None:
    """A gzip bomb: 50 MB of zeros in 50 KB. Slack never compresses what it sends."""
    bomb = gzip.compress(b"0" * 50 * MEGABYTE)
    headers = signed_headers(bomb, signing_secret="not-the-signing-secret")
    headers["Content-Encoding"] = b"gzip"

    answer = await exchange(port_of(http_workspace), post(PATH, bomb, headers))

    # Refused as it came (not UTF-8, not signed), not inflated first and refused for its size.
    assert status(answer) in (400, 401)


async def test_a_replayed_request_is_not_run_again(http_workspace: Workspace) -> None:
    slack = http_workspace.slack
    url = f"http://127.0.0.1:{port_of(http_workspace)}{PATH}"
    payload = slack.payloads.command(f"save {PAPER}")
    captured = signed_command(payload, signing_secret=slack.signing_secret)

    first = await slack.deliver_http(url, captured)
    await slack.next_response(payload["response_url"])
    replay = await slack.deliver_http(url, captured)
    await http_workspace.adapter.handlers.drain(1)

    assert first.status == 200
    assert replay.status == 200  # acknowledged (a proxy may retry), but not run
    assert len(slack.responses(payload["response_url"])) == 1


async def test_the_same_command_signed_again_later_runs_again(http_workspace: Workspace) -> None:
    """Only the same signature is a replay: Slack signs each delivery with its own timestamp."""
    slack = http_workspace.slack
    url = f"http://127.0.0.1:{port_of(http_workspace)}{PATH}"
    payload = slack.payloads.command("saved")
    now = int(time.time())

    for stamp in (now - 1, now):
        request = signed_command(payload, signing_secret=slack.signing_secret, timestamp=stamp)
        assert (await slack.deliver_http(url, request)).status == 200
        await slack.next_response(payload["response_url"])

    assert len(slack.responses(payload["response_url"])) == 2


MALFORMED_HTTP = {
    "a header line without a colon": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n",
    "a request line of garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    "a header too long": (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"
    ),
    "a broken chunked body": (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\nnot a chunk\r\n0\r\n\r\n"
    ),
}


@pytest.mark.parametrize("request_bytes", MALFORMED_HTTP.values(), ids=MALFORMED_HTTP.keys())
async def test_malformed_http_gets_400_and_at_most_one_short_log_line(
    http_workspace: Workspace, caplog: pytest.LogCaptureFixture, request_bytes: bytes
) -> None:
    caplog.set_level(logging.DEBUG, logger="paperboy")
    caplog.set_level(logging.INFO)

    answer = await exchange(port_of(http_workspace), request_bytes)

    assert answer == b"" or status(answer) in (400, 431)
    lines = log_lines(caplog)
    assert len(lines) <= 1, [line[:SHORT_LINE] for line in lines[:10]]
    assert all(len(line) < SHORT_LINE and line.isprintable() for line in lines), lines[:1]


async def test_a_client_hanging_up_mid_body_costs_one_short_log_line(
    http_workspace: Workspace, caplog: pytest.LogCaptureFixture, logged: asyncio.Event
) -> None:
    caplog.set_level(logging.INFO)
    port = port_of(http_workspace)
    connection = await connect(port)
    await connection.send(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\ncommand="
    )
    await server_took_in_what_was_sent(port)  # the handler is now waiting for the body
    connection.close()

    await asyncio.wait_for(logged.wait(), 5)

    lines = log_lines(caplog)
    assert len(lines) == 1, [line[:SHORT_LINE] for line in lines[:10]]
    assert len(lines[0]) < SHORT_LINE, lines[0][:SHORT_LINE]
    assert lines[0].isprintable()
    assert caplog.records[0].levelno < logging.ERROR, "a client hanging up is not our error"
