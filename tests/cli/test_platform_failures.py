"""`paperboy run` with a chat token set while that platform cannot be reached: a network
failure, so one line naming the URL and its setting, exit 1 (not a configuration error's 2),
and nothing logged as an error on the way. The real process; the URLs point at a closed
loopback port."""

from __future__ import annotations

import pytest

from tests.conftest import Run
from tests.processes import the_one_line

CLOSED = "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("tokens", "setting", "url", "name"),
    [
        (
            {"DISCORD_TOKEN": "a-token"},
            "PAPERBOY_DISCORD_API_URL",
            f"{CLOSED}/api/v10",
            "discord.api_url",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
            "PAPERBOY_SLACK_API_URL",
            f"{CLOSED}/api/",
            "slack.api_url",
        ),
    ],
    ids=["discord", "slack"],
)
def test_run_with_a_platform_it_cannot_reach_is_one_line_and_exit_1(
    run: Run,
    cli_env: dict[str, str],
    tokens: dict[str, str],
    setting: str,
    url: str,
    name: str,
) -> None:
    cli_env.update(tokens)
    cli_env[setting] = url

    result = run("run")

    assert result.returncode == 1, result.stderr
    # discord.py warns, as every client starts, that voice is not supported.
    line = the_one_line(result, progress=("INFO", "WARNING"))
    platform = "Discord" if "discord" in name else "Slack"
    assert line.startswith(f"paperboy: cannot reach {platform} at {url} (")
    assert line.endswith(f"); check the network and {name}")
