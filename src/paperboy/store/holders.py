"""Who holds a claim or a lease: one running process, named so others can tell it.

A holder is `host/pid/token` (the token is new with every process). A claim held by
a process on this host that no longer runs can be taken at once, without waiting for
its lease to expire: a `paperboy run` killed and restarted resumes its digest right
away. A holder on another host is trusted until its lease expires.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import UTC, datetime


def new_holder() -> str:
    """A name for this process, unique to it."""
    return f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(4)}"


def holder_is_gone(holder: str) -> bool:
    """True when `holder` certainly no longer runs: a process of this host that has
    exited (or whose pid is now this process, under another token)."""
    host, _, rest = holder.partition("/")
    pid_text, _, _token = rest.partition("/")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # ours now, under another token: the earlier holder has exited
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


def stamp(moment: datetime) -> str:
    """A time as the store keeps lease times: UTC ISO text, one width, so that two of
    them compare as text in the order of time (on SQLite and PostgreSQL alike)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
