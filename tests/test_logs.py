"""The log: `log.format = "json"` writes one JSON object a line with the platform, team,
channel and command being handled; no format ever writes a token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from paperboy.core import commands as c
from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Context, Paper, UserRef
from paperboy.logs import formatter
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, library_ports

SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_APP = "xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef0123456789"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # no telling shape: masked as configured


class Capture:
    def __init__(self, kind: str) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(formatter(kind, secrets=("", SIGNING_SECRET, DISCORD)))

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def entries(self) -> list[dict[str, str]]:
        return [json.loads(line) for line in self.text.splitlines()]


@pytest.fixture
def capture() -> Iterator[Callable[[str], Capture]]:
    logger = logging.getLogger("paperboy")
    made: list[Capture] = []
    level = logger.level
    logger.setLevel(logging.INFO)

    def attach(kind: str) -> Capture:
        made.append(Capture(kind))
        logger.addHandler(made[-1].handler)
        return made[-1]

    yield attach
    for each in made:
        logger.removeHandler(each.handler)
    logger.setLevel(level)


class BrokenFetcher:
    async def fetch_paper(self, paper_id: str) -> Paper | None:
        raise RuntimeError(f"arXiv client bug while fetching {paper_id}")


async def test_json_lines_name_the_command_being_handled(
    capture: Callable[[str], Capture],
    store: Store,
    library: Library,
    clock: Callable[[], datetime],
) -> None:
    log = capture("json")
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=clock,
        fetcher=BrokenFetcher(),
        options=bot_options_for_tests(),
    )
    here = Context(UserRef("slack", "T01", "U01"), ChannelRef("slack", "T01", "C01"))
    await bot.run(c.Add("2501.00001"), here)
    logging.getLogger("paperboy.app").info("after the command")

    during, after = log.entries()
    assert during["level"] == "ERROR"
    assert during["logger"] == "paperboy.core.bot"
    assert during["message"].startswith("command Add(")
    assert "RuntimeError: arXiv client bug while fetching 2501.00001" in during["exception"]
    assert (during["platform"], during["team"], during["channel"], during["command"]) == (
        "slack",
        "T01",
        "C01",
        "add",
    )
    datetime.fromisoformat(during["time"])
    # Outside a command, a line has no such fields.
    assert after == {
        "time": after["time"],
        "level": "INFO",
        "logger": "paperboy.app",
        "message": "after the command",
    }


@pytest.mark.parametrize("kind", ["json", "text"])
def test_no_log_line_ever_shows_a_token(capture: Callable[[str], Capture], kind: str) -> None:
    log = capture(kind)
    logger = logging.getLogger("paperboy.adapters")
    logger.info("connecting with %s and %s", SLACK_BOT, SLACK_APP)
    logger.info("Discord said no to Authorization: Bot %s", DISCORD)
    logger.info("the signing secret is %s", SIGNING_SECRET)
    logger.info("rotated to xoxe.xoxb-1-AbCdEfGhIjKlMnOp and refresh xoxe-1-AbCdEfGhIjKl")
    try:
        raise ValueError(f"bad token {SLACK_BOT}")
    except ValueError:
        logger.exception("failed")

    for secret in (SLACK_BOT, SLACK_APP, DISCORD, SIGNING_SECRET, "AbCdEfGhIjKl"):
        assert secret not in log.text
    assert log.text.count("[redacted]") == 7
    if kind == "json":
        assert len(log.entries()) == 5  # one object a line, a traceback inside its line
