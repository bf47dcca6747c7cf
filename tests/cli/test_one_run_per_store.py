"""On SQLite, one `paperboy run` per store file: a second refuses in one line naming the
first, one-shot commands still work beside it, and a bot killed outright does not block
the next start."""

from __future__ import annotations

import asyncio
import signal

from tests.conftest import Run
from tests.processes import read_until, start_paperboy


async def test_a_second_run_on_the_same_store_refuses_and_names_the_first(
    run: Run, cli_env: dict[str, str]
) -> None:
    first = await start_paperboy(cli_env, "run")
    try:
        await read_until(first, "this is the console", seconds=60)

        second = await asyncio.to_thread(run, "run", stdin="search lora\nquit\n")
        assert second.returncode == 1
        assert second.stdout == ""  # it never answered anything
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert f"pid {first.pid} on " in lines[0]
        assert "PostgreSQL (store.url)" in lines[0]

        beside = await asyncio.to_thread(run, "search", "parameter efficient fine-tuning")
        assert beside.returncode == 0, beside.stderr
        assert "Fine-Tuning" in beside.stdout
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()

    # Killed outright, it left its lock file behind: the next start is not blocked by it.
    after = await asyncio.to_thread(run, "run", stdin="quit\n")
    assert after.returncode == 0, after.stderr
    assert "this is the console" in after.stdout


async def test_on_postgresql_several_runs_share_one_store(
    cli_env: dict[str, str], postgres_url: str
) -> None:
    """Replicas: two `paperboy run` on one PostgreSQL store (and one data directory, as
    containers sharing a volume) both start and answer."""
    env = {**cli_env, "PAPERBOY_STORE_URL": postgres_url}
    first = await start_paperboy(env, "run")
    second = await start_paperboy(env, "run")
    try:
        for process in (first, second):
            # Within pytest's own timeout, so that a hang fails with both logs below.
            await read_until(process, "this is the console", seconds=25)
            assert process.stdin is not None
            process.stdin.write(b"search parameter efficient fine-tuning\n")
            await process.stdin.drain()
            await read_until(process, "Fine-Tuning", seconds=25)
    except (TimeoutError, AssertionError) as error:
        logs = []
        for process in (first, second):
            process.kill()
            _, stderr = await process.communicate()
            logs.append(stderr.decode(errors="replace")[-3000:])
        raise AssertionError(
            f"{error!r}; the two processes' stderr:\n" + "\n---\n".join(logs)
        ) from error
    finally:
        for process in (first, second):
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await process.wait()
