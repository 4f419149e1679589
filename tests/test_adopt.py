"""Adopting an existing Jekyll/Hugo-style Markdown tree: it builds, unknown pages are plain
pages, and what could not be mapped is reported as warnings with file:line, never a crash."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import ROOT, run

JEKYLL_PAGE = """---
layout: post
title: Our new clinic hours
permalink: /news/hours/
date: 2025-03-04
published: true
categories: [news]
summary: Longer hours start in April.
weight: 3
---

Our clinic now opens earlier. See [visiting us]({{ site.baseurl }}/visit/) for directions.

{% include footer.html %}
"""

HUGO_DRAFT = """---
title: Upcoming event
published: false
tags: [events]
---

Details soon.
"""

PLAIN = "# About us\n\nWe care for our neighbours.\n"


def adopted_project(tmp: Path) -> Path:
    project = tmp / "adopted"
    (project / "docs" / "news").mkdir(parents=True)
    shutil.copytree(ROOT / "intake", project / "intake")
    for name in ("cardiology.yml", "primary-care.yml", "behavioral-health.yml", "claims.yml"):
        (project / "intake" / name).unlink()
    for name in ("privacy.md", "health-data-privacy.md"):
        shutil.copy2(ROOT / "content" / name, project / "docs" / name)
    (project / "docs" / "index.md").write_text(PLAIN, "utf-8")
    (project / "docs" / "news" / "hours.md").write_text(JEKYLL_PAGE, "utf-8")
    (project / "docs" / "news" / "event.md").write_text(HUGO_DRAFT, "utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: Adopted\nsite_url: https://www.adopted.example/\ndocs_dir: docs\n"
        f"theme:\n  name: null\n  custom_dir: {ROOT / 'themes' / 'carewheel'}\n"
        "  static_templates: [404.html]\n"
        "plugins:\n  - carewheel\n",
        "utf-8",
    )
    return project


def test_adopted_tree_builds_with_warnings(tmp_path: Path) -> None:
    project = adopted_project(tmp_path)
    result = run(["carewheel", "build"], project)
    assert result.code == 0, result.output
    assert "Traceback" not in result.output
    warnings = [line for line in result.output.splitlines() if "docs/news/hours.md:" in line]
    text = "\n".join(warnings)
    assert re.search(r"docs/news/hours\.md:2:1: layout: ignored", text)
    assert re.search(r"docs/news/hours\.md:4:1: permalink: ignored: the URL follows the file's path", text)
    assert re.search(r"docs/news/hours\.md:5:1: date: read as `updated`", text)
    assert re.search(r"docs/news/hours\.md:8:1: summary: read as `description`", text)
    assert re.search(r"docs/news/hours\.md:12:\d+: template tag '\{\{ site\.baseurl \}\}'", text)
    assert re.search(r"docs/news/hours\.md:14:1: template tag", text)
    page = BeautifulSoup((project / "site/news/hours/index.html").read_text("utf-8"), "html.parser")
    assert page.find("h1").get_text() == "Our new clinic hours"
    assert page.select_one('meta[name="description"]')["content"] == "Longer hours start in April."
    assert "2025-03-04" in (project / "site/sitemap.xml").read_text("utf-8")
    assert not (project / "site/news/event").exists(), "published: false is a draft"
    assert (project / "site/index.html").is_file()


def test_adopted_tree_checks_clean_except_warnings(tmp_path: Path) -> None:
    project = adopted_project(tmp_path)
    result = run(["carewheel", "check"], project)
    assert result.code == 0, result.output
    assert "warnings (above)" in result.output
    assert "no intake scripts" in result.output


def test_strict_build_fails_until_migration_is_done(tmp_path: Path) -> None:
    project = adopted_project(tmp_path)
    result = run(["carewheel", "build", "--strict"], project)
    assert result.code == 1
    assert "layout: ignored" in result.output
