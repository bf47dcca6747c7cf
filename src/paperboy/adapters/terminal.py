"""The console's lines in and out: a pipe as it comes, a person at a terminal with
line editing, history and a prompt that nothing is printed over.

Lines are read on a daemon thread, so a blocked read never holds up shutdown.
From a pipe every line is read as it comes and no prompt is shown. At a terminal
the stdlib `readline` gives arrow keys, editing and history (kept in a file
between sessions); the thread shows the prompt only when the previous answer is
out (`ready`), and output that arrives while a person is typing (a digest at its
time, a note from the start-up) clears the prompt line, prints, and puts the
prompt and the half-typed line back below it.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

log = logging.getLogger(__name__)

PROMPT = "paperboy> "
HISTORY_LINES = 1000
_CLEAR_LINE = "\r\x1b[K"

Deliver = Callable[[str | None], None]  # a line read, or None at the end of input


class Terminal:
    def __init__(
        self,
        *,
        stdin: TextIO,
        stdout: TextIO,
        prompt: str = PROMPT,
        history: Path | None = None,
    ) -> None:
        self._in = stdin
        self._out = stdout
        self.prompt = prompt
        self._history = history
        # A person types here (else a pipe or a file): prompt, turns, editing.
        self.interactive = _isatty(stdin)
        self._readline: ModuleType | None = None
        self._saved_mode: list[Any] | None = None
        self._turn = threading.Event()  # the last answer is out: show the prompt
        self._lock = threading.Lock()  # the prompt's state and the output stream
        self._prompt_shown = False
        self._closed = False

    def start(self, deliver: Deliver) -> None:
        """Read lines on a daemon thread; `deliver` is called on that thread."""
        if self.interactive:
            self._readline = self._line_editing()
            target: Callable[[Deliver], None] = self._read_turns
        else:
            target = self._read_all
        threading.Thread(target=target, args=(deliver,), name="console-stdin", daemon=True).start()

    def ready(self) -> None:
        """The answer to the last line is out: show the prompt for the next one."""
        self._turn.set()

    def write(self, text: str) -> None:
        """Print `text` (whole lines), above the prompt when one is showing."""
        with self._lock:
            if not self._prompt_shown:
                self._out.write(text)
            else:
                typed = self._readline.get_line_buffer() if self._readline else ""
                self._out.write(f"{_CLEAR_LINE}{text}{self.prompt}{typed}")
            self._out.flush()

    def close(self) -> None:
        """Leave the terminal as it was found: its mode, and the cursor on a new line."""
        with self._lock:
            self._closed = True
            if self._prompt_shown:
                self._out.write("\n")
                self._out.flush()
                self._prompt_shown = False
        if self._saved_mode is not None:
            with contextlib.suppress(ImportError, OSError, ValueError):
                import termios

                termios.tcsetattr(self._in.fileno(), termios.TCSANOW, self._saved_mode)

    # -- reading ------------------------------------------------------------------------

    def _read_all(self, deliver: Deliver) -> None:
        for line in self._in:
            deliver(line)
        deliver(None)

    def _read_turns(self, deliver: Deliver) -> None:
        while True:
            self._turn.wait()
            self._turn.clear()
            if self._closed:
                return
            line = self._read_line()
            with self._lock:
                self._prompt_shown = False
                if line is None:  # Ctrl-D: the cursor is still beside the prompt
                    self._out.write("\n")
                    self._out.flush()
            if line is None:
                deliver(None)
                return
            self._remember()
            deliver(line)

    def _read_line(self) -> str | None:
        if self._readline is None:
            # No readline here: the prompt, then a plain read (the terminal edits the line).
            with self._lock:
                self._out.write(self.prompt)
                self._out.flush()
                self._prompt_shown = True
            line = self._in.readline()
            return line or None
        try:
            # input() hands the prompt to readline, which draws it; the pre-input hook
            # runs once it is on the screen.
            return input(self.prompt)
        except EOFError:
            return None

    # -- readline -----------------------------------------------------------------------

    def _line_editing(self) -> ModuleType | None:
        """readline, set up, when this terminal is the process's own (input() uses
        readline only for sys.stdin and sys.stdout); None elsewhere."""
        if self._in is not sys.stdin or self._out is not sys.stdout or not _isatty(self._out):
            return None
        try:
            import readline
        except ImportError:  # a Python built without it: plain lines still work
            return None
        with contextlib.suppress(ImportError, OSError, ValueError):
            import termios

            self._saved_mode = termios.tcgetattr(self._in.fileno())
        readline.set_history_length(HISTORY_LINES)
        if self._history is not None and self._history.exists():
            try:
                readline.read_history_file(self._history)
            except OSError as error:
                log.warning("cannot read the console history %s: %s", self._history, error)
        readline.set_pre_input_hook(self._prompt_is_shown)
        return readline

    def _prompt_is_shown(self) -> None:
        with self._lock:
            self._prompt_shown = True

    def _remember(self) -> None:
        """Keep the history (readline added the line) in its file, line by line, so
        it survives however the session ends."""
        if self._readline is None or self._history is None:
            return
        try:
            self._history.parent.mkdir(parents=True, exist_ok=True)
            self._readline.write_history_file(self._history)
        except OSError as error:
            log.warning("cannot write the console history %s: %s", self._history, error)
            self._history = None  # said once


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False
