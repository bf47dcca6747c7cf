"""Payloads bound to one simulator: its workspace, its ids, its response URLs."""

from __future__ import annotations

import dataclasses
import time
import uuid
from typing import TYPE_CHECKING, Any

from . import payloads

if TYPE_CHECKING:
    from collections.abc import Callable

    from .records import Message
    from .response_urls import ResponseUrls
    from .workspace import Identity, Workspace


class Payloads:
    """What Slack sends the app, for a Socket Mode envelope or a signed HTTP request.

    Commands and button presses get a fresh response_url on the simulator. `team_id`
    overrides the workspace a payload comes from (multi-workspace tests); `user_id`
    defaults to the workspace's human, `channel_id` to the simulator's default channel.
    """

    def __init__(self, *, workspace: Workspace, responses: ResponseUrls,
                 base_url: Callable[[], str], default_channel: str) -> None:
        self._workspace = workspace
        self._responses = responses
        self._base_url = base_url
        self._default_channel = default_channel

    def _identity(self, team_id: str | None) -> Identity:
        identity = self._workspace.identity
        return identity if team_id is None else dataclasses.replace(identity, team_id=team_id)

    def _trigger_id(self) -> str:
        return f"{self._workspace.new_id('')}.{uuid.uuid4().hex[:12]}"

    def command(self, text: str, *, command: str = "/papers", user_id: str | None = None,
                channel_id: str | None = None, team_id: str | None = None) -> dict[str, str]:
        """Slash command fields (all strings, form-encodable)."""
        user = user_id or self._workspace.identity.user_id
        channel = channel_id or self._default_channel
        url = self._responses.issue(self._base_url(), channel=channel, user=user, original=None)
        return payloads.slash_command(self._identity(team_id), command=command, text=text,
                                      user_id=user, channel_id=channel, response_url=url,
                                      trigger_id=self._trigger_id())

    def event(self, event: dict[str, Any], *, team_id: str | None = None) -> dict[str, Any]:
        """An `event_callback` wrapping `event`, with a fresh event_id."""
        return payloads.event_callback(self._identity(team_id), event,
                                       event_id=self._workspace.new_id("Ev"))

    def reaction(self, message: Message, reaction: str = "bookmark", *,
                 user_id: str | None = None, removed: bool = False,
                 team_id: str | None = None) -> dict[str, Any]:
        """The event_callback for a user adding (or removing) `reaction` on `message`.

        Building it is the user's act: `message.reactions` changes too.
        """
        user = user_id or self._workspace.identity.user_id
        users = message.reactions.setdefault(reaction, [])
        if removed and user in users:
            users.remove(user)
        elif not removed and user not in users:
            users.append(user)
        event = payloads.reaction_event(
            added=not removed, user_id=user, reaction=reaction, channel=message.channel,
            ts=message.ts, item_user=message.user, event_ts=f"{time.time():.6f}")
        return self.event(event, team_id=team_id)

    def block_actions(self, message: Message, action_id: str, *, value: str | None = None,
                      user_id: str | None = None, team_id: str | None = None) -> dict[str, Any]:
        """A user pressing the button `action_id` (with `value`, if given) on `message`.

        The block_id, value and text come from the button as rendered; AssertionError when
        the message has no such button. The presser defaults to the one user who sees an
        ephemeral message, else the workspace's human.
        """
        block_id, element = payloads.find_button(message, action_id, value)
        user = user_id or message.visible_to or self._workspace.identity.user_id
        url = self._responses.issue(self._base_url(), channel=message.channel, user=user,
                                    original=message)
        return payloads.block_actions(
            self._identity(team_id), user_id=user, channel=message.channel, message_ts=message.ts,
            ephemeral=message.ephemeral, message=None if message.ephemeral else message.payload(),
            block_id=block_id, element=element, response_url=url, trigger_id=self._trigger_id())
