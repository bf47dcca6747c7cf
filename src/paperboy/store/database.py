"""One SQLite database behind aiosqlite: connections, pragmas, transactions.

Writes go through one connection, one transaction at a time: an asyncio lock
makes each `transaction()` an indivisible step. Reads (`fetchall`, `fetchone`)
go through a second, read-only connection: in WAL mode a reader sees only
committed data and never waits for a writer, so a search under a burst of
digest writes is not queued behind them (bench/load.py measured reads waiting
~1 s for the one shared lock). A read that starts after a transaction returned
sees that transaction. SQLite errors that pass by themselves (locked, busy, disk
full) surface as `StoreUnavailable`, a damaged or failing file as `StoreBroken`
(see errors.py); a failed transaction is rolled back first. An in-memory database
has no second connection: it reads through the writer.

`open` first checks, with one plain sqlite3 connection in a worker thread, that the
path can hold a store this process can write (`BadStorePath` otherwise). A failed
`aiosqlite.connect` leaves its worker thread calling back into the event loop, which
after a one-shot command has already closed ("Event loop is closed" under the error);
after the check, connecting does not fail.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from paperboy.store.errors import BadStorePath, translate, translate_on_open
from paperboy.store.migrations import MIGRATIONS, apply_migrations

log = logging.getLogger(__name__)

# How long SQLite itself waits on a lock held by another process before giving up.
BUSY_TIMEOUT_MS = 5000


class Database:
    """A SQLite file (or ":memory:") opened with WAL, foreign keys and migrations."""

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def in_memory(self) -> bool:
        return str(self.path) == ":memory:"

    async def open(self) -> None:
        """Open (creating the file and its directory if need be) and migrate.

        Raises BadStorePath when the path cannot hold a store this process can
        write, StoreBroken when the file is damaged, StoreUnavailable when another
        process holds it locked for longer than the busy timeout."""
        if not self.in_memory:
            await asyncio.to_thread(check_writable, Path(self.path), self._busy_timeout_ms)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction
        # spans exactly the statements we put in it.
        conn = await self._connect()
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            applied = await apply_migrations(conn, MIGRATIONS)
            reader = None if self.in_memory else await self._connect()
            if reader is not None:
                await reader.execute("PRAGMA query_only = ON")
        except sqlite3.Error as error:
            await conn.close()
            translated = translate_on_open(error, self.path)
            if translated is error:
                raise
            raise translated from None
        except BaseException:
            await conn.close()
            raise
        if applied:
            log.info("store %s: applied migrations %s", self.path, ", ".join(applied))
        self._conn, self._reader = conn, reader

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        except BaseException:
            await conn.close()
            raise
        return conn

    async def close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            await reader.close()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolled back if the block raises."""
        async with self._lock:
            conn = self.conn
            with _translating(self.path):
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    await conn.execute("COMMIT")
                except BaseException:
                    await _rollback(conn)
                    raise

    async def fetchall(
        self, sql: str, params: Sequence[Any] = (), *, after_writes: bool = False
    ) -> list[sqlite3.Row]:
        """The rows of one read-only statement, from committed data.

        `after_writes`: first wait for the transactions already asked for (by any
        coroutine) to finish, so the read sees them; e.g. a reaction on a message
        whose post is being recorded right now."""
        if self._reader is None or after_writes:
            async with self._lock:  # in memory: never in the middle of a transaction
                return await _fetchall(self.conn, sql, params, self.path)
        return await _fetchall(self._reader, sql, params, self.path)

    async def fetchone(
        self, sql: str, params: Sequence[Any] = (), *, after_writes: bool = False
    ) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params, after_writes=after_writes)
        return rows[0] if rows else None


async def _fetchall(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any], path: Path | str
) -> list[sqlite3.Row]:
    with _translating(path):
        return list(await conn.execute_fetchall(sql, params))  # one trip to its thread


async def _rollback(conn: aiosqlite.Connection) -> None:
    # SQLite may already have rolled back (a failed COMMIT on a full disk does), and
    # then ROLLBACK itself fails; the original error is the one worth raising.
    try:
        await conn.execute("ROLLBACK")
    except sqlite3.Error as error:
        log.debug("rollback: %s", error)


@contextmanager
def _translating(path: Path | str) -> Iterator[None]:
    """Raise a SQLite error from the block as `translate` says (itself if a bug)."""
    try:
        yield
    except sqlite3.Error as error:
        translated = translate(error, path)
        if translated is error:
            raise
        raise translated from error


def check_writable(path: Path, busy_timeout_ms: int) -> None:
    """Raise unless a store can live at `path` and this process can write it.

    Creates the file's directory (and an empty file) if missing, then starts a write
    and rolls it back: a directory, a file that is not SQLite, a read-only file or
    directory each raise `BadStorePath` saying so; a damaged file `StoreBroken`; a
    lock held past the busy timeout `StoreUnavailable`. Blocking: run it in a thread."""
    if "\x00" in str(path):
        raise BadStorePath(f"{str(path)!r} is not a file name (it holds a NUL character)")
    if path.is_dir():
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
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise translate_on_open(error, path) from None
