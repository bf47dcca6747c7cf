"""Log line formats: readable text, or one JSON object a line; secrets masked in both.

`json` writes `time` (UTC, ISO 8601), `level`, `logger`, `message`, and while a
command, reaction or digest is being handled `platform`, `team`, `channel` and
`command` (core/log_context.py), plus `exception` (the traceback) when there is one.
Every line, in either format, goes through a `SecretMask`: the configured tokens
and anything shaped like a Slack or Discord token never reach the log.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from paperboy.core import log_context
from paperboy.redaction import SecretMask

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class TextFormatter(logging.Formatter):
    """The readable format, masked."""

    def __init__(self, mask: SecretMask) -> None:
        super().__init__(TEXT_FORMAT)
        self._mask = mask

    def format(self, record: logging.LogRecord) -> str:
        return self._mask(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line (no newline inside: a traceback is one string field)."""

    def __init__(self, mask: SecretMask) -> None:
        super().__init__()
        self._mask = mask

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(log_context.current())
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        masked = {key: self._mask(value) for key, value in entry.items()}
        return json.dumps(masked, ensure_ascii=False)


def formatter(kind: str, *, secrets: tuple[str, ...] = ()) -> logging.Formatter:
    """The formatter `log.format` names ("text" or "json"), masking `secrets`."""
    mask = SecretMask(secrets)
    return JsonFormatter(mask) if kind == "json" else TextFormatter(mask)
