"""The command line on a fresh data directory, as a newcomer runs it."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import bibtexparser
import pytest

from paperboy.cli import main
from tests.conftest import Run
from tests.simulators.sources.fixtures import sample_day
from tests.simulators.sources.servers import PaperSourceSimulator


def test_search_on_a_fresh_directory_finds_the_fine_tuning_papers(run: Run, tmp_path: Path) -> None:
    result = run("search", "parameter efficient fine-tuning", "--limit", "5", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    # "Exploring Parameter-Efficient Fine-Tuning Techniques for Code Generation…" first,
    # then papers about fine-tuning (however they spell it).
    assert rows[0]["id"] == "2308.10462"
    for row in rows:
        assert re.search(r"fine-?tun|lora", row["title"] + row["abstract"], re.IGNORECASE), row
    assert all({"id", "title", "score"} <= row.keys() for row in rows)
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)
    assert (tmp_path / "data" / "paperboy.sqlite3").exists()


def test_plain_search_prints_ranked_titles(run: Run) -> None:
    result = run("search", "lora")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].lstrip().startswith("1. In-Context Meta LoRA Generation")


def test_bad_queries_and_arguments_exit_non_zero_with_one_line(run: Run) -> None:
    bad_filter = run("search", "lora", "since:99999-99-99")
    assert bad_filter.returncode == 2
    assert "since:" in bad_filter.stderr
    assert "Traceback" not in bad_filter.stderr
    assert run("search", "lora", "--limit", "0").returncode == 2
    assert run("frobnicate").returncode == 2


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("", "Add some words to search for"),
        ("since:7d", "Add some words to search for"),
        ("the of and", "only very common or unsearchable words"),
        ("lora vote:>=10", "Did you mean votes:?"),
        ("autor:Durrett", "Did you mean author:?"),
        # What was typed is shown as typed, its own backticks too; no markup around it.
        ("lora since:`7d`", "(got `7d`)."),
    ],
)
def test_a_query_chat_refuses_is_a_usage_error_with_chats_answer(
    run: Run, query: str, answer: str
) -> None:
    result = run("search", query)
    assert result.returncode == 2
    assert answer in result.stderr
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_author_alone_lists_their_papers_and_names_are_searchable(run: Run) -> None:
    listed = run("search", 'author:"Greg Durrett"', "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(row["id"], row["score"]) for row in rows] == [("2406.01563", None)]
    plain = run("search", 'author:"Greg Durrett"')
    assert plain.stdout.rstrip().endswith("[2406.01563]  2024-06-03")
    by_name = run("search", "Loïc", "Barrault", "--json")
    assert json.loads(by_name.stdout.splitlines()[0])["id"] == "2412.08821"
    nobody = run("search", "author:Nobody")
    assert (nobody.returncode, nobody.stderr.strip()) == (
        0,
        "No papers by Nobody. Check the spelling of the name, or try fewer filters.",
    )
    missing = run("search", "xyzzyplugh")
    assert missing.stderr.strip() == "No papers match “xyzzyplugh”. Try fewer or broader words."


def test_importing_the_same_papers_again_counts_them_unchanged(run: Run, tmp_path: Path) -> None:
    assert run("ingest", "--sample").stdout.strip().startswith("sample papers: ")
    again = run("ingest", "--sample")
    assert again.stdout.strip() == "sample papers: 0 new, 0 updated, 74 unchanged"
    path = tmp_path / "papers.jsonl"
    path.write_text(
        json.dumps({"id": "team-001", "title": "Our report", "abstract": "Internal."}) + "\n"
    )
    assert "1 new, 0 updated, 0 unchanged" in run("ingest", "--jsonl", str(path)).stdout
    assert "0 new, 0 updated, 1 unchanged" in run("ingest", "--jsonl", str(path)).stdout


def test_a_broken_config_file_is_one_clear_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[search]\npage_size = 'lots'\n")
    result = run("--config", str(tmp_path / "bad.toml"), "search", "lora")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "paperboy: configuration error: search.page_size: expected a whole number, got 'lots'"
    )


@pytest.mark.parametrize("command", ["run", "chat", "search", "ingest", "add", "export", "config"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert f"usage: paperboy {command}" in capsys.readouterr().out


def test_ingest_jsonl_stores_good_lines_and_names_bad_ones(run: Run, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "2106.09685", "title": "LoRA", "abstract": "Low-rank adapters."}),
        "{not json",
        json.dumps(
            {"id": "team-001", "title": "Our own report", "abstract": "Internal.", "upvotes": 3}
        ),
        json.dumps({"id": "2106.09686", "title": "", "abstract": "No title"}),
    ]
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = run("ingest", "--jsonl", str(path))
    assert result.returncode == 1  # some lines were bad
    assert "2 new" in result.stdout
    assert "line 2:" in result.stderr
    assert "line 4:" in result.stderr
    found = run("search", "our own report", "--json")
    assert json.loads(found.stdout.splitlines()[0])["id"] == "team-001"


def test_a_teams_own_papers_keep_their_links_in_searches_cards_and_bibtex(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "own.jsonl"
    rows = [
        {
            "id": "acme-tr-17",
            "title": "Quantum widget calibration",
            "abstract": "Calibrating quantum widgets.",
            "url": "https://intranet.example/tr/17",
        },
        {"id": "acme-tr-18", "title": "Quantum gadget survey", "abstract": "Surveying gadgets."},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert run("ingest", "--jsonl", str(path)).returncode == 0
    found = run("search", "quantum", "--json")
    urls = {row["id"]: row["url"] for row in map(json.loads, found.stdout.splitlines())}
    assert urls == {"acme-tr-17": "https://intranet.example/tr/17", "acme-tr-18": None}
    session = run("chat", stdin="search quantum\nreact 1\nreact 2\n")
    assert "    https://intranet.example/tr/17" in session.stdout
    assert "arxiv.org" not in session.stdout
    exported = bibtexparser.parse_string(
        run("export", "--platform", "console", "--user", "ada").stdout
    )
    fields = {entry.key: entry.fields_dict for entry in exported.entries}
    assert len(fields) == 2
    for entry in fields.values():
        assert "eprint" not in entry
        assert "archivePrefix" not in entry
    assert sorted(entry["url"].value for entry in fields.values() if "url" in entry) == [
        "https://intranet.example/tr/17"
    ]


def test_add_and_backfill_say_when_the_source_is_down(run: Run) -> None:
    added = run("add", "2106.09685")
    assert added.returncode == 1
    assert "arXiv did not answer, try again later" in added.stderr
    assert run("add", "not-an-id").returncode == 2
    backfill = run("ingest", "--since", "2025-03-01", "--until", "2025-03-02")
    assert backfill.returncode == 1
    assert backfill.stdout.strip() == "0 of 2 days fetched, 2 failed (run again to retry them)"


@pytest.mark.parametrize(
    ("arguments", "answer"),
    [
        (["--since", "2999-01-01"], "--since 2999-01-01 is in the future (today is "),
        (["--since", "2025-03-01", "--until", "2999-01-01"], "--until 2999-01-01 is in the future"),
        (["--since", "2025-03-02", "--until", "2025-03-01"], "is after --until 2025-03-01"),
        (["--since", "2000-01-01"], "add --yes to go ahead"),
        (["--since", "2024-01-01", "--until", "2024-02-01"], "plans 32 days of Daily Papers"),
        (["--sample", "--until", "2025-03-01"], "--until only goes with --since"),
        (["--sample", "--refresh", "--yes"], "--refresh, --yes only go with --since"),
    ],
)
def test_an_unreasonable_backfill_is_refused_before_any_request(
    run: Run, arguments: list[str], answer: str
) -> None:
    result = run("ingest", *arguments)
    assert result.returncode == 2
    assert answer in result.stderr
    assert "fetched" not in result.stdout


def test_a_long_backfill_says_how_many_days_it_plans(run: Run) -> None:
    today = datetime.now(UTC).date()
    result = run("ingest", "--since", "2000-01-01")
    days = (today - date(2000, 1, 1)).days + 1
    assert f"--since 2000-01-01 plans {days:,} days of Daily Papers" in result.stderr


async def test_a_backfill_reports_new_updated_and_unchanged_papers_and_skips_complete_days(
    run: Run, cli_env: dict[str, str], sources: PaperSourceSimulator
) -> None:
    day = date(2025, 3, 13)
    sources.huggingface.set_day(day, sample_day(day))
    cli_env["PAPERBOY_SOURCES_HUGGINGFACE_URL"] = sources.huggingface_url
    ingest = ["ingest", "--since", "2025-03-13", "--until", "2025-03-13"]
    first = await asyncio.to_thread(run, *ingest)
    assert first.stdout.strip() == "1 of 1 day fetched: 5 papers (5 new, 0 updated, 0 unchanged)"
    again = await asyncio.to_thread(run, *ingest)
    assert again.stdout.strip() == (
        "Nothing to fetch: every day from 2025-03-13 to 2025-03-13 is complete "
        "(--refresh fetches them again)."
    )
    refreshed = await asyncio.to_thread(run, *ingest, "--refresh")
    assert refreshed.stdout.strip() == (
        "1 of 1 day fetched: 5 papers (0 new, 0 updated, 5 unchanged)"
    )
    wider = await asyncio.to_thread(run, "ingest", "--since", "2025-03-12", "--until", "2025-03-13")
    assert wider.stdout.strip() == (
        "1 of 1 day fetched: no papers listed; 1 day already complete skipped"
    )


async def test_adding_a_stored_paper_answers_from_the_store_without_arxiv(
    run: Run, cli_env: dict[str, str], sources: PaperSourceSimulator
) -> None:
    cli_env["PAPERBOY_SOURCES_ARXIV_URL"] = sources.arxiv_url
    result = await asyncio.to_thread(run, "add", "https://arxiv.org/abs/2406.01563v2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "already stored 2406.01563: LoFiT: Localized Fine-tuning on LLM Representations"
    )
    assert sources.requests_to("arxiv") == []


def test_export_prints_a_users_reading_list_as_bibtex(run: Run) -> None:
    session = run("chat", stdin="search lora\nreact 1\nreact 2\n")
    assert session.returncode == 0
    result = run("export", "--platform", "console", "--user", "ada")
    assert result.returncode == 0, result.stderr
    library = bibtexparser.parse_string(result.stdout)
    assert len(library.entries) == 2
    assert run("export", "--platform", "console", "--user", "nobody").returncode == 1
