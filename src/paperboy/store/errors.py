"""What a SQLite error means to the people running paperboy, by its result code.

- Busy, locked, full: it passes by itself, so `StoreUnavailable` ("try again shortly").
- Not a database, cannot open, read-only, no permission, found while opening: the
  path cannot hold a store this process can use, so `BadStorePath`, which the
  composition root reports as a bad `store.path` (exit 2).
- Damaged, an I/O error, or read-only once running: waiting will not help, so
  `StoreBroken`, one line naming the file and what to do (exit 1).
- Anything else (a constraint, a mistake in our SQL) is a bug and stays as it is.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from paperboy.core.ports import StoreBroken, StoreUnavailable

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
