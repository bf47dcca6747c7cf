"""A digest spec from `subscribe`'s words, for tests that call the digest service directly."""

from __future__ import annotations

from paperboy.core.digest_spec import DigestSpec, parse_digest_spec
from paperboy.core.weekly_spec import WeeklySpec, parse_weekly_spec


def spec(text: str = "") -> DigestSpec:
    parsed = parse_digest_spec(text)
    assert isinstance(parsed, DigestSpec), parsed
    return parsed


def weekly(text: str = "") -> WeeklySpec:
    parsed = parse_weekly_spec(text)
    assert isinstance(parsed, WeeklySpec), parsed
    return parsed
