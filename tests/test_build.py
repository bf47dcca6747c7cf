"""What paperboy is built from: locked, hashed versions that satisfy pyproject.toml, an HTTP
server without published advisories, a pinned base image, and no numba cache on the volume."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]

# The last aiohttp release with a published advisory (GHSA-cq5v-8q36-5273, fixed in 3.14.3;
# before it the ones fixed in 3.13.3, 3.13.4, 3.14.0, 3.14.1 and 3.14.2).
LAST_VULNERABLE_AIOHTTP = Version("3.14.2")


def locked(name: str) -> dict[str, tuple[Version, int]]:
    """{package: (version, number of hashes)} of a lock file."""
    pins: dict[str, tuple[Version, int]] = {}
    current = ""
    for line in (ROOT / name).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)", line):
            current = canonicalize_name(match[1])
            pins[current] = (Version(match[2]), 0)
        elif line.strip().startswith("--hash=sha256:"):
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(text) for text in names]


def test_every_dependency_is_locked_at_a_version_pyproject_allows_with_hashes() -> None:
    runtime, test = locked("requirements.lock"), locked("requirements-test.lock")
    for lock, wanted in ((runtime, declared()), (test, declared() + declared("test"))):
        for requirement in wanted:
            version, _ = lock[canonicalize_name(requirement.name)]
            assert requirement.specifier.contains(version, prereleases=True), requirement
        assert all(hashes for _, hashes in lock.values())
    assert all(test[name] == pin for name, pin in runtime.items() if name in test)


def test_no_aiohttp_with_a_published_advisory_is_allowed_or_locked() -> None:
    [aiohttp] = [r for r in declared() if r.name == "aiohttp"]
    assert not aiohttp.specifier.contains(LAST_VULNERABLE_AIOHTTP)
    assert locked("requirements.lock")["aiohttp"][0] > LAST_VULNERABLE_AIOHTTP


def dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [i.strip() for i in re.split(r"\n(?=\S)", "\n".join(lines).replace("\\\n", " ")) if i]


def test_the_image_has_a_pinned_base_and_installs_the_hashed_lock() -> None:
    instructions = dockerfile()
    [base] = [i for i in instructions if i.startswith("FROM ")]
    assert re.fullmatch(r"FROM python:3\.11\.\d+-slim-\w+@sha256:[0-9a-f]{64}", base)
    assert "RUN pip install --require-hashes -r requirements.lock" in instructions
    assert "RUN pip install --no-deps ." in instructions


def test_the_numba_cache_is_not_on_the_data_volume() -> None:
    instructions = dockerfile()
    env = " ".join(i.removeprefix("ENV ") for i in instructions if i.startswith("ENV "))
    settings = dict(word.split("=", 1) for word in shlex.split(env))
    [volume] = [i for i in instructions if i.startswith("VOLUME ")]
    volumes = re.findall(r'"([^"]+)"', volume)
    cache = Path(settings["NUMBA_CACHE_DIR"])
    assert not any(cache.is_relative_to(v) for v in volumes), (cache, volumes)
    assert Path(settings["PAPERBOY_STORE_PATH"]).parent == Path("/data")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"Run the whole test suite.*?```sh\n(.+?)\n```", readme, re.DOTALL)
    assert command is not None
    assert command[1] in (ROOT / ".ci" / "run").read_text().splitlines()
    assert "--require-hashes -r requirements-test.lock" in command[1]
