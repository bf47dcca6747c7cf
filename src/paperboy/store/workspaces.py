"""Everything stored about one workspace (a Slack workspace, a Discord guild), deleted at once.

When the bot leaves a workspace (uninstalled, kicked), its people's reading lists and
"not for me" marks, follows and what they sent, the bot's posts there, the digest runs,
items, previews, orders and weekly runs of its channels, and its people's weekly foryou
messages go, so that installing again starts clean. Subscriptions are the digest
service's to delete (it stops their jobs); `forget` deletes any it left too.
"""

from __future__ import annotations

from sqlalchemy import Table, delete

from paperboy.store.database import Database
from paperboy.store.schema import (
    digest_items,
    digest_previews,
    digest_ranks,
    digest_runs,
    follow_sent,
    follows,
    foryou_weekly,
    foryou_weekly_items,
    foryou_weekly_runs,
    marked_papers,
    posts,
    saved_papers,
    subscriptions,
    top_runs,
    top_subscriptions,
)

# Every table whose rows belong to one (platform, workspace): every table with those two
# columns (tests/store/test_people.py fails for one left out).
WORKSPACE_TABLES: tuple[Table, ...] = (
    saved_papers,
    marked_papers,
    posts,
    subscriptions,
    digest_runs,
    digest_items,
    digest_previews,
    top_subscriptions,
    top_runs,
    foryou_weekly_items,
    foryou_weekly_runs,
    foryou_weekly,
    digest_ranks,
    follows,
    follow_sent,
)


class WorkspaceData:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def forget(self, platform: str, workspace: str) -> dict[str, int]:
        """Delete every row of the workspace in one transaction; rows deleted per table
        (tables with none left out)."""
        deleted: dict[str, int] = {}
        async with self._db.transaction() as conn:
            for table in WORKSPACE_TABLES:
                result = await conn.execute(
                    delete(table).where(
                        table.c.platform == platform, table.c.workspace == workspace
                    )
                )
                if result.rowcount:
                    deleted[table.name] = result.rowcount
        return deleted
