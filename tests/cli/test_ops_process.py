"""The operations endpoint in a real `paperboy run` process (the console, no tokens): on a
free port, named in its JSON log; /metrics counts what was asked at the console, /readyz and
/livez answer; a port already taken stops the start with one line naming `ops.port`."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from pathlib import Path

import aiohttp

from tests.processes import read_until, start_paperboy


async def fetch(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_paperboy_run_serves_the_endpoint_and_logs_json(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "PAPERBOY_LOG_FORMAT": "json"}
    process = await start_paperboy(env, "run")
    assert process.stdin is not None
    try:
        await read_until(process, "this is the console")
        # Everything up to the greeting is logged by now, the endpoint's address too.
        log_file = Path(cli_env["PAPERBOY_STORE_PATH"]).with_name("paperboy.log")
        entries = [json.loads(line) for line in log_file.read_text("utf-8").splitlines()]
        assert {"time", "level", "logger", "message"} <= set(entries[0])
        (ops,) = [e["message"] for e in entries if e["message"].startswith("operations endpoint")]
        found = re.search(r"http://127\.0\.0\.1:(\d+)", ops)
        assert found is not None
        base = f"http://127.0.0.1:{found.group(1)}"
        assert int(found.group(1)) != 9464  # ops.port = 0: a free port, not the default

        process.stdin.write(b"search lora\n")
        await process.stdin.drain()
        await read_until(process, "In-Context Meta LoRA Generation")

        status, metrics = await fetch(base + "/metrics")
        assert status == 200
        assert 'paperboy_commands_total{command="search",platform="console"} 1.0' in metrics
        assert "paperboy_papers 74.0" in metrics
        status, ready = await fetch(base + "/readyz")
        assert status == 200, ready
        assert json.loads(ready)["checks"]["console"] == {"ok": True, "detail": "connected"}
        assert await fetch(base + "/livez") == (200, "ok\n")
    finally:
        process.stdin.write(b"quit\n")
        await process.stdin.drain()
        async with asyncio.timeout(20):
            await process.wait()
    assert process.returncode == 0


async def test_a_taken_ops_port_stops_the_start_with_one_line(cli_env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**cli_env, "PAPERBOY_OPS_PORT": str(port)}
        process = await start_paperboy(env, "run")
        async with asyncio.timeout(60):
            _, err = await process.communicate(b"quit\n")
    assert process.returncode == 2
    lines = err.decode().splitlines()
    assert lines == [
        f"paperboy: configuration error: ops.port: cannot listen on 127.0.0.1:{port} "
        "(address already in use); pick another port, or 0 for any free one"
    ]
