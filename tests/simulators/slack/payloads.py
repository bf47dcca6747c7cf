"""Payloads shaped as Slack sends them: slash commands, event callbacks, block_actions.

The same payload goes into a Socket Mode envelope or, signed, into an HTTP request.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .records import Message
    from .workspace import Identity


def slash_command(identity: Identity, *, command: str, text: str, user_id: str, channel_id: str,
                  response_url: str, trigger_id: str,
                  is_enterprise_install: bool = False) -> dict[str, str]:
    """The form fields of a slash command (all strings, as Slack sends them)."""
    fields = {
        "token": "verification-token-unused",
        "team_id": identity.team_id,
        "team_domain": identity.team_domain,
        "channel_id": channel_id,
        "channel_name": channel_id.lower(),
        "user_id": user_id,
        "user_name": identity.user_name if user_id == identity.user_id else user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": identity.app_id,
        "is_enterprise_install": "true" if is_enterprise_install else "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    if identity.enterprise_id is not None:  # a workspace of an Enterprise Grid org
        fields["enterprise_id"] = identity.enterprise_id
        fields["enterprise_name"] = identity.enterprise_name or identity.enterprise_id
    return fields


def reaction_event(*, added: bool, user_id: str, reaction: str, channel: str, ts: str,
                   item_user: str, event_ts: str) -> dict[str, Any]:
    """A reaction_added / reaction_removed event (the inner `event` object)."""
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user_id,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "item_user": item_user,
        "event_ts": event_ts,
    }


def event_callback(identity: Identity, event: dict[str, Any], *, event_id: str,
                   is_enterprise_install: bool = False) -> dict[str, Any]:
    """The Events API wrapper around `event`; redeliveries keep `event_id`."""
    payload: dict[str, Any] = {
        "token": "verification-token-unused",
        "team_id": identity.team_id,
        "api_app_id": identity.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{
            "enterprise_id": identity.enterprise_id,
            "team_id": None if is_enterprise_install else identity.team_id,
            "user_id": identity.bot_user_id, "is_bot": True,
            "is_enterprise_install": is_enterprise_install,
        }],
        "is_ext_shared_channel": False,
    }
    if identity.enterprise_id is not None:
        payload["enterprise_id"] = identity.enterprise_id
    return payload


def app_uninstalled_event(*, event_ts: str) -> dict[str, Any]:
    """The inner event Slack sends when the app is removed from a workspace."""
    return {"type": "app_uninstalled", "event_ts": event_ts}


def tokens_revoked_event(*, bot_user_ids: list[str], user_ids: list[str],
                         event_ts: str) -> dict[str, Any]:
    """The inner event Slack sends when tokens are revoked (bot ones by bot user id)."""
    return {"type": "tokens_revoked", "tokens": {"oauth": user_ids, "bot": bot_user_ids},
            "event_ts": event_ts}


def find_button(message: Message, action_id: str, value: str | None) -> tuple[str, dict[str, Any]]:
    """(block_id, element) of the button a user can press on `message`.

    Raises AssertionError listing the buttons that are there when none matches, because a
    user cannot press a button the bot did not render.
    """
    present: list[str] = []
    for index, block in enumerate(message.blocks):
        block_id = str(block.get("block_id") or f"block{index}")
        elements = list(block.get("elements") or [])
        if "accessory" in block:
            elements.append(block["accessory"])
        for element in elements:
            if not isinstance(element, dict) or element.get("type") != "button":
                continue
            present.append(f"{element.get('action_id')}={element.get('value')!r}")
            if element.get("action_id") == action_id and value in (None, element.get("value")):
                return block_id, element
    raise AssertionError(
        f"no button {action_id!r}" + (f" with value {value!r}" if value is not None else "")
        + f" on message {message.ts} in {message.channel}; buttons there: {present}")


def block_actions(identity: Identity, *, user_id: str, channel: str, message_ts: str,
                  ephemeral: bool, message: dict[str, Any] | None, block_id: str,
                  element: dict[str, Any], response_url: str, trigger_id: str,
                  is_enterprise_install: bool = False) -> dict[str, Any]:
    """A block_actions interaction for pressing `element` (a button) in `block_id`."""
    action: dict[str, Any] = {
        "type": element.get("type", "button"),
        "action_id": element.get("action_id"),
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    for key in ("value", "text", "style"):
        if key in element:
            action[key] = element[key]
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
                 "team_id": identity.team_id},
        "api_app_id": identity.app_id,
        "token": "verification-token-unused",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                      "is_ephemeral": ephemeral},
        "trigger_id": trigger_id,
        "team": {"id": identity.team_id, "domain": identity.team_domain},
        "enterprise": None if identity.enterprise_id is None else {
            "id": identity.enterprise_id,
            "name": identity.enterprise_name or identity.enterprise_id},
        "is_enterprise_install": is_enterprise_install,
        "channel": {"id": channel, "name": channel.lower()},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
    if message is not None:  # Slack omits the message for ephemeral ones
        payload["message"] = message
    return payload
