"""What users and Discord do to the client: commands, clicks, reactions, raw events, reconnects.

Part of DiscordSimulator. Interactions default to the first member of the first guild in
its first channel; every helper returns what it sent so tests can await the answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.simulators.discord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    InteractionFactory,
    OptionValue,
)
from tests.simulators.discord.message_routes import DM_REACTIONS, GUILD_REACTIONS
from tests.simulators.discord.queries import SimulatorQueries
from tests.simulators.discord.state import parse_emoji

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tests.simulators.discord.records import (
        DispatchRecord,
        IdentifyRecord,
        ResumeRecord,
        SimInteraction,
    )
    from tests.simulators.discord.world import SimGuild

JsonDict = dict[str, Any]


class SimulatorActions(SimulatorQueries):
    """Gateway events sent to the client; mixed into DiscordSimulator."""

    guild: SimGuild
    _interactions: InteractionFactory

    def _default_channel(self, channel_id: int | None) -> int:
        return channel_id if channel_id is not None else self.guild.channels[0].id

    def _default_user(self, user_id: int | None) -> int:
        return user_id if user_id is not None else self.guild.members[0].id

    async def _send_interaction(self, interaction: SimInteraction) -> SimInteraction:
        await self._gateway.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def send_slash_command(
        self,
        name: str,
        *subcommands: str,
        options: Mapping[str, OptionValue] | None = None,
        user_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        guild_id: int | None = None,
    ) -> SimInteraction:
        """Dispatch ``/name subcommands... options`` (type 2); discord_interactions lists checks.
        ``guild_id`` names the channel's guild when two guilds share the channel id."""
        channel = self._default_channel(channel_id)
        found = self._state.world.find_channel(channel, guild_id)
        data = self._interactions.command_data(
            name, subcommands, options or {}, guild_id=found[0].id if found else 0, focused=None
        )
        return await self._send_interaction(
            self._interactions.envelope(
                kind=APPLICATION_COMMAND,
                data=data,
                channel_id=channel,
                user_id=self._default_user(user_id),
                locale=locale,
                guild_id=guild_id,
            )
        )

    async def send_autocomplete(
        self,
        name: str,
        *subcommands: str,
        focused: str,
        options: Mapping[str, OptionValue],
        user_id: int | None = None,
        channel_id: int | None = None,
    ) -> SimInteraction:
        """Dispatch an autocomplete request (type 4) while the user types option ``focused``."""
        channel = self._default_channel(channel_id)
        found = self._state.world.find_channel(channel)
        data = self._interactions.command_data(
            name, subcommands, options, guild_id=found[0].id if found else 0, focused=focused
        )
        return await self._send_interaction(
            self._interactions.envelope(
                kind=AUTOCOMPLETE,
                data=data,
                channel_id=channel,
                user_id=self._default_user(user_id),
            )
        )

    async def click_button(
        self,
        message_id: int,
        custom_id: str,
        *,
        user_id: int | None = None,
        values: Sequence[str] = (),
    ) -> SimInteraction:
        """Dispatch a component interaction (type 3) for ``custom_id`` on a stored bot message."""
        message = self._state.find_message(message_id)
        if message is None:
            raise LookupError(f"no stored bot message {message_id}")
        data = self._interactions.component_data(message, custom_id, values)
        return await self._send_interaction(
            self._interactions.envelope(
                kind=MESSAGE_COMPONENT,
                data=data,
                channel_id=message.channel_id,
                user_id=self._default_user(user_id),
                message=message,
            )
        )

    async def _reaction(
        self, channel_id: int, message_id: int, emoji: str, user_id: int | None, *, added: bool
    ) -> DispatchRecord:
        data = self._state.reaction_event(
            channel_id=channel_id,
            message_id=message_id,
            user_id=self._default_user(user_id),
            emoji=parse_emoji(emoji),
            added=added,
        )
        intent = GUILD_REACTIONS if "guild_id" in data else DM_REACTIONS
        event = "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE"
        return await self._gateway.dispatch(event, data, intent=intent)

    async def add_reaction(
        self, channel_id: int, message_id: int, emoji: str = "🔖", *, user_id: int | None = None
    ) -> DispatchRecord:
        """A user adds ``emoji`` (unicode, or ``name:id`` for a custom emoji) to a message.

        Withheld (``seq`` None) unless the client asked for the reactions intent.
        """
        return await self._reaction(channel_id, message_id, emoji, user_id, added=True)

    async def remove_reaction(
        self, channel_id: int, message_id: int, emoji: str = "🔖", *, user_id: int | None = None
    ) -> DispatchRecord:
        """A user removes their reaction (no ``member`` in the event, as on Discord)."""
        return await self._reaction(channel_id, message_id, emoji, user_id, added=False)

    async def dispatch(self, event: str, data: JsonDict) -> DispatchRecord:
        """Send any gateway event as given (no checks: malformed payloads are allowed)."""
        return await self._gateway.dispatch(event, data)

    async def dispatch_malformed(self) -> DispatchRecord:
        """A MESSAGE_REACTION_ADD without ``emoji``: discord.py's client task dies with KeyError."""
        channel = self.guild.channels[0].id
        data = {
            "user_id": str(self._default_user(None)),
            "channel_id": str(channel),
            "message_id": "1",
            "guild_id": str(self.guild.id),
            "type": 0,
        }
        return await self._gateway.dispatch("MESSAGE_REACTION_ADD", data)

    async def add_bot_to_guild(self, guild: SimGuild) -> DispatchRecord:
        """GUILD_CREATE for ``guild`` to the shard that owns it, as when the bot is invited
        (again): a guild the bot is not in joins the world and its payload carries no
        ``unavailable`` (discord.py: ``on_guild_join``); a guild it is still in (back from
        an outage) comes with ``unavailable: false`` (``on_guild_available``)."""
        joining = all(g.id != guild.id for g in self._state.world.guilds)
        if joining:
            self._state.world.join(guild)
        payload = self._gateway.guild_create(guild)
        if joining:
            del payload["unavailable"]
        return await self._gateway.dispatch("GUILD_CREATE", payload)

    async def remove_bot_from_guild(
        self, guild: SimGuild, *, unavailable: bool = False
    ) -> DispatchRecord:
        """GUILD_DELETE to the guild's shard: the bot was kicked (or the guild deleted), so it
        leaves the world (a later IDENTIFY no longer lists it; discord.py:
        ``on_guild_remove``); with ``unavailable``, the guild is only out of reach for a
        while (an outage), as Discord marks it, and stays."""
        data: JsonDict = {"id": str(guild.id)}
        if unavailable:
            data["unavailable"] = True
        else:
            self._state.world.leave(guild.id)
        return await self._gateway.dispatch("GUILD_DELETE", data)

    async def send_reconnect(self, *, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT (to ``shard_id``, default the newest session); events
        dispatched until the client RESUMEs are replayed then."""
        await self._gateway.send_op(7, None, shard_id=shard_id)

    async def wait_resumed(self, count: int = 1, *, timeout: float | None = None) -> ResumeRecord:
        """Wait until ``count`` RESUMEs happened in all and the socket is live again."""

        def resumed() -> ResumeRecord | None:
            done = len(self._gateway.resumes) >= count and self._gateway.connected
            return self._gateway.resumes[-1] if done else None

        return await self.wait_for(resumed, what=f"RESUME number {count}", timeout=timeout)

    async def reconnect(self, *, timeout: float | None = None) -> ResumeRecord:
        """Send op 7 RECONNECT and wait until the client has RESUMEd."""
        count = len(self._gateway.resumes) + 1
        await self.send_reconnect()
        return await self.wait_resumed(count, timeout=timeout)

    async def invalidate_session(self, *, timeout: float | None = None) -> IdentifyRecord:
        """Send op 9 (not resumable) and wait for the client to IDENTIFY a new session.

        discord.py sleeps 5 s in ``Client.before_identify_hook`` before every IDENTIFY but the
        first; a test client overrides that hook (or passes a longer ``timeout``).
        """
        before = len(self._gateway.identifies)
        await self._gateway.send_op(9, False)

        def identified() -> IdentifyRecord | None:
            done = len(self._gateway.identifies) > before and self._gateway.connected
            return self._gateway.identifies[-1] if done else None

        return await self.wait_for(identified, what="a new IDENTIFY after op 9", timeout=timeout)
