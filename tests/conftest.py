"""Shared set-up: hypothesis profiles, the interop mark, and the shipped site built once."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import helpers
import pytest
from helpers import CI_EXAMPLES, GOLDEN_AS_OF, SHIPPED, run_cli
from hypothesis import settings

# `ci`: CI's settings, the default so that a plain `pytest` checks what CI checks. The same
# examples on every run (derandomize, no example database), and no deadline: two workers on a
# loaded machine make timings noise. Tests that want more examples say how many with
# helpers.examples(n), which counts in the profile's share.
settings.register_profile(
    "ci", max_examples=CI_EXAMPLES, deadline=None, derandomize=True, database=None
)
# `quick`: a tenth of the examples, for the working lane (`make test-quick`).
settings.register_profile("quick", settings.get_profile("ci"), max_examples=CI_EXAMPLES // 10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture of the test is set up: module fixtures may run the parsers too.
    helpers.INTEROP_MARKED = item.get_closest_marker("interop") is not None


def pytest_report_header() -> str:
    return f"hypothesis profile: {settings.get_current_profile_name()}"


# A refusal case runs in this process in the working lane, and in a real process too (its
# start-up is most of a case's time) in the full suite: either is stopped should it hang.
@pytest.fixture(
    params=[helpers.in_process_with_limit,
            pytest.param(helpers.process_with_limit, marks=pytest.mark.slow)],
    ids=["in-process", "real-process"],
)  # fmt: skip
def run_limited(request: pytest.FixtureRequest) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The command, run with a time limit: in this process, or in a real one."""
    runner: Callable[..., subprocess.CompletedProcess[str]] = request.param
    return runner


@dataclass(frozen=True)
class Site:
    """A folder holding schedules/ and the feeds/ a build made of them."""

    root: Path
    build: subprocess.CompletedProcess[str]  # what the build printed

    @property
    def schedules(self) -> Path:
        return self.root / "schedules"

    @property
    def feeds(self) -> Path:
        return self.root / "feeds"


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The shipped schedules built once per test session (per worker): read it, never write
    into it; `shipped_site_copy` gives a test its own."""
    root = tmp_path_factory.mktemp("shipped-site")
    shutil.copytree(SHIPPED, root / "schedules")
    built = run_cli("build", "--as-of", GOLDEN_AS_OF, cwd=root)
    assert built.returncode == 0, built.stderr
    return Site(root, built)


@pytest.fixture
def shipped_site_copy(shipped_site: Site, tmp_path: Path) -> Site:
    """The shipped site in the test's own folder, to build again or change."""
    shutil.copytree(shipped_site.root, tmp_path, dirs_exist_ok=True)
    return Site(tmp_path, shipped_site.build)


class MadeOnce:
    """Folders a test module makes the same way for many tests, each made once per session
    (per worker) and copied into each test's own folder. A copy keeps every file's bytes and
    time, so the next command sees what the making left, as if it had been run there."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory, self._made = factory, dict[str, Path]()

    def __call__(self, name: str, make: Callable[[Path], object], into: Path) -> Path:
        """`into`, holding what `make(folder)` leaves in an empty folder."""
        if name not in self._made:
            folder = self._factory.mktemp(name)
            make(folder)
            self._made[name] = folder
        shutil.copytree(self._made[name], into, symlinks=True, dirs_exist_ok=True)
        return into


@pytest.fixture(scope="session")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> MadeOnce:
    return MadeOnce(tmp_path_factory)


@pytest.fixture
def shipped_schedules(tmp_path: Path) -> Path:
    """A copy of the shipped schedules, record included, at tmp_path/schedules."""
    return shutil.copytree(SHIPPED, tmp_path / "schedules")


@pytest.fixture
def shipped_rules(tmp_path: Path) -> Path:
    """The shipped schedules without their announcement record, at tmp_path/schedules: what
    --as-of makes of the rules alone."""
    return shutil.copytree(
        SHIPPED, tmp_path / "schedules", ignore=shutil.ignore_patterns("announcements.toml")
    )


def _announce(root: Path) -> None:
    helpers.write_schedules(root / "schedules")
    for args in (
        ("build", "--as-of", "2014-04-20"),
        ("move", "monthly-bulletin", "2014-05-13", "2014-05-15", "--reason", "late data",
         "--as-of", "2014-04-22"),
        ("cancel", "monthly-bulletin", "2014-06-10", "--reason", "series under review",
         "--as-of", "2014-04-22"),
        ("build", "--as-of", "2014-04-22"),
    ):  # fmt: skip
        result = run_cli(*args, cwd=root)
        assert result.returncode == 0, result.stderr


@pytest.fixture
def announced(made_once: MadeOnce, tmp_path: Path) -> Path:
    """May moved to Thursday the 15th, June cancelled, both published on 22 April 2014."""
    return made_once("announced", _announce, tmp_path)
