"""Run the real `paperboy` command in a subprocess, on a fresh data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """No chat tokens, a store in a temp dir, sources on a closed port (no network)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("PAPERBOY_", "SLACK_", "DISCORD_"))
    }
    clean.update(
        PAPERBOY_STORE_PATH=str(tmp_path / "data" / "paperboy.sqlite3"),
        PAPERBOY_SOURCES_HUGGINGFACE_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_ARXIV_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_RETRIES="0",
        PAPERBOY_SOURCES_CATCH_UP_DAYS="0",
        USER="ada",  # the console user
    )
    return clean


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path) -> Run:
    def invoke(
        *args: str, stdin: str = "", timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "paperboy", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=timeout,
            check=False,
        )

    return invoke
