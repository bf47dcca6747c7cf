"""What the simulated people do, whatever the platform: search, press buttons, react.

Each user runs one loop until the shared budget of searches is spent: a search, then
now and then a press on one of the answer's buttons (Save, More, Similar), and every
tenth time `show` a paper and react 🔖 to the posted message. A `Driver` does each act
through one platform's simulator and times it.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bench.load_stats import Latencies

ACK_LIMIT = 3.0  # seconds Slack and Discord allow before an ack (or an answer)
KINDS = ("search", "button", "reaction")
REACTION_PAUSE = 0.3  # seconds a person looks at a posted paper before reacting to it


@dataclass
class Outcome:
    """One act as the user experienced it."""

    kind: str
    acked: float | None  # seconds to the platform's ack; None: none within ACK_LIMIT
    answered: float | None  # seconds to the answer the user waits for; None: never came
    failed: bool = False  # the answer was an apology or "try again shortly"
    handle: Any = None  # the answer message, for a press on its buttons
    buttons: dict[str, list[str]] = field(default_factory=dict)  # action -> values, in order
    needs_ack: bool = True  # False for a Discord reaction: gateway events are not acked
    note: str = ""  # what went wrong, for an answer that never came


class Driver(Protocol):
    async def search(self, user: int, text: str) -> Outcome: ...

    async def press(self, user: int, answer: Outcome, action: str, value: str) -> Outcome: ...

    async def show_and_react(self, user: int, paper_id: str) -> Outcome: ...


@dataclass
class KindResults:
    acks: Latencies = field(default_factory=Latencies)
    answers: Latencies = field(default_factory=Latencies)
    failed: int = 0


@dataclass
class WorkloadResults:
    kinds: dict[str, KindResults] = field(
        default_factory=lambda: {kind: KindResults() for kind in KINDS}
    )
    seconds: float = 0.0
    lost_notes: list[str] = field(default_factory=list)

    def record(self, outcome: Outcome) -> None:
        if outcome.answered is None:
            self.lost_notes.append(f"{outcome.kind}: {outcome.note or 'no answer'}")
        kind = self.kinds[outcome.kind]
        if outcome.needs_ack:
            kind.acks.add(outcome.acked)
        kind.answers.add(outcome.answered)
        kind.failed += outcome.failed

    def all_acks(self) -> Latencies:
        merged = Latencies()
        for kind in self.kinds.values():
            merged.seconds += kind.acks.seconds
            merged.lost += kind.acks.lost
        return merged


def make_query(rng: random.Random, words: Sequence[str]) -> str:
    text = " ".join(rng.sample(list(words), rng.randint(1, 3)))
    roll = rng.random()
    if roll < 0.1:
        text += " since:90d"
    elif roll < 0.15:
        text += " votes:>=5"
    return text


async def run_workload(
    driver: Driver,
    *,
    users: int,
    searches: int,
    words: Sequence[str],
    seed: int,
    think: float = 0.0,
    deadline: float = 600.0,
) -> WorkloadResults:
    """`searches` searches shared by `users` concurrent people, with their presses and
    reactions; bounded by `deadline` seconds."""
    results = WorkloadResults()
    budget = [searches]
    started = time.perf_counter()

    async def person(user: int) -> None:
        rng = random.Random(seed * 1000 + user)
        saved: set[str] = set()  # saving a paper twice changes nothing, so nothing is said
        done = 0
        while budget[0] > 0:
            budget[0] -= 1
            done += 1
            answer = await driver.search(user, make_query(rng, words))
            results.record(answer)
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))
            unsaved = [p for p in answer.buttons.get("save", []) if p not in saved]
            roll = rng.random()
            if roll < 0.2 and unsaved:
                saved.add(unsaved[0])
                results.record(await driver.press(user, answer, "save", unsaved.pop(0)))
            elif roll < 0.3 and answer.buttons.get("more"):
                results.record(await driver.press(user, answer, "more", answer.buttons["more"][0]))
            elif roll < 0.4 and answer.buttons.get("similar"):
                paper = rng.choice(answer.buttons["similar"])
                results.record(await driver.press(user, answer, "similar", paper))
            if done % 10 == 5 and unsaved:
                saved.add(unsaved[-1])
                results.record(await driver.show_and_react(user, unsaved[-1]))

    await asyncio.wait_for(asyncio.gather(*(person(u) for u in range(users))), deadline)
    results.seconds = time.perf_counter() - started
    return results
