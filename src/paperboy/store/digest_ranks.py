"""How each channel's digest is ordered (`subscribe … rank:team`); 'votes' unless stored."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, select

from paperboy.core.models import ChannelRef
from paperboy.store.database import Database
from paperboy.store.schema import digest_ranks

DEFAULT_RANK = "votes"
_r = digest_ranks.c


class DigestRankLog:
    """The `DigestRanks` port."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, channel: ChannelRef) -> str:
        row = await self._db.fetchone(select(_r.rank).where(_at(channel)))
        return str(row[0]) if row else DEFAULT_RANK

    async def put(self, channel: ChannelRef, rank: str) -> None:
        statement = self._db.insert(digest_ranks).values(
            platform=channel.platform,
            workspace=channel.workspace,
            channel=channel.channel,
            rank=rank,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[_r.platform, _r.workspace, _r.channel],
            set_={"rank": statement.excluded.rank},
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
            await conn.execute(delete(digest_ranks).where(_at(channel)))


def _at(channel: ChannelRef) -> ColumnElement[bool]:
    return (
        (_r.platform == channel.platform)
        & (_r.workspace == channel.workspace)
        & (_r.channel == channel.channel)
    )
