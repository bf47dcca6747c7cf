"""The discord.py client: smallest intents, no mentions, `/papers` synced at start-up.

Intents are `guilds` (channels and permissions, for posting digests) and
`guild_reactions` (saving by reaction) — nothing privileged. Component presses are
routed by custom id from `on_interaction`, so buttons need no registration per
message and keep working across restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from paperboy.adapters.discord.commands import PapersGroup
from paperboy.adapters.discord.handlers import Interactions, apologise
from paperboy.adapters.discord.reactions import Reactions
from paperboy.adapters.discord.suggestions import Suggestions
from paperboy.core.models import Platform

log = logging.getLogger(__name__)


def paperboy_intents() -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_reactions = True
    return intents


class PapersTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        """Errors our handlers did not catch (e.g. an option discord.py could not convert)."""
        log.error("/papers failed: %s", error, exc_info=error)
        await apologise(interaction)


class PaperboyClient(discord.Client):
    """Built first (the Publisher posts through it, `poster.DiscordPoster`); the
    adapter then gives it what answers commands, buttons and reactions (`serve`),
    before it logs in."""

    def __init__(
        self,
        *,
        sync_guilds: Sequence[int] = (),
        guild_ready_timeout: float = 2.0,
        identify_wait: float = 5.0,
        **sharding: Any,
    ) -> None:
        super().__init__(
            intents=paperboy_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            **sharding,
        )
        self.sync_guilds = tuple(sync_guilds)
        self.identify_wait = identify_wait
        self.tree = PapersTree(self)
        self.handlers: Interactions | None = None
        self.reactions: Reactions | None = None

    def serve(self, handlers: Interactions, suggestions: Suggestions) -> None:
        """Answer `/papers`, button presses and reactions with these (once, before login)."""
        if self.handlers is not None:
            raise RuntimeError("the Discord client already serves a bot")
        self.handlers = handlers
        self.reactions = Reactions(
            handlers.bot,
            bot_user_id=self._bot_user_id,
            open_dm=self._open_dm,
            in_flight=handlers.in_flight,
        )
        self.tree.add_command(PapersGroup(handlers, suggestions))

    async def setup_hook(self) -> None:
        await sync_commands(self.tree, self.sync_guilds)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Discord asks for a pause before every IDENTIFY but the first (tests shorten it)."""
        if not initial:
            await asyncio.sleep(self.identify_wait)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type is discord.InteractionType.component and self.handlers is not None:
            await self.handlers.press(interaction)

    async def on_raw_reaction_add(self, event: discord.RawReactionActionEvent) -> None:
        if self.reactions is not None:
            await self.reactions.on_reaction(event, added=True)

    async def on_raw_reaction_remove(self, event: discord.RawReactionActionEvent) -> None:
        if self.reactions is not None:
            await self.reactions.on_reaction(event, added=False)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """The bot was removed from a guild (kicked, or the guild deleted; an outage is
        `on_guild_unavailable`, which forgets nothing): its channels' digests go, so that
        joining again starts clean. Never raises."""
        handlers = self.handlers
        if handlers is None:  # not serving a bot yet: nothing of it to forget
            return
        with handlers.in_flight.track():
            try:
                removed = await handlers.bot.left_workspace(Platform.DISCORD.value, str(guild.id))
            except Exception:
                log.exception("forgetting the subscriptions of guild %s failed", guild.id)
                return
        log.info(
            "removed from guild %s: deleted the subscriptions of %d channels",
            guild.id,
            removed.channels,
        )

    def _bot_user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    async def _open_dm(self, user_id: int) -> discord.DMChannel:
        return await self.create_dm(discord.Object(id=user_id))


class ShardedPaperboyClient(PaperboyClient, discord.AutoShardedClient):
    """The same client over several gateway shards (discord.py's AutoShardedClient):
    `shard_ids` of `shard_count`, or all of them. Discord sends each shard the events
    of its guilds only, so a reaction is handled by the process that runs its guild's
    shard; posting is REST and reaches any guild from any process."""

    def __init__(self, *, shard_count: int, shard_ids: Sequence[int] = (), **options: Any) -> None:
        sharding: dict[str, Any] = {"shard_count": shard_count}
        if shard_ids:
            sharding["shard_ids"] = list(shard_ids)
        super().__init__(**options, **sharding)


async def sync_commands(tree: app_commands.CommandTree[Any], guild_ids: Sequence[int]) -> None:
    """Sync `/papers`: to each configured guild (instantly available), else globally.

    A guild that refuses (the bot is not in it, or was invited without the
    `applications.commands` scope) is logged and skipped; the bot keeps running."""
    if not guild_ids:
        try:
            synced = await tree.sync()
        except discord.HTTPException as error:
            log.error("syncing /papers globally failed: %s %s", error.status, error.text)
            return
        log.info(
            "synced %s globally (new commands can take up to an hour to show everywhere)",
            describe_synced(synced),
        )
        return
    for guild_id in guild_ids:
        guild = discord.Object(id=guild_id)
        tree.copy_global_to(guild=guild)
        try:
            synced = await tree.sync(guild=guild)
        except discord.HTTPException as error:
            log.error(
                "syncing /papers to guild %s failed (%s %s): is the bot in that guild, invited "
                "with the applications.commands scope?",
                guild_id,
                error.status,
                error.text,
            )
            continue
        log.info("synced %s to guild %s", describe_synced(synced), guild_id)


def describe_synced(synced: Sequence[app_commands.AppCommand]) -> str:
    """E.g. "1 command (/papers with 14 subcommands)"."""
    parts = []
    for command in synced:
        subcommands = [o for o in command.options if isinstance(o, app_commands.AppCommandGroup)]
        parts.append(f"/{command.name} with {len(subcommands)} subcommands")
    noun = "command" if len(synced) == 1 else "commands"
    return f"{len(synced)} {noun} ({', '.join(parts)})"
