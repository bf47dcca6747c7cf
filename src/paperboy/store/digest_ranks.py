"""How each channel's digest is ordered (`subscribe … rank:team`); 'votes' unless stored."""

from __future__ import annotations

from paperboy.core.models import ChannelRef
from paperboy.store.database import Database

_WHERE = "platform = ? AND workspace = ? AND channel = ?"
DEFAULT_RANK = "votes"


class DigestRankLog:
    """The `DigestRanks` port."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, channel: ChannelRef) -> str:
        row = await self._db.fetchone(
            f"SELECT rank FROM digest_ranks WHERE {_WHERE}", _key(channel)
        )
        return str(row[0]) if row else DEFAULT_RANK

    async def put(self, channel: ChannelRef, rank: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO digest_ranks (platform, workspace, channel, rank) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (platform, workspace, channel) DO UPDATE SET rank = excluded.rank",
                (*_key(channel), rank),
            )

    async def remove_workspace(self, platform: str, workspace: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM digest_ranks WHERE platform = ? AND workspace = ?",
                (platform, workspace),
            )

    async def remove(self, channel: ChannelRef) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(f"DELETE FROM digest_ranks WHERE {_WHERE}", _key(channel))


def _key(channel: ChannelRef) -> tuple[str, str, str]:
    return (channel.platform, channel.workspace, channel.channel)
