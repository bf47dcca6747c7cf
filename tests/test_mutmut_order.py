"""The order a mutant's tests run in under mutmut (tests/mutmut_order.py): its own module's
test file first; and scripts/mutation.py where mutmut is missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.mutmut_order import own_test_file

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
