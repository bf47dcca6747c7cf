"""A one-line progress display (backfills, store copies): a bar on a terminal, log lines
elsewhere."""

from __future__ import annotations

from types import TracebackType
from typing import TextIO

from paperboy.sources.ingest import BackfillProgress

BAR_WIDTH = 30


class Progress:
    def __init__(self, stream: TextIO, *, label: str = "backfill") -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._drawn = False
        self._label = label

    def update(self, progress: BackfillProgress) -> None:
        line = (
            f"days {progress.days_done}/{progress.days_total} · "
            f"papers {progress.papers:,} · errors {progress.errors}"
        )
        self.show(progress.days_done, progress.days_total, line)

    def show(self, done: int, total: int, line: str) -> None:
        """Draw the bar at done/total with `line` beside it (a log line off a terminal)."""
        if not self._tty:
            self._stream.write(f"{self._label}: {line}\n")
            self._stream.flush()
            return
        filled = BAR_WIDTH * done // max(1, total)
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
