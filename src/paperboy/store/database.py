"""One database behind SQLAlchemy's async engine: SQLite (aiosqlite) or PostgreSQL (asyncpg).

Writes go through `transaction()`, one at a time per process: an asyncio lock makes
each an indivisible step (on SQLite that is also what the file allows; on PostgreSQL
it keeps "a read after the writes already asked for" meaningful, see `after_writes`).
SQLite transactions begin IMMEDIATE, so a write transaction holds the file's write
lock from its first statement and a read-then-write inside it cannot race another
process. Reads (`fetchall`, `fetchone`) go through other connections: in WAL mode a
SQLite reader sees only committed data and never waits for a writer, so a search
under a burst of digest writes is not queued behind them (bench/load.py measured
reads waiting ~1 s for one shared lock). A read that starts after a transaction
returned sees that transaction. An in-memory SQLite database has one connection.

Errors are translated (errors.py): what passes by itself (locked, busy, full, a
lost connection) is `StoreUnavailable`, a damaged or failing store `StoreBroken`; a
failed transaction is rolled back first.

`open` first checks, with one plain sqlite3 connection in a worker thread, that a
SQLite path can hold a store this process can write (`BadStorePath` otherwise). A
failed `aiosqlite.connect` leaves its worker thread calling back into the event loop,
which after a one-shot command has already closed ("Event loop is closed" under the
error); after the check, connecting does not fail.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import zlib
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import URL, Executable, Row, Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from paperboy.core.ports import StoreUnavailable
from paperboy.store.errors import (
    BadStorePath,
    translate,
    translate_on_open,
    translate_postgres,
    translate_postgres_on_open,
)
from paperboy.store.migrations import MIGRATIONS, apply_migrations
from paperboy.store.urls import PostgresLocation

log = logging.getLogger(__name__)

# How long SQLite itself waits on a lock held by another process before giving up.
BUSY_TIMEOUT_MS = 5000
# How long a PostgreSQL connection attempt may take before the store is "unreachable".
CONNECT_TIMEOUT_SECONDS = 10

Insert = sqlite.Insert | postgresql.Insert
# A row of any columns (SQLAlchemy types a row by its columns' types).
AnyRow = Row[*tuple[Any, ...]]


class Database:
    """A SQLite file (or ":memory:") with WAL and foreign keys, or a PostgreSQL
    database; migrated when opened."""

    def __init__(
        self, location: Path | str | PostgresLocation, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        self.location = location
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: AsyncEngine | None = None
        self._reader: AsyncEngine | None = None
        # SQLite: the one connection every write goes through, held while open (a
        # checkout per transaction would cost more than most transactions take).
        self._write_conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self._shared: AsyncEngine | None = None  # see `shared_engine`

    @property
    def dialect(self) -> str:
        return "postgresql" if isinstance(self.location, PostgresLocation) else "sqlite"

    @property
    def path(self) -> Path | str:
        """The SQLite file, or the PostgreSQL URL without its password (for messages)."""
        if isinstance(self.location, PostgresLocation):
            return self.location.masked
        return self.location

    @property
    def in_memory(self) -> bool:
        return str(self.location) == ":memory:"

    async def open(self) -> None:
        """Open (creating a SQLite file and its directory if need be) and migrate.

        Raises BadStorePath when the location cannot hold a store this process can
        use, StoreBroken when it is damaged, StoreUnavailable when it cannot be
        reached or another process holds it locked for longer than the busy timeout."""
        if isinstance(self.location, PostgresLocation):
            await self._open_postgres(self.location)
        else:
            await self._open_sqlite(self.location)

    async def _open_sqlite(self, path: Path | str) -> None:
        if not self.in_memory:
            await asyncio.to_thread(check_writable, Path(path), self._busy_timeout_ms)
        url = URL.create("sqlite+aiosqlite", database=str(path))
        if self.in_memory:
            writer = create_async_engine(url, poolclass=StaticPool)
        else:
            writer = create_async_engine(
                url, pool_size=1, max_overflow=0, pool_timeout=None, pool_reset_on_return=None
            )
        self._configure_sqlite(writer, begin="BEGIN IMMEDIATE", wal=not self.in_memory)
        try:
            with _translating_open(path):
                applied = await apply_migrations(writer, MIGRATIONS)
            reader = writer
            if not self.in_memory:
                reader = create_async_engine(
                    url, pool_size=2, max_overflow=6, pool_timeout=None, pool_reset_on_return=None
                )
                self._configure_sqlite(reader, query_only=True)
            self._write_conn = await writer.connect()
        except BaseException:
            await writer.dispose()
            raise
        self._log_applied(applied)
        self._writer, self._reader = writer, reader

    def _configure_sqlite(
        self,
        engine: AsyncEngine,
        *,
        begin: str | None = None,
        wal: bool = False,
        query_only: bool = False,
    ) -> None:
        """Per connection: the busy timeout, foreign keys; we issue BEGIN ourselves
        (the driver's own transaction handling off), so a transaction spans exactly
        the statements put in it. WAL is set outside any transaction (inside one,
        SQLite ignores it)."""
        pragmas = [f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}"]
        if wal:
            pragmas.append("PRAGMA journal_mode = WAL")
        pragmas += ["PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"]
        if query_only:
            pragmas.append("PRAGMA query_only = ON")

        # Straight on the aiosqlite connection (`run_async`, SQLAlchemy's way into the
        # driver from an event): one trip to its thread a statement, where a cursor
        # through the adapter takes four; BEGIN runs before every transaction.
        async def set_up(driver: aiosqlite.Connection) -> None:
            for pragma in pragmas:
                await driver.execute(pragma)

        @event.listens_for(engine.sync_engine, "connect")
        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # the adapter sets it in the driver's thread
            dbapi_connection.run_async(set_up)

        if begin is not None:

            async def start(driver: aiosqlite.Connection) -> None:
                try:
                    await driver.execute(begin)
                except sqlite3.OperationalError as error:
                    if not driver.in_transaction:
                        raise
                    # Left open by a task cancelled while its BEGIN was queued for the
                    # driver's thread (a stop during the start-up ingest): that BEGIN
                    # still ran, before this one. Nothing of it was committed.
                    log.debug("rolling back a transaction a cancelled task left open: %s", error)
                    await driver.rollback()
                    await driver.execute(begin)

            @event.listens_for(engine.sync_engine, "begin")
            def on_begin(conn: Any) -> None:
                conn.connection.dbapi_connection.run_async(start)

    async def _open_postgres(self, location: PostgresLocation) -> None:
        engine = create_async_engine(
            location.url,
            pool_size=5,
            max_overflow=5,
            pool_pre_ping=True,
            pool_timeout=None,
            connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        )
        try:
            try:
                applied = await apply_migrations(engine, MIGRATIONS)
            except (TimeoutError, DBAPIError, OSError) as error:
                raise translate_postgres_on_open(error, location.masked) from None
        except BaseException:
            await engine.dispose()
            raise
        self._log_applied(applied)
        self._writer = self._reader = engine

    def _log_applied(self, applied: list[str]) -> None:
        if applied:
            log.info("store %s: applied migrations %s", self.path, ", ".join(applied))

    def shared_engine(self) -> AsyncEngine:
        """An engine for a library that runs its own statements on this database
        (slack_sdk's installation and OAuth state stores), outside `transaction`.

        PostgreSQL: the store's engine (its pool serves everyone). SQLite: the writer's
        one connection is held by `transaction`, so a file gets an engine of its own
        with the same pragmas, its transactions IMMEDIATE too (SQLite's busy timeout
        queues them behind ours); an in-memory database has only its one connection."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        if self.dialect == "postgresql" or self.in_memory:
            return self._writer
        if self._shared is None:
            url = URL.create("sqlite+aiosqlite", database=str(self.location))
            shared = create_async_engine(
                url, pool_size=1, max_overflow=2, pool_timeout=None, pool_reset_on_return=None
            )
            self._configure_sqlite(shared, begin="BEGIN IMMEDIATE")
            self._shared = shared
        return self._shared

    async def close(self) -> None:
        shared, self._shared = self._shared, None
        if shared is not None:
            await shared.dispose()
        write_conn, self._write_conn = self._write_conn, None
        if write_conn is not None:
            await write_conn.close()
        reader, self._reader = self._reader, None
        writer, self._writer = self._writer, None
        if reader is not None and reader is not writer:
            await reader.dispose()
        if writer is not None:
            await writer.dispose()

    @property
    def _engine(self) -> AsyncEngine:
        """The engine writes go through (on SQLite its one connection is held by
        `transaction`: take no other from it)."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        return self._writer

    def insert(self, table: Table) -> Insert:
        """An INSERT with this database's ON CONFLICT clauses (`on_conflict_do_nothing`,
        `on_conflict_do_update`), which SQLite and PostgreSQL spell alike."""
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def replace(self, table: Table, values: Mapping[str, Any], *, keys: Sequence[str]) -> Insert:
        """INSERT `values`, or where a row with the same `keys` exists, give it every one
        of `values` but its `created_*` columns: a stored setting made anew (a
        subscription, a weekly message) keeps who made it first, and when."""
        statement = self.insert(table).values(**values)
        kept = set(keys) | {name for name in values if name.startswith("created_")}
        return statement.on_conflict_do_update(
            index_elements=[table.c[name] for name in keys],
            set_={name: statement.excluded[name] for name in values if name not in kept},
        )

    async def serialize(self, conn: AsyncConnection, name: str) -> None:
        """Within a transaction: wait until no other process's transaction holds `name`,
        and hold it until this one ends (e.g. numbering paper changes in commit order).
        SQLite's IMMEDIATE transactions are already one at a time."""
        if self.dialect == "postgresql":
            key = zlib.crc32(name.encode("utf-8"))
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """BEGIN (IMMEDIATE on SQLite) … COMMIT; rolled back if the block raises."""
        async with self._lock:
            with self._translating():
                if self._write_conn is not None:
                    async with self._write_conn.begin():
                        yield self._write_conn
                else:
                    async with self._engine.begin() as conn:
                        yield conn

    async def fetchall(
        self,
        statement: Executable | str,
        params: Mapping[str, Any] | None = None,
        *,
        after_writes: bool = False,
    ) -> Sequence[AnyRow]:
        """The rows of one read-only statement, from committed data.

        `after_writes`: first wait for the transactions already asked for (by any
        coroutine) to finish, so the read sees them; e.g. a reaction on a message
        whose post is being recorded right now."""
        if self._reader is None:
            raise RuntimeError("database is not open")
        if isinstance(statement, str):
            statement = text(statement)
        if (self._reader is self._writer and self.dialect == "sqlite") or after_writes:
            async with self._lock:  # in memory: never in the middle of a transaction
                if self._write_conn is not None and self.in_memory:
                    return await self._read_on(self._write_conn, statement, params)
                return await self._read(self._reader, statement, params)
        return await self._read(self._reader, statement, params)

    async def fetchone(
        self,
        statement: Executable | str,
        params: Mapping[str, Any] | None = None,
        *,
        after_writes: bool = False,
    ) -> AnyRow | None:
        rows = await self.fetchall(statement, params, after_writes=after_writes)
        return rows[0] if rows else None

    async def _read(
        self, engine: AsyncEngine, statement: Executable, params: Mapping[str, Any] | None
    ) -> Sequence[AnyRow]:
        with self._translating():
            async with engine.connect() as conn:
                result = await conn.execute(statement, params)
                return result.all()

    async def _read_on(
        self, conn: AsyncConnection, statement: Executable, params: Mapping[str, Any] | None
    ) -> Sequence[AnyRow]:
        with self._translating():
            async with conn.begin():
                return (await conn.execute(statement, params)).all()

    @contextmanager
    def _translating(self) -> Iterator[None]:
        """Raise a database error from the block as errors.py says (itself if a bug)."""
        try:
            yield
        except PoolTimeout as error:
            raise StoreUnavailable(f"no free connection to the store ({error})") from error
        except sqlite3.Error as error:  # from BEGIN, which goes to the driver itself
            plain = translate(error, self.path)
            if plain is error:
                raise
            raise plain from error
        except DBAPIError as error:
            translated = self._translate(error)
            if translated is None:
                raise
            raise translated from error
        except OSError as error:  # PostgreSQL: the server went away while connecting
            if self.dialect != "postgresql":
                raise
            raise StoreUnavailable(f"cannot reach the store {self.path} ({error})") from error

    def _translate(self, error: DBAPIError) -> Exception | None:
        if self.dialect == "postgresql":
            return translate_postgres(error, self.path)
        original = error.orig
        if not isinstance(original, sqlite3.Error):
            return None
        translated = translate(original, self.path)
        return None if translated is original else translated


@contextmanager
def _translating_open(path: Path | str) -> Iterator[None]:
    try:
        yield
    except (DBAPIError, sqlite3.Error) as error:
        original = error.orig if isinstance(error, DBAPIError) else error
        if not isinstance(original, sqlite3.Error):
            raise
        translated = translate_on_open(original, path)
        if translated is original:
            raise
        raise translated from None


def check_writable(path: Path, busy_timeout_ms: int) -> None:
    """Raise unless a store can live at `path` and this process can write it.

    Creates the file's directory (and an empty file) if missing, then starts a write
    and rolls it back: a directory, a file that is not SQLite, a read-only file or
    directory each raise `BadStorePath` saying so; a damaged file `StoreBroken`; a
    lock held past the busy timeout `StoreUnavailable`. Blocking: run it in a thread."""
    if "\x00" in str(path):
        raise BadStorePath(f"{str(path)!r} is not a file name (it holds a NUL character)")
    try:
        is_dir = path.is_dir()
    except OSError as error:  # e.g. a name longer than the file system allows
        raise BadStorePath(f"{path} cannot be a file name here ({error.strerror})") from None
    if is_dir:
        raise BadStorePath(f"{path} is a directory; name a file, e.g. {path / 'paperboy.sqlite3'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise BadStorePath(f"{path.parent} is not a directory; name a file in one") from None
    except OSError as error:
        raise BadStorePath(
            f"cannot create the directory {path.parent} ({error.strerror}); create it, "
            "or name a file elsewhere"
        ) from None
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
        try:
            # A table created and rolled back: SQLite refuses it on a read-only file or
            # directory, where merely opening (or BEGIN) would succeed.
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE paperboy_write_check (x)")
            conn.execute("ROLLBACK")
            _use_wal(conn, busy_timeout_ms / 1000)
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise translate_on_open(error, path) from None


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Put the file in WAL mode (it stays so), before any pooled connection asks.

    Switching needs an exclusive lock, and where several processes open a new file at
    once one of them was refused "database is locked" inside its busy timeout (once in
    CI, in the four-opens test of tests/store/test_migrations.py). So the switch is
    retried here until the busy timeout; later connections find the file in WAL mode
    already, which needs no lock."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)
