"""Under mutmut (scripts/mutation.py), each mutant's verdict comes as soon as a test can
give it: first the tests that killed another mutant of the same function, then its own
module's tests, then the rest, fastest first within each; each test is stopped once it runs
far past its clean time, and pytest stops at the first failure.

"Fastest" is a test's whole time, set-up and teardown included, as measured in mutmut's
stats run (which runs every test once, with no mutant active). mutmut's own stats keep
only the time of the test's body, and most of tests/core's time is in fixtures (a store
with the sample papers stored and indexed): by that measure a test that builds what it
needs in its body looked slow and one that asks a fixture for it looked free. In file
order, a tokenizer mutant ran a minute of slow tests before reaching one that killed it.

Mutants of one function mostly fall to the same test: the test that failed first under
each mutant is written down (`paperboy-killers.tsv`), and the next mutants of that
function run it before anything else.

The tests of the mutated module's own test file (`test_library.py` for a mutant of
`core/library.py`) go first, fastest first among them: the tests that kill a mutant of a
function that every test reaches are usually its own module's, and the rest were
spending 13 to 16 s each on a `Library` mutant before the saved-index test that killed it.

A mutant that makes a test wait for something that never comes (a replica that never
takes a run over, a post that never arrives) was caught only by the test's own safety
net: 10 s in the replica tests' `until`, 60 s of pytest-timeout elsewhere (killed mutants
that took 5 s or more were about half of core's and digest's tested time). Under a mutant
each test now gets `PATIENCE_SECONDS` more than `PATIENCE_TIMES` its clean time, set-up
and teardown included: a test that runs that long is failing, as mutmut's own timeout (15
times the estimate, for all of a mutant's tests) would say, only sooner. The margin covers
two mutants' runs sharing the two cores and the session fixtures each forked run makes
anew.

The limit ends the whole forked run, from a timer thread, with mutmut's exit code for a
timeout. A pytest-timeout marker did this before, and three mutants of each of store and
search still took 30 to 114 s: its signal raises an exception in whatever code runs,
which asyncio swallows when that is a callback and a stuck fixture's teardown waits out
after the test has failed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
from collections.abc import Generator
from pathlib import Path

import pytest

# In the directory mutmut runs the tests in (its `mutants/`), beside its own stats file.
SECONDS_FILE = Path("paperboy-test-seconds.json")
# function<TAB>test, a line for each mutant killed: the test that failed first.
KILLERS_FILE = Path("paperboy-killers.tsv")
# mutmut's exit code for a mutant whose tests timed out (counted as killed).
TIMED_OUT = 36
# A mutant's name: its module, then `.x_function` or `.xǁClassǁmethod`, then `__mutmut_N`.
_MUTANT_MODULE = re.compile(r"^[\w.]*?\.(\w+)\.x[_ǁ]")
_MUTANT_NUMBER = re.compile(r"__mutmut_\d+$")
# A test under a mutant is stopped after PATIENCE_SECONDS + PATIENCE_TIMES x its clean time.
PATIENCE_SECONDS = 3.0
PATIENCE_TIMES = 5.0


class QuickVerdicts:
    """A pytest plugin, registered by tests/conftest.py only when mutmut runs the tests."""

    def __init__(self) -> None:
        self._measured: dict[str, float] = {}
        # Each test's patience limit, under a mutant.
        self._limits: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        under_test = os.environ.get("MUTANT_UNDER_TEST")
        if under_test == "stats":
            self._measured[report.nodeid] = self._measured.get(report.nodeid, 0.0) + report.duration
        elif report.failed and under_test and own_test_file(under_test):
            # Each mutant's run stops at its first failure: this is its killer.
            _write_killer(under_test, report.nodeid)

    def pytest_sessionfinish(self) -> None:
        # A later stats run times only the tests that are new: keep the others' times.
        if self._measured:
            known = _seconds_per_test()
            SECONDS_FILE.write_text(json.dumps(known | self._measured), encoding="utf-8")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        seconds = _seconds_per_test()
        under_test = os.environ.get("MUTANT_UNDER_TEST", "")
        own_file = own_test_file(under_test)
        killers = killers_of(function_of(under_test)) if own_file else set()
        items.sort(
            key=lambda item: (
                item.nodeid not in killers,
                item.path.name != own_file,
                seconds.get(item.nodeid, 0.0),
            )
        )
        if own_file is None:
            return  # no mutant: the stats run (which measures) or the clean run
        busy = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
        self._limits = {
            item.nodeid: patience(seconds[item.nodeid], busy=busy)
            for item in items
            if item.nodeid in seconds
        }

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        limit = self._limits.get(item.nodeid)
        if limit is None:
            return (yield)
        under_test = os.environ["MUTANT_UNDER_TEST"]
        timer = threading.Timer(limit, _stop, args=(under_test, item.nodeid))
        timer.daemon = True
        timer.start()
        try:
            return (yield)
        finally:
            timer.cancel()


def patience(clean_seconds: float, *, busy: float = 1.0) -> float:
    """How long a test may run under a mutant, given its whole time with none, on a
    machine `busy` times over (load average per core, at least 1): a machine shared with
    other work stretches every test, and a limit that did not stretch with it stopped
    passing tests (seen under a load of 3 a core)."""
    return (PATIENCE_SECONDS + PATIENCE_TIMES * clean_seconds) * busy


def _stop(mutant: str, test: str) -> None:
    """End this mutant's run: `test` ran far past its clean time."""
    # No word on the terminal: pytest's capture holds this test's output, and os._exit
    # drops it. mutmut reports the mutant as timed out; the killers file names the test.
    _write_killer(mutant, test)
    os._exit(TIMED_OUT)


def _write_killer(mutant: str, test: str) -> None:
    # Small appends: the two runs side by side do not interleave within a line.
    with KILLERS_FILE.open("a", encoding="utf-8") as killers:
        killers.write(f"{function_of(mutant)}\t{test}\n")


def function_of(mutant: str) -> str:
    """`paperboy.core.text.x_shorten` for `paperboy.core.text.x_shorten__mutmut_6`."""
    return _MUTANT_NUMBER.sub("", mutant)


def killers_of(function: str) -> set[str]:
    """The tests that killed a mutant of `function` so far in this run."""
    if not KILLERS_FILE.is_file():
        return set()
    lines = KILLERS_FILE.read_text(encoding="utf-8").splitlines()
    return {
        test for line in lines for killed, _, test in [line.partition("\t")] if killed == function
    }


def own_test_file(mutant: str) -> str | None:
    """`test_library.py` for `paperboy.core.library.xǁLibraryǁ_load__mutmut_9`; None
    when no mutant is under test (the stats run, the clean run)."""
    match = _MUTANT_MODULE.match(mutant)
    return f"test_{match[1]}.py" if match else None


def _seconds_per_test() -> dict[str, float]:
    if not SECONDS_FILE.is_file():
        return {}  # before the first stats run
    return _seconds_in(SECONDS_FILE, SECONDS_FILE.stat().st_mtime_ns)


@functools.cache
def _seconds_in(path: Path, version: int) -> dict[str, float]:
    """Read once per version of the file (`version`: its mtime) in the process that
    mutmut forks each mutant's run from, once that process has read it."""
    seconds: dict[str, float] = json.loads(path.read_text(encoding="utf-8"))
    return seconds
