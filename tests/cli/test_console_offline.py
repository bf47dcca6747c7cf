"""A newcomer's first minutes: a fresh store holding only the bundled sample, no
network, the console. `trending`, `digest` and `subscribe` show real papers."""

from __future__ import annotations

import re

from tests.conftest import Run


def numbered(out: str) -> dict[int, str]:
    return {int(n): title for n, title in re.findall(r"^\[(\d+)\] (.+)$", out, re.MULTILINE)}


def test_offline_on_the_sample_trending_digest_and_subscribe_show_its_papers(run: Run) -> None:
    result = run("run", stdin="trending\ndigest\nsubscribe\nreact 7\nsaved\nquit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Trending papers from Thu 13 Mar 2025, the latest featured day (1–5)" in out
    assert "Preview · Trending papers — Thu 13 Mar · 5 papers" in out
    assert "Posted a preview digest of 5 papers from Thu 13 Mar 2025" in out
    assert "The latest papers I have were featured on Thu 13 Mar 2025." in out
    papers = numbered(out)  # five trending, five in the digest, then the reading list
    assert sorted(papers) == list(range(1, 12))
    assert f"Saved “{papers[7][:40]}" in out  # a paper of the digest, saved by its number
    assert "Your reading list: 1 paper" in out
    assert papers[11] == f"{papers[7]} (unread)"
    assert "Traceback" not in out + result.stderr


def test_chat_says_digests_come_with_paperboy_run(run: Run) -> None:
    result = run("chat", stdin="subscribe\ndigest\nunsubscribe\n")
    assert result.returncode == 0, result.stderr
    answer = "paperboy chat only answers commands: digests come with paperboy run,"
    assert result.stdout.count(answer) == 3


def test_help_on_the_console_lists_its_own_verbs_and_how_to_react_here(run: Run) -> None:
    result = run("chat", stdin="help\nhelp unreact\nhelp bogus\nsaved\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for verb in (
        "• react N: save paper [N]",
        "• unreact N:",
        "• more:",
        "• quit: leave (also exit",
    ):
        assert verb in out
    assert "React with 🔖 (or react N here) to any paper I post to save it" in out
    assert "• unreact 2" in out  # `help unreact` gives its example
    assert "There is no command bogus." in out
    assert "Your reading list is empty. React with 🔖 (or react N here) to a paper" in out
    assert "`" not in out  # code is shown as the words to type, never with markdown marks
