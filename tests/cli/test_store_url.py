"""`store.url` (PAPERBOY_STORE_URL) puts the store in PostgreSQL; a URL that is wrong, or a
server that cannot be reached, is one line naming `store.url` that never shows the
password (exit 2 for a bad setting, 1 for a server that is down). The real command
line, in this process, against the test session's PostgreSQL server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperboy import cli
from tests.postgres import PostgresServer

SECRET = "s3cret-Pw"


@pytest.fixture
def env(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The CLI's usual test environment, in this process."""
    for name, value in cli_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)


def paperboy(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.usefixtures("env")
def test_papers_ingested_into_postgresql_are_found_by_search(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAPERBOY_STORE_URL", postgres_url)
    code, _, err = paperboy(capsys, "ingest", "--sample")
    assert code == 0, err
    code, out, err = paperboy(capsys, "search", "mixture of experts", "--json")
    assert code == 0, err
    first = json.loads(out.splitlines()[0])
    assert first["id"] == "2407.06204"


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (f"mysql://ada:{SECRET}@db/papers", "use postgresql://user:password@host:port/database"),
        (f"postgresql://ada:{SECRET}@db:port/papers", "is not a valid URL"),
        (f"postgresql://ada:{SECRET}@db:5432/", "names no database"),
        ("papers.sqlite3", "is not a URL"),
    ],
)
def test_a_url_that_is_not_a_database_url_is_one_line_naming_store_url(
    url: str, problem: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAPERBOY_STORE_URL", url)
    code, _, err = paperboy(capsys, "search", "lora")
    assert code == 2
    line = one_line(err)
    assert line.startswith("paperboy: configuration error: store.url: ")
    assert problem in line
    assert SECRET not in err


@pytest.mark.usefixtures("env")
def test_a_server_that_cannot_be_reached_is_one_line_exit_1_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAPERBOY_STORE_URL", f"postgresql://ada:{SECRET}@127.0.0.1:9/papers")
    code, _, err = paperboy(capsys, "search", "lora")
    assert code == 1
    line = one_line(err)
    assert line.startswith(
        "paperboy: the store is unavailable (store.url: cannot reach "
        "postgresql://ada:***@127.0.0.1:9/papers ("
    )
    assert line.endswith("); try again shortly")
    assert SECRET not in err


@pytest.mark.usefixtures("env")
def test_a_database_the_server_does_not_have_is_one_line_naming_store_url(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres.url("no_such_database").replace("postgres@", f"postgres:{SECRET}@")
    monkeypatch.setenv("PAPERBOY_STORE_URL", url)
    code, _, err = paperboy(capsys, "search", "lora")
    assert code == 2
    line = one_line(err)
    assert line.startswith("paperboy: configuration error: store.url: postgresql://postgres:***@")
    assert 'database "no_such_database" does not exist' in line
    assert SECRET not in err
