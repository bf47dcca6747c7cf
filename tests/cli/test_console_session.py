"""A scripted console session through a pipe, end to end, as `paperboy chat` and `run`."""

from __future__ import annotations

import re

import bibtexparser

from tests.conftest import Run

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
    ids = dict(re.findall(r"^\[(\d+)\][^\n]*\n    (\S+) ", out, re.MULTILINE))
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
    assert "I don't know the command `bogus`" in out
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
    assert "running console (no SLACK_BOT_TOKEN or DISCORD_TOKEN is set)" in result.stderr
    assert "74 papers" in result.stderr
