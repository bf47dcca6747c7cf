"""`trend` on the console: the chart is written into the data directory, its path printed."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from paperboy.core.bot import Bot
from paperboy.store import Store
from tests.conftest import console_for

console = console_for


async def test_trend_writes_the_chart_and_prints_its_summary_and_path(
    bot: Bot, store: Store, tmp_path: Path
) -> None:
    out = io.StringIO()
    terminal = console(bot, store, stdout=out, files_dir=tmp_path / "data")

    await terminal.answer("trend fine-tuning, language")
    await terminal.answer("trend fine-tuning, language")  # never over the first one

    first = tmp_path / "data" / "trend-fine-tuning-language.png"
    second = tmp_path / "data" / "trend-fine-tuning-language-2.png"
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("fine-tuning: ")
    assert " papers in the last 26 weeks, peak week of " in lines[0]
    assert lines[1] == f"Chart: {first}"
    assert lines[3] == f"Chart: {second}"
    for path in (first, second):
        with Image.open(path) as image:
            assert (image.format, image.size) == ("PNG", (1200, 750))


async def test_a_chart_that_cannot_be_written_is_said_in_one_line(
    bot: Bot, store: Store, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    out = io.StringIO()
    terminal = console(bot, store, stdout=out, files_dir=blocked)

    await terminal.answer("trend fine-tuning")

    summary, problem = out.getvalue().splitlines()
    assert summary.startswith("fine-tuning: ")
    assert problem.startswith(f"Could not save the chart in {blocked}: ")
