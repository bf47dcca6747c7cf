"""`mutmut run`, leaving untested the mutants docs/mutation-equivalents.md and
docs/mutation-survivors.md list.

scripts/mutation.py runs mutmut through this file (in a package's workspace, with
`mutmut run`'s own arguments). A listed equivalent is left out of the score whatever its
outcome, and it survives by definition, so testing it only spends time: each runs every
test mapped to its function (a pruning bound of `search/scorer.py`: the whole of
`tests/search`, 36 s). It is marked "skipped" (mutmut's own verdict for a mutant it does
not test) instead. A mutant taken off the list is tested again at the next run.

mutmut 3 has no setting for this; the one hook used is `collect_source_file_mutation_data`,
which lists the mutants and their earlier results before any is tested.
`PAPERBOY_TEST_EQUIVALENTS=1` tests them as well (to check the list).

A survivor read and left (docs/mutation-survivors.md: most are the store's, which only
PostgreSQL tests kill) is likewise not run again: it is marked "survived", as a run would
find it, and counts against the score as before. Each ran every test of its function (a
mutant of the papers repository: all 465 of store's), a minute apiece. `--recheck` names
the survivors, and mutmut tests a named mutant whatever its last result.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# mutmut's exit codes for a mutant it did not test ("skipped") and one no test failed on.
SKIPPED = 34
SURVIVED = 0
# The names, one a line, written by scripts/mutation.py into the workspace.
EQUIVALENTS_FILE = Path("equivalent-mutants.txt")
SURVIVORS_FILE = Path("known-survivors.txt")

Listing = Callable[..., tuple[list[tuple[Any, str, int | None]], dict[str, Any]]]


def skipping(
    equivalents: set[str], listing: Listing, *, survivors: frozenset[str] = frozenset()
) -> Listing:
    """`listing` (mutmut's list of mutants and their results), with each untested listed
    equivalent marked skipped, each untested known survivor marked survived, and each
    mutant marked skipped before but no longer listed made untested again."""

    def without_equivalents(*, mutant_names: Any) -> tuple[list[Any], dict[str, Any]]:
        mutants, by_path = listing(mutant_names=mutant_names)
        marked = []
        for data, name, result in mutants:
            if name in equivalents and result is None:
                data.exit_code_by_key[name] = result = SKIPPED
                data.save()
            elif name in survivors and result is None:
                data.exit_code_by_key[name] = result = SURVIVED
                data.save()
            elif name not in equivalents and result == SKIPPED:
                data.exit_code_by_key[name] = result = None
                data.save()
            marked.append((data, name, result))
        return marked, by_path

    return without_equivalents


class CleanRunAfterStats:
    """mutmut's stats and clean runs, with the clean run left out after a full stats run."""

    def __init__(self, run_stats: Callable[..., None], get_runner: Callable[..., Any]) -> None:
        self._run_stats = run_stats
        self._get_runner = get_runner
        self.ran_every_test = False

    def run_stats(self, runner: Any, tests: Any = None) -> None:
        self._run_stats(runner, tests)
        self.ran_every_test |= tests is None

    def get_runner(self, *args: Any, **kwargs: Any) -> Any:
        runner = self._get_runner(*args, **kwargs)
        run_clean_tests = runner.run_clean_tests

        def clean_unless_done(*, tests: Any) -> int:
            return 0 if self.ran_every_test else int(run_clean_tests(tests=tests))

        runner.run_clean_tests = clean_unless_done
        return runner


def main() -> None:
    # Here, not at the top: the suite imports this module, and mutmut is not among the
    # test requirements.
    import mutmut.__main__ as mutmut_cli
    from mutmut.workers import isolation

    equivalents = set(EQUIVALENTS_FILE.read_text(encoding="utf-8").split())
    survivors = frozenset(SURVIVORS_FILE.read_text(encoding="utf-8").split())
    if os.environ.get("PAPERBOY_TEST_EQUIVALENTS") == "1":
        equivalents = set()
    mutmut_cli.collect_source_file_mutation_data = skipping(
        equivalents, mutmut_cli.collect_source_file_mutation_data, survivors=survivors
    )
    clean = CleanRunAfterStats(mutmut_cli.run_stats_collection, isolation.get_mutant_runner)
    mutmut_cli.run_stats_collection = clean.run_stats
    # The name mutmut's `run` looks up, imported there from mutmut.workers.isolation.
    mutmut_cli.get_mutant_runner = clean.get_runner  # type: ignore[attr-defined]
    mutmut_cli.cli(["run", *sys.argv[1:]])


if __name__ == "__main__":
    main()
