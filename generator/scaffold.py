"""``carewheel new``: pages scaffolded with correct front matter from the intake data.

New pages start as drafts (``draft: true``): ``carewheel serve`` shows them, builds skip
them, and a question needs its clinical review before the draft flag comes off.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from generator.content import Site
from generator.errors import UsageError
from generator.intake import words
from generator.privacy import condition_words, sensitive_terms

MAX_SLUG_WORDS = 8


def slugify(text: str, *, sensitive: bool = False) -> str:
    """``When is chest pain an emergency?`` → ``when-is-chest-pain-an-emergency``.

    For sensitive service lines, condition words are left out (``sensitive_terms``).
    """
    parts = words(text.replace("'", "").replace("\u2019", ""))
    if sensitive:
        banned = sensitive_terms()
        while True:  # again and again: dropping a word can join two into a banned compound
            kept: list[str] = []
            i = 0
            while i < len(parts):
                if i + 1 < len(parts) and f"{parts[i]}-{parts[i + 1]}" in banned:
                    i += 2
                    continue
                if parts[i] not in banned:
                    kept.append(parts[i])
                i += 1
            if kept == parts:
                break
            parts = kept
    slug = "-".join(parts[:MAX_SLUG_WORDS])
    return re.sub(r"-+", "-", slug).strip("-")


def _quote(value: str) -> str:
    """A double-quoted YAML scalar: reads back as the same string under any YAML version."""
    return json.dumps(value, ensure_ascii=False)


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
    if line.intake.sensitive and condition_words(cluster_id):
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
        if slug:
            raise UsageError(f"--slug {slug!r} must be lowercase words joined by hyphens (no / or ..)")
        raise UsageError(f"cannot make a file name from {question!r}; pass --slug")
    if line.intake.sensitive and condition_words(name):
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


def new_campaign(
    site: Site,
    slug: str,
    service_line: str,
    pathway: str | None,
    cluster: str | None,
    start: dt.date,
    end: dt.date,
) -> tuple[Path, str]:
    """Scaffold ``campaigns/<slug>.yml`` with the next free tracking id, and record the id in
    the ledger. Returns the file and the id."""
    from generator.campaigns import LEDGER_FILE, next_tracking_id, read_campaigns
    from generator.errors import ErrorCollector

    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise UsageError(f"campaign name {slug!r} must be lowercase words joined by hyphens")
    line = site.service_lines.get(service_line)
    if line is None:
        raise UsageError(
            f"unknown service line {service_line!r} (known: {', '.join(sorted(site.service_lines))})"
        )
    if line.intake.sensitive and condition_words(slug):
        raise UsageError(
            f"{slug!r} names a condition ({', '.join(condition_words(slug))}); {service_line} is sensitive "
            "and the file name becomes utm_campaign: choose a neutral name"
        )
    step = pathway or next(iter(line.intake.pathways))
    if step not in line.intake.pathways:
        raise UsageError(f"unknown pathway {step!r}; choose one of: {', '.join(line.intake.pathways)}")
    hub = cluster or (line.clusters[0].id if line.clusters else None)
    if hub is None or hub not in {c.id for c in line.clusters}:
        names = ", ".join(c.id for c in line.clusters) or "none"
        raise UsageError(f"unknown cluster {hub!r} for {service_line} (its clusters: {names})")
    if end < start:
        raise UsageError(f"--end {end} is before --start {start}")
    folder = site.project.campaigns_dir
    target = folder / f"{slug}.yml"
    if target.exists():
        raise UsageError(f"{site.project.display(target)} already exists")
    errors = ErrorCollector()
    campaigns, ledger, _ = read_campaigns(folder, site.project.display, errors)
    errors.raise_if_any()
    tracking_id = next_tracking_id(ledger, campaigns)
    urgent = line.matcher.routes()[:1]
    text = (
        f"tracking_id: {tracking_id}\n"
        f"name: {_quote('TODO internal name of ' + slug)}\n"
        f"service_line: {service_line}\n"
        f"pathway: {step}\n" + (f"urgent_route: {urgent[0].value}\n" if urgent else "") + f"cluster: {hub}\n"
        f"start: {start.isoformat()}\n"
        f"end: {end.isoformat()}\n"
        "landing:\n"
        + ("  path: TODO-neutral-words\n" if line.intake.sensitive else "")
        + "  headline: TODO the promise, in the patient's words\n"
        "  body: |\n"
        "    TODO two or three short paragraphs. Promise only what the pathway delivers.\n"
        "  questions: []\n"
        "variants:\n"
        "  a: {weight: 100}\n"
        "channels:\n"
        "  - {source: replace-me, medium: cpc}  # utm_source: google, newsletter, mailer ...\n"
    )
    folder.mkdir(parents=True, exist_ok=True)
    ledger_path = folder / LEDGER_FILE
    if not ledger_path.exists():
        ledger_path.write_text(
            "# Every tracking id ever issued, and its campaign. Append only: never reused.\nissued:\n",
            "utf-8",
        )
    with ledger_path.open("a", encoding="utf-8") as handle:
        handle.write(f"  {tracking_id}: {slug}\n")
    _write(target, text)
    return target, tracking_id
