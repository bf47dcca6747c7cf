"""A one-line progress display for backfills: a bar on a terminal, log lines elsewhere."""

from __future__ import annotations

from types import TracebackType
from typing import TextIO

from paperboy.sources.ingest import BackfillProgress

BAR_WIDTH = 30


class Progress:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._drawn = False

    def update(self, progress: BackfillProgress) -> None:
        line = (
            f"days {progress.days_done}/{progress.days_total} · "
            f"papers {progress.papers:,} · errors {progress.errors}"
        )
        if not self._tty:
            self._stream.write(f"backfill: {line}\n")
            self._stream.flush()
            return
        filled = BAR_WIDTH * progress.days_done // max(1, progress.days_total)
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        self._stream.write(f"\r[{bar}] {line}")
        self._stream.flush()
        self._drawn = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
