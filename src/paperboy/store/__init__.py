"""Persistence on SQLite or PostgreSQL: papers, reading lists, posts, subscriptions,
digest runs, leases; one implementation of every query (SQLAlchemy Core)."""

from paperboy.store.database import Database
from paperboy.store.papers import PaperRepository
from paperboy.store.store import Store
from paperboy.store.urls import BadStoreUrl, PostgresLocation, parse_location

__all__ = [
    "BadStoreUrl",
    "Database",
    "PaperRepository",
    "PostgresLocation",
    "Store",
    "parse_location",
]
