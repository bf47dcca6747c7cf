"""The store's contract suite runs on both databases: every test that takes `store`
runs once on SQLite and once on PostgreSQL (a fresh, migrated database of its own)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from paperboy.store import Store, parse_location
from tests.conftest import copy_of
from tests.postgres import PostgresServer, run_async

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def migrated_template(postgres: PostgresServer) -> str:
    """A database with every migration applied, to copy for each test (faster than
    migrating each one)."""
    name = postgres.create_database()

    async def migrate() -> None:
        store = await Store.open(parse_location(postgres.url(name)))
        await store.aclose()

    run_async(migrate())
    postgres.mark_template(name)
    return name


@pytest.fixture(params=DATABASES)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """Where this test's store lives: a SQLite file, or a PostgreSQL URL."""
    if request.param == "sqlite":
        yield tmp_path / "paperboy.sqlite3"
        return
    postgres: PostgresServer = request.getfixturevalue("postgres")
    template = request.getfixturevalue("migrated_template")
    name = postgres.create_database(template=template)
    yield postgres.url(name)
    postgres.drop_database(name)


@pytest.fixture
async def store(store_location: Path | str, migrated_sqlite_file: Path) -> AsyncIterator[Store]:
    if isinstance(store_location, str):
        location = parse_location(store_location)
    else:
        location = copy_of(migrated_sqlite_file, store_location)
    # Named as a process of another host: a second Store of this test process (another
    # replica) must not take this one's claims for those of an exited process.
    async with await Store.open(location, holder="replica-1/1/cafe") as opened:
        yield opened
