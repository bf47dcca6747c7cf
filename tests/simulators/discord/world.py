"""The simulated Discord world: the bot, guilds, channels, members, and their payloads.

Payload shapes follow what discord.py 2.x reads (see shared/notes/platform-simulators.md):
users need ``id, username, discriminator, avatar``; members ``user, roles, flags``.
Permissions are computed the way Discord does (role permissions, then the channel's
@everyone and member overwrites), so ``channel.permissions_for(guild.me)`` in the client
and the simulator's own 403 decisions agree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from collections.abc import Sequence

JsonDict = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
ALL_PERMISSIONS = discord.Permissions.all().value

EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    add_reactions=True,
    embed_links=True,
    attach_files=True,
    use_external_emojis=True,
    use_application_commands=True,
).value
"""What @everyone may do in the default guild: an ordinary community server."""

BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
).value
"""What the bot's managed role grants: the permissions of the invite URL."""

SEND_MESSAGES = discord.Permissions(send_messages=True).value
SEND_MESSAGES_IN_THREADS = discord.Permissions(send_messages_in_threads=True).value
VIEW_CHANNEL = discord.Permissions(view_channel=True).value
EMBED_LINKS = discord.Permissions(embed_links=True).value
ATTACH_FILES = discord.Permissions(attach_files=True).value


class Snowflakes:
    """Unique, increasing Discord ids carrying the current time (so ``created_at`` is real)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(now, self._last + 1)
        return self._last


@dataclass(frozen=True)
class SimUser:
    """A Discord user; ``bot`` marks the application's bot user."""

    id: int
    username: str
    bot: bool = False

    def payload(self) -> JsonDict:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": None if self.bot else self.username.title(),
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass(frozen=True)
class SimChannel:
    """A guild text channel; the denied bits become permission overwrites.

    ``bot_denied`` and ``bot_allowed`` are a member overwrite for the bot (e.g. deny
    ``SEND_MESSAGES`` for a channel read-only to it, or allow it in an announcements
    channel); ``everyone_denied`` an overwrite on the @everyone role. With ``parent`` (a
    channel id) it is a public thread in that channel, with the parent's overwrites.
    """

    id: int
    name: str
    bot_denied: int = 0
    everyone_denied: int = 0
    topic: str | None = None
    bot_allowed: int = 0
    parent: int | None = None


@dataclass(frozen=True)
class SimGuild:
    """A guild with text channels and human members (the bot member is always added).

    The bot holds a managed role ``bot_role_id`` with ``bot_permissions``; @everyone (whose
    role id is the guild id) has ``everyone_permissions``. ``owner_id`` gets every permission.
    """

    id: int
    name: str
    channels: tuple[SimChannel, ...]
    members: tuple[SimUser, ...]
    owner_id: int
    bot_role_id: int
    everyone_permissions: int = EVERYONE_PERMISSIONS
    bot_permissions: int = BOT_PERMISSIONS

    def channel(self, name: str) -> SimChannel:
        """The channel called ``name`` (KeyError if there is none)."""
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"guild {self.name!r} has no channel {name!r}")

    def channel_by_id(self, channel_id: int) -> SimChannel:
        """The channel with that id (KeyError if there is none)."""
        for channel in self.channels:
            if channel.id == channel_id:
                return channel
        raise KeyError(f"guild {self.name!r} has no channel {channel_id}")

    def member(self, username: str) -> SimUser:
        """The human member called ``username`` (KeyError if there is none)."""
        for user in self.members:
            if user.username == username:
                return user
        raise KeyError(f"guild {self.name!r} has no member {username!r}")


def default_bot() -> SimUser:
    """The bot user; its id is also the application id, as for every modern Discord app."""
    return SimUser(id=1_200_000_000_000_000_001, username="paperboy", bot=True)


def default_guild() -> SimGuild:
    """'Paper Lab': channels papers, general, read-only (bot cannot send), no-embeds; alice, bob."""
    guild_id = 1_100_000_000_000_000_001
    alice = SimUser(id=1_100_000_000_000_000_301, username="alice")
    bob = SimUser(id=1_100_000_000_000_000_302, username="bob")
    return SimGuild(
        id=guild_id,
        name="Paper Lab",
        channels=(
            SimChannel(id=1_100_000_000_000_000_101, name="papers", topic="new papers"),
            SimChannel(id=1_100_000_000_000_000_102, name="general"),
            SimChannel(id=1_100_000_000_000_000_103, name="read-only", bot_denied=SEND_MESSAGES),
            SimChannel(id=1_100_000_000_000_000_104, name="no-embeds", bot_denied=EMBED_LINKS),
        ),
        members=(alice, bob),
        owner_id=alice.id,
        bot_role_id=1_100_000_000_000_000_201,
    )


def guild_on_shard(
    shard_id: int,
    shard_count: int,
    *,
    name: str = "Second Lab",
    members: tuple[SimUser, ...] | None = None,
    base: int = 1_300_000_000_000_000_000,
) -> SimGuild:
    """A guild like 'Paper Lab' whose id lands on shard ``shard_id`` of ``shard_count``.

    Channels (papers, general) and the bot role get ids near ``base`` (pass another
    ``base`` for a third guild); ``members`` default to two people of its own (carol,
    dave); pass ``default_guild().members`` for the same people in both guilds.
    """
    guild_id = base + 1
    while (guild_id >> 22) % shard_count != shard_id:
        guild_id += 1 << 22
    people = members or (
        SimUser(id=base + 301, username="carol"),
        SimUser(id=base + 302, username="dave"),
    )
    return SimGuild(
        id=guild_id,
        name=name,
        channels=(
            SimChannel(id=base + 101, name="papers", topic="new papers"),
            SimChannel(id=base + 102, name="general"),
        ),
        members=people,
        owner_id=people[0].id,
        bot_role_id=base + 201,
    )


class World:
    """Lookup and payload rendering over the configured bot and guilds."""

    def __init__(self, *, bot: SimUser, guilds: Sequence[SimGuild]) -> None:
        self.bot = bot
        self.guilds = tuple(guilds)

    def join(self, guild: SimGuild) -> None:
        """The bot is added to ``guild`` (it must not be in it already)."""
        if any(g.id == guild.id for g in self.guilds):
            raise ValueError(f"the bot is already in guild {guild.id}")
        self.guilds = (*self.guilds, guild)

    def leave(self, guild_id: int) -> SimGuild:
        """The bot leaves (or is removed from) the guild; returns it."""
        guild = self.guild(guild_id)
        self.guilds = tuple(g for g in self.guilds if g.id != guild_id)
        return guild

    def guild(self, guild_id: int) -> SimGuild:
        for guild in self.guilds:
            if guild.id == guild_id:
                return guild
        raise KeyError(f"no simulated guild {guild_id}")

    def find_channel(
        self, channel_id: int, guild_id: int | None = None
    ) -> tuple[SimGuild, SimChannel] | None:
        """The channel and its guild; ``guild_id`` picks the guild when two guilds of a
        test share a channel id (Discord's ids never collide; paperboy must not rely on it)."""
        for guild in self.guilds:
            if guild_id is not None and guild.id != guild_id:
                continue
            for channel in guild.channels:
                if channel.id == channel_id:
                    return guild, channel
        return None

    def find_user(self, user_id: int) -> SimUser | None:
        if user_id == self.bot.id:
            return self.bot
        for guild in self.guilds:
            for user in guild.members:
                if user.id == user_id:
                    return user
        return None

    def roles_of(self, guild: SimGuild, user: SimUser) -> tuple[int, ...]:
        return (guild.bot_role_id,) if user.id == self.bot.id else ()

    def permissions(self, guild: SimGuild, channel: SimChannel | None, user: SimUser) -> int:
        """Effective permissions of ``user`` in ``channel`` (guild-wide if channel is None)."""
        if user.id == guild.owner_id:
            return ALL_PERMISSIONS
        base = guild.everyone_permissions
        if guild.bot_role_id in self.roles_of(guild, user):
            base |= guild.bot_permissions
        if base & discord.Permissions(administrator=True).value:
            return ALL_PERMISSIONS
        if channel is None:
            return base
        if channel.parent is not None:  # a thread: its parent's overwrites apply
            channel = guild.channel_by_id(channel.parent)
        base &= ~channel.everyone_denied
        if user.id == self.bot.id:  # a member overwrite: its deny, then its allow
            base = (base & ~channel.bot_denied) | channel.bot_allowed
        return base

    def role_payloads(self, guild: SimGuild) -> list[JsonDict]:
        def role(role_id: int, name: str, permissions: int, position: int) -> JsonDict:
            return {
                "id": str(role_id),
                "name": name,
                "permissions": str(permissions),
                "position": position,
                "color": 0,
                "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
                "hoist": False,
                "managed": role_id != guild.id,
                "mentionable": False,
                "flags": 0,
                "icon": None,
                "unicode_emoji": None,
            }

        bot_role = role(guild.bot_role_id, self.bot.username, guild.bot_permissions, 1)
        bot_role["tags"] = {"bot_id": str(self.bot.id)}
        return [role(guild.id, "@everyone", guild.everyone_permissions, 0), bot_role]

    def member_payload(
        self, guild: SimGuild, user: SimUser, *, channel: SimChannel | None = None
    ) -> JsonDict:
        """A guild member; with ``channel``, also the interaction-style ``permissions`` string."""
        member: JsonDict = {
            "user": user.payload(),
            "roles": [str(role_id) for role_id in self.roles_of(guild, user)],
            "flags": 0,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "nick": None,
            "avatar": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if channel is not None:
            member["permissions"] = str(self.permissions(guild, channel, user))
        return member

    def channel_payload(self, guild: SimGuild, channel: SimChannel) -> JsonDict:
        if channel.parent is not None:
            return self.thread_payload(guild, channel)
        overwrites: list[JsonDict] = []
        if channel.everyone_denied:
            overwrites.append(
                {"id": str(guild.id), "type": 0, "allow": "0", "deny": str(channel.everyone_denied)}
            )
        if channel.bot_denied or channel.bot_allowed:
            overwrites.append(
                {
                    "id": str(self.bot.id),
                    "type": 1,
                    "allow": str(channel.bot_allowed),
                    "deny": str(channel.bot_denied),
                }
            )
        return {
            "id": str(channel.id),
            "type": 0,
            "guild_id": str(guild.id),
            "name": channel.name,
            "position": guild.channels.index(channel),
            "permission_overwrites": overwrites,
            "topic": channel.topic,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }

    def thread_payload(self, guild: SimGuild, thread: SimChannel) -> JsonDict:
        """A public thread (type 11), open, started by the guild's owner."""
        return {
            "id": str(thread.id),
            "type": 11,
            "guild_id": str(guild.id),
            "name": thread.name,
            "parent_id": str(thread.parent),
            "owner_id": str(guild.owner_id),
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": "2024-01-01T00:00:00+00:00",
                "locked": False,
            },
        }

    def guild_create_payload(self, guild: SimGuild, *, with_humans: bool) -> JsonDict:
        """GUILD_CREATE data; humans are listed only with the privileged members intent."""
        people = [self.bot, *(guild.members if with_humans else ())]
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "features": [],
            "system_channel_id": None,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "large": False,
            "unavailable": False,
            "member_count": len(guild.members) + 1,
            "roles": self.role_payloads(guild),
            "emojis": [],
            "stickers": [],
            "channels": [
                self.channel_payload(guild, channel)
                for channel in guild.channels
                if channel.parent is None
            ],
            "threads": [
                self.thread_payload(guild, channel)
                for channel in guild.channels
                if channel.parent is not None
            ],
            "members": [self.member_payload(guild, user) for user in people],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
