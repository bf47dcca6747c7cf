"""A scripted console session through a pipe, end to end, as `paperboy chat` and `run`."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import bibtexparser

from tests.conftest import Run
from tests.processes import start_paperboy
from tests.simulators.sources.servers import PaperSourceSimulator, status

SCRIPT = """\
search parameter efficient fine-tuning
react 1
react 3
saved
unreact 1
saved
export
react 99
bogus
quit
search never reached
"""


def test_search_react_saved_and_export_through_a_pipe(run: Run) -> None:
    result = run("chat", stdin=SCRIPT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    shown = dict(re.findall(r"^\[(\d+)\] (.+)$", out, re.MULTILINE))
    # The facts line under each title ends in the paper's id.
    ids = dict(re.findall(r"^\[(\d+)\][^\n]*\n    [^\n]*?(\S+)$", out, re.MULTILINE))
    assert shown["1"].startswith("Exploring Parameter-Efficient Fine-Tuning Techniques")
    assert f"Saved “{shown['1'][:40]}" in out
    assert f"Saved “{shown['3'][:40]}" in out
    assert "Your reading list: 2 papers" in out
    assert f"Removed “{shown['1'][:40]}" in out
    assert "Your reading list: 1 paper (1–1)" in out
    assert "(unread)" in out
    bib = out[out.index("@misc") : out.rindex("}") + 1]
    entries = bibtexparser.parse_string(bib).entries
    assert [e.fields_dict["eprint"].value for e in entries] == [ids["3"]]
    assert "Give the number shown in brackets" in out
    assert "I don't know the command bogus." in out  # what to type, without markup
    assert "never reached" not in out
    assert "Traceback" not in out + result.stderr


def test_saves_survive_into_the_next_session(run: Run) -> None:
    run("chat", stdin="search lora\nreact 1\n")
    later = run("chat", stdin="saved\n")
    assert "Your reading list: 1 paper" in later.stdout
    assert "In-Context Meta LoRA Generation" in later.stdout


def test_run_without_tokens_starts_the_console_and_says_why(run: Run) -> None:
    result = run("run", stdin="search lora\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "In-Context Meta LoRA Generation" in result.stdout
    greeting = result.stdout.splitlines()[0]
    assert "the console, as no SLACK_BOT_TOKEN or DISCORD_TOKEN is set" in greeting
    assert "74 papers stored" in greeting


async def test_the_console_logs_to_a_file_in_the_data_directory_and_says_where_once(
    sources: PaperSourceSimulator, cli_env: dict[str, str]
) -> None:
    sources.arxiv.fail_always(status(503))  # `add` logs a warning for each retry
    env = {
        **cli_env,
        "PAPERBOY_SOURCES_ARXIV_URL": sources.arxiv_url,
        "PAPERBOY_SOURCES_ARXIV_MIN_INTERVAL_SECONDS": "0",
    }
    log_file = Path(cli_env["PAPERBOY_STORE_PATH"]).with_name("paperboy.log")
    for command in ("run", "chat"):
        process = await start_paperboy(env, command)
        async with asyncio.timeout(60):
            out, err = await process.communicate(b"search lora\nadd 2106.09685\nquit\n")
        assert process.returncode == 0, err
        assert "arXiv did not answer" in out.decode()
        # The terminal gets one line from the log: where it is.
        assert err.decode().splitlines() == [
            f"paperboy: the log is in {log_file} (-v shows it here instead)"
        ]
    log = log_file.read_text("utf-8")
    assert "paperboy running console (no SLACK_BOT_TOKEN or DISCORD_TOKEN is set)" in log
    assert len(re.findall(r" WARNING .*arXiv.*HTTP 503", log)) >= 2  # from each session


def test_verbose_keeps_the_log_on_stderr(run: Run, cli_env: dict[str, str]) -> None:
    result = run("-v", "run", stdin="quit\n")
    assert result.returncode == 0, result.stderr
    assert "paperboy running console" in result.stderr
    assert "the log is in" not in result.stderr
    assert not Path(cli_env["PAPERBOY_STORE_PATH"]).with_name("paperboy.log").exists()
