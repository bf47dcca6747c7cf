"""Slack payloads as core values, in one place (pure). The core never reads a payload.

Every function takes the payload dict bolt hands a listener and returns a core
value, or None when the payload is not one we act on (so it is ignored quietly).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from paperboy.adapters.slack.render import (
    ACTION_FORGET_ME,
    ACTION_MARK,
    ACTION_MORE,
    ACTION_READ,
    ACTION_SAVE,
    ACTION_SIMILAR,
    ACTION_UNSAVE,
)
from paperboy.core import commands as c
from paperboy.core.models import ChannelRef, Context, Platform, PostRef, UserRef
from paperboy.core.replies import PageRef

SLACK = Platform.SLACK.value
Payload = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Reaction:
    """A save emoji (maybe) added to or removed from a message, by a user."""

    post: PostRef
    user: UserRef
    emoji: str
    added: bool
    event_id: str


@dataclass(frozen=True, slots=True)
class Press:
    """A button press: who, where, and what the button stands for."""

    context: Context
    action: c.Command | PageRef | None  # None: not a button of ours, or a stale value


def command_context(command: Payload) -> Context | None:
    """The Context of a slash command; None when a field Slack always sends is missing.

    Whoever runs a slash command may post in its channel: Slack offers the message
    box it is typed in only to people allowed to post there (a channel with posting
    permissions is read-only for everyone else). Whether they manage the channel is
    asked separately (permissions.py)."""
    team = _text(command, "team_id")
    user = _text(command, "user_id")
    channel = _text(command, "channel_id")
    if not (team and user and channel):
        return None
    return Context(UserRef(SLACK, team, user), ChannelRef(SLACK, team, channel), can_post=True)


def command_text(command: Payload) -> str:
    """What the user typed after the command ("search lora since:7d")."""
    return _text(command, "text")


def press(body: Payload) -> Press | None:
    """A block_actions payload's first action as a core command (or a page for More)."""
    team = _text(_map(body.get("team")), "id") or _text(_map(body.get("user")), "team_id")
    user = _text(_map(body.get("user")), "id")
    channel = _text(_map(body.get("channel")), "id") or _text(
        _map(body.get("container")), "channel_id"
    )
    found = body.get("actions")
    first = _map(found[0]) if isinstance(found, list) and found else {}
    if not (team and user and channel and first):
        return None
    context = Context(UserRef(SLACK, team, user), ChannelRef(SLACK, team, channel))
    return Press(context, button_action(_text(first, "action_id"), _text(first, "value")))


# Our paper buttons, by action id, and the paper command each stands for.
_PAPER_BUTTONS = {
    ACTION_SAVE: "save",
    ACTION_SIMILAR: "similar",
    ACTION_READ: "read",
    ACTION_UNSAVE: "unsave",
    ACTION_MARK: "mark",
}


def button_action(action_id: str, value: str) -> c.Command | PageRef | None:
    """What a button of ours stands for: the same command a user could type."""
    if not value:
        return None
    if action_id == ACTION_MORE:
        return PageRef.decode(value)
    if action_id == ACTION_FORGET_ME:
        return c.ForgetMe(confirmed=True, asked_for=value)
    command = _PAPER_BUTTONS.get(action_id)
    return c.PAPER_COMMANDS[command](value) if command is not None else None


def reaction(body: Payload) -> Reaction | None:
    """A reaction_added/removed event on a message; None for files or malformed events."""
    event = _map(body.get("event"))
    kind = _text(event, "type")
    item = _map(event.get("item"))
    team = _text(body, "team_id")
    user, emoji = _text(event, "user"), _text(event, "reaction")
    channel, ts = _text(item, "channel"), _text(item, "ts")
    if kind not in ("reaction_added", "reaction_removed") or _text(item, "type") != "message":
        return None
    if not (team and user and emoji and channel and ts):
        return None
    return Reaction(
        post=PostRef(ChannelRef(SLACK, team, channel), ts),
        user=UserRef(SLACK, team, user),
        emoji=emoji,
        added=kind == "reaction_added",
        event_id=_text(body, "event_id"),
    )


def _map(value: object) -> Payload:
    return value if isinstance(value, Mapping) else {}


def _text(payload: Payload, key: str) -> str:
    value = payload.get(key)
    return value if isinstance(value, str) else ""
