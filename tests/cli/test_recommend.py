"""`foryou` on the console, and `paperboy recommend` printing the same ranking for scripts."""

from __future__ import annotations

import json

from tests.conftest import Run

LORA_SAVES = ("2501.17635", "2412.06071", "2406.01563")
UNRELATED = "2212.10525"  # SLUE Phase-2: a spoken-language benchmark, not about fine-tuning


def test_the_console_marks_by_reaction_and_recommend_prints_the_same_ranking(run: Run) -> None:
    typed = [f"save {paper_id}" for paper_id in LORA_SAVES]
    typed += ["search machine translation", "react 1 👎", "foryou all", "quit"]
    chat = run("chat", stdin="\n".join(typed) + "\n")
    assert chat.returncode == 0, chat.stderr
    assert "not for you; remove the reaction to undo." in chat.stdout
    marked = chat.stdout.split("[1] ", 1)[1].split("\n", 1)[0]  # the first search result
    assert "For you, from every paper (1–5)" in chat.stdout

    listed = run(
        "recommend",
        "--user",
        "ada",
        "--platform",
        "console",
        "--days",
        "all",
        "--limit",
        "100",
        "--json",
    )
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    ids = [row["id"] for row in rows]
    assert set(ids).isdisjoint(LORA_SAVES)
    assert marked not in [row["title"] for row in rows]
    assert {"rank", "id", "title", "score", "like", "like_title", "ranked_by"} <= rows[0].keys()
    assert all(row["ranked_by"] == "model" and row["like"] in LORA_SAVES for row in rows)
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["score"] > 0  # the model's decision: on the side of the saves
    # A paper on parameter-efficient fine-tuning above one that is not about it.
    assert ids.index("2308.10462") < ids.index(UNRELATED)
    # The console's cards are the first of the same ranking.
    shown = chat.stdout.split("For you, from every paper (1–5)", 1)[1]
    assert f"· {ids[0]}" in shown.split("[", 2)[1]


def test_recommend_says_how_to_start_and_refuses_bad_arguments_in_one_line(run: Run) -> None:
    nobody = run("recommend", "--user", "nobody", "--platform", "console")
    assert nobody.returncode == 1
    assert nobody.stderr.startswith("I learn what to suggest from your reading list")
    for bad in (["--days", "banana"], ["--days", "99999"], ["--limit", "0"]):
        result = run("recommend", "--user", "ada", "--platform", "console", *bad)
        assert result.returncode == 2, bad
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 4  # argparse's usage and one line
