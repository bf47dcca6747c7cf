"""The real process under signals: SIGKILL at random points never loses an acknowledged
save or corrupts the store; SIGTERM stops promptly and cleanly."""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
from pathlib import Path

from tests.processes import read_until, start_paperboy

SAMPLE_IDS = [
    "2312.15918",
    "2407.12874",
    "2307.06435",
    "2408.03402",
    "2311.11315",
    "2412.14574",
    "2407.07094",
    "2304.13712",
    "2404.01322",
    "2408.13296",
    "2405.10548",
    "2307.12966",
]


async def test_sigkill_at_random_points_keeps_every_acknowledged_save(
    cli_env: dict[str, str],
) -> None:
    store_path = Path(cli_env["PAPERBOY_STORE_PATH"])
    rng = random.Random(20261126)
    acknowledged: set[str] = set()
    for _round in range(4):
        process = await start_paperboy(cli_env, "chat")
        assert process.stdin is not None
        await read_until(process, "type help for commands")
        for paper_id in rng.sample(SAMPLE_IDS, rng.randint(1, 5)):
            process.stdin.write(f"save {paper_id}\n".encode())
            await process.stdin.drain()
            line = await read_until(process, "reading list")
            if "Saved" in line or "already" in line:
                acknowledged.add(paper_id)
        # Kill it with one more save in flight, at a random moment.
        process.stdin.write(f"save {rng.choice(SAMPLE_IDS)}\n".encode())
        await asyncio.sleep(rng.uniform(0, 0.05))
        process.send_signal(signal.SIGKILL)
        await process.wait()

        with sqlite3.connect(store_path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            saved = {row[0] for row in conn.execute("SELECT paper_id FROM saved_papers")}
        assert acknowledged <= saved


async def test_sigterm_stops_the_bot_promptly_and_cleanly(cli_env: dict[str, str]) -> None:
    process = await start_paperboy(cli_env, "run")
    assert process.stdin is not None
    process.stdin.write(b"search lora\n")
    await process.stdin.drain()
    await read_until(process, "In-Context Meta LoRA Generation")
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(10):
        code = await process.wait()
    assert process.stderr is not None
    stderr = (await process.stderr.read()).decode()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    # On the console the log is in its file (its path the one line on stderr).
    log = Path(cli_env["PAPERBOY_STORE_PATH"]).with_name("paperboy.log").read_text("utf-8")
    assert "stopping" in log
    assert "Traceback" not in log
    assert "Scheduler has been shut down" in log
