"""One SQLite database behind aiosqlite: connection, pragmas, transactions.

All statements go through one connection, one at a time (aiosqlite runs them on
its own thread). An asyncio lock makes each `transaction()` and each read an
indivisible step, so a read never sees another coroutine's uncommitted writes.
SQLite errors that pass by themselves (locked, busy, disk full) surface as
`StoreUnavailable`; the transaction is rolled back first.
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
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        if str(self.path) != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction
        # spans exactly the statements we put in it.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            applied = await apply_migrations(conn, MIGRATIONS)
        except BaseException:
            await conn.close()
            raise
        if applied:
            log.info("store %s: applied migrations %s", self.path, ", ".join(applied))
        self._conn = conn

    async def close(self) -> None:
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

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            try:
                async with self.conn.execute(sql, params) as cursor:
                    return list(await cursor.fetchall())
            except sqlite3.OperationalError as error:
                raise _translate(error) from error

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def integrity_ok(self) -> bool:
        row = await self.fetchone("PRAGMA integrity_check")
        return row is not None and row[0] == "ok"


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
