"""HTTP mode refuses what Slack did not send: no signature, a malformed or future-dated
one, a body too big even when signed. Nothing reaches the store, nobody is answered."""

from __future__ import annotations

import io
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from paperboy.adapters.slack.http_server import MAX_BODY_BYTES
from tests.adapters.slack.conftest import Workspace, running_workspace, slack_settings
from tests.simulators.slack import SignedRequest, SlackSimulator, signed_command

PAPER = "2407.06204"
Tamper = Callable[[SignedRequest], SignedRequest]


@pytest.fixture
async def http_workspace(slack: SlackSimulator, tmp_path: Path) -> AsyncIterator[Workspace]:
    settings = slack_settings(slack, tmp_path, mode="http", http_path="/slack/events")
    async with running_workspace(slack, settings) as running:
        yield running


def events_url(workspace: Workspace) -> str:
    server = workspace.adapter.http
    assert server is not None
    return f"http://127.0.0.1:{server.port}/slack/events"


def headers(request: SignedRequest, **changes: str | None) -> SignedRequest:
    """The request with headers replaced (a value) or removed (None)."""
    new = {k: v for k, v in request.headers.items() if changes.get(k, v) is not None}
    new.update({k: v for k, v in changes.items() if v is not None})
    return SignedRequest(request.body, new)


TAMPERING: dict[str, Tamper] = {
    "unsigned": lambda r: headers(r, **{"X-Slack-Signature": None}),
    "no timestamp": lambda r: headers(r, **{"X-Slack-Request-Timestamp": None}),
    "neither header": lambda r: headers(
        r, **{"X-Slack-Signature": None, "X-Slack-Request-Timestamp": None}
    ),
    "signature not hex": lambda r: headers(r, **{"X-Slack-Signature": "v0=not-a-signature"}),
    "another version": lambda r: headers(
        r, **{"X-Slack-Signature": "v1" + r.headers["X-Slack-Signature"][2:]}
    ),
    "timestamp not a number": lambda r: headers(r, **{"X-Slack-Request-Timestamp": "soon"}),
    "body changed after signing": lambda r: SignedRequest(
        r.body.replace(b"save", b"help"), r.headers
    ),
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
async def test_a_request_without_a_valid_signature_is_refused_and_touches_nothing(
    http_workspace: Workspace, tamper: Tamper
) -> None:
    slack = http_workspace.slack
    forged = slack.payloads.command(f"save {PAPER}")
    request = tamper(signed_command(forged, signing_secret=slack.signing_secret))

    delivery = await slack.deliver_http(events_url(http_workspace), request)
    await http_workspace.adapter.handlers.drain(1)

    assert delivery.status == 401
    assert await http_workspace.saved_ids() == []
    assert slack.responses(forged["response_url"]) == []


async def test_a_request_dated_more_than_five_minutes_ahead_is_refused(
    http_workspace: Workspace,
) -> None:
    slack = http_workspace.slack
    forged = slack.payloads.command(f"save {PAPER}")
    # Half a minute past the five, so that the second truncated here and the time the
    # request takes to arrive cannot bring it back within them.
    request = signed_command(
        forged, signing_secret=slack.signing_secret, timestamp=int(time.time()) + 330
    )

    delivery = await slack.deliver_http(events_url(http_workspace), request)

    assert delivery.status == 401
    assert await http_workspace.saved_ids() == []


async def test_a_validly_signed_request_too_big_is_refused_before_it_runs(
    http_workspace: Workspace,
) -> None:
    slack = http_workspace.slack
    payload = slack.payloads.command(f"save {PAPER}")
    payload["padding"] = "x" * MAX_BODY_BYTES
    request = signed_command(payload, signing_secret=slack.signing_secret)
    assert len(request.body) > MAX_BODY_BYTES

    async with (
        aiohttp.ClientSession() as session,
        session.post(
            events_url(http_workspace), data=io.BytesIO(request.body), headers=request.headers
        ) as response,
    ):
        status = response.status
    await http_workspace.adapter.handlers.drain(1)

    assert status == 413
    assert await http_workspace.saved_ids() == []
    assert slack.responses(payload["response_url"]) == []
