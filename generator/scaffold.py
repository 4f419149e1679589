"""``carewheel new``: pages scaffolded with correct front matter from the intake data.

New pages start as drafts (``draft: true``): ``carewheel serve`` shows them, builds skip
them, and a question needs its clinical review before the draft flag comes off.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from generator.content import Site
from generator.errors import UsageError
from generator.intake import words

MAX_SLUG_WORDS = 8


@cache
def sensitive_terms() -> frozenset[str]:
    """Condition words kept out of URLs of sensitive service lines (``data/sensitive_terms.yml``)."""
    text = resources.files("generator").joinpath("data/sensitive_terms.yml").read_text("utf-8")
    return frozenset(yaml.safe_load(text)["terms"])


def slugify(text: str, *, sensitive: bool = False) -> str:
    """``When is chest pain an emergency?`` → ``when-is-chest-pain-an-emergency``.

    For sensitive service lines, condition words are left out (``sensitive_terms``).
    """
    parts = words(text.replace("'", ""))
    if sensitive:
        banned = sensitive_terms()
        parts = [w for w in parts if w not in banned]
    slug = "-".join(parts[:MAX_SLUG_WORDS])
    return re.sub(r"-+", "-", slug).strip("-")


def _quote(value: str) -> str:
    """A YAML scalar that reads back as the same string."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000)
    return dumped.removesuffix("\n...\n").strip()


def _write(path: Path, text: str) -> Path:
    if path.exists():
        raise UsageError(f"{path} already exists; choose another --slug or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def new_service_line(site: Site, line_id: str) -> Path:
    """Scaffold ``content/<line>/index.md`` for the service line ``line_id``."""
    line = site.service_lines.get(line_id)
    if line is None:
        known = ", ".join(sorted(site.service_lines)) or "none"
        raise UsageError(
            f"no intake script intake/{line_id}.yml (known service lines: {known}); write it first"
        )
    if line.page is not None:
        raise UsageError(f"service line {line_id!r} already has its page: {line.page.path}")
    first = next(iter(line.intake.pathways))
    text = (
        "---\n"
        "type: service-line\n"
        f"title: {_quote(line.intake.name)}\n"
        "description: TODO one or two sentences for search results\n"
        f"service_line: {line_id}\n"
        f"next_step: {first}\n"
        "draft: true\n"
        "---\n\n"
        f"TODO: who {line.intake.name} helps, and how to start.\n"
    )
    return _write(site.project.docs_dir / line_id / "index.md", text)


def new_cluster(site: Site, cluster_id: str, line_id: str, title: str | None) -> Path:
    """Scaffold a topic hub ``content/<line>/<cluster>/index.md``."""
    line = site.service_lines.get(line_id)
    if line is None:
        known = ", ".join(sorted(site.service_lines)) or "none"
        raise UsageError(f"unknown service line {line_id!r} (known: {known})")
    if cluster_id in site.clusters:
        raise UsageError(f"cluster {cluster_id!r} exists already: {site.clusters[cluster_id].hub.path}")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", cluster_id):
        raise UsageError(f"cluster id {cluster_id!r} must be lowercase words joined by hyphens")
    if line.intake.sensitive and set(cluster_id.split("-")) & sensitive_terms():
        raise UsageError(
            f"{cluster_id!r} names a condition; {line_id} is sensitive, so URLs must stay neutral"
        )
    first = next(iter(line.intake.pathways))
    text = (
        "---\n"
        "type: cluster\n"
        f"id: {cluster_id}\n"
        f"title: {_quote(title or cluster_id.replace('-', ' ').capitalize())}\n"
        "description: TODO one or two sentences for search results\n"
        f"service_line: {line_id}\n"
        f"next_step: {first}\n"
        "draft: true\n"
        "---\n\n"
        "TODO: what this topic covers. The questions in it are listed below automatically.\n"
    )
    return _write(site.project.docs_dir / line_id / cluster_id / "index.md", text)


def new_question(site: Site, question: str, cluster_id: str, next_step: str | None, slug: str | None) -> Path:
    """Scaffold a question page in the cluster ``cluster_id``."""
    cluster = site.clusters.get(cluster_id)
    if cluster is None:
        known = ", ".join(sorted(site.clusters)) or "none"
        raise UsageError(f"unknown cluster {cluster_id!r} (known: {known})")
    line = site.service_line_of(cluster.hub)
    assert line is not None
    step = next_step or getattr(cluster.hub.meta, "next_step", None) or next(iter(line.intake.pathways))
    if step not in line.routes():
        raise UsageError(f"unknown next step {step!r}; choose one of: {', '.join(line.routes())}")
    name = slug or slugify(question, sensitive=line.intake.sensitive)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
        raise UsageError(f"cannot make a file name from {question!r}; pass --slug")
    if line.intake.sensitive and set(name.split("-")) & sensitive_terms():
        raise UsageError(
            f"slug {name!r} names a condition; {line.id} is sensitive, so URLs must stay neutral"
        )
    text = (
        "---\n"
        "type: question\n"
        f"question: {_quote(question)}\n"
        "description: TODO one or two sentences for search results\n"
        f"service_line: {line.id}\n"
        f"cluster: {cluster_id}\n"
        f"next_step: {step}\n"
        "draft: true  # replace with `reviewed: {by: NAME, on: YYYY-MM-DD}` after clinical review\n"
        "---\n\n"
        "TODO: answer the question in plain language (grade 8 or below).\n\n"
        "## What to do next\n\n"
        "TODO: one or two sentences that lead to the next step below.\n"
    )
    return _write((site.project.docs_dir / cluster.hub.src).parent / f"{name}.md", text)
