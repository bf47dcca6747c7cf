"""The command line against hostile papers and sources: a bad paper is skipped and
named, the rest is stored, and nothing stored reaches the terminal as control codes."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

from tests.conftest import Run
from tests.processes import start_paperboy
from tests.simulators.sources.fixtures import ArxivRecord, sample_day
from tests.simulators.sources.servers import PaperSourceSimulator

DAY = date(2025, 3, 10)
# A title that recolours the terminal and turns the rest of the line around, and an
# author name that retitles the terminal window.
TITLE = "Evil \x1b[31mRed\x1b[0m Title \u202eesrever"
AUTHOR = "Mallory \x1b]0;pwned\x07Jones"
CONTROL = ("\x1b", "\x07", "\u202e", "\x9b")
# XML cannot carry ESC, but it can carry the one-character CSI (U+009B) and a bidi override.
XML_TITLE = "Evil \x9b31mRed\x9b0m Title \u202eesrever"


def jsonl(tmp_path: Path, *records: dict[str, object]) -> str:
    path = tmp_path / "papers.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return str(path)


async def run_async(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """The CLI as a process while this loop serves the loopback sources."""
    process = await start_paperboy(env, *args)
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def test_a_jsonl_line_with_a_vote_count_past_any_integer_is_skipped_and_the_rest_stored(
    run: Run, tmp_path: Path
) -> None:
    """2**63 votes passed validation and the insert's OverflowError aborted the import."""
    path = jsonl(
        tmp_path,
        {"id": "team-001", "title": "Kept one", "abstract": "Zyzzyva alpha."},
        {"id": "team-002", "title": "Huge votes", "abstract": "Zyzzyva beta.", "upvotes": 2**63},
        {"id": "team-003", "title": "Kept two", "abstract": "Zyzzyva gamma."},
    )
    result = run("ingest", "--jsonl", path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"{path}: line 2: upvotes must be a whole number from 0 to 2,147,483,647, got {2**63}"
    )
    assert result.stdout.strip() == f"{path}: 2 new, 0 updated, 0 unchanged, 1 bad lines skipped"
    found = run("search", "zyzzyva", "--json")
    assert sorted(json.loads(line)["id"] for line in found.stdout.splitlines()) == [
        "team-001",
        "team-003",
    ]


def test_search_show_and_export_print_stored_control_codes_harmlessly(
    run: Run, tmp_path: Path
) -> None:
    path = jsonl(
        tmp_path,
        {"id": "team-666", "title": TITLE, "abstract": "Sneaky words.", "authors": [AUTHOR]},
    )
    assert run("ingest", "--jsonl", path).returncode == 0

    plain = run("search", "sneaky")
    assert plain.returncode == 0
    assert not any(code in plain.stdout for code in CONTROL)
    assert "Evil  [31mRed [0m Title  esrever  [team-666]" in plain.stdout

    as_json = run("search", "sneaky", "--json")
    assert not any(code in as_json.stdout for code in CONTROL)
    row = json.loads(as_json.stdout)
    assert (row["title"], row["authors"]) == (TITLE, [AUTHOR])  # the exact text, escaped

    chat = run("chat", stdin="search sneaky\nshow team-666\nreact 1\n")
    assert chat.returncode == 0
    assert "Mallory ]0;pwned Jones" in chat.stdout
    assert not any(code in chat.stdout for code in CONTROL)

    exported = run("export", "--platform", "console", "--user", "ada")
    assert exported.returncode == 0
    assert "Mallory ]0;pwned Jones" in exported.stdout
    assert not any(code in exported.stdout for code in CONTROL)


async def test_a_daily_papers_item_past_the_bounds_is_skipped_and_reported(
    sources: PaperSourceSimulator, cli_env: dict[str, str]
) -> None:
    items = sample_day(DAY)
    items[2]["paper"]["upvotes"] = 2**63
    sources.huggingface.set_day(DAY, items)
    env = {**cli_env, "PAPERBOY_SOURCES_HUGGINGFACE_URL": sources.huggingface_url}
    code, out, err = await run_async(env, "ingest", "--since", str(DAY), "--until", str(DAY))
    assert "Traceback" not in err
    assert code == 0
    assert out.strip() == (
        "1 of 1 day fetched: 4 papers (4 new, 0 updated, 0 unchanged), 1 unusable items skipped"
    )


async def test_add_prints_a_title_with_control_codes_harmlessly_and_says_why_it_refuses(
    sources: PaperSourceSimulator, cli_env: dict[str, str]
) -> None:
    sources.arxiv.add(
        ArxivRecord("2403.10001", title=XML_TITLE, summary="Fine."),
        ArxivRecord("2403.10002", title="Long", summary="word " * 10_001),
    )
    env = {**cli_env, "PAPERBOY_SOURCES_ARXIV_URL": sources.arxiv_url}
    code, out, err = await run_async(env, "add", "2403.10001")
    assert (code, err) == (0, ""), err
    assert out.strip() == "added 2403.10001: Evil 31mRed 0m Title esrever"
    code, out, err = await run_async(env, "add", "2403.10002")
    assert (code, out) == (1, "")
    assert err.strip() == (
        "paperboy: no such paper on arXiv: 2403.10002 (abstract is longer than 50,000 characters)"
    )


def test_a_backfill_with_the_source_refusing_connections_does_not_retry(
    run: Run, cli_env: dict[str, str]
) -> None:
    """Offline, every day was tried five times, each try a warning line."""
    cli_env["PAPERBOY_SOURCES_RETRIES"] = "4"
    result = run("ingest", "--since", "2025-03-01", "--until", "2025-03-02")
    assert result.returncode == 1
    assert "retrying" not in result.stderr
    assert "Traceback" not in result.stderr
    refused = "cannot reach 127.0.0.1:9 (Hugging Face): connection refused"
    assert f"  2025-03-01: {refused}" in result.stderr.splitlines()
    assert f"  2025-03-02: {refused}" in result.stderr.splitlines()
