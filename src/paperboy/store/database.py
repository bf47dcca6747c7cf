"""One SQLite database behind aiosqlite: connections, pragmas, transactions.

Writes go through one connection, one transaction at a time: an asyncio lock
makes each `transaction()` an indivisible step. Reads (`fetchall`, `fetchone`)
go through a second, read-only connection: in WAL mode a reader sees only
committed data and never waits for a writer, so a search under a burst of
digest writes is not queued behind them (bench/load.py measured reads waiting
~1 s for the one shared lock). A read that starts after a transaction returned
sees that transaction. SQLite errors that pass by themselves (locked, busy, disk
full) surface as `StoreUnavailable`; a failed transaction is rolled back first.
An in-memory database has no second connection: it reads through the writer.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from paperboy.core.ports import StoreUnavailable
from paperboy.store.migrations import MIGRATIONS, apply_migrations

log = logging.getLogger(__name__)

# How long SQLite itself waits on a lock held by another process before giving up.
BUSY_TIMEOUT_MS = 5000

_TRANSIENT_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL}


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
        if not self.in_memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
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
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise _translate(error) from error
            try:
                yield conn
                await conn.execute("COMMIT")
            except BaseException as error:
                await _rollback(conn)
                if isinstance(error, sqlite3.DatabaseError):
                    raise _translate(error) from error
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
                return await _fetchall(self.conn, sql, params)
        return await _fetchall(self._reader, sql, params)

    async def fetchone(
        self, sql: str, params: Sequence[Any] = (), *, after_writes: bool = False
    ) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params, after_writes=after_writes)
        return rows[0] if rows else None

    async def integrity_ok(self) -> bool:
        row = await self.fetchone("PRAGMA integrity_check")
        return row is not None and row[0] == "ok"


async def _fetchall(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any]
) -> list[sqlite3.Row]:
    try:
        return list(await conn.execute_fetchall(sql, params))  # one trip to its thread
    except sqlite3.OperationalError as error:
        raise _translate(error) from error


async def _rollback(conn: aiosqlite.Connection) -> None:
    # SQLite may already have rolled back (a failed COMMIT on a full disk does), and
    # then ROLLBACK itself fails; the original error is the one worth raising.
    try:
        await conn.execute("ROLLBACK")
    except sqlite3.Error as error:
        log.debug("rollback: %s", error)


def _translate(error: sqlite3.DatabaseError) -> Exception:
    code = getattr(error, "sqlite_errorcode", None)
    text = str(error).lower()
    if code in _TRANSIENT_CODES or "locked" in text or "busy" in text or "full" in text:
        log.warning("store unavailable: %s", error)
        return StoreUnavailable(str(error))
    return error
