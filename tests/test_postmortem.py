"""``carewheel campaign close SLUG``: the postmortem with the campaign's funnel numbers and the
three headings, the one-line edit of ``end:``, and the refusals."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from pathlib import Path

from click.testing import CliRunner, Result

from generator.campaigns import Status
from generator.cli_flywheel import close
from generator.content import load_site
from generator.project import load_project
from tests.conftest import ROOT, TODAY

DEMO = ROOT / "demo-data"
YESTERDAY = TODAY - dt.timedelta(days=1)


def run_close(project: Path, *args: str) -> Result:
    return CliRunner().invoke(close, [*args, "-f", str(project / "mkdocs.yml")])


def demo_args() -> list[str]:
    return ["--leads", str(DEMO / "leads.csv"), "--appointments", str(DEMO / "appointments.csv")]


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_close_writes_the_postmortem_and_ends_the_campaign_yesterday(project: Path) -> None:
    campaign = project / "campaigns/chest-pain-search.yml"
    before = campaign.read_text("utf-8")
    result = run_close(project, "chest-pain-search", *demo_args())
    assert result.exit_code == 0, result.output
    after = campaign.read_text("utf-8")
    assert changed_lines(before, after) == ["-end: 2027-02-28", f"+end: {YESTERDAY.isoformat()}"]
    assert after.startswith("# Paid search for chest pain")  # comments kept
    site = load_site(load_project(project / "mkdocs.yml"))
    assert site.campaign_status("chest-pain-search") is Status.EXPIRED
    text = (project / "campaigns/chest-pain-search.postmortem.md").read_text("utf-8")
    for heading in ("## Funnel numbers", "## What worked", "## What failed", "## What changes next"):
        assert f"\n{heading}\n" in text
    assert f"| ran | 2026-11-01 to {YESTERDAY.isoformat()} (planned end 2027-02-28; closed early) |" in text
    # The campaign's leads, counted straight from the export:
    lines = (DEMO / "leads.csv").read_text("utf-8").splitlines()[1:]
    leads = [r for r in csv.DictReader(lines) if r["tracking_id"] == "cmp-0001"]
    by_channel = {c: sum(1 for r in leads if r["channel"] == c) for c in ("google-cpc", "bing-cpc")}
    assert f"| whole campaign | {len(leads)} |" in text
    for channel, count in by_channel.items():
        assert f"| channel {channel} | {count} |" in text
    assert "| variant a |" in text
    assert "| variant b |" in text
    assert "| 2026-W45 |" in text
    assert "Set `end:` of campaigns/chest-pain-search.yml" in result.stdout


def test_close_refuses_when_the_postmortem_exists(project: Path) -> None:
    existing = project / "campaigns/chest-pain-search.postmortem.md"
    existing.write_text("# Our notes\n", "utf-8")
    before = (project / "campaigns/chest-pain-search.yml").read_bytes()
    result = run_close(project, "chest-pain-search")
    assert result.exit_code == 1
    assert "exists already" in result.stderr
    assert existing.read_text("utf-8") == "# Our notes\n"
    assert (project / "campaigns/chest-pain-search.yml").read_bytes() == before


def test_without_inputs_the_postmortem_says_where_to_get_the_numbers(project: Path) -> None:
    result = run_close(project, "annual-physical-email")
    assert result.exit_code == 0, result.output
    text = (project / "campaigns/annual-physical-email.postmortem.md").read_text("utf-8")
    assert "No funnel numbers were given" in text
    assert "carewheel report --leads LEADS --appointments APPOINTMENTS" in text
    assert "`annual-physical-email`" in text


def test_an_ended_campaign_keeps_its_end_date(project: Path) -> None:
    campaign = project / "campaigns/summer-checkup-2026.yml"
    before = campaign.read_bytes()
    result = run_close(project, "summer-checkup-2026", *demo_args())
    assert result.exit_code == 0, result.output
    assert campaign.read_bytes() == before
    assert "ended on 2026-08-31 already" in result.stdout
    text = (project / "campaigns/summer-checkup-2026.postmortem.md").read_text("utf-8")
    assert "| ran | 2026-06-01 to 2026-08-31 |" in text


def test_a_campaign_that_has_not_started_cannot_be_closed(project: Path) -> None:
    before = (project / "campaigns/heart-month-2027.yml").read_bytes()
    result = run_close(project, "heart-month-2027")
    assert result.exit_code == 1
    assert "has not run" in result.stderr
    assert not (project / "campaigns/heart-month-2027.postmortem.md").exists()
    assert (project / "campaigns/heart-month-2027.yml").read_bytes() == before


def test_quoted_dates_trailing_comments_and_crlf_survive(project: Path) -> None:
    campaign = project / "campaigns/family-doctor-mailer.yml"
    text = campaign.read_text("utf-8").replace(
        "end: 2027-03-31", 'end: "2027-03-31"   # last day of the mailer'
    )
    campaign.write_bytes(text.replace("\n", "\r\n").encode())
    result = run_close(project, "family-doctor-mailer")
    assert result.exit_code == 0, result.output
    after = campaign.read_bytes()
    expected = text.replace('"2027-03-31"', f'"{YESTERDAY.isoformat()}"').replace("\n", "\r\n").encode()
    assert after == expected


def test_unknown_campaign_and_half_the_inputs_are_errors(project: Path) -> None:
    result = run_close(project, "no-such-campaign")
    assert result.exit_code == 1
    assert "no campaign 'no-such-campaign'; known: annual-physical-email" in result.stderr
    result = run_close(project, "chest-pain-search", "--leads", str(DEMO / "leads.csv"))
    assert result.exit_code == 1
    assert "--leads and --appointments together" in result.stderr
    assert not (project / "campaigns/chest-pain-search.postmortem.md").exists()


def test_a_broken_leads_file_writes_nothing(project: Path, tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id,tracking_id\n", "utf-8")
    before = (project / "campaigns/chest-pain-search.yml").read_bytes()
    result = run_close(project, "chest-pain-search", "--leads", str(leads), "--appointments", str(leads))
    assert result.exit_code == 1
    assert f"{leads}:1: missing required column 'received_at'" in result.stderr
    assert not (project / "campaigns/chest-pain-search.postmortem.md").exists()
    assert (project / "campaigns/chest-pain-search.yml").read_bytes() == before
