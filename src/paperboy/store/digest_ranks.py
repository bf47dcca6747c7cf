"""How each channel's digest is ordered (`subscribe … rank:team`); 'votes' unless stored."""

from __future__ import annotations

from sqlalchemy import delete, select

from paperboy.core.models import ChannelRef
from paperboy.store.database import Database
from paperboy.store.keys import CHANNEL_KEYS, at_channel, channel_values
from paperboy.store.schema import digest_ranks

DEFAULT_RANK = "votes"
_r = digest_ranks.c


class DigestRankLog:
    """The `DigestRanks` port."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, channel: ChannelRef) -> str:
        row = await self._db.fetchone(select(_r.rank).where(at_channel(digest_ranks, channel)))
        return str(row[0]) if row else DEFAULT_RANK

    async def put(self, channel: ChannelRef, rank: str) -> None:
        statement = self._db.replace(
            digest_ranks, {**channel_values(channel), "rank": rank}, keys=CHANNEL_KEYS
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement)

    async def remove_workspace(self, platform: str, workspace: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                delete(digest_ranks).where(_r.platform == platform, _r.workspace == workspace)
            )

    async def remove(self, channel: ChannelRef) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(delete(digest_ranks).where(at_channel(digest_ranks, channel)))
