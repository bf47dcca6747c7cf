"""The store: one database, one repository per concept."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from paperboy.store.changes import PaperChangeLog
from paperboy.store.database import Database
from paperboy.store.digests import DigestItemLog, DigestRunLog
from paperboy.store.ingest_log import IngestLog
from paperboy.store.page_refs import PageRefRepository
from paperboy.store.papers import PaperRepository
from paperboy.store.posts import PostLog
from paperboy.store.previews import PreviewLog
from paperboy.store.reading_lists import ReadingListRepository
from paperboy.store.subscriptions import SubscriptionRepository
from paperboy.store.weekly_top import WeeklyTopLog


class Store:
    """Open with `await Store.open(path)` (or `async with`), close with `aclose()`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.papers = PaperRepository(db)
        self.changes = PaperChangeLog(db)
        self.reading_lists = ReadingListRepository(db)
        self.posts = PostLog(db)
        self.subscriptions = SubscriptionRepository(db)
        self.digest_runs = DigestRunLog(db)
        self.digest_items = DigestItemLog(db)
        self.ingest_log = IngestLog(db)
        self.page_refs = PageRefRepository(db)
        self.previews = PreviewLog(db)
        self.weekly_top = WeeklyTopLog(db)

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        db = Database(path)
        await db.open()
        return cls(db)

    @property
    def path(self) -> Path | str:
        return self.db.path

    async def ping(self) -> None:
        """A tiny read that proves the database answers (for /readyz); raises if not."""
        await self.db.fetchone("SELECT count(*) FROM sqlite_master")

    async def aclose(self) -> None:
        await self.db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
