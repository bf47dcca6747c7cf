"""Settings from defaults, a TOML file and the environment; bad values named in one line."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from paperboy.config import ConfigError, example_toml, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.sources.huggingface_url == "https://huggingface.co"
    assert settings.discord.api_url == "https://discord.com/api/v10"
    assert settings.store_path.name == "paperboy.sqlite3"
    assert settings.source_file is None


def test_slack_http_mode_listens_on_loopback_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The port is for a reverse proxy on the same host; 0.0.0.0 must be asked for."""
    monkeypatch.chdir(tmp_path)
    host = load_settings(env={"PAPERBOY_SLACK_MODE": "http"}).slack.http_host
    assert ipaddress.ip_address(host).is_loopback
    assert load_settings(env={"PAPERBOY_SLACK_HTTP_HOST": "0.0.0.0"}).slack.http_host == "0.0.0.0"


def test_file_values_and_env_overrides_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, '[store]\npath = "/data/a.sqlite3"\n[search]\npage_size = 7\n')
    env = {
        "PAPERBOY_SEARCH_PAGE_SIZE": "3",
        "PAPERBOY_SLACK_API_URL": "http://127.0.0.1:9/api/",
        "PAPERBOY_CHAT_SAVE_EMOJI": "bookmark, star",
        "SLACK_BOT_TOKEN": "xoxb-1",
    }
    settings = load_settings(path, env=env)
    assert settings.store_path == Path("/data/a.sqlite3")
    assert settings.search.page_size == 3
    assert settings.slack.api_url == "http://127.0.0.1:9/api/"
    assert settings.chat.save_emoji == ("bookmark", "star")
    assert settings.secrets.slack_bot_token == "xoxb-1"
    assert "xoxb-1" not in repr(settings)


def test_the_config_file_can_come_from_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "[search]\npage_size = 2\n")
    assert load_settings(env={"PAPERBOY_CONFIG": str(path)}).search.page_size == 2


def test_timezone_settings_take_zone_names_and_utc_offsets_as_subscribe_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"PAPERBOY_DIGEST_DEFAULT_TIMEZONE": "UTC+2", "PAPERBOY_SOURCES_INGEST_TIMEZONE": "CET"}
    settings = load_settings(env=env)
    assert settings.digest.default_timezone == "UTC+2"
    assert settings.sources.ingest_timezone == "CET"


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("[store\npath=1", {}, "not valid TOML"),
        ("[search]\npage_size = 'many'\n", {}, "search.page_size: expected a whole number"),
        ("[search]\npage_size = 99\n", {}, "search.page_size: must be between 1 and 10"),
        ("[searh]\npage_size = 3\n", {}, "unknown section [searh]"),
        ("[search]\npagesize = 3\n", {}, "unknown setting search.pagesize"),
        ("", {"PAPERBOY_SLACK_MODE": "carrier-pigeon"}, "PAPERBOY_SLACK_MODE: must be one of"),
        ("", {"PAPERBOY_DIGEST_DEFAULT_TIMEZONE": "Mars/Olympus"}, "unknown timezone"),
        ("", {"PAPERBOY_SOURCES_ARXIV_URL": "ftp://x"}, "must be an http(s):// URL"),
        ("", {"PAPERBOY_STORE_PATHH": "x"}, "PAPERBOY_STORE_PATHH: unknown setting"),
        ("", {"PAPERBOY_SOURCES_LOAD_SAMPLE": "perhaps"}, "expected true or false"),
        # No emoji (or a blank one): the help would say "react with a  reaction".
        ("[chat]\nsave_emoji = []\n", {}, "chat.save_emoji: needs at least one emoji"),
        ("[chat]\nnot_for_me_emoji = []\n", {}, "chat.not_for_me_emoji: needs at least one"),
        ("[chat]\nsave_emoji = ['bookmark', '::']\n", {}, "blank emoji name ('::')"),
        ("", {"PAPERBOY_CHAT_SAVE_EMOJI": ""}, "PAPERBOY_CHAT_SAVE_EMOJI: needs at least one"),
        # The three paces of channel posts became one (chat.*): an old key says where to.
        (
            "[digest]\npace_seconds = 1\n",
            {},
            "digest.pace_seconds is now chat.channel_pace_seconds",
        ),
        (
            "",
            {"PAPERBOY_SLACK_CHANNEL_PACE_SECONDS": "1"},
            "slack.channel_pace_seconds is now chat.channel_pace_seconds",
        ),
        (
            "",
            {"PAPERBOY_DIGEST_POSTS_PER_SECOND": "5"},
            "digest.posts_per_second is now chat.posts_per_second",
        ),
    ],
)
def test_a_bad_value_gives_one_line_naming_it(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_the_example_file_documents_every_default_and_loads(tmp_path: Path) -> None:
    text = example_toml()
    assert "[sources]" in text
    assert "huggingface_url" in text
    loaded = load_settings(write(tmp_path, text), env={})
    assert loaded.sources == load_settings(env={}).sources
    shipped = Path(__file__).parents[1] / "config.example.toml"
    assert shipped.read_text(encoding="utf-8") == text, "regenerate: paperboy config --example"


def test_the_slack_client_secret_comes_from_the_environment_and_is_masked_like_the_others() -> None:
    settings = load_settings(
        env={"SLACK_CLIENT_SECRET": " s3cr3t-client ", "PAPERBOY_SLACK_CLIENT_ID": "1.2"}
    )

    assert settings.secrets.slack_client_secret == "s3cr3t-client"
    assert "s3cr3t-client" in settings.secrets.values()  # what the log masks
    assert "s3cr3t-client" not in repr(settings)
    assert settings.slack.client_id == "1.2"


def test_a_redirect_url_that_is_no_url_is_one_line_naming_it() -> None:
    with pytest.raises(ConfigError) as bad:
        load_settings(env={"PAPERBOY_SLACK_REDIRECT_URL": "paperboy.example.org/cb"})

    assert str(bad.value).startswith("PAPERBOY_SLACK_REDIRECT_URL: must be an http(s):// URL")
