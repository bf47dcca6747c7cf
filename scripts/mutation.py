"""Mutation testing, one package at a time: `python scripts/mutation.py [PACKAGE ...]`.

Each package in `[tool.paperboy.mutation]` (pyproject.toml) is mutated by mutmut and run
against only the test folders listed for it there, in a workspace of its own under
`mutants-by-package/PACKAGE/` (mutmut reads its settings from the pyproject.toml of the
directory it runs in, so each workspace gets the project's file with `[tool.mutmut]` narrowed
to that package). A rerun reuses the workspace: mutmut retests only the functions that
changed. At the end it prints killed / survived / score per package, leaving out the mutants
that docs/mutation-equivalents.md lists as equivalent. Not part of CI: see docs/TESTING.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKSPACES = ROOT / "mutants-by-package"
EQUIVALENTS = ROOT / "docs" / "mutation-equivalents.md"
# Survivors read and left: counted as survived, not tested again (scripts/mutmut_run.py).
KNOWN_SURVIVORS = ROOT / "docs" / "mutation-survivors.md"
# A mutant name in backticks at the start of a list item of either file above.
_LISTED = re.compile(r"^- `(paperboy\.[\w.]+__mutmut_\d+)`", re.MULTILINE)
_RESULT = re.compile(r"^\s+(paperboy\.\S+): (.+)$")
# What mutmut calls each outcome, sorted into what the score counts.
_KILLED = {"killed", "timeout", "caught by type check", "segfault"}
_NOT_COUNTED = {"skipped", "not checked", "check was interrupted by user"}


@dataclass(frozen=True, kw_only=True)
class Score:
    package: str
    killed: int
    survived: list[str]
    equivalent: int
    unchecked: list[str]
    seconds: float
    # Of the killed: those that timed out (a test stopped far past its clean time by
    # tests/mutmut_plugin.py, or mutmut's own limit), not failed by an assertion.
    timed_out: int = 0

    @property
    def percent(self) -> float:
        counted = self.killed + len(self.survived)
        return 100.0 * self.killed / counted if counted else 100.0

    def line(self) -> str:
        return (
            f"{self.package:<7} killed {self.killed:>5}  survived {len(self.survived):>4}  "
            f"equivalent {self.equivalent:>3}  score {self.percent:5.1f}%  "
            + (f"not yet tested {len(self.unchecked)}  " if self.unchecked else "")
            + f"({self.seconds / 60:.1f} min)"
            + (f"  {self.timed_out} of the killed timed out" if self.timed_out else "")
        )


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    folders: dict[str, list[str]] = project["tool"]["paperboy"]["mutation"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", metavar="PACKAGE", help=", ".join(folders))
    parser.add_argument(
        "--max-children", type=int, default=1, help="mutants tested at once (default 1)"
    )
    parser.add_argument(
        "--lanes",
        type=int,
        default=1,
        help="packages run side by side (default 1; on 2 cores: --lanes 2 --max-children 2)",
    )
    parser.add_argument("--fresh", action="store_true", help="forget earlier results first")
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="test again the mutants that survived the last run (after adding tests), and"
        " those a stopped run left untested",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="GLOB",
        help="test only the mutants whose names match (e.g. 'paperboy.store.papers.*'); repeatable",
    )
    parser.add_argument("--list", action="store_true", help="only print the scores of the last run")
    parser.add_argument(
        "--survivors", action="store_true", help="also print each surviving mutant's name"
    )
    options = parser.parse_args()
    unknown = [name for name in options.packages if name not in folders]
    if unknown:
        parser.error(f"no such package: {', '.join(unknown)} (one of: {', '.join(folders)})")
    if not options.list and importlib.util.find_spec("mutmut") is None:
        # Not in requirements-test.lock: the suite and CI do not need it.
        print(
            "mutmut is not installed in this environment:"
            f" {sys.executable} -m pip install -e '.[mutation]'",
            file=sys.stderr,
        )
        return 2
    equivalents = set(listed(EQUIVALENTS))
    known_survivors = set(listed(KNOWN_SURVIVORS))
    packages = options.packages or list(folders)

    def run_one(package: str) -> Score | None:
        return run_package(
            package,
            tests=folders[package],
            options=options,
            equivalents=equivalents,
            known_survivors=known_survivors,
        )

    # Lanes: the packages run side by side, each lane taking the next package when its
    # last one is done. mutmut makes the mutants, type-checks them and runs the suite
    # twice (stats, clean) in one process before it forks any mutant's run; another
    # lane's mutants use the other core meanwhile.
    with ThreadPoolExecutor(max_workers=max(1, options.lanes)) as lanes:
        scores = [result for result in lanes.map(run_one, packages) if result is not None]
    print()
    for result in scores:
        print(result.line())
        if options.survivors:
            for name in result.survived:
                print(f"    {name}")
    return 0


def run_package(
    package: str,
    *,
    tests: list[str],
    options: argparse.Namespace,
    equivalents: set[str],
    known_survivors: set[str],
) -> Score | None:
    """Run mutmut for one package as `options` say (unless --list); its score, or None
    when it has never been run."""
    workspace = WORKSPACES / package
    started = time.monotonic()
    if not options.list:
        if options.fresh:
            shutil.rmtree(workspace, ignore_errors=True)
        prepare(workspace, package=package, tests=tests)
        # `mutmut run`, with the listed equivalents and known survivors left untested
        # (scripts/mutmut_run.py).
        for file_name, names in (
            ("equivalent-mutants.txt", equivalents),
            ("known-survivors.txt", known_survivors),
        ):
            (workspace / file_name).write_text(
                "".join(f"{name}\n" for name in sorted(names)), encoding="utf-8"
            )
        run = [
            sys.executable,
            str(ROOT / "scripts" / "mutmut_run.py"),
            "--max-children",
            str(options.max_children),
        ]
        if options.recheck:
            # Named: mutmut keeps a result until its function changes.
            last = score(workspace, package=package, equivalents=equivalents, seconds=0)
            print(
                f"== {package}: testing {len(last.survived)} survivors again"
                f" and {len(last.unchecked)} not yet tested",
                flush=True,
            )
            again = [
                name
                for name in last.survived + last.unchecked
                if not options.only or any(fnmatch(name, glob) for glob in options.only)
            ]
            run += again or ["none-survived"]
        elif options.only:
            run += options.only
        if run[-1] != "none-survived":
            if options.lanes > 1:
                # Side by side, mutmut's progress lines would garble each other.
                log = workspace / "mutmut.log"
                print(f"== {package}: mutmut run, progress in {log.relative_to(ROOT)}", flush=True)
                with log.open("w", encoding="utf-8") as output:
                    subprocess.run(run, cwd=workspace, stdout=output, stderr=output, check=False)
                print(
                    f"== {package}: done in {(time.monotonic() - started) / 60:.1f} min", flush=True
                )
            else:
                print(f"== {package}: mutmut run in {workspace.relative_to(ROOT)}", flush=True)
                subprocess.run(run, cwd=workspace, check=False)
    if not (workspace / "mutants").is_dir():
        print(f"{package:<8}no run yet: scripts/mutation.py {package}", flush=True)
        return None
    return score(
        workspace, package=package, equivalents=equivalents, seconds=time.monotonic() - started
    )


def listed(path: Path) -> list[str]:
    """The mutant names a list file of docs/ gives, one a list item."""
    return _LISTED.findall(path.read_text(encoding="utf-8"))


def prepare(workspace: Path, *, package: str, tests: list[str]) -> None:
    """A directory mutmut can run in: the project's src/, tests/ and bench/ (linked) and its
    pyproject.toml with `[tool.mutmut]` narrowed to `package` and its test folders."""
    workspace.mkdir(parents=True, exist_ok=True)
    for name in ("src", "tests", "bench"):  # bench/: a test of tests/core imports it
        link = workspace / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    settings = tomllib.loads(text)["tool"]["mutmut"]
    settings["only_mutate"] = [f"src/paperboy/{package}/*"]
    settings["pytest_add_cli_args_test_selection"] = tests
    # This interpreter's mypy (mutmut runs the command as given, and `mypy` may not be on
    # PATH), over the one package: the rest of src/ is not mutated.
    settings["type_check_command"] = [
        sys.executable,
        "-m",
        *settings["type_check_command"],
        f"src/paperboy/{package}",
    ]
    narrowed = "[tool.mutmut]\n" + "".join(
        f"{key} = {json.dumps(value)}\n" for key, value in settings.items()
    )
    # Drop the project's own [tool.mutmut] table (up to the next table) and add ours.
    without = re.sub(r"^\[tool\.mutmut\]\n(?:(?!\[).*\n)*", "", text, flags=re.MULTILINE)
    (workspace / "pyproject.toml").write_text(without + "\n" + narrowed, encoding="utf-8")


def score(workspace: Path, *, package: str, equivalents: set[str], seconds: float) -> Score:
    listed = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    outcomes: dict[str, str] = {}
    for line in listed.splitlines():
        match = _RESULT.match(line)
        if match:
            outcomes[match[1]] = match[2]
    counts = Counter(
        "equivalent" if name in equivalents else outcome for name, outcome in outcomes.items()
    )
    survived = sorted(
        name
        for name, outcome in outcomes.items()
        if name not in equivalents and outcome not in _KILLED | _NOT_COUNTED
    )
    return Score(
        package=package,
        timed_out=counts["timeout"],
        killed=sum(counts[outcome] for outcome in _KILLED),
        survived=survived,
        equivalent=counts["equivalent"],
        unchecked=sorted(
            name
            for name, outcome in outcomes.items()
            if name not in equivalents and outcome in _NOT_COUNTED
        ),
        seconds=seconds,
    )


if __name__ == "__main__":
    sys.exit(main())
