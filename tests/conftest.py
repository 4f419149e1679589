"""Shared fixtures: copies of the demo project, one strict build of it, CLI runners."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
"""The repository: its demo project is the fixture most tests start from."""

PROJECT_PARTS = ("mkdocs.yml", "content", "intake", "campaigns", "themes")
BIN = Path(sys.executable).parent

TODAY = dt.date(2026, 11, 28)
"""Tests build "today" as this date (``SOURCE_DATE_EPOCH``), so campaign states never drift:
five demo campaigns are then live or expired and one is scheduled."""
EPOCH = str(int(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC).timestamp()))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process commands see the same fixed today as subprocesses."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def copy_project(dest: Path) -> Path:
    """Copy the demo project (sources only, no site/) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    return dest


@dataclass
class Run:
    """A finished command."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> Run:
    """Run a console script of this environment (``carewheel``, ``mkdocs``, ``properdocs``)."""
    program = BIN / args[0]
    full_env = {
        **os.environ,
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
        "SOURCE_DATE_EPOCH": EPOCH,
        **(env or {}),
    }
    done = subprocess.run(
        [str(program), *args[1:]], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=timeout
    )
    return Run(done.returncode, done.stdout, done.stderr)


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the demo project, safe to break."""
    return copy_project(tmp_path / "project")


@dataclass
class BuiltSite:
    """The demo project built once with ``carewheel build --strict``."""

    project: Path
    site: Path
    run: Run


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """One strict build of the demo project, shared by read-only tests."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run(["carewheel", "build", "--strict"], project)
    assert result.code == 0, result.output
    return BuiltSite(project, project / "site", result)


@pytest.fixture
def built_copy(built: BuiltSite, tmp_path: Path) -> Iterator[BuiltSite]:
    """A copy of the built project (sources and site/), safe to break."""
    dest = tmp_path / "project"
    shutil.copytree(built.project, dest)
    return BuiltSite(dest, dest / "site", built.run)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/golden/ from the current output instead of comparing.",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with ``tests/golden/<name>``; ``pytest --update-goldens`` rewrites it."""
    update = bool(request.config.getoption("--update-goldens"))

    def check(name: str, actual: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, "utf-8")
            return
        assert path.is_file(), f"{path} is missing; run pytest --update-goldens and review it"
        assert actual == path.read_text("utf-8"), f"output differs from {path}; review, then --update-goldens"

    return check


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for one test module (``tests/browser.py``; fails when missing)."""
    from tests.browser import launch

    with launch() as chromium:
        yield chromium
