"""``carewheel report``'s files: the report as CSV (per group and per period) and as one
HTML page with SVG bar charts that reads without JavaScript and loads nothing.

Written outside ``site/`` (``build/reports/`` by default), never published.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import UsageError

if TYPE_CHECKING:
    from generator.project import Project
from generator.funnel import ALL, FunnelReport, PeriodRow, Summary, format_hours, rate_text

# --- Output --------------------------------------------------------------------------------------

SUMMARY_FIELDS = (
    "leads",
    "contacted",
    "median_response_hours",
    "booked",
    "lead_to_appointment_rate",
    "attended",
    "no_shows",
    "cancelled",
    "show_rate",
    "follow_ups_done",
    "follow_ups_due",
    "follow_up_adherence",
    "appointments_without_lead",
)
REPORT_FIELDS = (
    "dimension",
    "campaign",
    "tracking_id",
    "service_line",
    "channel",
    "variant",
    *SUMMARY_FIELDS,
)
PERIOD_FIELDS = ("period", "start", "end", "partial", "campaign", *SUMMARY_FIELDS, "change")


def summary_fields(summary: Summary) -> dict[str, str]:
    """A summary as CSV cells: counts, hours with two decimals, rates as fractions."""

    def fraction(value: int | None) -> str:
        return "" if value is None else f"{value / 100:.2f}"

    hours = summary.median_response_hours
    return {
        "leads": str(summary.leads),
        "contacted": str(summary.contacted),
        "median_response_hours": "" if hours is None else f"{hours:.2f}",
        "booked": str(summary.booked),
        "lead_to_appointment_rate": fraction(summary.booking_rate),
        "attended": str(summary.attended),
        "no_shows": str(summary.no_shows),
        "cancelled": str(summary.cancelled),
        "show_rate": fraction(summary.show_rate),
        "follow_ups_done": str(summary.follow_ups_done),
        "follow_ups_due": str(summary.follow_ups_due),
        "follow_up_adherence": fraction(summary.follow_up_rate),
        "appointments_without_lead": str(summary.unlinked),
    }


def _cell(value: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(fields: Sequence[str], records: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _cell(v) for k, v in record.items()})
    return out.getvalue()


def report_csv(report: FunnelReport) -> str:
    """``report.csv``: one row per group."""
    return _csv(
        REPORT_FIELDS,
        (
            {
                "dimension": r.dimension,
                "campaign": r.campaign,
                "tracking_id": r.tracking_id,
                "service_line": r.service_line,
                "channel": r.channel,
                "variant": r.variant,
                **summary_fields(r.summary),
            }
            for r in report.rows
        ),
    )


def periods_csv(rows: list[PeriodRow]) -> str:
    """``weekly.csv`` or ``monthly.csv``: one row per period and campaign."""
    return _csv(
        PERIOD_FIELDS,
        (
            {
                "period": r.label,
                "start": r.start.isoformat(),
                "end": r.end.isoformat(),
                "partial": "yes" if r.partial else "no",
                "campaign": r.campaign,
                **summary_fields(r.summary),
                "change": r.change,
            }
            for r in rows
        ),
    )


def check_output_dir(project: Project, folder: Path) -> Path:
    """``folder`` resolved; refused inside the site or content folders (reports are never published)."""
    resolved = folder.resolve()
    for name, inside in (("site_dir", project.site_dir), ("docs_dir", project.docs_dir)):
        if resolved == inside or inside in resolved.parents:
            raise UsageError(
                f"{project.display(resolved)} is inside {name} ({project.display(inside)}); reports hold "
                "internal numbers and are never published: choose a folder outside it (default build/reports)"
            )
    return resolved


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write each file beside its target, then rename it into place."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        target = folder / name
        temporary = folder / f".{name}.writing-{os.getpid()}"
        temporary.write_text(text, "utf-8", newline="\n")
        temporary.replace(target)
        written.append(target)
    return written


def write_report(report: FunnelReport, folder: Path) -> list[Path]:
    """Write ``report.html``, ``report.csv``, ``weekly.csv`` and ``monthly.csv`` into ``folder``."""
    return write_files(
        folder,
        {
            "report.html": render_html(report),
            "report.csv": report_csv(report),
            "weekly.csv": periods_csv(report.weekly),
            "monthly.csv": periods_csv(report.monthly),
        },
    )


# --- HTML ----------------------------------------------------------------------------------------

CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#fff;margin:0}
main{max-width:75rem;margin:0 auto;padding:1rem 1.5rem 3rem}
h1{font-size:1.8rem;margin:.5rem 0}
h2{font-size:1.35rem;margin-top:2.5rem;border-top:1px solid #ccc;padding-top:1rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #8a8a8a;padding:.3rem .55rem;vertical-align:top}
thead th{background:#e6edf3;text-align:left}
tbody th{text-align:left;font-weight:600;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.words{min-width:24rem}
figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.4rem}
svg text{font:13px system-ui,sans-serif;fill:#1a1a1a}
svg .bar{fill:#1d5a85}svg .axis{stroke:#555}
.note{color:#3d3d3d}dt{font-weight:600}dd{margin:0 0 .6rem 1.2rem}
""".strip()


CSP = "default-src 'none'; style-src 'unsafe-inline'"
"""The report loads nothing: no scripts, images, fonts or requests; only its inline CSS."""


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 lead``, ``2 leads``."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(
    caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *, row_headers: int = 1
) -> str:
    """An HTML table with a caption, column headers and row headers; numbers aligned right."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if i < row_headers:
                cells.append(f'<th scope="row">{_e(value)}</th>')
            else:
                numeric = bool(re.fullmatch(r"[0-9.,% ]+(h|min|days)?|n/a", value))
                kind = "n" if numeric else "words" if len(value) > 60 else ""
                cells.append(f'<td class="{kind}">{_e(value)}</td>' if kind else f"<td>{_e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><caption>{_e(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def bar_chart(
    ident: str, title: str, items: Sequence[tuple[str, float | None]], fmt: Callable[[float], str]
) -> str:
    """A horizontal bar chart as inline SVG, with a title and a description that lists every value."""
    row, label_width, bar_width, pad = 24, 240, 360, 6
    width, height = label_width + bar_width + 110, row * len(items) + 2 * pad
    peak = max((v for _, v in items if v is not None), default=0.0)
    described = "; ".join(f"{label}: {fmt(v) if v is not None else 'no data'}" for label, v in items)
    parts = [
        f'<figure><figcaption id="{ident}-caption">{_e(title)}</figcaption>'
        f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">',
        f'<title id="{ident}-title">{_e(title)}</title><desc id="{ident}-desc">{_e(described)}</desc>',
    ]
    for i, (label, value) in enumerate(items):
        y = pad + i * row
        length = 0.0 if not value or not peak else bar_width * value / peak
        shown = fmt(value) if value is not None else "no data"
        parts.append(
            f"<g><title>{_e(label)}: {_e(shown)}</title>"
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{_e(_short(label))}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}">{_e(shown)}</text></g>'
        )
    parts.append(
        f'<line class="axis" x1="{label_width}" y1="{pad}" x2="{label_width}" y2="{height - pad}"/>'
        "</svg></figure>"
    )
    return "".join(parts)


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _summary_cells(s: Summary) -> list[str]:
    return [
        str(s.leads),
        str(s.contacted),
        format_hours(s.median_response_hours),
        str(s.booked),
        rate_text(s.booking_rate),
        str(s.attended),
        str(s.no_shows),
        rate_text(s.show_rate),
        rate_text(s.follow_up_rate),
    ]


SUMMARY_HEADERS = (
    "Leads",
    "Contacted",
    "Median response",
    "Booked",
    "Lead→appointment",
    "Attended",
    "No-shows",
    "Show rate",
    "Follow-up adherence",
)


def _period_section(kind: str, rows: list[PeriodRow]) -> str:
    totals = [r for r in rows if r.campaign == ALL]
    if not totals:
        return f"<p>No leads, so no {kind} view.</p>"
    latest = totals[-1]
    noun = "week" if kind == "weekly" else "month"
    partial = " (the data ends before this period does, so it may be incomplete)" if latest.partial else ""
    changes = [f"<li><strong>All campaigns</strong>: {_e(latest.change)}</li>"]
    for r in rows:
        if r.label == latest.label and r.campaign != ALL:
            changes.append(f"<li><strong>{_e(r.campaign)}</strong>: {_e(r.change)}</li>")
    chart = bar_chart(
        f"{kind}-leads",
        f"Leads per {noun}",
        [(r.label, float(r.summary.leads)) for r in totals],
        lambda v: f"{v:.0f}",
    )
    table = _table(
        f"Leads per {noun}, all campaigns, with the change since the {noun} before "
        f"(every number per campaign is in {kind}.csv)",
        ("Period", "Leads", "Median response", "Lead→appointment", "No-shows", "Show rate", "Change"),
        [
            [
                r.label,
                str(r.summary.leads),
                format_hours(r.summary.median_response_hours),
                rate_text(r.summary.booking_rate),
                str(r.summary.no_shows),
                rate_text(r.summary.show_rate),
                r.change,
            ]
            for r in totals
        ],
    )
    return f"<h3>Latest {noun}: {_e(latest.label)}{_e(partial)}</h3><ul>{''.join(changes)}</ul>{chart}{table}"


DEFINITIONS = (
    (
        "Leads",
        "Form or CRM leads with a known campaign tracking id, counted in the period they were received.",
    ),
    (
        "Median response",
        "The middle of the times from a lead to its first contact. Leads never contacted are left out.",
    ),
    (
        "Lead→appointment",
        "Leads with at least one appointment (booked, attended, no-show or cancelled), of all leads.",
    ),
    (
        "Show rate",
        "Attended appointments of those attended or missed. Cancelled and upcoming ones are left out.",
    ),
    ("Follow-up adherence", "Appointments whose follow-up was completed, of those with a yes or no answer."),
    (
        "Appointments without a lead",
        "Appointments recorded only with a campaign's tracking id (a phone booking, say). "
        "They are counted per campaign but left out of the rates.",
    ),
)


def _breakdown(report: FunnelReport, dimension: str, column: str, caption: str) -> str:
    """The table of one per-campaign breakdown (``channel`` or ``variant``)."""
    rows = [
        [r.campaign, getattr(r, dimension), *_summary_cells(r.summary)]
        for r in report.rows
        if r.dimension == dimension
    ]
    return _table(caption, ("Campaign", column, *SUMMARY_HEADERS), rows, row_headers=2)


def render_html(report: FunnelReport) -> str:
    """The report as one self-contained HTML page: inline CSS, SVG charts, no script, no requests."""
    total = report.total()
    campaigns = [r for r in report.rows if r.dimension == "campaign"]
    span = (
        f"Leads received from {report.first.isoformat()} to {report.last.isoformat()}"
        if report.first and report.last
        else "No leads in the input"
    )
    sources = ", ".join(report.sources) or "none"
    body = [
        f"<h1>{_e(report.title)}</h1>",
        f'<p class="note">{_e(span)} (dates in {_e(report.timezone)}). Inputs: {_e(sources)}. '
        "Internal: this report is never published with the site.</p>",
        "<h2>At a glance</h2><ul>",
        f"<li>{plural(total.leads, 'lead')}; {total.contacted} contacted, median response time "
        f"{_e(format_hours(total.median_response_hours))}.</li>",
        f"<li>{plural(total.booked, 'lead')} booked an appointment: "
        f"{_e(rate_text(total.booking_rate))} of leads.</li>",
        f"<li>{plural(total.attended, 'appointment')} attended and {total.no_shows} missed: show rate "
        f"{_e(rate_text(total.show_rate))}. {total.cancelled} cancelled.</li>",
        f"<li>Follow-up adherence {_e(rate_text(total.follow_up_rate))} "
        f"({total.follow_ups_done} of {total.follow_ups_due}).</li>",
    ]
    if total.unlinked:
        were = "appointment was" if total.unlinked == 1 else "appointments were"
        body.append(f"<li>{total.unlinked} {were} recorded without a lead (not in the rates).</li>")
    warned = plural(report.warnings.total, "warning")
    body.append(f"<li>{warned} about the input data (see Data quality).</li></ul>")
    body += [
        "<h2>By campaign</h2>",
        bar_chart(
            "campaign-leads",
            "Leads per campaign",
            [(r.campaign, float(r.summary.leads)) for r in campaigns],
            lambda v: f"{v:.0f}",
        ),
        bar_chart(
            "campaign-booking",
            "Lead→appointment rate per campaign",
            [(r.campaign, r.summary.booking_rate) for r in campaigns],
            lambda v: f"{v:.0f}%",
        ),
        bar_chart(
            "campaign-response",
            "Median lead response time per campaign",
            [(r.campaign, r.summary.median_response_hours) for r in campaigns],
            format_hours,
        ),
        bar_chart(
            "campaign-show",
            "Show rate per campaign",
            [(r.campaign, r.summary.show_rate) for r in campaigns],
            lambda v: f"{v:.0f}%",
        ),
        _table(
            "Funnel per campaign",
            ("Campaign", "Tracking id", "Service line", *SUMMARY_HEADERS, "Appointments without a lead"),
            [
                [
                    r.campaign,
                    r.tracking_id,
                    r.service_line,
                    *_summary_cells(r.summary),
                    str(r.summary.unlinked),
                ]
                for r in campaigns
            ],
        ),
        "<h2>By channel</h2>",
        _breakdown(report, "channel", "Channel", "Funnel per campaign and channel"),
        "<h2>By variant</h2>",
        _breakdown(report, "variant", "Variant", "Funnel per campaign and landing-page variant"),
        "<h2>By service line</h2>",
        _table(
            "Funnel per service line",
            ("Service line", *SUMMARY_HEADERS, "Appointments without a lead"),
            [
                [r.service_line, *_summary_cells(r.summary), str(r.summary.unlinked)]
                for r in report.rows
                if r.dimension == "service_line"
            ],
        ),
        "<h2>Weekly</h2>",
        _period_section("weekly", report.weekly),
        "<h2>Monthly</h2>",
        _period_section("monthly", report.monthly),
        "<h2>Data quality</h2>",
    ]
    warnings = report.warnings
    if not warnings.total:
        body.append("<p>No warnings: every row was read.</p>")
    else:
        body.append(f"<p>{warnings.total} rows or values were left out. The first few of each kind:</p><ul>")
        for kind in sorted(warnings.counts):
            shown = "".join(f"<li><code>{_e(w)}</code>: {_e(d)}</li>" for w, d in warnings.examples[kind])
            body.append(f"<li>{_e(kind)}: {warnings.counts[kind]}<ul>{shown}</ul></li>")
        body.append("</ul>")
    body.append("<h2>Definitions</h2><dl>")
    body += [f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in DEFINITIONS]
    body.append("</dl>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{_e(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
