"""The lint cache: a warm run reports exactly what a cold run does, reads only the documents
that changed, and forgets everything when a fact every page depends on changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cache_files import FOLDER
from generator.content import load_site
from generator.lint import engine
from generator.lint.cache import FILE
from generator.lint.engine import lint
from generator.lint.rule import Diagnostic
from generator.project import load_project
from tests.conftest import TODAY
from tests.test_lint_seeded import PLANTS, plant

ANGINA = "content/cardiology/chest-pain/what-is-angina.md"
SUPPRESSED = "\n<!-- carewheel: disable-next-line=AX001 -- a decorative rule -->\n![](line.png)\n"


class Parses:
    """Counts the documents a lint run parses."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        original = engine.Source.parse

        def counting(source: engine.Source, site: object) -> object:
            self.paths.append(source.path)
            return original(source, site)  # type: ignore[arg-type]

        monkeypatch.setattr(engine.Source, "parse", counting)

    def take(self) -> list[str]:
        out, self.paths = self.paths, []
        return out


def run(project: Path, cache: bool = True) -> list[Diagnostic]:
    site = load_site(load_project(project / "mkdocs.yml"), today=TODAY)
    where = project / FOLDER / FILE if cache else None
    return lint(site, site.project.settings.lint, cache=where)


def test_warm_run_matches_cold_run_and_parses_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for p in PLANTS:
        plant(project, p)
    page = project / ANGINA
    page.write_text(page.read_text("utf-8") + SUPPRESSED, "utf-8")
    parses = Parses(monkeypatch)
    uncached = run(project, cache=False)
    parses.take()
    cold = run(project)
    cold_parses = parses.take()
    warm = run(project)
    warm_parses = parses.take()
    assert len(uncached) >= len(PLANTS)
    assert cold == uncached
    assert warm == cold, "the cache changed the findings (suppressions included)"
    assert not any(f.path == ANGINA and f.code == "AX001" for f in warm), "suppression lost"
    assert len(cold_parses) > 40
    # A warm run parses only documents a whole-site rule must read in full.
    assert len(warm_parses) < len(cold_parses) / 4, warm_parses


def test_edited_page_is_linted_again_and_others_are_not(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = Parses(monkeypatch)
    assert run(project) == []
    baseline = set(parses.take())
    run(project)
    always = set(parses.take())
    page = project / ANGINA
    page.write_text(page.read_text("utf-8") + "\n![](ecg.png)\n", "utf-8")
    found = run(project)
    assert set(parses.take()) - always == {ANGINA}
    assert [(f.path, f.code) for f in found] == [(ANGINA, "AX001")]
    assert len(baseline) > len(always)


def test_intake_change_relints_everything(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = project / ANGINA
    page.write_text(page.read_text("utf-8") + "\nCall (555) 010-9876 to ask a question.\n", "utf-8")
    found = run(project)
    assert [f.code for f in found if f.path == ANGINA] == ["IN001"]
    parses = Parses(monkeypatch)
    intake = project / "intake/cardiology.yml"
    text = intake.read_text("utf-8")
    number = next(line for line in text.split("\n") if "phone:" in line).split("phone:")[1].strip()
    intake.write_text(text.replace(number, '"(555) 010-9876"', 1), "utf-8")
    found = run(project)
    assert len(parses.take()) > 40, "an intake change must invalidate every page"
    assert [f.code for f in found if f.path == ANGINA] == [], "the number is now the intake line"


def test_orphan_found_on_a_warm_run(project: Path) -> None:
    (project / "content/parking.md").write_text(
        "---\ntitle: Parking\n---\n\nParking is free for patients.\n", "utf-8"
    )
    page = project / ANGINA
    text = page.read_text("utf-8")
    page.write_text(text + "\nWhere to park: read [parking](../../parking.md).\n", "utf-8")
    assert run(project) == []
    page.write_text(text, "utf-8")
    assert [(f.path, f.code) for f in run(project)] == [("content/parking.md", "ST002")]


def test_damaged_cache_is_an_empty_cache(project: Path) -> None:
    cache = project / FOLDER / FILE
    cache.parent.mkdir()
    cache.write_text("{not json", "utf-8")
    page = project / ANGINA
    page.write_text(page.read_text("utf-8") + "\n![](ecg.png)\n", "utf-8")
    assert [f.code for f in run(project)] == ["AX001"]
    assert json.loads(cache.read_text("utf-8"))["version"] == 1
    assert (project / FOLDER / ".gitignore").read_text("utf-8") == "*\n"


def test_partial_run_keeps_other_entries(project: Path) -> None:
    run(project)
    entries = json.loads((project / FOLDER / FILE).read_text("utf-8"))["entries"]
    site = load_site(load_project(project / "mkdocs.yml"), today=TODAY)
    lint(site, site.project.settings.lint, ["content/primary-care"], cache=project / FOLDER / FILE)
    after = json.loads((project / FOLDER / FILE).read_text("utf-8"))["entries"]
    assert after.keys() == entries.keys()


def test_cli_writes_the_cache_unless_told_not_to(project: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    config = str(project / "mkdocs.yml")
    runner = CliRunner()
    assert runner.invoke(main, ["lint", "-f", config, "--no-cache"]).exit_code == 0
    assert not (project / FOLDER).exists()
    result = runner.invoke(main, ["lint", "-f", config], env={"CAREWHEEL_NO_CACHE": "1"})
    assert result.exit_code == 0
    assert not (project / FOLDER).exists()
    assert runner.invoke(main, ["lint", "-f", config]).exit_code == 0
    assert (project / FOLDER / FILE).is_file()
