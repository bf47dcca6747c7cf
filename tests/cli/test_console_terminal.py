"""The console as a person at a terminal sees it: arrow keys edit the line, history
comes back in the next session, the log stays in its file, and a line that arrives
while someone is typing is printed above the prompt, their half-typed line kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.simulators.sources.servers import Fault, PaperSourceSimulator
from tests.terminal import ENTER, LEFT, UP, paperboy_on_a_terminal

PROMPT = "paperboy> "


async def test_line_editing_output_above_the_prompt_and_history_across_sessions(
    sources: PaperSourceSimulator, cli_env: dict[str, str]
) -> None:
    answer = asyncio.Event()  # the feed's answer to the start-up catch-up waits for this
    sources.huggingface.fail_always(Fault(hold=answer, status=503))
    env = {**cli_env, "PAPERBOY_SOURCES_HUGGINGFACE_URL": sources.huggingface_url}
    log_file = Path(cli_env["PAPERBOY_STORE_PATH"]).with_name("paperboy.log")

    async with paperboy_on_a_terminal(env, "run") as term:
        at = await term.expect(PROMPT)
        # A typo fixed with the arrow keys: "earch lora", ten steps left, "s".
        term.type("earch lora" + LEFT * 10 + "s" + ENTER)
        at = await term.expect("Papers for “lora”", after=at)
        at = await term.expect(PROMPT, after=at)

        term.type("sim")  # half-typed when the catch-up's line arrives
        await term.expect("sim", after=at)
        answer.set()
        at = await term.expect("paperboy: could not fetch new papers", after=at)
        at = await term.expect(PROMPT + "sim", after=at)  # the prompt and the line, below it
        term.type("ilar 2501.17635" + ENTER)
        at = await term.expect("Papers like “In-Context Meta LoRA Generation”", after=at)
        await term.expect(PROMPT, after=at)
        term.type("quit" + ENTER)
        assert await term.finish() == 0

    assert term.screen.count("could not fetch new papers") == 1  # one line, said once
    assert f"paperboy: the log is in {log_file}" in term.screen
    assert " INFO " not in term.screen
    assert " WARNING " not in term.screen
    assert "paperboy running console" in log_file.read_text("utf-8")

    async with paperboy_on_a_terminal(env, "chat") as term:
        at = await term.expect(PROMPT)
        term.type(UP + UP + ENTER)  # "quit", then the line before it, from the last session
        at = await term.expect("Papers like “In-Context Meta LoRA Generation”", after=at)
        await term.expect(PROMPT, after=at)
        term.type("\x04")  # Ctrl-D
        assert await term.finish() == 0
