"""Where a store lives, as `store.url` names it: a SQLite file or a PostgreSQL database;
anything else is refused with one line saying what to write, never with the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperboy.store import BadStoreUrl, PostgresLocation, parse_location

FORM = "postgresql://user:password@host:port/database"


@pytest.mark.parametrize(
    ("given", "path"),
    [
        ("sqlite:///srv/paperboy/paperboy.sqlite3", Path("/srv/paperboy/paperboy.sqlite3")),
        ("sqlite:////srv/paperboy/paperboy.sqlite3", Path("/srv/paperboy/paperboy.sqlite3")),
        ("sqlite:///data.sqlite3", Path("/data.sqlite3")),
        ("sqlite:///srv/a://b.sqlite3", Path("/srv/a://b.sqlite3")),
    ],
)
def test_a_sqlite_url_names_its_file(given: str, path: Path) -> None:
    assert parse_location(given) == path


@pytest.mark.parametrize("given", ["sqlite://", "sqlite:///", "sqlite://paperboy.sqlite3"])
def test_a_sqlite_url_without_a_file_is_refused(given: str) -> None:
    with pytest.raises(BadStoreUrl) as refused:
        parse_location(given)
    assert str(refused.value) == "a SQLite URL names a file: sqlite:///path/to/paperboy.sqlite3"


@pytest.mark.parametrize(
    ("given", "masked", "host", "port"),
    [
        (
            "postgresql://ada:s3cret@db.example:5433/papers",
            "postgresql://ada:***@db.example:5433/papers",
            "db.example",
            5433,
        ),
        (
            "postgres://ada:s3cret@db.example/papers",
            "postgresql://ada:***@db.example/papers",
            "db.example",
            None,
        ),
        ("postgresql+asyncpg://ada:s3cret@db/papers", "postgresql://ada:***@db/papers", "db", None),
        ("postgresql+psycopg://ada@db/papers", "postgresql://ada@db/papers", "db", None),
        ("postgresql://ada:s3%40cret@db/papers", "postgresql://ada:***@db/papers", "db", None),
    ],
    ids=["port", "short-scheme", "asyncpg", "another-driver", "an-encoded-at"],
)
def test_a_server_url_connects_with_asyncpg_and_is_shown_without_its_password(
    given: str, masked: str, host: str, port: int | None
) -> None:
    location = parse_location(given)

    assert isinstance(location, PostgresLocation)
    assert location.url.drivername == "postgresql+asyncpg"
    assert (location.url.host, location.url.port, location.url.database) == (host, port, "papers")
    assert location.masked == masked
    assert str(location) == masked
    if "s3" in given:
        # Connects with it (%40 read as @), never shows it.
        assert location.url.password in {"s3cret", "s3@cret"}


def test_a_unix_socket_url_names_its_directory() -> None:
    location = parse_location("postgresql://ada@/papers?host=/run/postgresql")

    assert isinstance(location, PostgresLocation)
    assert location.url.query == {"host": "/run/postgresql"}
    assert location.url.database == "papers"


@pytest.mark.parametrize(
    ("given", "line"),
    [
        ("paperboy.sqlite3", "paperboy.sqlite3 is not a URL (postgresql://… or sqlite:///path)"),
        ("mysql://ada:s3cret@db/papers", f"mysql://ada:***@db/papers: use {FORM}"),
        ("mysql://ada:s3:cr@et@db/papers", f"mysql://ada:***@db/papers: use {FORM}"),
        (
            "mysql://ada:s3cret@db/papers?next=a://b",
            f"mysql://ada:***@db/papers?next=a://b: use {FORM}",
        ),
        ("mysql://ada@db/papers", f"mysql://ada@db/papers: use {FORM}"),
        ("mysql://db/papers", f"mysql://db/papers: use {FORM}"),
        (
            "postgresql://ada:s3cret@db:port/papers",
            f"postgresql://ada:***@db:port/papers is not a valid URL ({FORM})",
        ),
        (
            "postgresql://ada:s3cret@db:5432",
            "postgresql://ada:***@db:5432 names no database (…/database)",
        ),
        (
            "postgresql://ada:s3cret@db:5432/",
            "postgresql://ada:***@db:5432/ names no database (…/database)",
        ),
        (
            "postgresql://ada:s3@cret@db/papers",
            "postgresql://ada:***@db/papers: write an @ in the password as %40",
        ),
        (
            "postgresql://ada:s3cret@/papers",
            "postgresql://ada:***@/papers names no host (…@host:port/… or ?host=/socket/dir)",
        ),
    ],
    ids=[
        "a-path",
        "another-database",
        "a-password-with-at",
        "another-url-in-it",
        "no-password",
        "no-user",
        "a-bad-port",
        "no-database",
        "an-empty-database",
        "a-postgresql-password-with-at",
        "no-host",
    ],
)
def test_a_url_paperboy_cannot_use_is_one_line_without_the_password(given: str, line: str) -> None:
    with pytest.raises(BadStoreUrl) as refused:
        parse_location(given)

    assert str(refused.value) == line
    assert "s3cret" not in str(refused.value)
    assert "cret" not in str(refused.value)
