"""What a database error means to the people running paperboy, on both databases and
without a server: SQLite's errors by their result code (extended codes too), PostgreSQL's
as asyncpg raises them and SQLAlchemy wraps them. What passes by itself is "unavailable"
(try again, and a warning in the log), a damaged store names itself and what to do, a
wrong path or URL is a configuration error, and a bug stays the error it is."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.dialects.postgresql.asyncpg import (
    AsyncAdapt_asyncpg_connection,
    AsyncAdapt_asyncpg_dbapi,
)
from sqlalchemy.exc import DBAPIError

from paperboy.core.ports import StoreBroken, StoreUnavailable
from paperboy.store import BadStoreUrl, Database
from paperboy.store.errors import (
    BadStorePath,
    translate,
    translate_on_open,
    translate_postgres,
    translate_postgres_on_open,
)

STORE = Path("/srv/paperboy/paperboy.sqlite3")
URL = "postgresql://ada:***@db.example/papers"


def sqlite_error(message: str, code: int | None) -> sqlite3.Error:
    """An error as sqlite3 raises it: its result code attached (none for an error the
    module makes itself)."""
    error = sqlite3.OperationalError(message)
    if code is not None:
        error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("database is locked", sqlite3.SQLITE_BUSY),
        ("database is locked", sqlite3.SQLITE_BUSY_SNAPSHOT),  # extended: BUSY in its low byte
        ("database table is locked", sqlite3.SQLITE_LOCKED),
        ("database or disk is full", sqlite3.SQLITE_FULL),
        ("database is locked", None),
        ("the store is busy", None),
        ("disk is full", None),
    ],
)
def test_a_store_that_is_busy_or_full_is_unavailable_for_now_and_logged(
    message: str, code: int | None, caplog: pytest.LogCaptureFixture
) -> None:
    error = sqlite_error(message, code)

    with caplog.at_level(logging.WARNING, logger="paperboy.store.errors"):
        translated = translate(error, STORE)

    assert type(translated) is StoreUnavailable
    assert str(translated) == message
    assert [r.getMessage() for r in caplog.records] == [f"store unavailable: {message}"]
    assert caplog.records[0].levelno == logging.WARNING


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("database disk image is malformed", sqlite3.SQLITE_CORRUPT),
        ("file is not a database", sqlite3.SQLITE_NOTADB),
    ],
)
def test_a_damaged_store_names_its_file_and_what_to_do(message: str, code: int) -> None:
    translated = translate(sqlite_error(message, code), STORE)

    assert type(translated) is StoreBroken
    assert str(translated) == (
        f"the store {STORE} is damaged ({message}); restore it from a backup, "
        "or move it aside and start afresh"
    )


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("disk I/O error", sqlite3.SQLITE_IOERR),
        ("disk I/O error", sqlite3.SQLITE_IOERR_SHORT_READ),
        ("attempt to write a readonly database", sqlite3.SQLITE_READONLY),
        ("attempt to write a readonly database", sqlite3.SQLITE_READONLY_DIRECTORY),
        ("unable to open database file", sqlite3.SQLITE_CANTOPEN),
        ("access permission denied", sqlite3.SQLITE_PERM),
    ],
)
def test_a_store_that_can_no_longer_be_read_or_written_says_to_check_the_disk(
    message: str, code: int
) -> None:
    translated = translate(sqlite_error(message, code), STORE)

    assert type(translated) is StoreBroken
    assert str(translated) == (
        f"the store {STORE} cannot be read or written ({message}); check the disk and "
        "the file's permissions"
    )


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("no such column: locked", sqlite3.SQLITE_ERROR),  # a mistake in our SQL
        ("UNIQUE constraint failed: papers.id", sqlite3.SQLITE_CONSTRAINT),
        ("near 'SELEC': syntax error", None),
    ],
)
def test_a_bug_stays_the_error_it_is(
    message: str, code: int | None, caplog: pytest.LogCaptureFixture
) -> None:
    error = sqlite_error(message, code)

    assert translate(error, STORE) is error
    assert translate_on_open(error, STORE) is error
    assert caplog.records == []


def test_a_file_that_is_not_sqlite_met_while_opening_is_a_wrong_path() -> None:
    translated = translate_on_open(sqlite_error("file is not a database", 26), STORE)

    assert type(translated) is BadStorePath
    assert str(translated) == (
        f"{STORE} is not a SQLite database; name a new file or an existing paperboy store"
    )


@pytest.mark.parametrize(
    "code",
    [
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_READONLY_DIRECTORY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
    ],
)
def test_a_store_this_process_cannot_write_met_while_opening_is_a_wrong_path(code: int) -> None:
    translated = translate_on_open(
        sqlite_error("attempt to write a readonly database", code), STORE
    )

    assert type(translated) is BadStorePath
    assert str(translated) == (
        f"cannot write {STORE} (attempt to write a readonly database); make it and its "
        "directory writable by this user, or name a file elsewhere"
    )


def test_damage_or_a_lock_met_while_opening_are_what_they_are_at_any_time() -> None:
    damaged = translate_on_open(sqlite_error("database disk image is malformed", 11), STORE)
    locked = translate_on_open(sqlite_error("database is locked", sqlite3.SQLITE_BUSY), STORE)

    assert type(damaged) is StoreBroken
    assert str(damaged).startswith(f"the store {STORE} is damaged")
    assert type(locked) is StoreUnavailable


# PostgreSQL, as asyncpg raises its errors and SQLAlchemy wraps them.

_DBAPI = AsyncAdapt_asyncpg_dbapi(asyncpg)


def from_asyncpg(error: Exception, *, invalidated: bool = False) -> DBAPIError:
    """`error` as a caller of SQLAlchemy sees it: adapted to the asyncpg dialect's DBAPI
    error (which keeps the SQLSTATE), wrapped in SQLAlchemy's own."""
    try:
        try:
            raise error
        except Exception as raw:
            AsyncAdapt_asyncpg_connection._handle_exception_no_connection(_DBAPI, raw)
    except _DBAPI.Error as adapted:
        wrapped = DBAPIError.instance(
            "SELECT 1", None, adapted, _DBAPI.Error, connection_invalidated=invalidated
        )
        assert isinstance(wrapped, DBAPIError)
        return wrapped
    raise AssertionError("not adapted")


_PASSES = [
    asyncpg.exceptions.SerializationError,  # 40001
    asyncpg.exceptions.DeadlockDetectedError,  # 40P01
    asyncpg.exceptions.LockNotAvailableError,  # 55P03
    asyncpg.exceptions.ConnectionFailureError,  # 08006: the connection class
    asyncpg.exceptions.ConnectionDoesNotExistError,  # 08003
    asyncpg.exceptions.TooManyConnectionsError,  # 53300: out of resources
    asyncpg.exceptions.OutOfMemoryError,  # 53200
    asyncpg.exceptions.AdminShutdownError,  # 57P01: an operator stopped the server
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up
    asyncpg.exceptions.InterfaceError,  # the client's: the connection is closed
]


@pytest.mark.parametrize("kind", _PASSES, ids=lambda kind: kind.__name__)
def test_a_server_error_that_passes_by_itself_is_unavailable_with_its_first_line(
    kind: type[Exception], caplog: pytest.LogCaptureFixture
) -> None:
    error = from_asyncpg(kind("the server said no\nDETAIL:  and why"))

    with caplog.at_level(logging.WARNING, logger="paperboy.store.errors"):
        translated = translate_postgres(error, URL)

    assert type(translated) is StoreUnavailable
    assert str(translated) == "the server said no"
    assert [r.getMessage() for r in caplog.records] == ["store unavailable: the server said no"]


def test_a_server_connection_found_broken_is_unavailable_whatever_the_error() -> None:
    error = from_asyncpg(asyncpg.exceptions.PostgresError("connection lost"), invalidated=True)

    translated = translate_postgres(error, URL)

    assert type(translated) is StoreUnavailable
    assert str(translated) == "connection lost"


def test_a_server_error_without_words_is_named_by_its_kind() -> None:
    error = from_asyncpg(asyncpg.exceptions.AdminShutdownError(""))

    assert str(translate_postgres(error, URL)) == "AdminShutdownError"


@pytest.mark.parametrize(
    "kind",
    [
        asyncpg.exceptions.DataCorruptedError,  # XX001
        asyncpg.exceptions.IndexCorruptedError,  # XX002
        asyncpg.exceptions.PostgresIOError,  # 58030
    ],
    ids=lambda kind: kind.__name__,
)
def test_damage_on_the_database_server_names_the_store_and_says_to_check_it(
    kind: type[Exception],
) -> None:
    error = from_asyncpg(kind("could not read block 7\nCONTEXT: papers"))

    translated = translate_postgres(error, URL)

    assert type(translated) is StoreBroken
    assert str(translated) == (
        f"the store {URL} reports damage or an I/O error (could not read block 7); "
        "check the database server"
    )


@pytest.mark.parametrize(
    "kind",
    [
        asyncpg.exceptions.UniqueViolationError,  # 23505: a bug
        asyncpg.exceptions.PostgresSyntaxError,  # 42601: a mistake in our SQL
        asyncpg.exceptions.UndefinedColumnError,  # 42703
    ],
    ids=lambda kind: kind.__name__,
)
def test_a_bug_the_server_reports_stays_the_error_it_is(kind: type[Exception]) -> None:
    error = from_asyncpg(kind("a mistake"))

    assert translate_postgres(error, URL) is None
    assert translate_postgres_on_open(error, URL) is error


@pytest.mark.parametrize(
    "kind",
    [
        asyncpg.exceptions.InvalidAuthorizationSpecificationError,  # 28000: no such role
        asyncpg.exceptions.InvalidPasswordError,  # 28P01
        asyncpg.exceptions.InvalidCatalogNameError,  # 3D000: no such database
        asyncpg.exceptions.InsufficientPrivilegeError,  # 42501: may not create tables
    ],
    ids=lambda kind: kind.__name__,
)
def test_a_refused_login_or_a_missing_database_while_opening_is_a_wrong_url(
    kind: type[Exception],
) -> None:
    error = from_asyncpg(kind('password authentication failed for user "ada"\nmore'))

    translated = translate_postgres_on_open(error, URL)

    assert type(translated) is BadStoreUrl
    assert str(translated) == f'{URL}: password authentication failed for user "ada"'


def test_a_server_shutting_down_while_opening_is_unavailable_naming_the_url() -> None:
    error = from_asyncpg(asyncpg.exceptions.CannotConnectNowError("the database is starting up"))

    translated = translate_postgres_on_open(error, URL)

    assert type(translated) is StoreUnavailable
    assert str(translated) == f"{URL}: the database is starting up"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ConnectionRefusedError(111, "Connect call failed"), "[Errno 111] Connect call failed"),
        (TimeoutError(), "TimeoutError"),
        (OSError("Multiple exceptions: first\nsecond"), "Multiple exceptions: first"),
    ],
)
def test_a_server_that_cannot_be_reached_is_unavailable_naming_the_url(
    error: Exception, reason: str
) -> None:
    translated = translate_postgres_on_open(error, URL)

    assert type(translated) is StoreUnavailable
    assert str(translated) == f"cannot reach {URL} ({reason})"


async def test_opening_a_store_url_nobody_serves_is_unavailable_without_the_password() -> None:
    from paperboy.store import parse_location

    # Port 9 on loopback: nothing listens there, the connection is refused at once.
    location = parse_location("postgresql://ada:s3cret@127.0.0.1:9/papers")
    db = Database(location)

    with pytest.raises(StoreUnavailable) as unavailable:
        await db.open()

    message = str(unavailable.value)
    assert message.startswith("cannot reach postgresql://ada:***@127.0.0.1:9/papers (")
    assert "s3cret" not in message
    assert db.dialect == "postgresql"
    assert db.path == "postgresql://ada:***@127.0.0.1:9/papers"


async def test_a_store_server_that_never_answers_is_unavailable_after_the_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A loopback server that takes the connection and never says a word (a hung server,
    # a proxy with nothing behind it): without a timeout of its own, the driver's
    # (60 s) would hold the start that long. The guard fails the test well before.
    from paperboy.store import database, parse_location

    held: list[asyncio.StreamWriter] = []

    async def say_nothing(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # the connection stays open, silent

    monkeypatch.setattr(database, "CONNECT_TIMEOUT_SECONDS", 0.2)
    server = await asyncio.start_server(say_nothing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        db = Database(parse_location(f"postgresql://ada:s3cret@127.0.0.1:{port}/papers"))
        async with asyncio.timeout(10):
            with pytest.raises(StoreUnavailable) as unavailable:
                await db.open()
    finally:
        server.close()
        for writer in held:
            writer.close()
            await writer.wait_closed()
        await server.wait_closed()

    assert str(unavailable.value) == (
        f"cannot reach postgresql://ada:***@127.0.0.1:{port}/papers (TimeoutError)"
    )


# Opening a SQLite store: the path is checked before anything is written.


async def test_a_store_path_that_is_a_directory_is_a_wrong_path(tmp_path: Path) -> None:
    with pytest.raises(BadStorePath) as wrong:
        await Database(tmp_path).open()

    assert str(wrong.value) == (
        f"{tmp_path} is a directory; name a file, e.g. {tmp_path / 'paperboy.sqlite3'}"
    )


async def test_a_store_path_inside_a_file_is_a_wrong_path(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("notes\n")

    with pytest.raises(BadStorePath) as wrong:
        await Database(tmp_path / "notes.txt" / "paperboy.sqlite3").open()

    assert str(wrong.value) == f"{tmp_path / 'notes.txt'} is not a directory; name a file in one"


async def test_a_store_directory_that_cannot_be_made_is_a_wrong_path_saying_what_to_do(
    tmp_path: Path,
) -> None:
    # A directory name longer than the file system allows (as root, the one refusal a
    # test can count on): the path is wrong, and the line says so and what to do.
    path = tmp_path / "new" / ("d" * 300) / "paperboy.sqlite3"

    with pytest.raises(BadStorePath) as wrong:
        await Database(path).open()

    assert str(wrong.value) == (
        f"cannot create the directory {path.parent} (File name too long); create it, "
        "or name a file elsewhere"
    )


async def test_a_store_path_with_a_name_too_long_is_a_wrong_path(tmp_path: Path) -> None:
    # Asking whether it is a directory already fails (it was a traceback).
    path = tmp_path / ("d" * 300) / "paperboy.sqlite3"

    with pytest.raises(BadStorePath) as wrong:
        await Database(path).open()

    assert str(wrong.value) == f"{path} cannot be a file name here (File name too long)"


async def test_a_store_path_holding_a_nul_is_a_wrong_path(tmp_path: Path) -> None:
    path = tmp_path / "paper\x00boy.sqlite3"

    with pytest.raises(BadStorePath) as wrong:
        await Database(path).open()

    assert str(wrong.value) == f"{str(path)!r} is not a file name (it holds a NUL character)"


async def test_a_store_path_that_is_not_sqlite_is_a_wrong_path_and_left_untouched(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a database\n" * 100)

    with pytest.raises(BadStorePath) as wrong:
        await Database(notes).open()

    assert str(wrong.value) == (
        f"{notes} is not a SQLite database; name a new file or an existing paperboy store"
    )
    assert notes.read_text() == "my notes, not a database\n" * 100


async def test_a_new_store_path_gets_its_directories(tmp_path: Path) -> None:
    path = tmp_path / "data" / "paperboy" / "paperboy.sqlite3"
    db = Database(path)
    await db.open()
    try:
        rows = await db.fetchall("SELECT count(*) FROM schema_migrations")
    finally:
        await db.close()

    assert path.is_file()
    assert rows[0][0] > 0


async def test_a_damaged_store_names_its_file_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "paperboy.sqlite3"
    db = Database(path)
    await db.open()
    await db.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * (len(data) - 100))  # the schema's page, overwritten

    with pytest.raises(StoreBroken) as broken:
        await Database(path).open()

    assert str(broken.value).startswith(f"the store {path} is damaged (")
    assert str(broken.value).endswith("restore it from a backup, or move it aside and start afresh")


async def test_a_store_whose_migration_log_is_damaged_names_its_file_when_opened(
    tmp_path: Path,
) -> None:
    """The path is writable (the check passes): the damage shows as the migrations read."""
    path = tmp_path / "paperboy.sqlite3"
    db = Database(path)
    await db.open()
    await db.close()
    with sqlite3.connect(path) as conn:
        [(page,)] = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'schema_migrations'"
        ).fetchall()
    data = bytearray(path.read_bytes())
    data[(page - 1) * 4096 : page * 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))

    with pytest.raises(StoreBroken) as broken:
        await Database(path).open()

    assert str(broken.value) == (
        f"the store {path} is damaged (database disk image is malformed); restore it from a "
        "backup, or move it aside and start afresh"
    )
