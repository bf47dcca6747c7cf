"""Settings: loaded once from config.toml and the environment, validated, frozen.

Each setting is declared once, below, as a dataclass field with its default and
its help text; `config.example.toml` is generated from the same declarations
(`paperboy config --example`). Any key can be overridden by the environment as
`PAPERBOY_<SECTION>_<KEY>`. Secrets come only from the environment.

A bad file or value raises `ConfigError` with one line that names the key.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

import platformdirs

from paperboy.core.times import HH_MM_PROBLEM, time_of_day
from paperboy.core.zones import EXAMPLES, canonical_zone

ENV_PREFIX = "PAPERBOY_"
CONFIG_ENV = "PAPERBOY_CONFIG"


class ConfigError(ValueError):
    """A setting is wrong; the message is one line that names it."""


Check = Callable[[Any], str | None]  # returns what is wrong, or None


def setting(default: Any, help: str, check: Check | None = None) -> Any:
    """Declare one setting: its default, its help, and an optional validity check."""
    return field(default=default, metadata={"help": help, "check": check})


def _url(value: str) -> str | None:
    ok = re.match(r"^https?://[^\s/]+", value) or re.match(r"^wss?://[^\s/]+", value)
    return None if ok else "must be an http(s):// or ws(s):// URL"


def _http_url(value: str) -> str | None:
    return None if re.match(r"^https?://[^\s/]+", value) else "must be an http(s):// URL"


def _optional_http_url(value: str) -> str | None:
    return _http_url(value) if value else None


def _clock_time(value: str) -> str | None:
    return None if time_of_day(value) is not None else HH_MM_PROBLEM


def _timezone(value: str) -> str | None:
    if canonical_zone(value) is None:
        return f"unknown timezone {value!r} (use {EXAMPLES})"
    return None


def _between(low: float, high: float) -> Check:
    def check(value: float) -> str | None:
        return None if low <= value <= high else f"must be between {low:g} and {high:g}"

    return check


def _one_of(*choices: str) -> Check:
    def check(value: str) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _path(value: str) -> str | None:
    return None if re.fullmatch(r"/[^\s?#]*", value) else "must be a URL path starting with /"


def _log_level(value: str) -> str | None:
    levels = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    return None if value.upper() in levels else f"must be one of {', '.join(levels)}"


def _snowflakes(values: tuple[str, ...]) -> str | None:
    bad = [value for value in values if not value.isdigit()]
    return f"must be numeric Discord ids, not {', '.join(bad)}" if bad else None


def _emoji(values: tuple[str, ...]) -> str | None:
    # With none, no reaction would do what the help tells people to react for.
    if not values:
        return "needs at least one emoji"
    blank = [value for value in values if not value.strip().strip(":")]
    return f"has a blank emoji name ({blank[0]!r})" if blank else None


def _shard_numbers(values: tuple[str, ...]) -> str | None:
    bad = [value for value in values if not value.isdigit()]
    return f"must be shard numbers (0, 1, …), not {', '.join(bad)}" if bad else None


def default_store_path() -> Path:
    return Path(platformdirs.user_data_dir("paperboy", appauthor=False)) / "paperboy.sqlite3"


@dataclass(frozen=True, slots=True)
class StoreSettings:
    path: Path = setting(
        Path(""),
        "The SQLite file. The saved search index lives beside it (also when store.url "
        "names a PostgreSQL database). Empty means a file in the user's data directory.",
    )
    # Checked where the store is opened (app.store_location), which never shows the
    # password; a check here would echo the value.
    url: str = field(
        default="",
        repr=False,
        metadata={
            "help": "A PostgreSQL database instead of the SQLite file, for several "
            "processes or hosts on one store: postgresql://user:password@host:5432/db, "
            "or postgresql://user@/db?host=/run/postgresql for a Unix socket. Empty: "
            "SQLite at store.path.",
            "check": None,
        },
    )


@dataclass(frozen=True, slots=True)
class SearchSettings:
    page_size: int = setting(5, "Papers per page of results.", _between(1, 10))
    max_query_chars: int = setting(
        500, "Longer commands are refused with a short answer.", _between(20, 5000)
    )
    follow_seconds: float = setting(
        2.0,
        "How often a running bot takes papers other processes stored (`paperboy ingest`, "
        "`add`, another replica) into its search index.",
        _between(0.1, 60),
    )


@dataclass(frozen=True, slots=True)
class SourcesSettings:
    huggingface_url: str = setting(
        "https://huggingface.co",
        "Hugging Face site root; /api/daily_papers is appended.",
        _http_url,
    )
    arxiv_url: str = setting(
        "https://export.arxiv.org", "arXiv API site root; /api/query is appended.", _http_url
    )
    timeout_seconds: float = setting(
        20.0, "Give up on one request after this long.", _between(1, 300)
    )
    retries: int = setting(4, "Retries for a failed request, with backoff.", _between(0, 10))
    arxiv_min_interval_seconds: float = setting(
        3.0, "At most one arXiv request this often (arXiv's terms ask for 3 s).", _between(0, 60)
    )
    load_sample: bool = setting(True, "Load the bundled sample papers into an empty store.")
    ingest_time: str = setting(
        "06:30",
        "Daily ingest of the Daily Papers list (today's and yesterday's, for upvotes).",
        _clock_time,
    )
    ingest_timezone: str = setting("UTC", "Timezone of ingest_time.", _timezone)
    catch_up_days: int = setting(
        7,
        "At start-up, fetch the days missed while the bot was down, this far back.",
        _between(0, 60),
    )
    backfill_concurrency: int = setting(
        2, "Days fetched at once by `paperboy ingest --since`.", _between(1, 8)
    )


@dataclass(frozen=True, slots=True)
class ChatSettings:
    save_emoji: tuple[str, ...] = setting(
        ("bookmark", "🔖"),
        "Reactions that save a paper (Slack emoji names, Unicode emoji, Discord custom emoji "
        "names or ids).",
        _emoji,
    )
    not_for_me_emoji: tuple[str, ...] = setting(
        ("-1", "thumbsdown", "👎"),
        'Reactions that mark a paper "not for me": `foryou` learns from them and leaves '
        "the paper out (the same kinds of names as save_emoji).",
        _emoji,
    )
    channel_pace_seconds: float = setting(
        1.0,
        "At most one message into a channel this often, whatever posts it: a digest, a "
        "preview, a `show` (Slack allows about one a second per channel).",
        _between(0, 10),
    )
    posts_per_second: float = setting(
        10.0,
        "Messages (and digest starts) a second across all channels, evenly spaced "
        "(0: no limit); keeps a crowded digest minute from slowing searches and within "
        "platform limits (Slack: several hundred messages a minute; Discord: 50 requests/s).",
        _between(0, 50),
    )


@dataclass(frozen=True, slots=True)
class SlackSettings:
    api_url: str = setting(
        "https://slack.com/api/", "Slack Web API base; method names are appended.", _http_url
    )
    mode: str = setting(
        "socket",
        "socket (no public URL needed) or http (signed requests).",
        _one_of("socket", "http"),
    )
    http_host: str = setting(
        "127.0.0.1",
        "HTTP mode: address to listen on. Loopback by default, for a reverse proxy on the "
        "same host (TLS, size limits); 0.0.0.0 listens on every interface (e.g. in a container "
        "whose port only the proxy reaches).",
    )
    http_port: int = setting(
        3000, "HTTP mode: port to listen on (0 picks a free one).", _between(0, 65535)
    )
    http_path: str = setting("/slack/events", "HTTP mode: path Slack posts requests to.", _path)
    http_header_timeout_seconds: float = setting(
        10.0,
        "HTTP mode: a new connection that has not sent a whole request head (request line "
        "and headers) this long after it opened is closed.",
        _between(0.01, 300),
    )
    http_body_timeout_seconds: float = setting(
        10.0,
        "HTTP mode: a request whose body has not fully arrived this long after its head is "
        "answered 408 and closed (what is still coming is drained for at most as long "
        "again, so that the client sees the answer).",
        _between(0.01, 300),
    )
    http_idle_timeout_seconds: float = setting(
        75.0,
        "HTTP mode: a kept-alive connection that has not sent its next whole request head "
        "this long after an answer is closed. Keep it above the proxy's idle timeout for "
        "upstream connections (often 60 s), so the proxy closes first.",
        _between(0.01, 3600),
    )
    http_max_connections: int = setting(
        100,
        "HTTP mode: open connections at most; one more is answered 503 and closed.",
        _between(1, 10000),
    )
    digest_managers: str = setting(
        "anyone",
        "Who may subscribe or unsubscribe a channel, or post a `digest` preview in it: "
        "anyone in it (Slack's norm) or admins (workspace admins and owners; needs the "
        "users:read scope).",
        _one_of("anyone", "admins"),
    )
    client_id: str = setting(
        "",
        "OAuth distribution (one deployment for many workspaces; HTTP mode only): the app's "
        "client id (Basic Information > App Credentials), with SLACK_CLIENT_SECRET. Empty: "
        "one workspace, with SLACK_BOT_TOKEN.",
    )
    authorization_url: str = setting(
        "https://slack.com/oauth/v2/authorize",
        "OAuth distribution: where /slack/install sends a browser to approve the app.",
        _http_url,
    )
    redirect_url: str = setting(
        "",
        "OAuth distribution: the public URL of /slack/oauth_redirect, as listed under the "
        "app's Redirect URLs (e.g. https://paperboy.example.org/slack/oauth_redirect). "
        "Empty: Slack uses the app's only redirect URL.",
        _optional_http_url,
    )


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    api_url: str = setting(
        "https://discord.com/api/v10", "Discord REST base (discord.http.Route.BASE).", _http_url
    )
    gateway_url: str = setting("wss://gateway.discord.gg/", "Discord gateway websocket URL.", _url)
    sync_guilds: tuple[str, ...] = setting(
        (),
        "Guild ids to sync /papers to instantly; empty syncs globally (takes up to an hour).",
        _snowflakes,
    )
    shard_count: int = setting(
        0,
        "Gateway shards of the whole bot; 0: one connection, no sharding. Discord asks for "
        "sharding from 2,500 servers on.",
        _between(0, 65535),
    )
    shard_ids: tuple[str, ...] = setting(
        (),
        "The shards this process runs, e.g. 0,1 (each below shard_count); empty: all. "
        "Replicas split the shards between them.",
        _shard_numbers,
    )


@dataclass(frozen=True, slots=True)
class DigestSettings:
    default_time: str = setting("09:00", "Digest time when `subscribe` names none.", _clock_time)
    default_timezone: str = setting("UTC", "Timezone when `subscribe` names none.", _timezone)
    default_papers: int = setting(
        5, "Papers a digest holds at most when `subscribe` names no papers:N.", _between(1, 10)
    )
    grace_hours: float = setting(
        3.0,
        "A digest missed while the bot was down is still posted this long after its time.",
        _between(0, 23),
    )
    announce_empty: bool = setting(
        True, 'Post "no new papers today" when nothing qualifies (false: stay silent).'
    )
    preview_cooldown_seconds: float = setting(
        300.0,
        "A channel gets at most one `digest` preview this often (0: no limit); its "
        "messages take turns with every channel's scheduled digests.",
        _between(0, 86400),
    )
    sync_seconds: float = setting(
        30.0,
        "Replicas: how often each one schedules the digests, weekly lists and weekly "
        "messages subscribed (or removed) through another.",
        _between(1, 3600),
    )
    claim_lease_seconds: float = setting(
        60.0,
        "Replicas: the one posting a digest holds it this long, renewing it every third of "
        "it; if that replica dies, another resumes the digest once this has passed.",
        _between(5, 3600),
    )


@dataclass(frozen=True, slots=True)
class LogSettings:
    level: str = setting("INFO", "Log level.", _log_level)
    format: str = setting(
        "text",
        "text (one readable line each) or json (one JSON object a line: time, level, "
        "logger, message, and platform, team, channel and command while one is handled; "
        "tokens are masked).",
        _one_of("text", "json"),
    )


@dataclass(frozen=True, slots=True)
class OpsSettings:
    enabled: bool = setting(
        True,
        "Serve the operations endpoint (/livez, /readyz, /metrics) while `paperboy run` "
        "runs, in every mode.",
    )
    host: str = setting(
        "127.0.0.1",
        "Operations endpoint: address to listen on. Loopback by default; 0.0.0.0 for a "
        "Prometheus or a probe outside the host (e.g. in a container). It has no "
        "authentication: never expose it to the internet.",
    )
    port: int = setting(
        9464,
        "Operations endpoint: port to listen on (0 picks a free one, logged at start; "
        "`enabled = false` turns the endpoint off).",
        _between(0, 65535),
    )
    max_ingest_age_hours: float = setting(
        30.0,
        "/readyz fails when the last successful ingest is older than this (0: never). A "
        "process counts from its own start until its first ingest succeeds, so a fresh "
        "start is ready while it fetches.",
        _between(0, 24 * 365),
    )
    store_timeout_seconds: float = setting(
        2.0,
        "/readyz fails when the store does not answer a tiny query within this.",
        _between(0.01, 60),
    )


@dataclass(frozen=True, slots=True)
class Secrets:
    """Tokens, from the environment only; never printed."""

    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_client_secret: str = field(default="", repr=False)
    discord_token: str = field(default="", repr=False)

    def values(self) -> tuple[str, ...]:
        """Every secret's value (empty when unset), for masking them in the log."""
        return tuple(str(getattr(self, f.name)) for f in dataclasses.fields(self))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Secrets:
        return cls(
            slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            slack_client_secret=env.get("SLACK_CLIENT_SECRET", "").strip(),
            discord_token=env.get("DISCORD_TOKEN", "").strip(),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    store: StoreSettings = field(default_factory=StoreSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    sources: SourcesSettings = field(default_factory=SourcesSettings)
    chat: ChatSettings = field(default_factory=ChatSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    log: LogSettings = field(default_factory=LogSettings)
    ops: OpsSettings = field(default_factory=OpsSettings)
    secrets: Secrets = field(default_factory=Secrets)
    source_file: Path | None = None

    @property
    def store_path(self) -> Path:
        return self.store.path if str(self.store.path) not in ("", ".") else default_store_path()


SECTIONS: dict[str, type[Any]] = {
    name: kind
    for name, kind in get_type_hints(Settings).items()
    if name not in ("secrets", "source_file")
}


def load_settings(
    config_path: Path | None = None, *, env: Mapping[str, str] | None = None
) -> Settings:
    """Read the TOML file (explicit path, $PAPERBOY_CONFIG, ./config.toml, or none), then env."""
    env = os.environ if env is None else env
    path = config_path or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    if path is None and Path("config.toml").is_file():
        path = Path("config.toml")
    raw: dict[str, Any] = _read_toml(path) if path is not None else {}

    values: dict[str, dict[str, tuple[str, Any]]] = {}
    for section, table in raw.items():
        if section not in SECTIONS:
            raise ConfigError(f"{path}: unknown section [{section}]")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
        for key, value in table.items():
            values.setdefault(section, {})[key] = (f"{section}.{key}", value)
    for name, text in env.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        section, key = _split_env_name(name)
        values.setdefault(section, {})[key] = (name, _EnvText(text))

    sections = {
        name: _build_section(cls, name, values.get(name, {})) for name, cls in SECTIONS.items()
    }
    return Settings(**sections, secrets=Secrets.from_env(env), source_file=path)


class _EnvText(str):
    """A value that came from the environment, so it is parsed from text."""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None


def _split_env_name(name: str) -> tuple[str, str]:
    rest = name[len(ENV_PREFIX) :].lower()
    for section in SECTIONS:
        if rest.startswith(section + "_"):
            return section, rest[len(section) + 1 :]
    raise ConfigError(f"{name}: unknown setting (sections: {', '.join(SECTIONS)})")


# Settings that were merged into one: one pace for every post into a channel.
_MOVED = {
    "slack.channel_pace_seconds": "chat.channel_pace_seconds",
    "digest.pace_seconds": "chat.channel_pace_seconds",
    "digest.posts_per_second": "chat.posts_per_second",
}


def _build_section(cls: type[Any], section: str, given: dict[str, tuple[str, Any]]) -> Any:
    hints = get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, (origin, value) in given.items():
        if (moved := _MOVED.get(f"{section}.{key}")) is not None:
            raise ConfigError(f"{origin}: {section}.{key} is now {moved}; rename it")
        if key not in known:
            raise ConfigError(f"{origin}: unknown setting {section}.{key}")
        converted = _convert(value, hints[key], origin)
        check: Check | None = known[key].metadata.get("check")
        problem = check(converted) if check is not None else None
        if problem:
            raise ConfigError(f"{origin}: {problem} (got {value!r})")
        kwargs[key] = converted
    return cls(**kwargs)


def _convert(value: Any, kind: Any, origin: str) -> Any:
    from_env = isinstance(value, _EnvText)
    try:
        if kind is bool:
            if from_env:
                return _parse_bool(value)
            if isinstance(value, bool):
                return value
        elif kind is int:
            if from_env:
                return int(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        elif kind is float:
            if from_env:
                return float(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
        elif kind is str:
            if isinstance(value, str):
                return str(value)
        elif kind is Path:
            if isinstance(value, str):
                return Path(str(value)).expanduser()
        elif kind == tuple[str, ...]:
            if from_env:
                value = json.loads(value) if value.strip().startswith("[") else value.split(",")
            if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                return tuple(v.strip() for v in value if v.strip())
    except (ValueError, json.JSONDecodeError):
        pass
    raise ConfigError(f"{origin}: expected {_describe(kind)}, got {value!r}")


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(text)


def _describe(kind: Any) -> str:
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
    if kind in names:
        return names[kind]
    if kind is Path:
        return "a file path"
    return "a list of text values"


def example_toml() -> str:
    """config.example.toml: every setting with its default and help."""
    lines = [
        "# paperboy configuration. Every key is optional; shown with its default.",
        "# Any key can be overridden by PAPERBOY_<SECTION>_<KEY> (e.g. PAPERBOY_STORE_PATH).",
        "# Secrets come only from the environment: SLACK_BOT_TOKEN, SLACK_APP_TOKEN,",
        "# SLACK_SIGNING_SECRET, SLACK_CLIENT_SECRET, DISCORD_TOKEN.",
    ]
    for section, cls in SECTIONS.items():
        lines += ["", f"[{section}]"]
        for f in dataclasses.fields(cls):
            lines.append(f"# {f.metadata['help']}")
            lines.append(f"{f.name} = {_toml_value(f.default)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return json.dumps(str(value) if str(value) != "." else "", ensure_ascii=False)
