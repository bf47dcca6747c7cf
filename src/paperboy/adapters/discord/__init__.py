"""The Discord adapter: `/papers` app commands, embeds with buttons, reaction saves, digests."""

from paperboy.adapters.discord.adapter import DiscordAdapter, DiscordOptions

__all__ = ["DiscordAdapter", "DiscordOptions"]
