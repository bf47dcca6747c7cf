"""The simulated workspace: who is who, which channels exist, what was said where."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .records import Message

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True)
class Identity:
    """The ids the simulated workspace and app use; the bot and the human differ."""

    team_id: str = "T0SIM"
    team_domain: str = "sim"
    team_name: str = "Sim Team"
    app_id: str = "A0SIM"
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0BOT"
    user_id: str = "U0HUMAN"  # the default human who types commands and reacts
    user_name: str = "ada"
    enterprise_id: str | None = None  # an Enterprise Grid org the workspace belongs to
    enterprise_name: str | None = None


@dataclass
class Member:
    """A person (or the bot) in the workspace, as users.info describes them."""

    id: str
    name: str
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False


@dataclass
class Channel:
    id: str
    name: str
    is_member: bool = True
    is_archived: bool = False


class Workspace:
    """Channels and their messages, with Slack's answers for posting where one cannot.

    Several workspaces share one `counter`, so timestamps and ids stay unique across them
    (a channel id may repeat in two workspaces; a message ts does not).
    """

    def __init__(self, identity: Identity, channel_ids: tuple[str, ...], *,
                 counter: Iterator[int] | None = None) -> None:
        self.identity = identity
        self._channels: dict[str, Channel] = {}
        self._members: dict[str, Member] = {}
        self._messages: list[Message] = []
        self._by_channel: dict[str, list[Message]] = {}  # the same messages, per channel
        self._counter = counter if counter is not None else itertools.count(1)
        self._last_ts = 0  # microseconds since the epoch, of the latest message
        for channel_id in channel_ids:
            self.add_channel(channel_id)
        self.add_member(identity.user_id, name=identity.user_name)
        self.add_member(identity.bot_user_id, name="paperboy", is_bot=True)

    def new_ts(self) -> str:
        """A message timestamp, unique and increasing like Slack's."""
        # Epoch seconds and microseconds, as Slack's: `oldest`/`latest` compare with them.
        self._last_ts = max(time.time_ns() // 1000, self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter):08d}"

    def add_channel(self, channel_id: str, *, name: str | None = None, is_member: bool = True,
                    is_archived: bool = False) -> Channel:
        channel = Channel(channel_id, name or channel_id.lower(), is_member, is_archived)
        self._channels[channel_id] = channel
        return channel

    def add_member(self, user_id: str, *, name: str | None = None, is_admin: bool = False,
                   is_owner: bool = False, is_bot: bool = False) -> Member:
        member = Member(user_id, name or user_id.lower(), is_admin, is_owner, is_bot)
        self._members[user_id] = member
        return member

    def member(self, user_id: object) -> Member | None:
        return self._members.get(user_id) if isinstance(user_id, str) else None

    @staticmethod
    def direct_channel_id(user_id: str) -> str:
        return "D" + user_id.removeprefix("U").removeprefix("W")

    def direct_channel(self, user_id: str) -> Channel:
        """The bot's DM with `user_id` (one per person, created on first use)."""
        channel_id = self.direct_channel_id(user_id)
        return self._channels.get(channel_id) or self.add_channel(channel_id, name=user_id)

    def channel_ids(self) -> list[str]:
        """Every channel's id, in the order they were created (the first is the default)."""
        return list(self._channels)

    def channel(self, channel_id: str) -> Channel | None:
        return self._channels.get(channel_id)

    def posting_error(self, channel_id: object) -> str | None:
        """Slack's error for the bot posting into `channel_id`, or None when it may."""
        channel = self._channels.get(channel_id) if isinstance(channel_id, str) else None
        if channel is None:
            return "channel_not_found"
        if channel.is_archived:
            return "is_archived"
        if not channel.is_member:
            return "not_in_channel"
        return None

    def post(self, *, channel: str, user: str, text: str, blocks: list[dict[str, Any]],
             via: str, thread_ts: str | None = None, visible_to: str | None = None,
             metadata: dict[str, Any] | None = None) -> Message:
        message = Message(channel=channel, ts=self.new_ts(), user=user, text=text, blocks=blocks,
                          via=via, thread_ts=thread_ts, visible_to=visible_to,
                          team=self.identity.team_id, metadata=metadata)
        self._messages.append(message)
        self._by_channel.setdefault(channel, []).append(message)
        return message

    def find(self, channel: str, ts: str) -> Message | None:
        for message in self._by_channel.get(channel, ()):
            if message.ts == ts and not message.deleted:
                return message
        return None

    def history(self, channel: str) -> list[Message]:
        """What everyone sees in `channel`, oldest first (thread replies included)."""
        return [m for m in self._by_channel.get(channel, ())
                if m.visible_to is None and not m.deleted]

    def ephemerals(self, *, user: str | None, channel: str | None) -> list[Message]:
        return [m for m in self._messages
                if m.visible_to is not None and not m.deleted
                and (user is None or m.visible_to == user)
                and (channel is None or m.channel == channel)]
