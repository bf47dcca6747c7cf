"""Migrations: a store made by an earlier paperboy opens and moves forward with its data,
several processes starting on a new store at once all succeed, the tables the queries
are built on are the tables the migrations make."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from paperboy.core.models import UserRef
from paperboy.store import Database, Store, parse_location
from paperboy.store.migrations import MIGRATIONS
from paperboy.store.schema import metadata

ADA = UserRef("slack", "T1", "ada")


def a_version_5_store(path: Path) -> None:
    """A file as paperboy wrote it before migration 6: the released migrations 1-5
    (never edited) applied by plain sqlite3, with papers and a reading list in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for migration in MIGRATIONS[:5]:
        for statement in migration.statements("sqlite"):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2025-01-01')",
            (migration.version, migration.name),
        )
    for n in (1, 2, 3):
        conn.execute(
            "INSERT INTO papers (id, title, abstract, text_seq, added_at, updated_at)"
            " VALUES (?, ?, 'An abstract.', ?, '2025-01-01', '2025-01-01')",
            (f"2501.0000{n}", f"Paper {n}", n),
        )
    # Three saves of the same instant: the list shows the last saved first.
    for n in (2, 1, 3):
        conn.execute(
            "INSERT INTO saved_papers (platform, workspace, user_id, paper_id, saved_at)"
            " VALUES ('slack', 'T1', 'ada', ?, '2025-01-02T00:00:00+00:00')",
            (f"2501.0000{n}",),
        )
    conn.close()


async def test_a_store_from_before_the_change_sequence_opens_with_its_data_in_order(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "old.sqlite3"
    a_version_5_store(path)
    async with await Store.open(path) as store:
        titles = await store.reading_lists.titles(ADA)
        assert [paper_id for paper_id, _ in titles] == ["2501.00003", "2501.00001", "2501.00002"]
        changes = await store.papers.changes_since(0, limit=10)
        assert [(seq, paper.id) for seq, paper in changes] == [
            (1, "2501.00001"),
            (2, "2501.00002"),
            (3, "2501.00003"),
        ]
        await store.reading_lists.save(ADA, "2501.00002", at=now)  # already there
        assert await store.reading_lists.count(ADA) == 3
    with sqlite3.connect(path) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
    assert versions == [m.version for m in MIGRATIONS]


async def test_each_migration_is_recorded_with_its_name_and_when_in_utc(tmp_path: Path) -> None:
    # What an operator reads to see when a store moved forward (`schema_migrations`).
    before = datetime.now(UTC)
    async with await Store.open(tmp_path / "new.sqlite3") as store:
        rows = await store.db.fetchall(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
        )
    assert [(version, name) for version, name, _ in rows] == [
        (m.version, m.name) for m in MIGRATIONS
    ]
    for _, _, applied_at in rows:
        when = datetime.fromisoformat(applied_at)
        assert when.utcoffset() == timedelta(0)
        assert before <= when <= datetime.now(UTC)


async def test_a_postgresql_store_gets_every_migration_once(postgres_url: str) -> None:
    location = parse_location(postgres_url)
    async with await Store.open(location):
        pass
    async with await Store.open(location) as store:
        rows = await store.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
    assert [row[0] for row in rows] == [m.version for m in MIGRATIONS]


async def test_a_postgresql_store_from_a_newer_paperboy_is_refused(postgres_url: str) -> None:
    location = parse_location(postgres_url)
    async with await Store.open(location) as store, store.db.transaction() as conn:
        await conn.exec_driver_sql("INSERT INTO schema_migrations VALUES (999, 'future', '')")
    with pytest.raises(RuntimeError, match="newer paperboy"):
        await Store.open(location)


async def open_at_once(location: Path | str, count: int) -> list[Database]:
    """`count` stores opened at the same moment, each with its own engine and
    connections (as separate processes would be)."""
    where = parse_location(location) if isinstance(location, str) else location
    databases = [Database(where) for _ in range(count)]
    await asyncio.gather(*(db.open() for db in databases))
    return databases


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_four_processes_starting_on_a_new_store_all_succeed(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    location: Path | str = (
        tmp_path / "new.sqlite3"
        if database == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    databases = await open_at_once(location, 4)
    try:
        rows = await databases[0].fetchall("SELECT version FROM schema_migrations")
        assert sorted(row[0] for row in rows) == [m.version for m in MIGRATIONS]
    finally:
        for db in databases:
            await db.close()


async def test_the_tables_queries_are_built_on_are_the_tables_the_migrations_make(
    store: Store,
) -> None:
    def columns_by_table(sync_conn: object) -> dict[str, set[str]]:
        inspector = inspect(sync_conn)
        return {
            table: {column["name"] for column in inspector.get_columns(table)}
            for table in inspector.get_table_names()
        }

    async with store.db.transaction() as conn:
        made = await conn.run_sync(columns_by_table)
    declared = {table.name: {c.name for c in table.columns} for table in metadata.sorted_tables}
    assert made == declared


def test_the_slack_tables_are_the_ones_slack_sdks_stores_read_and_write() -> None:
    # Migration 9 writes slack_sdk's installation and state tables out as text, so that an
    # upgrade of slack_sdk cannot change a released migration; one that changes its tables
    # must fail here, before its stores query columns the database does not have.
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy import MetaData, Table

    theirs = MetaData()
    expected = (
        SQLAlchemyInstallationStore.build_installations_table(theirs, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, "slack_oauth_states"),
    )

    def shape(table: Table) -> list[tuple[str, str, bool, bool]]:
        return [(c.name, repr(c.type), c.nullable or False, c.primary_key) for c in table.columns]

    for table in expected:
        ours = metadata.tables[table.name]
        assert shape(ours) == shape(table)
        assert {(i.name, tuple(c.name for c in i.columns)) for i in ours.indexes} == {
            (i.name, tuple(c.name for c in i.columns)) for i in table.indexes
        }
