"""``carewheel review``: the weekly agenda, its snapshot, and the loop between two reviews:
last week's checklist read back, funnel change, intake facts and the pages they touch, newly
failing lint, campaigns starting or ending, stale clinical reviews, unanswered questions."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli_flywheel import review
from generator.content import load_site
from generator.project import load_project
from generator.review import Item, read_checklist
from tests.conftest import ROOT

DEMO = ROOT / "demo-data"
SECTIONS = [
    "## Last week's changes",
    "## Funnel",
    "## Intake facts that changed",
    "## Pages newly failing lint",
    "## Campaigns starting or ending within 14 days",
    "## Clinical reviews going stale within 30 days",
    "## Top unanswered patient questions",
    "## Changes to test next",
]


def run_review(project: Path, *args: str) -> Result:
    return CliRunner().invoke(review, [*args, "-f", str(project / "mkdocs.yml")])


def demo_args() -> list[str]:
    return ["--leads", str(DEMO / "leads.csv"), "--appointments", str(DEMO / "appointments.csv")]


def section(text: str, heading: str) -> str:
    """The body of one ``## `` section."""
    start = text.index(heading + "\n") + len(heading) + 1
    end = text.find("\n## ", start)
    return text[start : end if end >= 0 else len(text)]


def leads_received(first: dt.date, last: dt.date) -> int:
    """Demo leads received (in UTC) from ``first`` through ``last``, counted from the export."""
    rows = csv.DictReader((DEMO / "leads.csv").read_text("utf-8").splitlines()[1:])
    days = [dt.datetime.fromisoformat(r["received_at"]).astimezone(dt.UTC).date() for r in rows]
    return sum(1 for d in days if first <= d <= last)


def test_first_review_has_every_section_and_a_snapshot(project: Path) -> None:
    result = run_review(project, *demo_args(), "--questions", str(DEMO / "questions.csv"))
    assert result.exit_code == 0, result.output
    text = (project / "reviews/2026-W48.md").read_text("utf-8")  # today is 2026-11-28, ISO week 48
    assert text.startswith("# Weekly review 2026-W48\n")
    assert [line for line in text.splitlines() if line.startswith("## ")] == SECTIONS
    funnel = section(text, "## Funnel")
    assert "Leads received in 2026-W47" in funnel
    week47 = leads_received(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert f"| all campaigns | {week47} |" in funnel
    assert "No earlier review: this is the first." in text
    questions = section(text, "## Top unanswered patient questions")
    assert "**flu, shot** (primary-care, asked 8×)" in questions
    assert "--scaffold" in questions
    assert "- [ ]" in section(text, "## Changes to test next")
    snapshot = json.loads((project / "reviews/.snapshots/2026-W48.json").read_text("utf-8"))
    assert snapshot["version"] == 1
    assert snapshot["funnel"]["window"] == "2026-W47"
    assert snapshot["funnel"]["week"]["all"]["leads"] == week47
    assert snapshot["facts"]["cardiology/new-patient-consult"]["wait"] == "5 to 10 business days"
    assert snapshot["facts"]["primary-care"]["intake phone"] == "(555) 010-3300"
    assert isinstance(snapshot["lint"], dict)


def test_the_next_review_reads_the_checklist_back_and_compares(project: Path) -> None:
    assert run_review(project, *demo_args(), "--date", "2026-11-23").exit_code == 0
    first = project / "reviews/2026-W48.md"
    first.write_text(
        first.read_text("utf-8").replace(
            "- [ ]\n- [ ]\n- [ ]\n",
            "- [x] Call web leads back within one hour\n- [ ] Try headline b on the mailer\n- [ ]\n",
        ),
        "utf-8",
    )
    result = run_review(project, *demo_args(), "--date", "2026-11-30")
    assert result.exit_code == 0, result.output
    assert "1 unshipped change(s)" in result.stdout
    text = (project / "reviews/2026-W49.md").read_text("utf-8")
    last = section(text, "## Last week's changes")
    assert "From `reviews/2026-W48.md` (ticked = shipped):" in last
    assert "- Shipped: Call web leads back within one hour\n" in last
    assert "- Not shipped: Try headline b on the mailer (carried over)\n" in last
    before = leads_received(dt.date(2026, 11, 16), dt.date(2026, 11, 22))  # W47, the first review's window
    after = leads_received(dt.date(2026, 11, 23), dt.date(2026, 11, 29))  # W48, this review's window
    assert "What moved since then, all campaigns: leads up" in last
    assert f"({before} → {after})" in last
    funnel = section(text, "## Funnel")
    assert "with the change since the last review (2026-W47)" in funnel
    assert re.search(rf"\| all campaigns \| {after} \| .* \| leads up \d+% \({before} → {after}\)", funnel)
    assert "| all campaigns | 56 | 13 |" in funnel  # same data: outcomes to date are unchanged
    assert "attended unchanged; no-shows unchanged" in funnel
    checklist = section(text, "## Changes to test next")
    assert "- [ ] Try headline b on the mailer (carried over from 2026-W48)" in checklist
    assert "Call web leads back" not in checklist
    # A third week: still not shipped; carried again, with one note, not two.
    assert run_review(project, "--date", "2026-12-07").exit_code == 0
    third = (project / "reviews/2026-W50.md").read_text("utf-8")
    assert "- [ ] Try headline b on the mailer (carried over from 2026-W49)\n" in third
    assert "(carried over from 2026-W48)" not in third
    assert "No leads or appointments export was given" in section(third, "## Funnel")


def test_changed_intake_facts_name_the_pages_and_campaigns_they_touch(project: Path) -> None:
    assert run_review(project, "--date", "2026-11-23").exit_code == 0
    intake = project / "intake/cardiology.yml"
    intake.write_text(
        intake.read_text("utf-8").replace(
            "wait: {min: 5, max: 10, unit: business-days}", "wait: {min: 10, max: 15, unit: business-days}"
        ),
        "utf-8",
    )
    result = run_review(project, "--date", "2026-11-30")
    assert result.exit_code == 0, result.output
    text = (project / "reviews/2026-W49.md").read_text("utf-8")
    facts = section(text, "## Intake facts that changed")
    assert (
        "- **cardiology/new-patient-consult**: wait 5 to 10 business days → 10 to 15 business days" in facts
    )
    site = load_site(load_project(project / "mkdocs.yml"))
    uses = sorted(  # content pages; landing pages count under their campaign
        p.path
        for p in site.pages.values()
        if p.type != "landing"
        and p.service_line_id == "cardiology"
        and getattr(p.meta, "next_step", None) == "new-patient-consult"
    )
    assert len(uses) > 8  # the list is cut after 8 names
    pages_line = next(line for line in facts.splitlines() if line.startswith("  - pages:"))
    assert pages_line.count("`content/") == 8
    assert pages_line.endswith(f"and {len(uses) - 8} more")
    assert all(f"`{path}`" in pages_line for path in uses[:8])
    assert "  - campaigns: `campaigns/chest-pain-search.yml`, `campaigns/heart-month-2027.yml`" in facts
    lint = section(text, "## Pages newly failing lint")
    assert "- `campaigns/chest-pain-search.yml`\n  - CP002 (line 18:" in lint
    assert "- `campaigns/heart-month-2027.yml`\n  - CP002" in lint


def test_a_service_line_fact_touches_every_page_of_the_line(project: Path) -> None:
    assert run_review(project, "--date", "2026-11-23").exit_code == 0
    intake = project / "intake/behavioral-health.yml"
    intake.write_text(
        intake.read_text("utf-8").replace('friday: "08:00-17:00"', 'friday: "08:00-16:00"'), "utf-8"
    )
    assert run_review(project, "--date", "2026-11-30").exit_code == 0
    facts = section((project / "reviews/2026-W49.md").read_text("utf-8"), "## Intake facts that changed")
    assert "**behavioral-health**: hours " in facts
    assert "Friday: 8 a.m. to 5 p.m." in facts
    assert "Friday: 8 a.m. to 4 p.m." in facts
    assert "`campaigns/counseling-first-visit.yml`" in facts
    count = sum(1 for p in (project / "content/behavioral-health").rglob("*.md"))
    assert f"and {count - 8} more" in facts


def test_campaigns_starting_or_ending_within_two_weeks(project: Path) -> None:
    assert run_review(project, "--date", "2027-01-20").exit_code == 0
    text = section(
        (project / "reviews/2027-W03.md").read_text("utf-8"), "## Campaigns starting or ending within 14 days"
    )
    assert text.strip().splitlines() == [
        "- `annual-physical-email` (cmp-0002) ends on 2027-01-31 (in 11 days)",
        "- `heart-month-2027` (cmp-0006) starts on 2027-02-01 (in 12 days)",
    ]


def test_clinical_reviews_going_stale_within_thirty_days(project: Path) -> None:
    day = dt.date(2027, 8, 20)
    assert run_review(project, "--date", day.isoformat()).exit_code == 0
    text = section(
        (project / "reviews/2027-W33.md").read_text("utf-8"), "## Clinical reviews going stale within 30 days"
    )
    site = load_site(load_project(project / "mkdocs.yml"))
    soon = sorted(
        p.path
        for p in site.pages.values()
        if p.meta.reviewed and (day + dt.timedelta(days=30) - p.meta.reviewed.on).days > 365
    )
    assert soon
    listed = re.findall(r"^- `([^`]+)`", text, re.MULTILINE)
    assert sorted(listed) == soon
    assert "reviewed 2026-09-12 by" in text
    assert "stale on 2027-09-13" in text  # reviewed 2026-09-12 + 365 days, stale the day after


def test_an_existing_review_is_never_overwritten(project: Path) -> None:
    assert run_review(project).exit_code == 0
    page = project / "reviews/2026-W48.md"
    page.write_text("# our edits\n", "utf-8")
    result = run_review(project)
    assert result.exit_code == 1
    assert "exists already" in result.stderr
    assert page.read_text("utf-8") == "# our edits\n"


def test_a_corrupt_snapshot_is_an_error_naming_it(project: Path) -> None:
    assert run_review(project, "--date", "2026-11-23").exit_code == 0
    (project / "reviews/.snapshots/2026-W48.json").write_text("{not json", "utf-8")
    result = run_review(project, "--date", "2026-11-30")
    assert result.exit_code == 1
    assert "reviews/.snapshots/2026-W48.json:1: cannot read this review snapshot" in result.stderr
    assert not (project / "reviews/2026-W49.md").exists()


def test_leads_need_appointments(project: Path) -> None:
    result = run_review(project, "--leads", str(DEMO / "leads.csv"))
    assert result.exit_code == 1
    assert "--leads and --appointments together" in result.stderr
    assert not (project / "reviews").exists()


@pytest.mark.parametrize(
    ("markdown", "items"),
    [
        (
            "## Changes to test next\n\n- [x] Ship A\n* [X] Ship B\n+ [ ] Ship C\n- [ ]\n- plain note\n",
            [Item("Ship A", True), Item("Ship B", True), Item("Ship C", False)],
        ),
        (
            "## Other\n- [x] Not this one\n## Changes to test next\n- [ ] This one\n"
            "## Later\n- [ ] Nor this\n",
            [Item("This one", False)],
        ),
        ("# Weekly review\n\n- [x] No checklist heading\n", []),
    ],
)
def test_read_checklist(markdown: str, items: list[Item]) -> None:
    assert read_checklist(markdown) == items
