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
_WIDGET_TESTS = """
import time

def test_slow(): time.sleep(0.2)
def test_fast(): pass
def test_hangs(): time.sleep(30)
"""


def run_as_mutmut_would(
    tmp_path: Path, mutant: str, widget_tests: str = _WIDGET_TESTS
) -> subprocess.CompletedProcess[str]:
    """Three tests of the mutated module's own file and one other, with the clean times a
    stats run would have written, run as mutmut runs a mutant's tests."""
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
        [sys.executable, "-m", "pytest", "-v", "-p", "pytest_timeout", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=os.environ
        | {
            "MUTANT_UNDER_TEST": mutant,
            "PYTHONPATH": str(ROOT),
            # Only pytest-timeout (named above) of the installed plugins: a quicker start.
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_mutants_own_tests_run_first_fastest_first_and_a_hung_one_is_stopped(
    tmp_path: Path,
) -> None:
    ran = run_as_mutmut_would(tmp_path, "paperboy.core.widget.x_spin__mutmut_3")
    order = [line.split(" ")[0] for line in ran.stdout.splitlines() if "::test_" in line]
    assert order[:4] == [
        "test_widget.py::test_fast",
        "test_widget.py::test_hangs",
        "test_widget.py::test_slow",
        "test_other.py::test_quickest",
    ]
    # 0.5 s + 5 x its 0.1 s: stopped after a second, not the 30 s it would sleep.
    assert "Timeout (>1.0s)" in ran.stdout
    assert "1 failed, 3 passed" in ran.stdout
    # Named, so that scripts/mutation.py can count the mutants killed this way.
    stopped = (tmp_path / "paperboy-stopped-by-patience.txt").read_text(encoding="utf-8")
    assert stopped == "paperboy.core.widget.x_spin__mutmut_3\n"
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
    assert "Timeout" not in ran.stdout
    assert not (tmp_path / "paperboy-stopped-by-patience.txt").exists()


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
