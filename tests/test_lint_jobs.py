"""`carewheel lint --jobs N`: documents checked by forked processes give exactly the findings
of one process, in the same order, cache included."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.content import load_site
from generator.lint import background, engine
from generator.project import load_project
from tests.conftest import ROOT, run

TODAY = dt.date(2026, 11, 1)
PLANTED = "\nWe guarantee a cure, and [click here](index.md) for the best care in the state.\n"


def _plant(project: Path) -> list[str]:
    """Violations in the first, a middle and the last content page (so in every job's part)."""
    pages = sorted((project / "content").rglob("*.md"))
    chosen = [pages[0], pages[len(pages) // 2], pages[-1]]
    for page in chosen:
        page.write_text(page.read_text("utf-8") + PLANTED, "utf-8")
    return [p.relative_to(project).as_posix() for p in chosen]


def test_forked_jobs_find_what_one_process_finds(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = _plant(project)
    site = load_site(load_project(project / "mkdocs.yml"), today=TODAY)
    settings = site.project.settings.lint
    alone = engine.lint(site, settings)
    forks: list[Any] = []

    class Counted(background.BackgroundLint[Any]):
        def __init__(self, job: Any) -> None:
            forks.append(job)
            super().__init__(job)

    monkeypatch.setattr(engine, "MIN_DOCUMENTS_PER_JOB", 1)
    monkeypatch.setattr(background, "can_fork", lambda: True)
    monkeypatch.setattr(background, "BackgroundLint", Counted)
    together = engine.lint(site, settings, jobs=3)
    assert len(forks) == 2
    assert together == alone
    assert [f.severity for f in together] == [f.severity for f in alone]
    assert {f.path for f in alone} >= set(planted)


def test_jobs_on_the_command_line(tmp_path: Path) -> None:
    """A 250-page corpus (above the 100 documents a job needs): -j 2 forks for real."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import make
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    project = make(250, tmp_path / "corpus", campaigns=3)
    planted = _plant(project)
    reports = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"report-{jobs}.json"
        result = run(
            ["carewheel", "lint", "--no-cache", "-j", jobs, "--format", "json", "-o", str(out)], project
        )
        assert result.code == 1, result.output  # the planted guarantees are errors
        reports[jobs] = json.loads(out.read_text("utf-8"))
    assert reports["2"] == reports["1"]
    assert {f["path"] for f in reports["1"]} >= set(planted)
    again = run(["carewheel", "lint", "-j", "0"], project)
    assert again.code == 2
    assert "-j" in again.output or "--jobs" in again.output
