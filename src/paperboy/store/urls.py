"""Where a store lives: a SQLite file, or a PostgreSQL database named by a URL.

`postgresql://user:password@host:port/db` and the Unix-socket form
`postgresql://user@/db?host=/run/postgresql` name a PostgreSQL database; `sqlite:///path`
(or a plain path) a SQLite file. A URL is never shown with its password: `masked`
is what logs and error lines say.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError

SCHEMES = ("postgresql", "postgres")


class BadStoreUrl(ValueError):
    """The text is not a store URL paperboy can use; the message says why (no password)."""


@dataclass(frozen=True, slots=True)
class PostgresLocation:
    """A PostgreSQL database: the asyncpg driver URL SQLAlchemy connects with."""

    url: URL

    @property
    def masked(self) -> str:
        """The URL as people may see it: the password is `***`."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)

    def __str__(self) -> str:
        return self.masked


StoreLocation = Path | PostgresLocation


def parse_location(given: str) -> StoreLocation:
    """`postgresql://…` → PostgreSQL, `sqlite:///path` → that file; raises BadStoreUrl."""
    scheme, sep, rest = given.partition("://")
    if not sep:
        raise BadStoreUrl(f"{_shown(given)} is not a URL (postgresql://… or sqlite:///path)")
    if scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise BadStoreUrl("a SQLite URL names a file: sqlite:///path/to/paperboy.sqlite3")
        return Path(rest[1:] if rest.startswith("//") else rest)
    if scheme.split("+")[0] not in SCHEMES:
        raise BadStoreUrl(f"{_shown(given)}: use postgresql://user:password@host:port/database")
    try:
        url = make_url(given)
    except (ArgumentError, ValueError):
        raise BadStoreUrl(
            f"{_shown(given)} is not a valid URL (postgresql://user:password@host:port/database)"
        ) from None
    if url.host and "@" in url.host:
        # An @ of the password ends it early and the rest is read as the host, which
        # every later line would show: "postgresql://ada:***@cr@et@db/…".
        raise BadStoreUrl(f"{_shown(given)}: write an @ in the password as %40")
    if not url.database:
        raise BadStoreUrl(f"{PostgresLocation(url).masked} names no database (…/database)")
    if not url.host and "host" not in url.query:
        raise BadStoreUrl(
            f"{PostgresLocation(url).masked} names no host (…@host:port/… or ?host=/socket/dir)"
        )
    return PostgresLocation(url.set(drivername="postgresql+asyncpg"))


def _shown(given: str) -> str:
    """The text without what could be a password (user:password@)."""
    scheme, sep, rest = given.partition("://")
    if sep and "@" in rest:
        credentials, _, place = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{place}" if ":" in credentials else given
    return given
