"""Starting the Slack adapter: from `paperboy run`, and with missing or refused tokens."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from pathlib import Path

import pytest

from paperboy.adapters.slack import SlackAdapter
from paperboy.app import App, open_library
from paperboy.cli import main
from paperboy.config import (
    ChatSettings,
    ConfigError,
    Secrets,
    Settings,
    SlackSettings,
    SourcesSettings,
)
from paperboy.core.ports import Unreachable
from tests.adapters.slack.conftest import (
    build_slack,
    fixed_clock,
    paper_ids,
    slack_down,
    slack_settings,
)
from tests.simulators.slack import SlackSimulator
from tests.simulators.sources.servers import PaperSourceSimulator


def with_secrets(settings: Settings, **secrets: str) -> Settings:
    return dataclasses.replace(settings, secrets=dataclasses.replace(settings.secrets, **secrets))


@pytest.mark.parametrize(
    ("mode", "missing", "named"),
    [
        ("socket", "slack_app_token", "SLACK_APP_TOKEN"),
        ("socket", "slack_bot_token", "SLACK_BOT_TOKEN"),
        ("http", "slack_signing_secret", "SLACK_SIGNING_SECRET"),
    ],
)
async def test_a_secret_the_mode_needs_is_a_one_line_config_error_naming_it(
    settings: Settings, mode: str, missing: str, named: str
) -> None:
    broken = dataclasses.replace(
        with_secrets(settings, **{missing: ""}),
        slack=dataclasses.replace(settings.slack, mode=mode),
    )
    async with open_library(broken, clock=fixed_clock()) as core:
        with pytest.raises(ConfigError) as error:
            build_slack(core)

    assert str(error.value).startswith(f"{named}:")
    assert "\n" not in str(error.value)


async def test_http_mode_needs_no_app_token(settings: Settings) -> None:
    http = dataclasses.replace(
        with_secrets(settings, slack_app_token=""),
        slack=dataclasses.replace(settings.slack, mode="http"),
    )
    async with open_library(http, clock=fixed_clock()) as core:
        assert isinstance(build_slack(core), SlackAdapter)


async def test_a_taken_http_port_stops_the_start_with_one_line_naming_it(
    slack: SlackSimulator, settings: Settings
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        http = dataclasses.replace(
            settings, slack=dataclasses.replace(settings.slack, mode="http", http_port=port)
        )
        async with open_library(http, clock=fixed_clock()) as core:
            adapter = build_slack(core)
            with pytest.raises(ConfigError) as error:
                await adapter.start()
            await adapter.aclose()
    assert str(error.value) == (
        f"slack.http_port: cannot listen on 127.0.0.1:{port} (address already in use)"
    )


async def test_a_bot_token_slack_refuses_stops_the_start_with_one_line(
    slack: SlackSimulator, settings: Settings
) -> None:
    wrong = with_secrets(settings, slack_bot_token="xoxb-revoked")
    async with open_library(wrong, clock=fixed_clock()) as core:
        adapter = build_slack(core)
        with pytest.raises(
            ConfigError, match=r"^SLACK_BOT_TOKEN: Slack refused it \(invalid_auth\)"
        ):
            await adapter.start()
        await adapter.aclose()
    assert slack.socket_connections == 0


async def test_an_app_token_slack_refuses_stops_the_start_with_one_line(
    slack: SlackSimulator, settings: Settings
) -> None:
    wrong = with_secrets(settings, slack_app_token="xapp-revoked")
    async with open_library(wrong, clock=fixed_clock()) as core:
        adapter = build_slack(core)
        with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN: Slack refused it"):
            await adapter.start()
        await adapter.aclose()


def test_paperboy_run_without_an_app_token_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN", "PAPERBOY_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("PAPERBOY_STORE_PATH", str(tmp_path / "paperboy.sqlite3"))
    monkeypatch.setenv("PAPERBOY_SOURCES_LOAD_SAMPLE", "false")

    code = main(["run"])

    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("paperboy: configuration error: SLACK_APP_TOKEN:")
    assert not any("Traceback" in line for line in err)


async def test_paperboy_run_with_slack_tokens_answers_slash_commands_until_stopped(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    async with PaperSourceSimulator() as sources:
        base = slack_settings(slack, tmp_path)
        settings = dataclasses.replace(
            base,
            sources=SourcesSettings(
                huggingface_url=sources.huggingface_url,
                arxiv_url=sources.arxiv_url,
                catch_up_days=0,
                retries=0,
            ),
            slack=SlackSettings(api_url=slack.api_url),
            chat=ChatSettings(channel_pace_seconds=0.0),
            secrets=Secrets(slack_bot_token=slack.bot_token, slack_app_token=slack.app_token),
        )
        app = App(settings, clock=fixed_clock())
        assert app.choose_adapters()[0] == ["slack"]
        running = asyncio.create_task(app.run())
        try:
            await slack.wait_for_connection()
            answer = await slack.next_response(await slack.send_command("search lora"))
        finally:
            app.stop()
            await asyncio.wait_for(running, 10)

    assert answer.message is not None
    assert paper_ids(answer.message)[0] == "2501.17635"
    assert slack.socket_connections == 1


async def test_slack_answering_503_at_start_is_a_runtime_failure_not_a_bad_token(
    settings: Settings,
) -> None:
    async with slack_down() as api_url:
        down = dataclasses.replace(
            settings, slack=dataclasses.replace(settings.slack, api_url=api_url)
        )
        async with open_library(down, clock=fixed_clock()) as core:
            adapter = build_slack(core)
            with pytest.raises(Unreachable) as unreachable:
                await adapter.start()
            await adapter.aclose()
    assert str(unreachable.value) == f"Slack answered HTTP 503 at {api_url}; try again later"
