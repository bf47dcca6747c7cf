"""SQLite persistence: papers, reading lists, posts, subscriptions, digest runs."""

from paperboy.store.database import Database
from paperboy.store.papers import PaperRepository
from paperboy.store.store import Store

__all__ = ["Database", "PaperRepository", "Store"]
