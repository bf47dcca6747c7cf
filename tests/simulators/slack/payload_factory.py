"""Payloads bound to one simulator: its workspaces, their ids, its response URLs."""

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
    from .workspaces import Workspaces


class Payloads:
    """What Slack sends the app, for a Socket Mode envelope or a signed HTTP request.

    Commands and button presses get a fresh response_url on the simulator. `team_id`
    names the workspace a payload comes from: an added workspace (`add_workspace`) gives
    its own ids, Grid org and default channel and human; an unknown team id is the default
    workspace claiming to be that team (a forged or foreign payload). Without it, a
    reaction or press comes from the message's workspace, anything else from the default
    one. `user_id` defaults to the workspace's human, `channel_id` to its first channel.
    """

    def __init__(self, *, workspaces: Workspaces, responses: ResponseUrls,
                 base_url: Callable[[], str], default_channel: str,
                 org_installed: Callable[[str | None], bool]) -> None:
        self._workspaces = workspaces
        self._responses = responses
        self._base_url = base_url
        self._default_channel = default_channel
        self._org_installed = org_installed

    def _origin(self, team_id: str | None) -> tuple[Workspace, Identity]:
        """The workspace a payload comes from and the identity it carries."""
        workspace = self._workspaces.get(team_id)
        if workspace is not None:
            return workspace, workspace.identity
        default = self._workspaces.default
        return default, dataclasses.replace(default.identity, team_id=str(team_id))

    def _first_channel(self, workspace: Workspace) -> str:
        if workspace is self._workspaces.default:
            return self._default_channel
        return workspace.channel_ids()[0]

    def _trigger_id(self) -> str:
        return f"{self._workspaces.default.new_id('')}.{uuid.uuid4().hex[:12]}"

    def command(self, text: str, *, command: str = "/papers", user_id: str | None = None,
                channel_id: str | None = None, team_id: str | None = None) -> dict[str, str]:
        """Slash command fields (all strings, form-encodable)."""
        workspace, identity = self._origin(team_id)
        user = user_id or identity.user_id
        channel = channel_id or self._first_channel(workspace)
        url = self._responses.issue(self._base_url(), workspace=workspace, channel=channel,
                                    user=user, original=None)
        return payloads.slash_command(identity, command=command, text=text, user_id=user,
                                      channel_id=channel, response_url=url,
                                      trigger_id=self._trigger_id(),
                                      is_enterprise_install=self._org_installed(
                                          identity.enterprise_id))

    def event(self, event: dict[str, Any], *, team_id: str | None = None) -> dict[str, Any]:
        """An `event_callback` wrapping `event`, with a fresh event_id."""
        _, identity = self._origin(team_id)
        return payloads.event_callback(identity, event,
                                       event_id=self._workspaces.default.new_id("Ev"),
                                       is_enterprise_install=self._org_installed(
                                           identity.enterprise_id))

    def app_uninstalled(self, *, team_id: str | None = None) -> dict[str, Any]:
        """The event_callback for the app being removed from workspace `team_id`."""
        return self.event(payloads.app_uninstalled_event(event_ts=f"{time.time():.6f}"),
                          team_id=team_id)

    def tokens_revoked(self, *, team_id: str | None = None,
                       user_ids: tuple[str, ...] = ()) -> dict[str, Any]:
        """The event_callback for the workspace's bot token (and `user_ids`' tokens) revoked."""
        _, identity = self._origin(team_id)
        event = payloads.tokens_revoked_event(bot_user_ids=[identity.bot_user_id],
                                              user_ids=list(user_ids),
                                              event_ts=f"{time.time():.6f}")
        return self.event(event, team_id=team_id)

    def reaction(self, message: Message, reaction: str = "bookmark", *,
                 user_id: str | None = None, removed: bool = False,
                 team_id: str | None = None) -> dict[str, Any]:
        """The event_callback for a user adding (or removing) `reaction` on `message`.

        Building it is the user's act: `message.reactions` changes too.
        """
        _, identity = self._origin(team_id or self._message_team(message))
        user = user_id or identity.user_id
        users = message.reactions.setdefault(reaction, [])
        if removed and user in users:
            users.remove(user)
        elif not removed and user not in users:
            users.append(user)
        event = payloads.reaction_event(
            added=not removed, user_id=user, reaction=reaction, channel=message.channel,
            ts=message.ts, item_user=message.user, event_ts=f"{time.time():.6f}")
        return self.event(event, team_id=team_id or self._message_team(message))

    def block_actions(self, message: Message, action_id: str, *, value: str | None = None,
                      user_id: str | None = None, team_id: str | None = None) -> dict[str, Any]:
        """A user pressing the button `action_id` (with `value`, if given) on `message`.

        The block_id, value and text come from the button as rendered; AssertionError when
        the message has no such button. The presser defaults to the one user who sees an
        ephemeral message, else the workspace's human.
        """
        block_id, element = payloads.find_button(message, action_id, value)
        workspace, identity = self._origin(team_id or self._message_team(message))
        user = user_id or message.visible_to or identity.user_id
        url = self._responses.issue(self._base_url(), workspace=workspace,
                                    channel=message.channel, user=user, original=message)
        return payloads.block_actions(
            identity, user_id=user, channel=message.channel, message_ts=message.ts,
            ephemeral=message.ephemeral, message=None if message.ephemeral else message.payload(),
            block_id=block_id, element=element, response_url=url, trigger_id=self._trigger_id(),
            is_enterprise_install=self._org_installed(identity.enterprise_id))

    def _message_team(self, message: Message) -> str | None:
        """The message's workspace, if it is an added one (None: the default workspace)."""
        if message.team and message.team != self._workspaces.default.identity.team_id:
            return message.team
        return None
