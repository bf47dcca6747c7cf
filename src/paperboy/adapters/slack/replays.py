"""Replayed requests: the same signed request delivered again runs only once.

A signature covers the body and the timestamp, so anyone who sees one genuine request (a
proxy's log, a leaked capture) could send it again while its timestamp is within the
window. Remembering each signature until its timestamp leaves the window is enough: after
that the request is refused as stale anyway, so memory holds at most one window's worth of
genuine (signed) requests.

The memory is this process's own. With several replicas behind a load balancer a replay
that reaches another replica still runs there; sharing it (in the store) is a later step.
"""

from __future__ import annotations

import heapq

from paperboy.adapters.slack.signatures import WINDOW_SECONDS


class ReplayMemory:
    def __init__(self, *, window_seconds: float = WINDOW_SECONDS) -> None:
        self._window = window_seconds
        self._seen: set[str] = set()
        self._expiries: list[tuple[float, str]] = []  # a heap: soonest first

    def __len__(self) -> int:
        return len(self._seen)

    def first_delivery(self, signature: str, *, timestamp: int, now: float) -> bool:
        """True the first time a signature comes; False while it is remembered."""
        while self._expiries and self._expiries[0][0] < now:
            _, expired = heapq.heappop(self._expiries)
            self._seen.discard(expired)
        if signature in self._seen:
            return False
        self._seen.add(signature)
        heapq.heappush(self._expiries, (timestamp + self._window, signature))
        return True
