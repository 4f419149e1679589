"""``carewheel report``: funnel numbers against an independent computation on a tiny input,
messy inputs (missing columns, unknown ids, duplicates, date formats, header spellings), the
SQLite lead store, the demo data, and the HTML report (parses, no script, no external URL)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import sqlite3
import statistics
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner, Result

from generator import funnel, funnel_output, tables
from generator.cli_flywheel import report
from generator.errors import SourceError
from generator.funnel import CampaignInfo
from generator.tables import DataWarnings, parse_datetime
from tests.conftest import ROOT

DEMO = ROOT / "demo-data"
UTC = dt.UTC

CAMPAIGNS = {
    "cmp-0001": CampaignInfo(
        "heart", "cmp-0001", "Heart", "cardiology", "consult", dt.date(2026, 11, 1), dt.date(2026, 12, 31)
    ),
    "cmp-0002": CampaignInfo(
        "checkup",
        "cmp-0002",
        "Checkup",
        "primary-care",
        "physical",
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 31),
    ),
}

# A tiny funnel, by hand. Lead: (id, received, tracking id, variant, channel).
LEADS = [
    ("L1", dt.datetime(2026, 11, 2, 9, tzinfo=UTC), "cmp-0001", "a", "google-cpc"),
    ("L2", dt.datetime(2026, 11, 2, 10, tzinfo=UTC), "cmp-0001", "b", "bing-cpc"),
    ("L3", dt.datetime(2026, 11, 3, 8, tzinfo=UTC), "cmp-0001", "a", "google-cpc"),
    ("L4", dt.datetime(2026, 11, 10, 12, tzinfo=UTC), "cmp-0002", "a", "newsletter-email"),
    ("L5", dt.datetime(2026, 11, 11, 12, tzinfo=UTC), "cmp-0002", "a", "newsletter-email"),
]
# Appointment rows: (lead id, hours from the lead to first contact, status, follow-up done).
APPOINTMENTS = [
    ("L1", 1.0, "attended", "yes"),
    ("L2", 3.0, "", ""),  # contacted, not booked
    ("L3", 26.0, "no-show", "no"),
    ("L4", 2.0, "cancelled", ""),
    ("L4", 5.0, "booked", ""),  # rebooked; the earlier contact counts
]  # L5 was never contacted


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def tiny_files(folder: Path) -> tuple[Path, Path]:
    """The tiny funnel as a CRM export and an appointments export."""
    received = {lead_id: when for lead_id, when, *_ in LEADS}
    leads = ["lead_id,received_at,tracking_id,variant,channel,service_line"]
    leads += [f"{i},{when.isoformat()},{t},{v},{c}," for i, when, t, v, c in LEADS]
    rows = ["lead_id,tracking_id,booked_at,status,first_contact_at,follow_up_completed"]
    for lead_id, hours, status, follow_up in APPOINTMENTS:
        contact = received[lead_id] + dt.timedelta(hours=hours)
        booked = contact.isoformat() if status else ""
        rows.append(f"{lead_id},,{booked},{status},{contact.isoformat()},{follow_up}")
    return write(folder, "leads.csv", "\n".join(leads) + "\n"), write(
        folder, "appts.csv", "\n".join(rows) + "\n"
    )


def build(leads: Path, appointments: Path) -> funnel.FunnelReport:
    warnings = DataWarnings()
    return funnel.build_report(
        funnel.read_leads(leads, leads.name, CAMPAIGNS, UTC, warnings),
        funnel.read_appointments(appointments, appointments.name, UTC, warnings),
        CAMPAIGNS,
        warnings,
    )


def expected(lead_ids: set[str]) -> dict[str, Any]:
    """The funnel of ``lead_ids``, computed straight from the tables above."""
    rows = [a for a in APPOINTMENTS if a[0] in lead_ids]
    first_contact: dict[str, float] = {}
    for lead_id, hours, *_ in rows:
        first_contact[lead_id] = min(hours, first_contact.get(lead_id, hours))
    booked = {lead_id for lead_id, _, status, _ in rows if status}
    attended = sum(1 for r in rows if r[2] == "attended")
    no_shows = sum(1 for r in rows if r[2] == "no-show")
    answers = [r[3] for r in rows if r[3]]
    return {
        "leads": len(lead_ids),
        "contacted": len(first_contact),
        "median": statistics.median(first_contact.values()) if first_contact else None,
        "booking": round(100 * len(booked) / len(lead_ids)),
        "show": round(100 * attended / (attended + no_shows)) if attended + no_shows else None,
        "follow_up": round(100 * answers.count("yes") / len(answers)) if answers else None,
    }


def as_expected(summary: funnel.Summary) -> dict[str, Any]:
    return {
        "leads": summary.leads,
        "contacted": summary.contacted,
        "median": summary.median_response_hours,
        "booking": summary.booking_rate,
        "show": summary.show_rate,
        "follow_up": summary.follow_up_rate,
    }


def test_tiny_funnel_matches_an_independent_computation(tmp_path: Path) -> None:
    result = build(*tiny_files(tmp_path))
    assert result.warnings.total == 0
    campaign = {r.campaign: r.summary for r in result.rows if r.dimension == "campaign"}
    assert as_expected(campaign["heart"]) == expected({"L1", "L2", "L3"})
    assert as_expected(campaign["checkup"]) == expected({"L4", "L5"})
    assert as_expected(result.total()) == expected({"L1", "L2", "L3", "L4", "L5"})
    # The hand-checked values, so the computation above cannot drift with the code:
    assert result.total().median_response_hours == 2.5  # median of 1, 3, 26 and 2 hours
    assert (result.total().booked, result.total().cancelled) == (3, 1)
    channels = {(r.campaign, r.channel): r.summary for r in result.rows if r.dimension == "channel"}
    assert as_expected(channels[("heart", "google-cpc")]) == expected({"L1", "L3"})
    assert as_expected(channels[("heart", "bing-cpc")]) == expected({"L2"})
    variants = {(r.campaign, r.variant): r.summary for r in result.rows if r.dimension == "variant"}
    assert as_expected(variants[("heart", "a")]) == expected({"L1", "L3"})
    assert as_expected(variants[("checkup", "a")]) == expected({"L4", "L5"})
    lines = {r.service_line: r.summary for r in result.rows if r.dimension == "service_line"}
    assert as_expected(lines["cardiology"]) == expected({"L1", "L2", "L3"})


def test_weekly_and_monthly_views_say_what_changed(tmp_path: Path) -> None:
    result = build(*tiny_files(tmp_path))
    weeks = {r.label: r for r in result.weekly if r.campaign == "all"}
    assert list(weeks) == ["2026-W45", "2026-W46"]  # L1-L3 in the week of Nov 2, L4-L5 of Nov 9
    assert weeks["2026-W45"].change == "no earlier period to compare with"
    before, after = expected({"L1", "L2", "L3"}), expected({"L4", "L5"})
    assert weeks["2026-W46"].change == (
        f"leads down 33% ({before['leads']} → {after['leads']}); "
        f"lead→appointment rate down {before['booking'] - after['booking']} points "
        f"({before['booking']}% → {after['booking']}%); "
        "median response time down 1.0 h (3.0 h → 2.0 h)"
    )
    assert weeks["2026-W46"].partial  # the data ends on its Wednesday
    assert not weeks["2026-W45"].partial
    months = [r for r in result.monthly if r.campaign == "all"]
    assert [(m.label, m.summary.leads) for m in months] == [("2026-11", 5)]
    weekly_csv = list(csv.DictReader(funnel_output.periods_csv(result.weekly).splitlines()))
    heart = [r for r in weekly_csv if r["campaign"] == "heart"]
    assert [(r["period"], r["leads"]) for r in heart] == [("2026-W45", "3"), ("2026-W46", "0")]
    assert heart[1]["change"].startswith("leads down 100% (3 → 0)")


@pytest.mark.parametrize(
    ("before", "after", "words"),
    [
        (15, 18, "leads up 20% (15 → 18)"),
        (20, 18, "leads down 10% (20 → 18)"),
        (18, 18, "leads unchanged (18)"),
        (0, 4, "leads up from none (0 → 4)"),
        (8, 9, "leads up 13% (8 → 9)"),  # 12.5% rounds half up
    ],
)
def test_change_in_words(before: int, after: int, words: str) -> None:
    assert funnel.count_change("leads", before, after) == words


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-11-28", dt.datetime(2026, 11, 28, tzinfo=UTC)),
        ("2026-11-28T14:05", dt.datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        ("2026-11-28 14:05", dt.datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        ("2026-11-28T14:05:30Z", dt.datetime(2026, 11, 28, 14, 5, 30, tzinfo=UTC)),
        ("2026-11-28T09:05-05:00", dt.datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        ("2026-11-28T15:05+0100", dt.datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        ("11/28/2026", dt.datetime(2026, 11, 28, tzinfo=UTC)),
        ("11/28/2026 2:05 PM", dt.datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        ("11/28/2026 12:30 am", dt.datetime(2026, 11, 28, 0, 30, tzinfo=UTC)),
        ("28.11.2026", dt.datetime(2026, 11, 28, tzinfo=UTC)),
        ("28.11.2026 14:05", dt.datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
    ],
)
def test_dates_in_several_formats(text: str, moment: dt.datetime) -> None:
    assert parse_datetime(text, UTC) == moment


@pytest.mark.parametrize(
    "text", ["28/11/2026", "Nov 28 2026", "yesterday", "2026-13-01", "11/28/26", "13:05 PM"]
)
def test_dates_in_no_known_format_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_datetime(text, UTC)


def test_times_without_a_zone_are_in_the_chosen_zone() -> None:
    chicago = tables.resolve_timezone("America/Chicago")
    assert parse_datetime("2026-11-28 08:00", chicago).astimezone(UTC) == dt.datetime(
        2026, 11, 28, 14, tzinfo=UTC
    )
    assert parse_datetime("2026-11-28T08:00Z", chicago).astimezone(UTC).hour == 8


def test_mixed_date_formats_are_read_and_a_bad_one_is_a_counted_warning(tmp_path: Path) -> None:
    leads = write(
        tmp_path,
        "leads.csv",
        "lead_id,received_at,tracking_id\n"
        "1,2026-11-02T09:00:00Z,cmp-0001\n"
        "2,11/03/2026 9:00 AM,cmp-0001\n"
        "3,04.11.2026,cmp-0001\n"
        "4,2026-11-05 17:45,cmp-0001\n"
        "5,the day after,cmp-0001\n",
    )
    appointments = write(tmp_path, "appts.csv", "lead_id,status,first_contact_at\n1,,sometime\n")
    result = build(leads, appointments)
    assert sorted(o.lead.received_at.day for o in result.outcomes) == [2, 3, 4, 5]
    assert result.warnings.counts == {tables.BAD_DATE: 2}
    wheres = [where for where, _ in result.warnings.examples[tables.BAD_DATE]]
    assert wheres == ["leads.csv:6", "appts.csv:2"]
    assert result.total().contacted == 0  # the unreadable contact time was blanked, not guessed


def test_unknown_ids_duplicates_and_bad_rows_are_counted_with_their_lines(tmp_path: Path) -> None:
    leads = write(
        tmp_path,
        "leads.csv",
        "# exported from the CRM\n"
        "lead_id,received_at,tracking_id,variant\n"
        "1,2026-11-02,cmp-0001,a\n"
        "2,2026-11-02,CMP-0002,a\n"  # tracking ids ignore case
        "1,2026-11-02,cmp-0001,a\n"  # the same row twice
        "2,2026-11-03,cmp-0002,b\n"  # a second lead with the same id
        "3,2026-11-02,cmp-0999,a\n"  # no such campaign
        "4,2026-11-02\n"  # too few fields
        "\n"
        "5,2026-11-04,,a\n",  # no campaign: counted under (no campaign)
    )
    appointments = write(
        tmp_path,
        "appts.csv",
        "lead_id,tracking_id,status,first_contact_at\n"
        "1,,attended,2026-11-02T05:00\n"
        "1,,attended,2026-11-02T05:00\n"  # duplicate row
        "99,,attended,2026-11-02\n"  # no such lead
        ",cmp-0002,attended,2026-11-02\n"  # a booking without a lead: counted per campaign
        ",cmp-0777,attended,2026-11-02\n"  # no such campaign
        "2,,maybe,2026-11-02\n"  # unknown status
        "2,,booked,2026-11-01\n",  # contact before the lead
    )
    result = build(leads, appointments)
    counts = result.warnings.counts
    assert counts == {
        funnel.DUPLICATE_ROW: 2,
        funnel.DUPLICATE_LEAD: 1,
        funnel.UNKNOWN_TRACKING_ID: 2,
        tables.BAD_ROW: 1,
        funnel.UNKNOWN_LEAD: 1,
        funnel.BAD_STATUS: 1,
        funnel.CONTACT_BEFORE_LEAD: 1,
    }
    where = {kind: [w for w, _ in shown] for kind, shown in result.warnings.examples.items()}
    assert where[funnel.DUPLICATE_ROW] == ["leads.csv:5", "appts.csv:3"]
    assert where[funnel.DUPLICATE_LEAD] == ["leads.csv:6"]
    assert where[funnel.UNKNOWN_TRACKING_ID] == ["leads.csv:7", "appts.csv:6"]
    assert where[tables.BAD_ROW] == ["leads.csv:8"]
    assert where[funnel.CONTACT_BEFORE_LEAD] == ["appts.csv:8"]
    campaigns = {r.campaign: r.summary for r in result.rows if r.dimension == "campaign"}
    assert campaigns["heart"].leads == 1
    assert (campaigns["checkup"].leads, campaigns["checkup"].unlinked, campaigns["checkup"].booked) == (
        1,
        1,
        1,
    )
    assert campaigns[funnel.NO_CAMPAIGN].leads == 1
    assert result.total().leads == 3
    assert result.total().unlinked == 1
    assert campaigns["checkup"].contacted == 0  # its only contact time came before the lead


def test_only_the_first_few_warnings_of_a_kind_are_listed(tmp_path: Path) -> None:
    rows = "".join(f"{i},2026-11-02,cmp-0{i:03d}\n" for i in range(100, 112))
    leads = write(tmp_path, "leads.csv", "lead_id,received_at,tracking_id\n" + rows)
    result = build(leads, write(tmp_path, "appts.csv", "lead_id,status,first_contact_at\n"))
    assert result.warnings.counts[funnel.UNKNOWN_TRACKING_ID] == 12
    lines = result.warnings.lines()
    assert len(lines) == tables.SHOWN_PER_KIND + 1
    assert lines[0].startswith("leads.csv:2: warning: unknown tracking id:")
    assert lines[-1] == f"... and {12 - tables.SHOWN_PER_KIND} more unknown tracking id warnings"


def test_common_header_spellings_semicolons_and_a_byte_order_mark(tmp_path: Path) -> None:
    leads = tmp_path / "crm.csv"
    leads.write_bytes(
        "\ufeffLead ID;Created At;UTM ID;UTM Content;Source / Medium;Department\n"
        "A-1;2026-11-02 09:00;cmp-0001;B;Google / CPC;Cardiology\n".encode()
    )
    appointments = write(
        tmp_path,
        "appts.csv",
        "Lead,Appointment Status,First Contact,Booked,Follow-up\n"
        "A-1,Showed,2026-11-02 11:00,2026-11-02,Yes\n",
    )
    result = build(leads, appointments)
    assert result.warnings.total == 0
    (outcome,) = result.outcomes
    lead = outcome.lead
    assert (lead.id, lead.campaign, lead.variant, lead.channel, lead.service_line) == (
        "A-1",
        "heart",
        "b",
        "google-cpc",
        "cardiology",
    )
    assert (outcome.statuses, outcome.follow_ups, outcome.response_hours) == (("attended",), (True,), 2.0)


@pytest.mark.parametrize(
    ("name", "text", "column"),
    [
        ("leads.csv", "lead_id,tracking_id\n1,cmp-0001\n", "received_at"),
        ("leads.csv", "# comment\nid,received,campaign\n1,2026-11-02,cmp-0001\n", "tracking_id"),
        ("appts.csv", "lead_id,first_contact_at\n1,2026-11-02\n", "status"),
        ("appts.csv", "status,first_contact_at\nattended,2026-11-02\n", "'lead_id' or 'tracking_id'"),
    ],
)
def test_a_missing_required_column_is_an_error_naming_file_and_column(
    tmp_path: Path, name: str, text: str, column: str
) -> None:
    path = write(tmp_path, name, text)

    def read() -> object:
        if name == "leads.csv":
            return funnel.read_leads(path, name, CAMPAIGNS, UTC, DataWarnings())
        return funnel.read_appointments(path, name, UTC, DataWarnings())

    with pytest.raises(SourceError) as caught:
        read()
    error = caught.value
    assert error.path == name
    assert error.line == (2 if text.startswith("#") else 1)
    assert column in error.message


def test_two_headers_for_one_column_are_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "lead_id,received_at,created_at,tracking_id\n")
    with pytest.raises(SourceError, match="both mean 'received_at'"):
        funnel.read_leads(path, "leads.csv", CAMPAIGNS, UTC, DataWarnings())


# --- The SQLite lead store --------------------------------------------------------------------------

STORE_SCHEMA = (
    "CREATE TABLE leads (id INTEGER PRIMARY KEY, received_at TEXT, tracking_id TEXT, variant TEXT, "
    "channel TEXT, pathway TEXT, service_line TEXT, ft_utm_source TEXT, ft_utm_medium TEXT, "
    "ft_utm_campaign TEXT, ft_utm_content TEXT, ft_utm_term TEXT, ft_utm_id TEXT, lt_utm_source TEXT, "
    "lt_utm_medium TEXT, lt_utm_campaign TEXT, lt_utm_content TEXT, lt_utm_term TEXT, lt_utm_id TEXT, "
    "name TEXT, phone TEXT, best_time TEXT)"
)


_connect = sqlite3.connect
"""The real ``connect``, for writing test stores while the report's statements are traced."""


def store(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    with _connect(path) as connection:
        connection.execute(STORE_SCHEMA)
        connection.executemany(
            "INSERT INTO leads (id, received_at, tracking_id, variant, channel, service_line, "
            "lt_utm_source, lt_utm_medium, name, phone, best_time) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Pat Doe', '555-0100', 'am')",
            rows,
        )
    connection.close()
    return path


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the report runs."""
    seen: list[str] = []
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real(*args, **kwargs)
        connection.set_trace_callback(seen.append)
        return connection

    monkeypatch.setattr(funnel.sqlite3, "connect", connect)
    return seen


def test_the_lead_store_is_read_without_contact_details(tmp_path: Path, statements: list[str]) -> None:
    path = store(
        tmp_path / "leads.sqlite",
        [
            (1, "2026-11-02T09:00:00+00:00", "cmp-0001", "a", "google-cpc", "cardiology", None, None),
            (2, "2026-11-02T10:00:00+00:00", "cmp-0001", "b", None, None, "bing", "cpc"),
            (3, "2026-11-02T11:00:00+00:00", "cmp-0404", "a", None, None, None, None),
        ],
    )
    appointments = write(
        tmp_path, "appts.csv", "lead_id,status,first_contact_at\n2,booked,2026-11-02T12:00Z\n"
    )
    result = build(path, appointments)
    leads = {o.lead.id: o.lead for o in result.outcomes}
    assert sorted(leads) == ["1", "2"]
    assert leads["2"].channel == "bing-cpc"  # from the last touch when the channel is empty
    assert leads["2"].service_line == "cardiology"  # from the campaign
    assert result.outcomes[1].response_hours == 2.0
    assert result.warnings.examples[funnel.UNKNOWN_TRACKING_ID][0][0] == "leads.sqlite:id=3"
    assert statements, "the store was not read through sqlite3"
    for statement in statements:
        for column in ("name", "phone", "best_time"):
            assert column not in statement.replace("table_info", ""), statement


def test_a_lead_from_the_real_lead_store_reaches_the_report(project: Path, tmp_path: Path) -> None:
    from generator.leads import LeadStore, parse_submission

    store_path = project / "build/leads.sqlite"  # where `carewheel serve` keeps them: report's default
    store_path.parent.mkdir(parents=True)
    lead_store = LeadStore(store_path)
    fields = {"pathway": "new-patient-consult", "service_line": "cardiology", "best_time": "morning"}
    first = lead_store.add(
        parse_submission(
            {
                **fields,
                "tracking_id": "cmp-0001",
                "variant": "b",
                "lt_utm_source": "bing",
                "lt_utm_medium": "cpc",
            }
            | {"name": "Pat Example", "phone": "(555) 010-0000"}
        ),
        received_at=dt.datetime(2026, 11, 20, 15, tzinfo=UTC),
    )
    lead_store.add(
        parse_submission({**fields, "name": "Sam Example", "phone": "(555) 010-0001"}),
        received_at=dt.datetime(2026, 11, 21, 9, tzinfo=UTC),
    )
    appointments = write(
        tmp_path, "appts.csv", f"lead_id,status,first_contact_at\n{first},booked,2026-11-20T16:30:00Z\n"
    )
    result = run_report(project, "--appointments", str(appointments))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((project / "build/reports/report.csv").read_text("utf-8").splitlines()))
    channel = next(r for r in rows if r["dimension"] == "channel")
    assert (channel["tracking_id"], channel["channel"], channel["leads"]) == ("cmp-0001", "bing-cpc", "1")
    assert (channel["booked"], channel["median_response_hours"]) == ("1", "1.50")
    campaigns = {r["campaign"]: r["leads"] for r in rows if r["dimension"] == "campaign"}
    assert campaigns == {"chest-pain-search": "1", funnel.NO_CAMPAIGN: "1"}  # a form on a content page
    html = (project / "build/reports/report.html").read_text("utf-8")
    assert "Example" not in html  # names never reach the report
    assert "010-00" not in html


def test_report_without_leads_needs_the_lead_store(project: Path) -> None:
    result = run_report(project, "--appointments", str(DEMO / "appointments.csv"))
    assert result.exit_code == 1
    assert "no lead store at build/leads.sqlite" in result.stderr


def test_a_lead_store_without_a_required_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "leads.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE leads (id INTEGER PRIMARY KEY, tracking_id TEXT)")
    connection.close()
    with pytest.raises(SourceError, match="missing required column 'received_at' in table `leads`"):
        funnel.read_leads(path, "leads.sqlite", CAMPAIGNS, UTC, DataWarnings())


# --- The command, on the demo project -----------------------------------------------------------------


def run_report(project: Path, *args: str) -> Result:
    return CliRunner().invoke(report, [*args, "-f", str(project / "mkdocs.yml")])


def demo_args() -> list[str]:
    return ["--leads", str(DEMO / "leads.csv"), "--appointments", str(DEMO / "appointments.csv")]


def read_demo(name: str) -> list[dict[str, str]]:
    lines = (DEMO / name).read_text("utf-8").splitlines()
    assert lines[0].startswith("# FICTIONAL"), f"{name} must say it is fictional"
    return list(csv.DictReader(lines[1:]))


def test_demo_data_report_matches_the_exports(project: Path) -> None:
    result = run_report(project, *demo_args())
    assert result.exit_code == 0, result.output
    out = project / "build/reports"
    assert sorted(p.name for p in out.iterdir()) == ["monthly.csv", "report.csv", "report.html", "weekly.csv"]
    # Independent counts from the exports themselves.
    leads = read_demo("leads.csv")
    rows = {tuple(r.values()) for r in read_demo("appointments.csv")}  # a set: the duplicate row counts once
    ids = {r["lead_id"]: r["tracking_id"] for r in leads}
    booked = {r[0] for r in rows if r[0] in ids and r[3]}
    report_rows = list(csv.DictReader((out / "report.csv").read_text("utf-8").splitlines()))
    by_campaign = {r["tracking_id"]: r for r in report_rows if r["dimension"] == "campaign"}
    for tracking_id in sorted(set(ids.values())):
        mine = {lead_id for lead_id, t in ids.items() if t == tracking_id}
        assert int(by_campaign[tracking_id]["leads"]) == len(mine)
        assert int(by_campaign[tracking_id]["booked"]) == len(mine & booked)
    total = next(r for r in report_rows if r["dimension"] == "all")
    attended = sum(1 for r in rows if r[0] in ids and r[3] == "attended")
    no_shows = sum(1 for r in rows if r[0] in ids and r[3] == "no-show")
    assert (int(total["leads"]), int(total["attended"]), int(total["no_shows"])) == (
        len(ids),
        attended,
        no_shows,
    )
    assert abs(float(total["show_rate"]) - attended / (attended + no_shows)) <= 0.005
    assert 250 <= len(ids) <= 350
    assert 0.3 <= len(booked) / len(ids) <= 0.5
    assert 0.7 <= attended / (attended + no_shows) <= 0.9
    # The messy rows: one duplicate, one unknown tracking id; the US-format date is read.
    assert "appointments.csv:4: warning: duplicate row" in result.stderr
    assert "warning: unknown tracking id: 'cmp-0099'" in result.stderr
    assert "unparseable date" not in result.stderr
    assert total["appointments_without_lead"] == "1"


def test_the_demo_data_is_what_the_script_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_demo_data", DEMO / "make_demo_data.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    assert [p.name for p in written] == ["leads.csv", "appointments.csv", "questions.csv"]
    for path in written:
        assert path.read_bytes() == (DEMO / path.name).read_bytes(), f"demo-data/{path.name} is stale"
        assert path.stat().st_size < 40_000


def test_reports_are_deterministic(project: Path, tmp_path: Path) -> None:
    for folder in ("one", "two"):
        assert run_report(project, *demo_args(), "-o", str(tmp_path / folder)).exit_code == 0
    for name in ("report.html", "report.csv", "weekly.csv", "monthly.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_missing_column_exits_1_with_path_and_line_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    leads = write(tmp_path, "leads.csv", "# note\nlead_id,tracking_id\n1,cmp-0001\n")
    result = run_report(project, "--leads", str(leads), "--appointments", str(DEMO / "appointments.csv"))
    assert result.exit_code == 1
    assert f"{leads}:2: missing required column 'received_at'" in result.stderr
    assert "Traceback" not in result.output
    assert not (project / "build/reports").exists()


def test_reports_are_never_written_into_the_site(project: Path) -> None:
    result = run_report(project, *demo_args(), "-o", str(project / "site/reports"))
    assert result.exit_code == 1
    assert "inside site_dir" in result.stderr
    assert not (project / "site/reports").exists()


def test_a_missing_input_file_is_a_clear_error(project: Path) -> None:
    result = run_report(project, "--leads", "nope.csv", "--appointments", str(DEMO / "appointments.csv"))
    assert result.exit_code == 1
    assert "no file" in result.stderr
    assert "nope.csv" in result.stderr


# --- The HTML report ----------------------------------------------------------------------------------


@pytest.fixture
def html(tmp_path: Path) -> BeautifulSoup:
    leads, appointments = tiny_files(tmp_path)
    with leads.open("a", encoding="utf-8") as handle:  # variants are shown as given (lowercase)
        handle.write('L9,2026-11-04,cmp-0001,"<script>alert(""x"")</script>",google-cpc,\n')
        handle.write("L10,2026-11-04,cmp-0001,=HYPERLINK(1),google-cpc,\n")
    result = build(leads, appointments)
    files = funnel_output.write_report(result, tmp_path / "out")
    cells = [
        r["variant"] for r in csv.DictReader((tmp_path / "out/report.csv").read_text("utf-8").splitlines())
    ]
    assert "'=hyperlink(1)" in cells  # never a spreadsheet formula
    return BeautifulSoup(files[0].read_text("utf-8"), "html.parser")


def test_html_report_is_self_contained_and_scriptless(html: BeautifulSoup) -> None:
    assert html.find("html")["lang"] == "en"
    assert html.find("script") is None
    assert html.find(["link", "img", "iframe", "object", "embed", "base"]) is None
    for tag in html.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert "://" not in text, (tag.name, name, text)
            assert not text.startswith("//"), (tag.name, name, text)
            assert not name.startswith("on"), (tag.name, name)
    assert "://" not in html.get_text()
    assert "url(" not in html.find("style").get_text()
    assert "<script>" in html.get_text()  # the hostile channel is shown as text, escaped


def test_html_report_tables_and_charts_are_accessible(html: BeautifulSoup) -> None:
    tables = html.find_all("table")
    assert len(tables) >= 6
    for table in tables:
        assert table.find("caption").get_text(strip=True)
        for th in table.find_all("th"):
            assert th.get("scope") in ("col", "row"), th
    charts = html.find_all("svg")
    assert len(charts) >= 5
    for svg in charts:
        assert svg["role"] == "img"
        labels = svg["aria-labelledby"].split()
        assert [svg.find(id=label).name for label in labels] == ["title", "desc"]
        assert svg.find("title").get_text(strip=True)
        desc = svg.find("desc").get_text()
        bars = svg.find_all("g")
        assert bars
        for bar in bars:  # the description reads out every bar: label and value
            assert bar.find("title").get_text() in desc
    headings = [h.get_text() for h in html.find_all("h2")]
    assert {"By campaign", "By channel", "By variant", "By service line", "Weekly", "Monthly"} <= set(
        headings
    )


@pytest.mark.browser
def test_html_report_passes_axe_and_requests_nothing(project: Path) -> None:
    from tests.browser import AXE, CHROMIUM, CHROMIUM_ARGS, WCAG_TAGS, require_tools

    require_tools()
    assert run_report(project, *demo_args()).exit_code == 0
    from playwright.sync_api import sync_playwright

    page_file = project / "build/reports/report.html"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(java_script_enabled=False).new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        assert page.locator("svg[role=img]").count() >= 5  # charts render without JavaScript
        assert requests == [page_file.as_uri()]
        audit = browser.new_context(bypass_csp=True).new_page()
        audit.goto(page_file.as_uri())
        audit.evaluate(AXE.read_text("utf-8"))
        result = audit.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        browser.close()
    assert [v["id"] for v in result["violations"]] == []
    assert result["passes"]
