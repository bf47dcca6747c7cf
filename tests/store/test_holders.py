"""Who holds a claim or a lease: a holder names its host and process, so that a claim of
a process of this host that has exited is taken at once, and any other is trusted until
its lease expires. A lease time is UTC text of one width, which sorts as time does."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from paperboy.store.holders import holder_is_gone, new_holder, stamp

HOST = socket.gethostname()


def no_such_pid() -> int:
    """A process id no process can have: above the kernel's largest."""
    return int(Path("/proc/sys/kernel/pid_max").read_text()) + 1


def test_a_holder_names_this_host_and_process_and_is_new_with_each_process() -> None:
    first, second = new_holder(), new_holder()

    assert re.fullmatch(rf"{re.escape(HOST)}/{os.getpid()}/[0-9a-f]{{8}}", first)
    assert first != second


def test_a_holder_of_this_host_whose_process_exited_is_gone() -> None:
    assert holder_is_gone(f"{HOST}/{no_such_pid()}/cafe0001")


def test_a_holder_under_this_process_id_with_another_token_is_gone() -> None:
    """The earlier process had this pid: it has exited, and the pid was given to us."""
    assert holder_is_gone(f"{HOST}/{os.getpid()}/cafe0001")


# A process that blocks the signals a mistaken check could send, and on the end of its
# input says which of them are pending: none, unless the check signalled it.
_LISTENER = """
import signal, sys
watched = {signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGUSR1,
           signal.SIGUSR2}
signal.pthread_sigmask(signal.SIG_BLOCK, watched)
print("ready", flush=True)
sys.stdin.read()
print(" ".join(sorted(s.name for s in signal.sigpending())), end="")
"""


def test_a_holder_whose_process_runs_is_not_gone_and_is_left_be() -> None:
    """Its claims are trusted; asking whether it runs sends it nothing (this is run on
    a process of the test's own, never on one it did not start)."""
    listener = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _LISTENER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert listener.stdout is not None
        assert listener.stdout.readline() == "ready\n"
        gone = holder_is_gone(f"{HOST}/{listener.pid}/cafe0001")
    finally:
        pending, _ = listener.communicate(timeout=30)

    assert not gone
    assert pending == ""
    assert listener.returncode == 0


def test_a_holder_of_another_host_or_unreadable_is_trusted() -> None:
    assert not holder_is_gone(f"replica-2.{HOST}/{no_such_pid()}/cafe0001")
    assert not holder_is_gone(f"{HOST}/pid/cafe0001")
    assert not holder_is_gone(f"{HOST}/-{no_such_pid()}/cafe0001")
    assert not holder_is_gone(f"{HOST}")
    assert not holder_is_gone("")


@pytest.fixture
def machine_in_tokyo() -> Iterator[None]:
    """The machine's own time zone is Tokyo's for the test."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("machine_in_tokyo")
def test_a_lease_time_is_utc_text_of_one_width_that_sorts_as_time_does() -> None:
    tokyo = timezone(timedelta(hours=9))
    moments = [
        datetime(2025, 3, 20, 18, 0, tzinfo=tokyo),  # 09:00 UTC
        datetime(2025, 3, 20, 9, 0, 0, 1, tzinfo=UTC),
        datetime(2025, 3, 20, 9, 0, 1, tzinfo=UTC),
    ]

    stamps = [stamp(moment) for moment in moments]

    assert stamps == [
        "2025-03-20T09:00:00.000000+00:00",
        "2025-03-20T09:00:00.000001+00:00",
        "2025-03-20T09:00:01.000000+00:00",
    ]
    assert sorted(stamps) == stamps
