"""Masking secrets in text that leaves the process: log lines, /readyz reasons.

Two nets: the exact values of the configured secrets (whatever their shape), and
the shapes of the tokens paperboy handles (Slack bot, app, user and refresh tokens;
Discord bot tokens; `Bot …`/`Bearer …` authorization values; a password in a URL),
so a token that is not configured here (an installation's, one in an error message
from a library) is masked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[redacted]"

_PATTERNS = re.compile(
    "|".join(
        (
            r"\bxox[a-z]?-[A-Za-z0-9-]{6,}",  # Slack bot/user/… tokens: xoxb-, xoxp-, xoxe-
            r"\bxoxe\.xox[a-z]-[A-Za-z0-9-]{6,}",  # Slack rotating tokens
            r"\bxapp-[A-Za-z0-9-]{6,}",  # Slack app-level tokens
            r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}",  # Discord bot token
        )
    )
)
# Authorization: Bot <token> (Discord), Bearer <token> (Slack, OAuth)
_AUTHORIZATION = re.compile(r"\b(?P<head>(?:bot|bearer)\s+)[A-Za-z0-9._~+/=-]{20,}", re.I)
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^\s/:@]*:)[^\s/@]+(?=@)", re.I)


class SecretMask:
    """Masks the given secret values and every token-shaped string."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so that a secret containing another is masked whole; very short
        # values are left out (masking "a" would mangle every line).
        self._secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return mask_secrets(text)


def mask_secrets(text: str) -> str:
    """`text` with every token-shaped string and URL password replaced by `MASK`."""
    text = _PATTERNS.sub(MASK, text)
    text = _AUTHORIZATION.sub(lambda match: match.group("head") + MASK, text)
    return _URL_PASSWORD.sub(lambda match: match.group("head") + MASK, text)
