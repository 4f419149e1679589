"""Run one rule on a snippet, in the context of the demo project (its intake scripts).

Used by the YAML rule cases (``tests/lint_cases/*.yml``) and the docstring examples.
A page snippet is linted as the body of a question page (cardiology, cluster chest-pain,
next step new-patient-consult) unless the case's ``front_matter`` says otherwise. A campaign
snippet is the landing copy of a campaign built from ``campaign`` overrides.
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from generator.campaigns import CampaignSource
from generator.content import Page, Site, load_site, url_for
from generator.lint.context import Context
from generator.lint.document import LintDocument
from generator.lint.engine import campaign_document, finalize
from generator.lint.rule import Diagnostic, Rule
from generator.lint.rules import rule_by_code
from generator.project import load_project
from generator.schemas import PAGE_MODELS, Campaign, LintSettings
from generator.sources import Document, parse_yaml, split_front_matter, validate
from tests.conftest import ROOT, TODAY

DEFAULT_FRONT_MATTER: dict[str, Any] = {
    "type": "question",
    "question": "What is this case about?",
    "description": "A test case.",
    "service_line": "cardiology",
    "cluster": "chest-pain",
    "next_step": "new-patient-consult",
    "reviewed": {"by": "Test Reviewer, MD", "on": dt.date(2026, 9, 1)},
}

DEFAULT_CAMPAIGN: dict[str, Any] = {
    "tracking_id": "cmp-0001",
    "name": "Case campaign",
    "service_line": "cardiology",
    "pathway": "new-patient-consult",
    "cluster": "chest-pain",
    "start": dt.date(2026, 11, 1),
    "end": dt.date(2027, 2, 28),
    "landing": {"path": "case", "headline": "A headline", "body": "A body.\n"},
    "variants": {"a": {"weight": 100}},
    "channels": [{"source": "google", "medium": "cpc", "phone": "(555) 010-3101"}],
}


@cache
def demo_site() -> Site:
    """The demo project, read once (tests must not change it)."""
    return load_site(load_project(ROOT / "mkdocs.yml"), today=TODAY)


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep merge; a ``None`` override removes the key."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def page_doc(
    text: str, front_matter: dict[str, Any] | None = None, path: str = "content/case.md"
) -> LintDocument:
    """A page document whose body is ``text`` (line 1 = first line of ``text``)."""
    meta_data = merge(DEFAULT_FRONT_MATTER, front_matter or {})
    model = PAGE_MODELS[meta_data.get("type", "page")]
    meta = model.model_validate(meta_data)
    located = parse_yaml(yaml.safe_dump(meta_data), path)
    src = path.removeprefix("content/")
    document = Document(path, "", located, text, 1)
    page = Page(src, path, document, meta, url_for(src))
    return LintDocument.parse(path, text, meta=meta, kind="page", page=page)


def example_doc(block: str) -> LintDocument:
    """A docstring example: optional front matter (merged over the defaults), then the body."""
    doc = split_front_matter(block, "content/example.md")
    overrides = doc.front_matter.data or {}
    if overrides.get("kind") == "campaign":
        overrides.pop("kind")
        return campaign_doc(doc.body, overrides)
    return page_doc(doc.body, overrides, "content/example.md")


def campaign_doc(body: str, campaign: dict[str, Any] | None = None, tmp: Path | None = None) -> LintDocument:
    """The landing-copy document of a campaign with ``body`` as its landing body."""
    data = merge(DEFAULT_CAMPAIGN, campaign or {})
    if body:
        data["landing"]["body"] = body
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    folder = tmp or Path(__import__("tempfile").mkdtemp(prefix="cw-case-"))
    path = folder / "case.yml"
    path.write_text(text, "utf-8")
    located = parse_yaml(text, "case.yml")
    source = CampaignSource("case", str(path), located, validate(Campaign, located))
    return campaign_document(demo_site(), source)


def site_findings(
    rule: Rule, files: dict[str, str | None], tmp: Path, settings: LintSettings | None = None
) -> list[Diagnostic]:
    """Findings of ``rule`` over a copy of the demo project with ``files`` written (a ``None``
    value deletes the file): the whole lint run, filtered to the rule."""
    from generator.lint.engine import lint
    from tests.conftest import copy_project

    project = copy_project(tmp / "project")
    for rel, text in files.items():
        target = project / rel
        if text is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
    site = load_site(load_project(project / "mkdocs.yml"), today=TODAY)
    chosen = settings or LintSettings()
    chosen = chosen.model_copy(update={"select": [rule.code], "ignore": []})
    return [f for f in lint(site, chosen) if f.code == rule.code]


def run_rule(rule: Rule, doc: LintDocument, settings: LintSettings | None = None) -> list[Diagnostic]:
    """Findings of ``rule`` on ``doc`` (suppressions applied), and nothing else."""
    ctx = Context(demo_site(), settings or LintSettings(), TODAY, [doc])
    found = list(rule.check(doc, ctx))
    return [f for f in finalize(found, ctx, [rule]) if f.code == rule.code]


def rule(code: str) -> Rule:
    """The registered rule ``code``."""
    found = rule_by_code(code)
    assert found is not None, f"no rule {code}"
    return found
