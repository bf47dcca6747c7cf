"""Under mutmut (scripts/mutation.py), each mutant's tests run fastest first and stop at
the first failure: most mutants are killed by some quick test, and in file order a
tokenizer mutant ran a minute of slow tests before reaching one.

"Fastest" is a test's whole time, set-up and teardown included, as measured in mutmut's
stats run (which runs every test once, with no mutant active). mutmut's own stats keep
only the time of the test's body, and most of tests/core's time is in fixtures (a store
with the sample papers stored and indexed): by that measure a test that builds what it
needs in its body looked slow and one that asks a fixture for it looked free.

The tests of the mutated module's own test file (`test_library.py` for a mutant of
`core/library.py`) go first, fastest first among them: the tests that kill a mutant of a
function that every test reaches are usually its own module's, and the rest were
spending 13 to 16 s each on a `Library` mutant before the saved-index test that killed it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import pytest

# In the directory mutmut runs the tests in (its `mutants/`), beside its own stats file.
SECONDS_FILE = Path("paperboy-test-seconds.json")
# A mutant's name: its module, then `.x_function` or `.xǁClassǁmethod`, then `__mutmut_N`.
_MUTANT_MODULE = re.compile(r"^[\w.]*?\.(\w+)\.x[_ǁ]")


class FastestFirst:
    """A pytest plugin, registered by tests/conftest.py only when mutmut runs the tests."""

    def __init__(self) -> None:
        self._measured: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if os.environ.get("MUTANT_UNDER_TEST") == "stats":
            self._measured[report.nodeid] = self._measured.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self) -> None:
        # A later stats run times only the tests that are new: keep the others' times.
        if self._measured:
            known = _seconds_per_test()
            SECONDS_FILE.write_text(json.dumps(known | self._measured), encoding="utf-8")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        seconds = _seconds_per_test()
        own_file = own_test_file(os.environ.get("MUTANT_UNDER_TEST", ""))
        items.sort(key=lambda item: (item.path.name != own_file, seconds.get(item.nodeid, 0.0)))


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
