"""The page index: a run over a few files takes unchanged pages from the index without
reading them, reports exactly what a run that reads every file reports, notices every change,
and treats a damaged or foreign index as an empty one."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from generator import page_index
from generator.content import Site, load_site
from generator.errors import SourceErrors
from generator.lint.engine import lint
from generator.lint.rule import Diagnostic
from generator.page_index import Entry, IndexFile, PageIndex
from generator.project import load_project
from generator.sources import LazyDocument
from tests.conftest import TODAY, run
from tests.test_lint_seeded import PLANTS, plant

ANGINA = "content/cardiology/chest-pain/what-is-angina.md"
EMERGENCY = "content/cardiology/chest-pain/when-is-chest-pain-an-emergency.md"


def age(project: Path, seconds: int = 3600) -> None:
    """Date every Markdown file back, out of the index's "racy" window (as a checkout is)."""
    when = time.time() - seconds
    for path in (project / "content").rglob("*.md"):
        os.utime(path, (when, when))


def index_path(project: Path) -> Path:
    return project / ".carewheel-cache" / page_index.FILE


def load(project: Path, *, indexed: bool = True) -> tuple[Site, PageIndex | None]:
    """The site, read through the index (saved afterwards, as ``carewheel lint`` does)."""
    index = PageIndex(index_path(project)) if indexed else None
    site = load_site(load_project(project / "mkdocs.yml"), today=TODAY, index=index)
    return site, index


def lint_paths(project: Path, paths: list[str], *, indexed: bool = True) -> list[Diagnostic]:
    site, index = load(project, indexed=indexed)
    found = lint(site, site.project.settings.lint, paths)
    if index is not None:
        index.save(site.pages.values())
    return found


def loaded(site: Site) -> set[str]:
    """Pages whose file was read in this run."""
    return {p.path for p in site.pages.values() if not isinstance(p.doc, LazyDocument) or p.doc.loaded}


def test_second_run_reads_only_the_file_it_lints(project: Path) -> None:
    age(project)
    cold = lint_paths(project, [ANGINA])
    assert index_path(project).is_file()
    site, index = load(project)
    assert index is not None
    markdown = {p.src for p in site.pages.values() if p.meta.type != "landing"}
    assert index.hits == markdown, "every unchanged page comes from the index"
    assert not loaded(site) - {p.path for p in site.pages.values() if p.meta.type == "landing"}
    warm = lint(site, site.project.settings.lint, [ANGINA])
    assert warm == cold == lint_paths(project, [ANGINA], indexed=False)
    read = loaded(site) - {p.path for p in site.pages.values() if p.meta.type == "landing"}
    assert read == {ANGINA}, "a one-file run read other pages"


def test_indexed_runs_report_what_full_reads_report(project: Path) -> None:
    for p in PLANTS:
        plant(project, p)
    age(project)
    everything = lint_paths(project, [], indexed=False)
    assert len(everything) >= len(PLANTS)
    lint_paths(project, [])  # writes the index
    assert lint_paths(project, []) == everything
    for path in sorted({p.file for p in PLANTS if p.file.startswith("content/")}):
        assert lint_paths(project, [path]) == lint_paths(project, [path], indexed=False), path


def test_change_to_a_page_not_linted_is_seen(project: Path) -> None:
    age(project)
    assert not [f for f in lint_paths(project, [EMERGENCY]) if f.code == "ST004"]
    other = project / ANGINA  # before EMERGENCY by path: it keeps the keyword, EMERGENCY is flagged
    text = other.read_text("utf-8")
    other.write_text(text.replace("keywords: [angina]", "keywords: [chest pain emergency]"), "utf-8")
    found = lint_paths(project, [EMERGENCY])
    assert [f.code for f in found if f.code == "ST004"] == ["ST004"], found
    assert found == lint_paths(project, [EMERGENCY], indexed=False)


def test_same_size_edit_is_seen_by_its_time(project: Path) -> None:
    age(project)
    lint_paths(project, [ANGINA])
    page = project / EMERGENCY
    text = page.read_text("utf-8")
    page.write_text(text.replace("order: ", "order:\t", 1), "utf-8")  # same size, new time
    _, index = load(project)
    assert index is not None
    assert "cardiology/chest-pain/when-is-chest-pain-an-emergency.md" not in index.hits


def test_pages_changed_just_now_are_not_indexed(project: Path) -> None:
    age(project)
    (project / ANGINA).touch()
    lint_paths(project, [ANGINA])
    pages = json.loads(index_path(project).read_text("utf-8"))["pages"]
    assert "cardiology/chest-pain/what-is-angina.md" not in pages, "a racy entry was indexed"
    assert "cardiology/chest-pain/index.md" in pages


def test_error_in_an_indexed_page_points_at_its_file(project: Path) -> None:
    age(project)
    lint_paths(project, [ANGINA])
    hub = project / "content/cardiology/chest-pain/index.md"
    text = hub.read_text("utf-8")
    hub.write_text(text.replace("id: chest-pain", "id: chest-hurts"), "utf-8")
    messages = []
    for indexed in (True, False):
        with pytest.raises(SourceErrors) as caught:
            load(project, indexed=indexed)
        messages.append(sorted(str(e) for e in caught.value.errors))
    assert messages[0] == messages[1]
    assert any(m.startswith(f"{ANGINA}:6:10: cluster") for m in messages[0]), messages[0]


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00\xffnot json",
        b"[1, 2, 3]",
        b'{"version": 1, "key": "someone else\'s", "pages": {}}',
        b'{"version": 1, "key": "KEY", "pages": {"x.md": {"stamp": "now"}}}',
        b'{"version": 1, "key": "KEY", "pages": {"cardiology/index.md": {"stamp": [0, 0], "meta": '
        b'{"type": "question", "question": 1}, "url": "", "title": "", "linked_pages": []}}}',
    ],
    ids=["bytes", "list", "foreign-key", "bad-stamp", "bad-meta"],
)
def test_damaged_index_is_an_empty_index(project: Path, damage: bytes) -> None:
    age(project)
    key = PageIndex(index_path(project)).key
    index_path(project).parent.mkdir(parents=True, exist_ok=True)
    index_path(project).write_bytes(damage.replace(b"KEY", key.encode()))
    assert PageIndex(index_path(project)).entries == {}
    done = run(["carewheel", "lint", ANGINA], project)
    assert done.code == 0, done.output
    assert "Traceback" not in done.output
    data = IndexFile.model_validate_json(index_path(project).read_bytes())
    assert data.key == key
    assert len(data.pages) > 40, "the index was not rebuilt"


def test_entry_that_validates_but_lies_about_its_stamp_is_not_used(project: Path) -> None:
    age(project)
    lint_paths(project, [ANGINA])
    data = json.loads(index_path(project).read_text("utf-8"))
    entry = data["pages"]["cardiology/chest-pain/index.md"]
    entry["stamp"] = [entry["stamp"][0] + 1, entry["stamp"][1]]
    index_path(project).write_text(json.dumps(data), "utf-8")
    site, index = load(project)
    assert index is not None
    assert "cardiology/chest-pain/index.md" not in index.hits
    assert "content/cardiology/chest-pain/index.md" in loaded(site)


def test_every_demo_page_survives_the_round_trip(project: Path) -> None:
    site, _ = load(project, indexed=False)
    for page in site.pages.values():
        if page.meta.type == "landing":
            continue
        entry = Entry.of(page)
        stored = IndexFile(version=page_index.VERSION, key="k", pages={page.src: entry}).dump()
        again = IndexFile.model_validate_json(stored).pages[page.src]
        assert again.meta == page.meta, page.path
        assert type(again.meta) is type(page.meta)
        assert again == entry


def test_cli_pre_commit_run_uses_the_index_and_no_cache_does_not(project: Path) -> None:
    age(project)
    first = run(["carewheel", "lint", ANGINA], project)
    assert first.code == 0, first.output
    before = index_path(project).stat().st_mtime_ns
    second = run(["carewheel", "lint", ANGINA], project)
    assert second.stdout == first.stdout
    assert index_path(project).stat().st_mtime_ns == before, "an unchanged index was rewritten"
    index_path(project).unlink()
    uncached = run(["carewheel", "lint", "--no-cache", ANGINA], project)
    assert uncached.stdout == first.stdout
    assert not index_path(project).exists()
    env = {"CAREWHEEL_NO_CACHE": "1"}
    assert run(["carewheel", "lint", ANGINA], project, env=env).stdout == first.stdout
    assert not index_path(project).exists()


def test_a_run_that_fails_writes_no_index(project: Path) -> None:
    age(project)
    hub = project / "content/cardiology/chest-pain/index.md"
    hub.write_text(hub.read_text("utf-8").replace("type: cluster", "type: clusterr"), "utf-8")
    done = run(["carewheel", "lint", ANGINA], project)
    assert done.code == 1
    assert "unknown page type" in done.output
    assert not index_path(project).exists()


def test_markdown_files_are_found_as_rglob_finds_them(tmp_path: Path) -> None:
    from generator.content import markdown_sources

    docs = tmp_path / "content"
    for name in [
        "index.md",
        "a/x.md",
        "a-b/x.md",
        "a/b/c.md",
        "B/upper.md",
        "a/notes.txt",
        ".hidden/x.md",
        "a/.draft.md",
        "templates/t.md",
        "a/templates/kept.md",
        "z.MD",
    ]:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("x", "utf-8")
    (docs / "folder.md").mkdir()  # listed: reading it is the error the user sees
    expected = []
    for path in sorted(docs.rglob("*.md")):
        rel = path.relative_to(docs)
        if any(part.startswith(".") for part in rel.parts) or rel.parts[0] == "templates":
            continue
        expected.append((str(path), rel.as_posix()))
    found = markdown_sources(docs)
    assert found == expected
    assert "a/templates/kept.md" in [src for _, src in found]
