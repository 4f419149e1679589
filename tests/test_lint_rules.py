"""Every rule: documented, has YAML cases, and its cases and docstring examples behave."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.lint.rule import FAMILIES, examples, missing_sections
from generator.lint.rules import all_rules
from generator.schemas import LintSettings
from tests.lint_harness import campaign_doc, example_doc, page_doc, rule, run_rule, site_findings

CASES_DIR = Path(__file__).parent / "lint_cases"


def load_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        for case in yaml.safe_load(path.read_text("utf-8")) or []:
            case["file"] = path.name
            cases.append(case)
    return cases


CASES = load_cases()
RULES = all_rules()


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    for r in RULES:
        assert re.fullmatch(r"[A-Z]{2}[0-9]{3}", r.code), r.code
        assert r.code[:2] in FAMILIES, r.code
        assert re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)+", r.name), r.name


@pytest.mark.parametrize("r", RULES, ids=[r.code for r in RULES])
def test_rule_is_documented(r: Any) -> None:
    assert missing_sections(r.doc) == [], f"{r.code} docstring lacks sections"
    bad, good = examples(r.doc)
    assert bad, f"{r.code}: no ```markdown block under ## Example"
    assert good, f"{r.code}: no ```markdown block under Use instead:"


@pytest.mark.parametrize("r", RULES, ids=[r.code for r in RULES])
def test_rule_has_pass_and_fail_cases(r: Any) -> None:
    mine = [c for c in CASES if c["rule"] == r.code]
    assert any(c.get("expect") for c in mine), f"{r.code} has no failing case in tests/lint_cases/"
    assert any(not c.get("expect") for c in mine), f"{r.code} has no passing case in tests/lint_cases/"


def test_every_family_has_rules() -> None:
    assert {r.code[:2] for r in RULES} == set(FAMILIES)


def test_there_are_at_least_150_cases() -> None:
    assert len(CASES) >= 150


EXAMPLES = [
    (r.code, kind, block)
    for r in RULES
    for kind, blocks in zip(("bad", "good"), examples(r.doc), strict=True)
    for block in blocks
]


@pytest.mark.parametrize(
    ("code", "kind", "block"), EXAMPLES, ids=[f"{c}-{k}-{i}" for i, (c, k, _) in enumerate(EXAMPLES)]
)
def test_docstring_examples_behave(code: str, kind: str, block: str) -> None:
    found = run_rule(rule(code), example_doc(block))
    if kind == "bad":
        assert found, f"{code}: its Example does not trigger it"
    else:
        assert found == [], f"{code}: its 'Use instead' triggers it: {[str(f) for f in found]}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}-{c['name']}" for c in CASES])
def test_rule_case(case: dict[str, Any], tmp_path: Path) -> None:
    r = rule(case["rule"])
    settings = LintSettings.model_validate(case.get("settings", {}))
    if case.get("kind") == "site":
        found = site_findings(r, case.get("files", {}), tmp_path, settings)
        assert [f"{f.path}:{f.line}:{f.col}" for f in found] == case.get("expect", []), [
            str(f) for f in found
        ]
        return
    if case.get("kind") == "campaign":
        doc = campaign_doc(case.get("text", ""), case.get("campaign"), tmp_path)
    else:
        doc = page_doc(case["text"], case.get("front_matter"))
    found = run_rule(r, doc, settings)
    expect = case.get("expect") or []
    if doc.kind == "campaign":
        assert len(found) == len(expect), [str(f) for f in found]
        for finding, text in zip(found, expect, strict=True):
            assert text in finding.message, str(finding)
        return
    got = [f"{f.line}:{f.col}" for f in found]
    assert got == [str(e) for e in expect], [str(f) for f in found]


def test_body_links_reads_every_link_form_and_skips_code() -> None:
    from generator.content import body_links

    body = (
        "See [angina](what-is-angina.md) and [tests][t].\n\n"
        "   [t]: <heart-tests/index.md>\n\n"
        'A <a href="../primary-care/">primary care</a> link.\n\n'
        "`[not](code.md)`\n\n```\n[fenced](fenced.md)\n```\n"
    )
    assert sorted(body_links(body)) == ["../primary-care/", "heart-tests/index.md", "what-is-angina.md"]
    assert body_links("No links here.") == []
