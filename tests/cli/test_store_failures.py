"""A store that cannot be opened: every command says so in one line naming `store.path` (or
the file) and what to do, exit 2 for a path that cannot hold a store, 1 for a damaged one.
The real command line, in a separate process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.processes import the_one_line

COMMANDS = [
    ("run",),
    ("chat",),
    ("search", "lora"),
    ("ingest", "--sample"),
    ("add", "2106.09685"),
    ("export", "--user", "ada", "--platform", "console"),
]


def point_store_at(cli_env: dict[str, str], path: Path) -> None:
    cli_env["PAPERBOY_STORE_PATH"] = str(path)


def make_store(run: Run) -> None:
    """A real store, with the sample papers, at the configured path."""
    assert run("ingest", "--sample").returncode == 0


def damage(path: Path) -> None:
    """Overwrite every page past the first three but the last, as a failing disk might
    (which tables and indexes a few pages in the middle hold depends on the schema:
    whatever a command reads is damaged here)."""
    data = path.read_bytes()
    page = 4096
    path.write_bytes(data[: 3 * page] + b"\xff" * (len(data) - 4 * page) + data[-page:])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_store_path_that_is_a_directory_is_one_line_naming_store_path(
    run: Run, cli_env: dict[str, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "papers").mkdir()
    point_store_at(cli_env, tmp_path / "papers")

    result = run(*command)

    assert result.returncode == 2
    assert the_one_line(result) == (
        f"paperboy: configuration error: store.path: {tmp_path / 'papers'} is a directory; "
        f"name a file, e.g. {tmp_path / 'papers' / 'paperboy.sqlite3'}"
    )


@pytest.mark.parametrize("command", [("search", "lora"), ("chat",)], ids=lambda c: c[0])
def test_a_store_path_that_is_not_a_sqlite_file_is_one_line_and_the_file_is_untouched(
    run: Run, cli_env: dict[str, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a database\n" * 100)
    point_store_at(cli_env, notes)

    result = run(*command)

    assert result.returncode == 2
    assert the_one_line(result) == (
        f"paperboy: configuration error: store.path: {notes} is not a SQLite database; "
        "name a new file or an existing paperboy store"
    )
    assert notes.read_text() == "my notes, not a database\n" * 100


@pytest.mark.parametrize("command", [("ingest", "--sample"), ("run",)], ids=lambda c: c[0])
def test_a_store_directory_that_cannot_be_made_is_one_line_naming_store_path(
    run: Run, cli_env: dict[str, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "data").write_text("a file where the directory should be")
    point_store_at(cli_env, tmp_path / "data" / "paperboy.sqlite3")

    result = run(*command)

    assert result.returncode == 2
    assert the_one_line(result) == (
        f"paperboy: configuration error: store.path: {tmp_path / 'data'} is not a directory; "
        "name a file in one"
    )


@pytest.mark.parametrize(
    "command",
    [("search", "lora"), ("run",), ("export", "--user", "ada", "--platform", "console")],
    ids=lambda c: c[0],
)
def test_a_damaged_store_is_one_line_naming_the_file_exit_1(
    run: Run, cli_env: dict[str, str], command: tuple[str, ...]
) -> None:
    make_store(run)
    store = Path(cli_env["PAPERBOY_STORE_PATH"])
    damage(store)
    for beside in store.parent.glob(store.name + ".*"):
        beside.unlink()  # no saved index: the store is read whole to build it

    result = run(*command)

    assert result.returncode == 1
    assert the_one_line(result) == (
        f"paperboy: the store {store} is damaged (database disk image is malformed); "
        "restore it from a backup, or move it aside and start afresh"
    )


@pytest.fixture
def read_only() -> Iterator[list[Path]]:
    """Paths a test makes read-only; made writable again afterwards, for the clean-up."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        path.chmod(0o755)


@pytest.mark.parametrize("command", [("search", "lora"), ("chat",)], ids=lambda c: c[0])
def test_a_store_this_user_cannot_write_is_one_line_naming_store_path(
    run: Run, cli_env: dict[str, str], read_only: list[Path], command: tuple[str, ...]
) -> None:
    make_store(run)
    store = Path(cli_env["PAPERBOY_STORE_PATH"])
    read_only.append(store.parent)
    store.parent.chmod(0o555)

    result = run(*command, as_a_user=True)

    assert result.returncode == 2
    assert the_one_line(result).startswith(
        f"paperboy: configuration error: store.path: cannot write {store} ("
    )
    assert result.stderr.rstrip().endswith(
        "make it and its directory writable by this user, or name a file elsewhere"
    )


def test_a_read_only_store_file_is_one_line_naming_store_path(
    run: Run, cli_env: dict[str, str], read_only: list[Path]
) -> None:
    make_store(run)
    store = Path(cli_env["PAPERBOY_STORE_PATH"])
    read_only.append(store)
    store.chmod(0o444)

    result = run("search", "lora", as_a_user=True)

    assert result.returncode == 2
    assert the_one_line(result).startswith(
        f"paperboy: configuration error: store.path: cannot write {store} (attempt to write a "
        "readonly database)"
    )


def test_a_store_directory_this_user_cannot_create_is_one_line_naming_it(
    run: Run, cli_env: dict[str, str], tmp_path: Path, read_only: list[Path]
) -> None:
    (tmp_path / "shared").mkdir()
    read_only.append(tmp_path / "shared")
    (tmp_path / "shared").chmod(0o555)
    point_store_at(cli_env, tmp_path / "shared" / "paperboy" / "paperboy.sqlite3")

    result = run("search", "lora", as_a_user=True)

    assert result.returncode == 2
    assert the_one_line(result) == (
        "paperboy: configuration error: store.path: cannot create the directory "
        f"{tmp_path / 'shared' / 'paperboy'} (Permission denied); create it, or name a file "
        "elsewhere"
    )


def test_a_search_whose_index_cannot_be_saved_answers_with_one_warning(
    run: Run, cli_env: dict[str, str]
) -> None:
    make_store(run)
    store = Path(cli_env["PAPERBOY_STORE_PATH"])
    index = store.with_name(store.name + ".index")
    full = index.stat().st_size // 2  # the disk fills up halfway through writing the index
    index.unlink()  # so the search builds it and saves it (and writes nothing else)

    result = run("search", "lora", max_file_bytes=full)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].lstrip().startswith("1. In-Context Meta LoRA Generation")
    assert "Traceback" not in result.stderr
    [warning] = result.stderr.splitlines()
    assert f"WARNING paperboy.core.library: could not save the search index to {index} (" in (
        warning
    )
    assert sorted(p.name for p in store.parent.iterdir()) == [store.name]
