"""Whether the Slack adapter can take messages now, as /readyz asks it: Socket Mode's
websocket is open, or HTTP mode's server is listening; never once the adapter is closed."""

from __future__ import annotations

import dataclasses

from paperboy.app import open_library
from paperboy.config import Settings
from tests.adapters.slack.conftest import Workspace, build_slack, fixed_clock
from tests.simulators.slack import SlackSimulator


async def test_socket_mode_is_connected_while_its_websocket_is_open(workspace: Workspace) -> None:
    await workspace.slack.wait_for_connection()
    assert await workspace.adapter.is_connected()
    await workspace.adapter.aclose()
    assert not await workspace.adapter.is_connected()


async def test_http_mode_is_connected_while_it_listens(
    slack: SlackSimulator, settings: Settings
) -> None:
    http = dataclasses.replace(settings, slack=dataclasses.replace(settings.slack, mode="http"))
    async with open_library(http, clock=fixed_clock()) as core:
        adapter = build_slack(core)
        assert not await adapter.is_connected()
        await adapter.start()
        try:
            assert await adapter.is_connected()
        finally:
            await adapter.aclose()
        assert not await adapter.is_connected()
