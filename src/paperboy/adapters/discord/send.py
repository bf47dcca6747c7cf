"""Sending rendered messages: as an interaction's answer, or into a channel (digests).

Every send passes `AllowedMentions.none()`. Buttons travel in a View that is stopped
right after sending: presses are routed by custom id (see handlers.py), so no
per-message state is kept, and old messages work after a restart just the same.
Channel failures become `PostFailed`: permanent when Discord refuses for a reason a
retry cannot fix (no access, no permission, unknown channel, a refused body).
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import discord

from paperboy.adapters.discord.render import Outgoing
from paperboy.core.ports import PostFailed

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
UNKNOWN_CHANNEL = 10003

GuildMessageable = discord.TextChannel | discord.Thread | discord.VoiceChannel
# Where the bot posts: a guild's channel, or a person's direct messages (`foryou weekly`).
Postable = GuildMessageable | discord.DMChannel


def message_kwargs(out: Outgoing) -> tuple[dict[str, Any], discord.ui.View | None]:
    """Keyword arguments for discord.py's send methods, and the View to stop after."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if out.content:
        kwargs["content"] = out.content
    if out.embeds:
        kwargs["embeds"] = list(out.embeds)
    if (file := out.file()) is not None:
        kwargs["file"] = file
    view = out.view()
    if view is not None:
        kwargs["view"] = view
    return kwargs, view


async def answer(interaction: discord.Interaction[Any], out: Outgoing) -> int | None:
    """Answer the interaction (or follow up, once it is answered or deferred).

    Returns the message id when Discord tells it."""
    kwargs, view = message_kwargs(out)
    try:
        if interaction.response.is_done():
            sent = await interaction.followup.send(ephemeral=out.ephemeral, wait=True, **kwargs)
            return sent.id
        response = await interaction.response.send_message(ephemeral=out.ephemeral, **kwargs)
        return response.message_id
    finally:
        if view is not None:
            view.stop()


async def send_to_channel(
    channel: Postable, out: Outgoing, *, nonce: str | None = None
) -> discord.Message:
    """Post into a guild channel or a DM; Discord's refusals become `PostFailed` with a
    clear log line. With `nonce` (at most 25 characters), Discord posts nothing new for
    a nonce it saw from the bot in the channel a few minutes before, and returns that
    message (discord.py sends it with `enforce_nonce`)."""
    kwargs, view = message_kwargs(out)
    if isinstance(channel, discord.DMChannel):
        where = f"the direct messages {channel.id}"
    else:
        where = f"#{channel.name} in {channel.guild.name} ({channel.guild.id}/{channel.id})"
    try:
        if nonce is not None:
            kwargs["nonce"] = nonce
        return await channel.send(**kwargs)
    except discord.Forbidden as error:
        reason = "cannot see it" if error.code == MISSING_ACCESS else "may not post there"
        log.error(
            "cannot post in %s: the bot %s (Discord %s, code %s). Grant it View Channel, "
            "Send Messages and Embed Links in that channel.",
            where,
            reason,
            error.status,
            error.code,
        )
        raise PostFailed(f"no permission to post in {where}", permanent=True) from error
    except discord.NotFound as error:
        log.error("cannot post in %s: Discord says it does not exist (code %s)", where, error.code)
        raise PostFailed(f"unknown channel {where}", permanent=True) from error
    except discord.DiscordServerError as error:
        raise PostFailed(f"Discord failed ({error.status}) posting in {where}") from error
    except discord.HTTPException as error:
        log.error("Discord refused a message for %s: %s %s", where, error.status, error.text)
        raise PostFailed(f"Discord refused the message ({error.status})", permanent=True) from error
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        raise PostFailed(f"could not reach Discord: {error!r}") from error
    finally:
        if view is not None:
            view.stop()
