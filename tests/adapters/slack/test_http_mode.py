"""HTTP mode: signed requests on an aiohttp server, verified by the real bolt app."""

from __future__ import annotations

import io
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.adapters.slack.conftest import Workspace, paper_ids, running_workspace, slack_settings
from tests.simulators.slack import SlackSimulator, signed_command, signed_interaction


@pytest.fixture
async def http_workspace(slack: SlackSimulator, tmp_path: Path) -> AsyncIterator[Workspace]:
    settings = slack_settings(slack, tmp_path, mode="http", http_path="/slack/events")
    async with running_workspace(slack, settings) as running:
        yield running


def events_url(workspace: Workspace) -> str:
    server = workspace.adapter.http
    assert server is not None
    return f"http://127.0.0.1:{server.port}/slack/events"


async def test_a_correctly_signed_slash_command_is_answered(http_workspace: Workspace) -> None:
    slack = http_workspace.slack
    payload = slack.payloads.command("search mixture of experts")

    delivery = await slack.deliver_http(
        events_url(http_workspace), signed_command(payload, signing_secret=slack.signing_secret)
    )
    answer = await slack.next_response(payload["response_url"])

    assert delivery.status == 200
    assert delivery.seconds < 3
    assert answer.message is not None
    assert paper_ids(answer.message)[0] == "2407.06204"
    assert slack.socket_connections == 0  # no Socket Mode in HTTP mode


async def test_a_signed_button_press_saves_the_paper(http_workspace: Workspace) -> None:
    slack = http_workspace.slack
    payload = slack.payloads.command("search mixture of experts")
    await slack.deliver_http(
        events_url(http_workspace), signed_command(payload, signing_secret=slack.signing_secret)
    )
    results = (await slack.next_response(payload["response_url"])).message
    assert results is not None

    press = slack.payloads.block_actions(results, "paperboy_save", value="2407.06204")
    delivery = await slack.deliver_http(
        events_url(http_workspace), signed_interaction(press, signing_secret=slack.signing_secret)
    )
    await slack.next_response(press["response_url"])

    assert delivery.status == 200
    assert await http_workspace.saved_ids() == ["2407.06204"]


@pytest.mark.parametrize(
    ("secret", "age"),
    [("not-the-signing-secret", 0), (None, 301)],
    ids=["bad signature", "timestamp older than five minutes"],
)
async def test_a_forged_or_stale_request_gets_401_and_changes_nothing(
    http_workspace: Workspace, secret: str | None, age: int
) -> None:
    slack = http_workspace.slack
    forged = slack.payloads.command("save 2407.06204")
    request = signed_command(
        forged, signing_secret=secret or slack.signing_secret, timestamp=int(time.time()) - age
    )

    delivery = await slack.deliver_http(events_url(http_workspace), request)
    # A genuine request afterwards shows the forged one never ran.
    genuine = slack.payloads.command("saved")
    await slack.deliver_http(
        events_url(http_workspace), signed_command(genuine, signing_secret=slack.signing_secret)
    )
    answer = await slack.next_response(genuine["response_url"])

    assert delivery.status == 401
    assert await http_workspace.saved_ids() == []
    assert slack.responses(forged["response_url"]) == []
    assert answer.message is not None
    assert "Your reading list is empty" in answer.message.text


async def test_the_health_check_answers_ok(http_workspace: Workspace) -> None:
    url = events_url(http_workspace).replace("/slack/events", "/healthz")

    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert await response.text() == "ok"


async def chunks_of_x(total: int) -> AsyncIterator[bytes]:
    for _ in range(total // 65536):
        yield b"x" * 65536


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_body_is_refused_with_413(
    http_workspace: Workspace, declared: bool
) -> None:
    size = 2 * 1024 * 1024
    body = io.BytesIO(b"x" * size) if declared else chunks_of_x(size)

    async with (
        aiohttp.ClientSession() as session,
        session.post(events_url(http_workspace), data=body) as response,
    ):
        assert response.status == 413
