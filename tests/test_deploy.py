"""The deployment files in deploy/ name settings paperboy has, with values it accepts, and
ports that are paperboy's defaults: a compose file that drifted from the code would
start replicas that refuse their configuration or a proxy that reaches nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from paperboy.config import Settings, load_settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def with_defaults(value: str) -> str:
    """Compose's ${NAME:-default} as compose fills it in when NAME is unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_every_replica_gets_settings_paperboy_accepts() -> None:
    services = compose()["services"]
    replicas = [name for name in services if name.startswith("paperboy-")]
    assert len(replicas) >= 2
    for name in replicas:
        environment = {k: with_defaults(str(v)) for k, v in services[name]["environment"].items()}
        settings = load_settings(env=environment)  # raises ConfigError on a bad one
        assert settings.store.url.startswith("postgresql://paperboy:")
        assert settings.slack.mode == "http"
        assert settings.ops.host == settings.slack.http_host == "0.0.0.0"


def test_the_proxy_and_prometheus_reach_the_ports_paperboy_listens_on() -> None:
    defaults = Settings()
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    replicas = [name for name in compose()["services"] if name.startswith("paperboy-")]
    for name in replicas:
        assert f"{name}:{defaults.slack.http_port}" in caddyfile
    assert f"health_port {defaults.ops.port}" in caddyfile
    assert f"reverse_proxy {defaults.slack.http_path.rstrip('/').rsplit('/', 1)[0]}/*" in caddyfile
    prometheus = (DEPLOY / "prometheus.yml").read_text()
    assert f":{defaults.ops.port}" in prometheus
