"""slack-manifest.yml (what a user pastes into Slack) grants everything the bot uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from paperboy.adapters.slack.handlers import COMMAND
from tests.adapters.slack.conftest import Workspace, running_workspace, slack_settings
from tests.simulators.slack import SlackSimulator

MANIFEST = Path(__file__).parents[3] / "slack-manifest.yml"

# The bot scope each Web API method needs (Slack's method reference). Methods that need
# no scope: auth.test, and apps.connections.open (it takes the app-level token).
SCOPE_OF_METHOD = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "conversations.open": "im:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "users.info": "users:read",
}
NO_SCOPE = {"auth.test", "apps.connections.open"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture
async def admins_only(slack: SlackSimulator, tmp_path: Path) -> AsyncIterator[Workspace]:
    settings = slack_settings(slack, tmp_path, digest_managers="admins")
    async with running_workspace(slack, settings) as running:
        yield running


def test_the_manifest_declares_the_command_events_and_socket_mode(
    manifest: dict[str, Any],
) -> None:
    [command] = manifest["features"]["slash_commands"]
    settings = manifest["settings"]

    assert command["command"] == COMMAND
    assert command["description"]
    assert command["usage_hint"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "reaction_added",
        "reaction_removed",
    }
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"] == "paperboy"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "reactions:read"} <= scopes  # the command; reaction events


async def test_every_web_api_method_the_bot_calls_is_granted_by_the_manifest(
    admins_only: Workspace, manifest: dict[str, Any]
) -> None:
    slack = admins_only.slack
    slack.add_user("U0ADMIN", is_admin=True)
    await slack.send_command("show 2407.06204")
    await slack.wait_for_call("chat.postMessage")
    await slack.send_reaction(slack.messages()[0], "bookmark")  # chat.postEphemeral
    await slack.wait_for_call("chat.postEphemeral")
    await admins_only.answer("export")  # conversations.open, files.*
    await admins_only.answer("subscribe 09:00 UTC", user_id="U0ADMIN")  # users.info

    called = {call.method for call in slack.calls()} - NO_SCOPE
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])

    assert called <= SCOPE_OF_METHOD.keys(), "a new method: add its scope here and to the manifest"
    assert called == set(SCOPE_OF_METHOD)
    assert {SCOPE_OF_METHOD[method] for method in called} <= scopes
