"""Broken inputs: each gives one clear ``path:line:col`` message, exit code 1, no traceback,
and leaves the previous ``site/`` exactly as it was."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import BuiltSite, run, tree_digest

ANGINA = "content/cardiology/chest-pain/what-is-angina.md"
VIDEO = "content/behavioral-health/first-steps/counseling-by-video.md"
CARDIO = "intake/cardiology.yml"
ORG = "intake/organization.yml"
CHEST = "campaigns/chest-pain-search.yml"
COUNSEL = "campaigns/counseling-first-visit.yml"
LEDGER = "campaigns/tracking-ids.yml"


@dataclass(frozen=True)
class Case:
    """One broken input."""

    id: str
    file: str
    change: Callable[[Path], None]
    line: int | str
    """The expected line, or a text whose first line in the broken file is the expected line."""
    message: str
    """A part of the expected message."""
    reported: str | None = None
    """The file the error names, when it is not the changed file."""


def replace(old: str, new: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), "utf-8")

    return change


def write_bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def write_text(text: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    return change


def delete(path: Path) -> None:
    path.unlink()


HUB_COPY = """---
type: cluster
id: chest-pain
title: More chest pain
description: A second hub that reuses an id.
service_line: cardiology
next_step: new-patient-consult
---

Text.
"""

CASES = [
    # --- page front matter -------------------------------------------------------------------
    Case(
        "yaml-syntax",
        ANGINA,
        replace("cluster: chest-pain", "cluster: [chest-pain"),
        "next_step:",
        "flow sequence started on line 6",
    ),
    Case("wrong-type", ANGINA, replace("order: 20", "order: twenty"), "order:", "valid integer"),
    Case(
        "unknown-key",
        ANGINA,
        replace("order: 20", "order: 20\ncolour: blue"),
        "colour:",
        "colour: unknown key",
    ),
    Case(
        "unknown-pathway",
        ANGINA,
        replace("next_step: new-patient-consult", "next_step: new-patient"),
        "next_step:",
        "unknown pathway 'new-patient'",
    ),
    Case(
        "unknown-cluster",
        ANGINA,
        replace("cluster: chest-pain", "cluster: chest-pains"),
        "cluster:",
        "unknown cluster 'chest-pains'",
    ),
    Case(
        "missing-reviewed",
        ANGINA,
        replace('reviewed: {by: "Miguel Ortega, MD", on: 2026-09-15}\n', ""),
        "question:",
        "reviewed: required",
    ),
    Case("missing-question", ANGINA, replace("question: What is angina?\n", ""), 2, "question: required"),
    Case(
        "review-date",
        ANGINA,
        replace("on: 2026-09-15", "on: last week"),
        "reviewed:",
        "reviewed.on: input should be a valid date",
    ),
    Case(
        "template-key",
        ANGINA,
        replace("order: 20", "order: 20\ntemplate: other.html"),
        "template:",
        "`template` is reserved",
    ),
    Case(
        "duplicate-key",
        ANGINA,
        replace("order: 20", "order: 20\norder: 30"),
        "order: 30",
        "duplicate key 'order'",
    ),
    Case(
        "unknown-service-line",
        ANGINA,
        replace("service_line: cardiology", "service_line: cardio"),
        "service_line:",
        "unknown service line 'cardio'",
    ),
    Case("unknown-type", ANGINA, replace("type: question", "type: faq"), "type:", "unknown page type 'faq'"),
    Case("unclosed-front-matter", ANGINA, replace("\n---\n\nAngina", "\n\nAngina"), 1, "no closing '---'"),
    Case(
        "front-matter-list",
        ANGINA,
        write_text("---\n- a\n- b\n---\n\nText\n"),
        2,
        "front matter must be a mapping",
    ),
    Case(
        "not-utf8", ANGINA, write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1")), 2, "not valid UTF-8"
    ),
    Case("binary-file", ANGINA, write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 1, "binary file"),
    Case("empty-file", ANGINA, write_bytes(b""), 1, "file is empty"),
    Case(
        "duplicate-cluster-id",
        "content/cardiology/more-chest-pain/index.md",
        write_text(HUB_COPY),
        "id:",
        "duplicate cluster id 'chest-pain'",
    ),
    Case(
        "cluster-of-other-line",
        ANGINA,
        replace("cluster: chest-pain", "cluster: checkups"),
        "cluster:",
        "belongs to service line 'primary-care'",
    ),
    Case(
        "nurse-line-without-nurse",
        VIDEO,
        replace("next_step: intake-assessment", "next_step: nurse-line"),
        "next_step:",
        "needs `triage.nurse_line`",
    ),
    # --- intake scripts ----------------------------------------------------------------------
    Case(
        "intake-yaml-tab",
        CARDIO,
        replace("  saturday: closed", "\tsaturday: closed"),
        "\tsaturday",
        "invalid YAML",
    ),
    Case(
        "intake-wrong-type",
        CARDIO,
        replace("    telehealth: false\n    wait: {min: 5", "    telehealth: maybe\n    wait: {min: 5"),
        "telehealth: maybe",
        "valid boolean",
    ),
    Case(
        "intake-unknown-key",
        CARDIO,
        replace("    wait: {min: 5", "    waiting: 3\n    wait: {min: 5"),
        "waiting:",
        "pathways.new-patient-consult.waiting: unknown key",
    ),
    Case(
        "intake-wait-order",
        CARDIO,
        replace("{min: 5, max: 10", "{min: 12, max: 10"),
        "min: 12",
        "min (12) is larger than max (10)",
    ),
    Case(
        "intake-bad-phone",
        CARDIO,
        replace('phone: "(555) 010-2200"\nhours', 'phone: "(555) 01"\nhours'),
        'phone: "(555) 01"',
        "phone",
    ),
    Case(
        "intake-hours",
        CARDIO,
        replace('monday-friday: "07:30-17:30"', 'monday-friday: "17:30-07:30"'),
        "monday-friday:",
        "closes before it opens",
    ),
    Case(
        "intake-name-mismatch",
        CARDIO,
        replace("service_line: cardiology", "service_line: heart"),
        "service_line:",
        "does not match the file name",
    ),
    Case(
        "intake-unknown-location",
        CARDIO,
        replace("locations: [riverbend-heart-center]", "locations: [river-heart]"),
        "locations:",
        "unknown location 'river-heart'",
    ),
    Case(
        "org-retired-crisis-number",
        ORG,
        replace('number: "988"', 'number: "1-800-273-8255"'),
        'number: "1-800',
        "crisis_line.number: '1-800-273-8255' is not the crisis line; use 988",
    ),
    Case("org-missing", ORG, delete, 1, "file not found"),
    # --- campaigns --------------------------------------------------------------------------
    Case(
        "campaign-unknown-pathway",
        CHEST,
        replace("pathway: new-patient-consult", "pathway: consult"),
        "pathway:",
        "unknown pathway 'consult'",
    ),
    Case(
        "campaign-unknown-line",
        CHEST,
        replace("service_line: cardiology", "service_line: heart"),
        "service_line:",
        "unknown service line 'heart'",
    ),
    Case(
        "campaign-unknown-question",
        CHEST,
        replace("what-is-angina.md", "what-is-a-heart.md"),
        "what-is-a-heart",
        "no question page",
    ),
    Case(
        "campaign-question-other-cluster",
        CHEST,
        replace(
            "cardiology/chest-pain/what-is-angina.md", "cardiology/heart-tests/what-is-an-echocardiogram.md"
        ),
        "what-is-an-echocardiogram",
        "not the campaign's 'chest-pain'",
    ),
    Case(
        "campaign-end-before-start",
        CHEST,
        replace("end: 2027-02-28", "end: 2026-10-01"),
        "end:",
        "is before start",
    ),
    Case("campaign-bad-date", CHEST, replace("start: 2026-11-01", "start: 2026-13-01"), "start:", "start"),
    Case(
        "campaign-weights",
        CHEST,
        replace("a: {weight: 50}", "a: {weight: 40}"),
        "variants:",
        "weights sum to 90",
    ),
    Case(
        "campaign-medium",
        CHEST,
        replace('medium: cpc, phone: "(555) 010-3102"', 'medium: paid-search, phone: "(555) 010-3102"'),
        "paid-search",
        "not a medium carewheel knows",
    ),
    Case(
        "campaign-uppercase-source",
        CHEST,
        replace("source: bing", "source: Bing"),
        "source: Bing",
        "channels[1].source",
    ),
    Case(
        "campaign-duplicate-channel",
        CHEST,
        replace("source: bing, medium: cpc", "source: google, medium: cpc"),
        "(555) 010-3102",
        "listed twice",
    ),
    Case(
        "campaign-duplicate-id",
        COUNSEL,
        replace("tracking_id: cmp-0003", "tracking_id: cmp-0001"),
        "tracking_id:",
        "duplicate tracking id 'cmp-0001'",
    ),
    Case(
        "campaign-reused-id",
        LEDGER,
        replace("cmp-0003: counseling-first-visit", "cmp-0003: old-campaign"),
        "tracking_id:",
        "was issued to campaign 'old-campaign'",
        COUNSEL,
    ),
    Case(
        "campaign-unregistered-id",
        CHEST,
        replace("tracking_id: cmp-0001", "tracking_id: cmp-0099"),
        "tracking_id:",
        "is not in campaigns/tracking-ids.yml",
    ),
    Case(
        "campaign-bad-id",
        CHEST,
        replace("tracking_id: cmp-0001", "tracking_id: chest-2026"),
        "tracking_id:",
        "tracking_id",
    ),
    Case(
        "campaign-sensitive-path",
        COUNSEL,
        replace("path: talk-with-someone", "path: anxiety-help"),
        "path: anxiety",
        "names a condition (anxiety)",
    ),
    Case(
        "campaign-unknown-key",
        CHEST,
        replace("cluster: chest-pain", "cluster: chest-pain\nbudget: 5000"),
        "budget:",
        "budget: unknown key",
    ),
    Case("campaign-bad-phone", CHEST, replace("(555) 010-3101", "555-31"), "555-31", "phone"),
    # --- mkdocs.yml ---------------------------------------------------------------------------
    Case(
        "plugin-option",
        "mkdocs.yml",
        replace("intake_dir: intake", "intake_folder: intake"),
        "intake_folder:",
        "intake_folder: unknown key",
    ),
]


def expected_line(case: Case, project: Path) -> int:
    if isinstance(case.line, int):
        return case.line
    text = (project / (case.reported or case.file)).read_bytes().decode("utf-8", "replace")
    for number, line in enumerate(text.split("\n"), 1):
        if case.line in line:
            return number
    raise AssertionError(f"{case.line!r} not in {case.file}")


def test_there_are_at_least_twenty_cases() -> None:
    assert len(CASES) >= 20
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_input(case: Case, built_copy: BuiltSite) -> None:
    check_broken_input(case, built_copy)


def check_broken_input(case: Case, built_copy: BuiltSite, *, error_prefix: str = "") -> None:
    """Break the project as ``case`` says, then: a strict build exits 1 without a traceback,
    with exactly one ``path:line:col: message`` at the case's place, leaves site/ as it was
    and no temporary folder; ``carewheel check`` reports the same line. ``error_prefix`` is a
    pattern allowed before the path."""
    project = built_copy.project
    target = project / case.file
    case.change(target)
    line = expected_line(case, project) if target.is_file() else case.line
    before = tree_digest(built_copy.site)

    result = run(["carewheel", "build", "--strict"], project)

    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    errors = [ln for ln in result.stderr.splitlines() if re.match(rf"^{error_prefix}\S+:\d+:\d+: ", ln)]
    assert len(errors) == 1, result.output
    match = re.match(rf"^{error_prefix}(\S+):(\d+):(\d+): (.*)$", errors[0])
    assert match is not None
    assert match.group(1) == (case.reported or case.file)
    assert int(match.group(2)) == line, errors[0]
    assert case.message in match.group(4), errors[0]
    assert tree_digest(built_copy.site) == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]

    # `carewheel check` reports the same error, in-process.
    checked = CliRunner().invoke(main, ["check", "-f", str(project / "mkdocs.yml")])
    assert checked.exit_code == 1
    assert errors[0] in checked.output


@pytest.mark.parametrize("case_id", ["unknown-pathway", "intake-wait-order", "plugin-option"])
def test_plain_mkdocs_build_reports_the_same_error(case_id: str, built_copy: BuiltSite) -> None:
    case = next(c for c in CASES if c.id == case_id)
    project = built_copy.project
    case.change(project / case.file)
    before = tree_digest(built_copy.site)
    result = run(["mkdocs", "build", "--strict", "-f", "mkdocs.yml"], project)
    assert result.code == 1
    assert "Traceback" not in result.output
    assert f"{case.file}:{expected_line(case, project)}:" in result.output
    assert case.message in result.output
    assert tree_digest(built_copy.site) == before


def test_all_errors_of_a_run_are_reported_together(project: Path) -> None:
    replace("order: 20", "order: twenty")(project / ANGINA)
    replace("next_step: intake-assessment", "next_step: nowhere")(project / VIDEO)
    replace("{min: 5, max: 10", "{min: 12, max: 10")(project / CARDIO)
    result = CliRunner().invoke(main, ["check", "-f", str(project / "mkdocs.yml")])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if re.match(r"^\S+:\d+:\d+: ", ln)]
    assert [ln.split(":")[0] for ln in lines] == [VIDEO, ANGINA, CARDIO]
    assert "Found 3 errors in 3 files" in result.output
