"""What a database error means to the people running paperboy: SQLite by its result
code, PostgreSQL by its SQLSTATE.

- Busy, locked, full: it passes by itself, so `StoreUnavailable` ("try again shortly").
- Not a database, cannot open, read-only, no permission, found while opening: the
  path cannot hold a store this process can use, so `BadStorePath`, which the
  composition root reports as a bad `store.path` (exit 2).
- Damaged, an I/O error, or read-only once running: waiting will not help, so
  `StoreBroken`, one line naming the file and what to do (exit 1).
- Anything else (a constraint, a mistake in our SQL) is a bug and stays as it is.

PostgreSQL alike: a lost connection, a server shutting down or out of resources, a
deadlock or serialization failure is `StoreUnavailable`; while opening, a refused
login, a database that does not exist or a user that may not create tables is
`BadStoreUrl` (the composition root names `store.url`), a server that cannot be
reached `StoreUnavailable` naming the URL (never its password); corruption or an I/O
error on the server is `StoreBroken`.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError, InterfaceError

from paperboy.core.ports import StoreBroken, StoreUnavailable
from paperboy.store.urls import BadStoreUrl

log = logging.getLogger(__name__)

_TRANSIENT = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL}
_UNWRITABLE = {
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_PERM,
}
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


class BadStorePath(Exception):
    """The path cannot hold a store this process can use: a directory, a file that is
    not SQLite, a directory that cannot be made, no permission to write. The message
    says what is wrong and what to do, without naming the setting."""


def primary_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code (extended codes such as READONLY_DIRECTORY carry
    it in their low byte), or None when the error did not come from SQLite itself."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def translate(error: sqlite3.Error, path: Path | str) -> Exception:
    """The error a caller of the store should see for `error` on the store at `path`."""
    code = primary_code(error)
    text = str(error).lower()
    if code in _TRANSIENT or (code is None and any(w in text for w in ("locked", "busy", "full"))):
        log.warning("store unavailable: %s", error)
        return StoreUnavailable(str(error))
    if code in _DAMAGED:
        return StoreBroken(
            f"the store {path} is damaged ({error}); restore it from a backup, "
            "or move it aside and start afresh"
        )
    if code in _UNWRITABLE or code == sqlite3.SQLITE_IOERR:
        return StoreBroken(
            f"the store {path} cannot be read or written ({error}); check the disk and "
            "the file's permissions"
        )
    return error


def translate_on_open(error: sqlite3.Error, path: Path | str) -> Exception:
    """Like `translate`, for an error met while opening the store: a file that is not
    SQLite, or that this process cannot write, means the path is wrong."""
    code = primary_code(error)
    if code == sqlite3.SQLITE_NOTADB:
        return BadStorePath(
            f"{path} is not a SQLite database; name a new file or an existing paperboy store"
        )
    if code in _UNWRITABLE:
        return BadStorePath(
            f"cannot write {path} ({error}); make it and its directory writable by this "
            "user, or name a file elsewhere"
        )
    return translate(error, path)


_PG_TRANSIENT_CLASSES = ("08", "53", "57")  # connection, resources, operator intervention
_PG_TRANSIENT = {"40001", "40P01", "55P03"}  # serialization, deadlock, lock not available
_PG_REFUSED = {"28000", "28P01", "3D000", "42501"}  # login, password, no database, privilege
_PG_DAMAGED = {"XX001", "XX002", "58030"}  # data or index corrupted, I/O error


def sqlstate(error: BaseException) -> str | None:
    """PostgreSQL's SQLSTATE of an error raised through SQLAlchemy, or None."""
    original = error.orig if isinstance(error, DBAPIError) else error
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return code if isinstance(code, str) else None


def _first_line(error: BaseException) -> str:
    original = error.orig if isinstance(error, DBAPIError) and error.orig else error
    # The driver's error behind SQLAlchemy's, but not a cancellation: asyncio raises a
    # timeout (asyncpg's connect timeout) from the CancelledError that ended the wait,
    # and "CancelledError" would tell the operator nothing.
    cause = original.__cause__ if isinstance(original.__cause__, Exception) else original
    lines = str(cause).strip().splitlines() or [type(cause).__name__]
    return lines[0]


def translate_postgres(error: DBAPIError, where: Path | str) -> Exception | None:
    """The error a caller of the store should see for `error`, or None (a bug: as is)."""
    code = sqlstate(error)
    reason = _first_line(error)
    if (
        error.connection_invalidated
        or isinstance(error, InterfaceError)
        or code in _PG_TRANSIENT
        or (code is not None and code[:2] in _PG_TRANSIENT_CLASSES)
    ):
        log.warning("store unavailable: %s", reason)
        return StoreUnavailable(reason)
    if code in _PG_DAMAGED:
        return StoreBroken(
            f"the store {where} reports damage or an I/O error ({reason}); check the "
            "database server"
        )
    return None


def translate_postgres_on_open(error: BaseException, where: str) -> Exception:
    """Like `translate_postgres`, for an error met while connecting and migrating: a
    refused login or a missing database means the URL is wrong; a server that cannot
    be reached, the world is (try again)."""
    code = sqlstate(error)
    reason = _first_line(error)
    if code in _PG_REFUSED:
        return BadStoreUrl(f"{where}: {reason}")
    if isinstance(error, DBAPIError):
        translated = translate_postgres(error, where)
        if translated is not None:
            return StoreUnavailable(f"{where}: {reason}")
        return error
    return StoreUnavailable(f"cannot reach {where} ({reason})")
