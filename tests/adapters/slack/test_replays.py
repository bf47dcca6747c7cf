"""The memory of signatures already used: a replay is caught while its timestamp could still
pass, and the memory forgets what could not, so it never holds more than a window's worth."""

from __future__ import annotations

from paperboy.adapters.slack.replays import ReplayMemory

WINDOW = 300
T = 1_700_000_000


def test_a_signature_is_a_first_delivery_once() -> None:
    memory = ReplayMemory(window_seconds=WINDOW)

    assert memory.first_delivery("v0=aa", timestamp=T, now=T)
    assert not memory.first_delivery("v0=aa", timestamp=T, now=T + 1)
    assert memory.first_delivery("v0=bb", timestamp=T, now=T + 1)


def test_a_replay_is_caught_until_its_timestamp_leaves_the_window() -> None:
    memory = ReplayMemory(window_seconds=WINDOW)
    memory.first_delivery("v0=aa", timestamp=T, now=T - WINDOW)  # dated ahead, as allowed

    assert not memory.first_delivery("v0=aa", timestamp=T, now=T + WINDOW)


def test_signatures_whose_window_has_passed_are_forgotten() -> None:
    memory = ReplayMemory(window_seconds=WINDOW)
    for n in range(1000):
        memory.first_delivery(f"v0={n:064x}", timestamp=T + n % 7, now=T)

    memory.first_delivery("v0=later", timestamp=T + WINDOW + 10, now=T + WINDOW + 10)

    assert len(memory) == 1
