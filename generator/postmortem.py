"""``carewheel campaign close SLUG``: a postmortem to fill in, and the campaign marked ended.

Writes ``campaigns/<slug>.postmortem.md``: the campaign's facts, its funnel numbers (from
``funnel.py`` when a leads and an appointments export are given; otherwise where to get
them) and the headings the team fills in: *What worked*, *What failed*, *What changes next*.
An existing postmortem is never overwritten.

If the campaign ends after yesterday, its ``end:`` line is set to yesterday, so the next build
turns its pages into redirects. Only that one line changes; comments and layout stay. A
campaign that has not started cannot be closed (its end would come before its start).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import SourceError, UsageError
from generator.funnel import FunnelReport, Summary, format_hours
from generator.schemas import Campaign
from generator.sources import parse_yaml, validate

if TYPE_CHECKING:
    from generator.campaigns import CampaignSource
    from generator.content import Site

SUFFIX = ".postmortem.md"
HEADINGS = {
    "What worked": "Channels, variants, copy or intake habits that brought kept appointments, and why.",
    "What failed": "Where leads were lost: slow responses, no-shows, a promise intake could not keep.",
    "What changes next": "Concrete changes for the next campaign, each with an owner.",
}
"""The sections the team fills in, with the prompt written under each."""
_DATE = re.compile(r"""(["']?)(\d{4}-\d{2}-\d{2})\1""")
_BOM = b"\xef\xbb\xbf"
TABLE_HEAD = (
    "| group | leads | median response | lead→appointment | attended | no-shows | show rate | follow-up |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
)


@dataclass(frozen=True)
class Closed:
    """What ``close_campaign`` did."""

    postmortem: Path
    campaign_file: Path
    old_end: dt.date
    new_end: dt.date | None
    """The new ``end`` (yesterday), or ``None`` when the campaign had ended already."""


def postmortem_path(site: Site, slug: str) -> Path:
    """``campaigns/<slug>.postmortem.md``."""
    return site.project.campaigns_dir / f"{slug}{SUFFIX}"


def with_end(source: CampaignSource, raw: bytes, new_end: dt.date) -> bytes:
    """The campaign file with only its ``end:`` value replaced by ``new_end``.

    The result is parsed again: if anything but ``end`` would change, nothing is written.
    """
    bom = _BOM if raw.startswith(_BOM) else b""
    text = raw[len(bom) :].decode("utf-8")
    lines = text.split("\n")
    line, col = source.located.position(("end",))
    old = source.campaign.end.isoformat()
    match = _DATE.match(lines[line - 1], col - 1) if 0 < line <= len(lines) else None
    if match is None or match.group(2) != old:
        raise SourceError(
            source.path,
            f"cannot find the end date {old} to change; set `end:` to {new_end.isoformat()} by hand",
            line=line,
            col=col,
            field="end",
        )
    target = lines[line - 1]
    lines[line - 1] = target[: match.start(2)] + new_end.isoformat() + target[match.end(2) :]
    new_text = "\n".join(lines)
    located = parse_yaml(new_text.replace("\r\n", "\n"), source.path)
    changed = validate(Campaign, located)
    if changed.end != new_end or changed.model_copy(update={"end": source.campaign.end}) != source.campaign:
        raise SourceError(
            source.path, "changing the end date would change more; edit `end:` by hand", line=line
        )
    return bom + new_text.encode("utf-8")


def funnel_section(slug: str, report: FunnelReport | None) -> list[str]:
    """The campaign's funnel numbers as Markdown, or where to get them."""
    if report is None:
        return [
            "No funnel numbers were given. Export the leads (the lead store's SQLite file, or a CRM",
            "export as CSV) and the appointments (the scheduling system's export, CSV), then run",
            "",
            "```sh",
            "carewheel report --leads LEADS --appointments APPOINTMENTS",
            "```",
            "",
            f"and copy the rows of `{slug}` from `build/reports/report.csv` (and `weekly.csv`) into this",
            "section.",
        ]
    rows = report.campaign_rows(slug)
    sources = " and ".join(f"`{s}`" for s in report.sources)
    if not rows:
        return [f"{sources} hold no leads of this campaign."]
    out = [
        f"From {sources}.",
        "",
        *TABLE_HEAD,
    ]
    for row in rows:
        name = {"campaign": "whole campaign", "channel": f"channel {row.channel}"}.get(
            row.dimension, f"variant {row.variant}"
        )
        out.append(_row(name, row.summary))
    unlinked = report.unlinked.get(slug, 0)
    if unlinked:
        out += ["", f"Appointments recorded without a lead (not in the rates): {unlinked}."]
    weeks = [r for r in report.weekly if r.campaign == slug]
    if weeks:
        out += ["", "| week | leads | median response | lead→appointment | show rate | change |"]
        out.append("| --- | ---: | ---: | ---: | ---: | --- |")
        for week in weeks:
            s = week.summary
            out.append(
                f"| {week.label} | {s.leads} | {format_hours(s.median_response_hours)} | "
                f"{_pct(s.booking_rate)} | {_pct(s.show_rate)} | {week.change} |"
            )
    if report.warnings.total:
        out += [
            "",
            f"{report.warnings.total} input rows (of any campaign) were left out; "
            "`carewheel report` lists them.",
        ]
    return out


def _pct(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"


def _row(name: str, s: Summary) -> str:
    return (
        f"| {name} | {s.leads} | {format_hours(s.median_response_hours)} | {_pct(s.booking_rate)} | "
        f"{s.attended} | {s.no_shows} | {_pct(s.show_rate)} | {_pct(s.follow_up_rate)} |"
    )


def render(source: CampaignSource, today: dt.date, last_day: dt.date, report: FunnelReport | None) -> str:
    """The postmortem's Markdown."""
    c = source.campaign
    planned = f" (planned end {c.end.isoformat()}; closed early)" if last_day < c.end else ""
    variants = ", ".join(f"{vid} ({v.weight}%)" for vid, v in c.variants.items())
    lines = [
        f"# Postmortem: {c.name}",
        "",
        f"<!-- Written by `carewheel campaign close {source.slug}` on {today.isoformat()}. "
        "Fill in the last three sections together; keep each point short and concrete. -->",
        "",
        "| | |",
        "| --- | --- |",
        f"| campaign | `{source.slug}` ({c.tracking_id}) |",
        f"| service line and pathway | {c.service_line}, {c.pathway} |",
        f"| ran | {c.start.isoformat()} to {last_day.isoformat()}{planned} |",
        f"| channels | {', '.join(ch.key for ch in c.channels)} |",
        f"| variants | {variants} |",
        "",
        "## Funnel numbers",
        "",
        *funnel_section(source.slug, report),
    ]
    if report is not None and report.campaign_rows(source.slug):
        comparison = _row("all campaigns", report.total())
        lines += ["", "All campaigns in the same data, for comparison:", "", *TABLE_HEAD, comparison]
    for heading, prompt in HEADINGS.items():
        lines += ["", f"## {heading}", "", f"<!-- {prompt} -->"]
    return "\n".join(lines) + "\n"


def close_campaign(site: Site, slug: str, today: dt.date, report: FunnelReport | None = None) -> Closed:
    """Write the postmortem of campaign ``slug`` and, if it ends after yesterday, end it yesterday."""
    source = site.campaigns.get(slug)
    if source is None:
        raise UsageError(f"no campaign {slug!r}; known: {', '.join(sorted(site.campaigns)) or 'none'}")
    target = postmortem_path(site, slug)
    shown = site.project.display(target)
    if target.exists():
        raise UsageError(f"{shown} exists already; edit it, or delete it to write it again")
    yesterday = today - dt.timedelta(days=1)
    c = source.campaign
    campaign_file = site.project.root / source.path
    new_end = yesterday if c.end > yesterday else None
    new_bytes = None
    if new_end is not None:
        if c.start > yesterday:
            raise UsageError(
                f"{source.path}: the campaign starts on {c.start.isoformat()} and has not run a full day; "
                "nothing to close. Delete its file (its tracking id stays in the ledger) or move its dates"
            )
        new_bytes = with_end(source, campaign_file.read_bytes(), new_end)
    text = render(source, today, new_end or c.end, report)
    with target.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    if new_bytes is not None:
        temporary = campaign_file.with_name(f".{campaign_file.name}.closing-{os.getpid()}")
        temporary.write_bytes(new_bytes)
        temporary.replace(campaign_file)
    return Closed(target, campaign_file, c.end, new_end)
