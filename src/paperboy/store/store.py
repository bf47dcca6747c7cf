"""The store: one database, one repository per concept."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from sqlalchemy import func, select

from paperboy.store.database import Database
from paperboy.store.digest_ranks import DigestRankLog
from paperboy.store.digests import DigestItemLog, DigestRunLog
from paperboy.store.follows import FollowRepository
from paperboy.store.foryou_weekly import WeeklyForYouLog
from paperboy.store.ingest_log import IngestLog
from paperboy.store.leases import LeaseRepository
from paperboy.store.marks import MarkRepository
from paperboy.store.page_refs import PageRefRepository
from paperboy.store.papers import PaperRepository
from paperboy.store.people import PersonData
from paperboy.store.posts import PostLog
from paperboy.store.previews import PreviewLog
from paperboy.store.reading_lists import ReadingListRepository
from paperboy.store.schema import schema_migrations
from paperboy.store.subscriptions import SubscriptionRepository
from paperboy.store.urls import PostgresLocation
from paperboy.store.weekly_top import WeeklyTopLog
from paperboy.store.workspaces import WorkspaceData


class Store:
    """Open with `await Store.open(path or PostgresLocation)` (or `async with`), close
    with `aclose()`."""

    def __init__(self, db: Database, *, holder: str | None = None) -> None:
        self.db = db
        self.papers = PaperRepository(db)
        self.changes = self.papers  # the papers' change log (the PaperChanges port)
        self.reading_lists = ReadingListRepository(db)
        self.marks = MarkRepository(db)
        self.posts = PostLog(db)
        self.subscriptions = SubscriptionRepository(db)
        self.digest_runs = DigestRunLog(db, holder=holder)
        self.holder = self.digest_runs.holder  # this process, as its claims and leases name it
        self.digest_items = DigestItemLog(db)
        self.ingest_log = IngestLog(db)
        self.page_refs = PageRefRepository(db)
        self.previews = PreviewLog(db)
        self.weekly_top = WeeklyTopLog(db)
        self.leases = LeaseRepository(db)
        self.weekly_foryou = WeeklyForYouLog(db)
        self.digest_ranks = DigestRankLog(db)
        self.workspaces = WorkspaceData(db)
        self.follows = FollowRepository(db)
        self.people = PersonData(db)

    @classmethod
    async def open(
        cls, location: Path | str | PostgresLocation, *, holder: str | None = None
    ) -> Store:
        db = Database(location)
        await db.open()
        return cls(db, holder=holder)

    @property
    def path(self) -> Path | str:
        return self.db.path

    async def ping(self) -> None:
        """A tiny read that proves the database answers (for /readyz); raises if not."""
        await self.db.fetchone(select(func.count()).select_from(schema_migrations))

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
