"""How a mutant's tests run under mutmut (tests/mutmut_plugin.py): its killers and its own
module's test file first, fastest first, each stopped far past its clean time; and the
scripts that run mutmut (scripts/mutation.py where mutmut is missing, scripts/mutmut_run.py
leaving the listed equivalents untested)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.mutmut_plugin import function_of, own_test_file, patience

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("mutant", "test_file"),
    [
        ("paperboy.core.library.xǁLibraryǁ_load__mutmut_9", "test_library.py"),
        ("paperboy.core.text.x_shorten__mutmut_6", "test_text.py"),
        ("paperboy.search.tokenizer.x__words__mutmut_12", "test_tokenizer.py"),
        ("paperboy.store.x_open_store__mutmut_1", "test_store.py"),
    ],
)
def test_a_mutants_own_test_file_is_named_after_its_module(mutant: str, test_file: str) -> None:
    assert own_test_file(mutant) == test_file


_PLUGIN_ONLY = """
import os

import tests.mutmut_plugin
from tests.mutmut_plugin import QuickVerdicts

tests.mutmut_plugin.PATIENCE_SECONDS = 0.5  # not 3 s: this test would wait for it
os.getloadavg = lambda: (0.0, 0.0, 0.0)  # an idle machine, whatever else runs


def pytest_configure(config):
    config.pluginmanager.register(QuickVerdicts(), "quick-verdicts")
"""


def run_as_mutmut_would(
    tmp_path: Path, mutant: str, widget_tests: str
) -> subprocess.CompletedProcess[str]:
    """`widget_tests` as the mutated module's own test file, and one other test, with the
    clean times a stats run would have written, run as mutmut runs a mutant's tests."""
    (tmp_path / "conftest.py").write_text(_PLUGIN_ONLY, encoding="utf-8")
    (tmp_path / "test_widget.py").write_text(widget_tests, encoding="utf-8")
    (tmp_path / "test_other.py").write_text("def test_quickest(): pass\n", encoding="utf-8")
    clean = {
        "test_widget.py::test_slow": 0.2,
        "test_widget.py::test_fast": 0.01,
        "test_widget.py::test_hangs": 0.1,
        "test_other.py::test_quickest": 0.001,
    }
    (tmp_path / "paperboy-test-seconds.json").write_text(json.dumps(clean), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=os.environ
        | {
            "MUTANT_UNDER_TEST": mutant,
            "PYTHONPATH": str(ROOT),
            # None of the installed plugins: a quicker start.
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_mutants_own_tests_run_first_fastest_first(tmp_path: Path) -> None:
    widget_tests = "import time\ndef test_slow(): time.sleep(0.2)\ndef test_fast(): pass\n"
    ran = run_as_mutmut_would(tmp_path, "paperboy.core.widget.x_spin__mutmut_3", widget_tests)
    order = [line.split(" ")[0] for line in ran.stdout.splitlines() if "::test_" in line]
    assert order == [
        "test_widget.py::test_fast",
        "test_widget.py::test_slow",
        "test_other.py::test_quickest",
    ]
    assert ran.returncode == 0, ran.stdout


@pytest.mark.parametrize(
    "hang",
    [
        "def test_hangs(): time.sleep(30)",
        # An exception raised into it is swallowed, as asyncio swallows one raised into a
        # callback: pytest-timeout's signal could not stop this test.
        "def test_hangs():\n    while True:\n        try: time.sleep(30)\n"
        "        except BaseException: pass",
        # Stuck in teardown, after the test itself passed.
        "@pytest.fixture\ndef stuck():\n    yield\n    time.sleep(30)\ndef test_hangs(stuck): pass",
    ],
    ids=["sleeps", "swallows-the-stop", "stuck-in-teardown"],
)
def test_a_test_running_far_past_its_clean_time_ends_the_run_as_a_timeout(
    tmp_path: Path, hang: str
) -> None:
    widget_tests = f"import time\nimport pytest\ndef test_fast(): pass\n{hang}\n"
    started = time.monotonic()
    ran = run_as_mutmut_would(tmp_path, "paperboy.core.widget.x_spin__mutmut_3", widget_tests)
    # 0.5 s + 5 x its 0.1 s clean time: stopped after a second, not the 30 s it would take.
    assert time.monotonic() - started < 15
    assert ran.returncode == 36, ran.stdout  # what mutmut counts as a timeout
    assert "test_other.py::test_quickest" not in ran.stdout  # the run ended there
    killers = (tmp_path / "paperboy-killers.tsv").read_text(encoding="utf-8")
    assert killers == "paperboy.core.widget.x_spin\ttest_widget.py::test_hangs\n"


def test_the_test_that_killed_a_mutant_of_the_same_function_runs_first(tmp_path: Path) -> None:
    (tmp_path / "paperboy-killers.tsv").write_text(
        "paperboy.core.widget.x_spin\ttest_other.py::test_quickest\n"
        "paperboy.core.widget.x_turn\ttest_widget.py::test_slow\n",
        encoding="utf-8",
    )
    widget_tests = "import time\ndef test_slow(): time.sleep(0.2)\ndef test_fast(): pass\n"
    ran = run_as_mutmut_would(tmp_path, "paperboy.core.widget.x_spin__mutmut_4", widget_tests)
    order = [line.split(" ")[0] for line in ran.stdout.splitlines() if "::test_" in line]
    # x_turn's killer is another function's: it keeps its place.
    assert order[:3] == [
        "test_other.py::test_quickest",
        "test_widget.py::test_fast",
        "test_widget.py::test_slow",
    ]


def test_with_no_mutant_under_test_no_test_is_stopped_early(tmp_path: Path) -> None:
    # The stats run measures the clean times: a limit there would cut what it measures.
    # test_fast (0.01 s clean) would be stopped at 0.55 s under a mutant.
    ran = run_as_mutmut_would(tmp_path, "stats", "import time\ndef test_fast(): time.sleep(1)\n")
    assert ran.returncode == 0, ran.stdout
    assert "2 passed" in ran.stdout


def test_a_mutants_function_is_its_name_without_the_number() -> None:
    assert function_of("paperboy.core.bot.xǁBotǁpage__mutmut_60") == "paperboy.core.bot.xǁBotǁpage"


def test_a_busy_machine_stretches_the_patience_of_a_test() -> None:
    assert patience(0.2) == pytest.approx(4.0)
    assert patience(0.2, busy=3.0) == pytest.approx(12.0)


@pytest.mark.parametrize("not_a_mutant", ["", "stats", "fail", "list_all_tests"])
def test_runs_with_no_mutant_have_no_own_file(not_a_mutant: str) -> None:
    assert own_test_file(not_a_mutant) is None


def test_the_mutation_script_without_mutmut_says_how_to_install_it_in_one_line() -> None:
    # mutmut is not in requirements-test.lock: hide it even where it is installed.
    hide_mutmut_and_run = (
        "import runpy, sys; sys.modules['mutmut'] = None;"
        " sys.argv = ['mutation.py', 'core'];"
        " sys.exit(runpy.run_path('scripts/mutation.py', run_name='__main__'))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", hide_mutmut_and_run],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 2
    assert ran.stdout == ""
    assert ran.stderr.splitlines() == [
        f"mutmut is not installed in this environment: {sys.executable} -m pip install -e"
        " '.[mutation]'"
    ]


def _mutmut_run_module() -> Any:
    spec = importlib.util.spec_from_file_location("mutmut_run", ROOT / "scripts" / "mutmut_run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _FileResults:
    """What mutmut keeps for one mutated file: each mutant's exit code, saved on demand."""

    def __init__(self, codes: dict[str, int | None]) -> None:
        self.exit_code_by_key = dict(codes)
        self.saved = dict(codes)

    def save(self) -> None:
        self.saved = dict(self.exit_code_by_key)


def test_listed_equivalents_and_known_survivors_go_untested_and_one_taken_off_is_tested() -> None:
    mutmut_run = _mutmut_run_module()
    results = _FileResults(
        {"eq_new": None, "eq_done": 0, "was_eq": 34, "plain": None, "dead": 1, "left": None}
    )

    def listing(
        *, mutant_names: object
    ) -> tuple[list[tuple[Any, str, int | None]], dict[str, Any]]:
        names = results.exit_code_by_key
        return [(results, name, code) for name, code in names.items()], {"f.py": results}

    skipping = mutmut_run.skipping({"eq_new", "eq_done"}, listing, survivors=frozenset({"left"}))
    listed = skipping(mutant_names=())[0]
    # mutmut tests exactly the mutants whose result is None.
    expected = {
        "eq_new": 34,  # skipped
        "eq_done": 0,  # an earlier result stands
        "was_eq": None,  # no longer listed: tested again
        "plain": None,
        "dead": 1,
        "left": 0,  # a survivor read and left: survived, not run again
    }
    assert {name: code for _, name, code in listed} == expected
    assert results.saved == expected


def test_not_postgresql_leaves_out_the_tests_on_a_server_and_keeps_those_naming_it() -> None:
    # The mutation runs of store and digest select `-m "not postgresql"` (pyproject.toml).
    def selected(marker: str) -> set[str]:
        ran = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "-q", "--collect-only", "-n", "0", "-m", marker),
                *("tests/store/test_store_urls.py", "tests/store/test_migrations.py"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return {line for line in ran.stdout.splitlines() if "::" in line}

    on_sqlite, on_postgresql = selected("not postgresql"), selected("postgresql")
    assert on_postgresql
    assert all("postgres" in test for test in on_postgresql)
    assert not any(test.endswith("[postgresql]") for test in on_sqlite)
    assert any("a-postgresql-password-with-at" in test for test in on_sqlite)


class _Runner:
    """mutmut's runner, as far as its clean run goes: it fails, as a broken suite would."""

    def __init__(self) -> None:
        self.clean_runs: list[set[str]] = []

    def run_clean_tests(self, *, tests: set[str]) -> int:
        self.clean_runs.append(tests)
        return 1


@pytest.mark.parametrize(
    ("stats_of", "clean_runs"),
    [(None, []), ({"tests/core/test_new.py::test_new"}, [{"tests/core/test_a.py::test_a"}])],
    ids=["every-test", "only-new-tests"],
)
def test_the_clean_run_is_left_out_only_after_a_stats_run_of_every_test(
    stats_of: set[str] | None, clean_runs: list[set[str]]
) -> None:
    stats_runs: list[set[str] | None] = []
    runner = _Runner()
    clean = _mutmut_run_module().CleanRunAfterStats(
        lambda _runner, tests: stats_runs.append(tests), lambda max_children: runner
    )
    got = clean.get_runner(1)
    clean.run_stats(got, stats_of)
    exit_code = got.run_clean_tests(tests={"tests/core/test_a.py::test_a"})
    assert stats_runs == [stats_of]
    assert runner.clean_runs == clean_runs
    # Left out, it passes: the stats run already ran every test on the unmutated code.
    assert exit_code == (0 if stats_of is None else 1)
