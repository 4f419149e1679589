"""``carewheel review``: the agenda of the weekly marketing, intake and clinical meeting.

Writes ``reviews/<year>-W<week>.md`` for the ISO week of the review date (default today) and
a snapshot ``reviews/.snapshots/<year>-W<week>.json`` that the next review compares with.
An existing review is never overwritten: the team edits it.

Sections, in order:

1. *Last week's changes*: the previous review's "Changes to test next" checklist read back.
   A ticked item (``- [x]``) shipped; an unticked one did not and is carried over.
2. *Funnel*: leads received in the ISO week before the review's week, per campaign (leads,
   median response time, lead→appointment rate), and appointment outcomes to date
   (attended, no-shows, show rate); each with the change since the last snapshot.
3. *Intake facts that changed* since the last snapshot (phones, waits, referral rules, hours,
   per service line and pathway), with the pages and campaigns that show them: a service-line
   fact touches every page and campaign of the line; a pathway fact touches the pages whose
   ``next_step`` is that pathway and the campaigns on it.
4. *Pages newly failing lint*: error and warning codes per file that the last snapshot did
   not have.
5. *Campaigns starting or ending* within ``CAMPAIGN_DAYS`` (14) days.
6. *Clinical reviews going stale* within ``STALE_DAYS`` (30) days (``review_max_age_days``).
7. *Top unanswered patient questions* (``gaps.py``).
8. *Changes to test next*: a checklist the team fills in; unshipped items carried over.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import SourceError, UsageError
from generator.funnel import ALL, FunnelReport, Summary, describe_change, format_hours, rate_change, week_of
from generator.gaps import UNKNOWN_LINE
from generator.intake import hours_lines, pathway_phone, wait_text
from generator.schemas import QuestionPage

if TYPE_CHECKING:
    from generator.content import Site
    from generator.gaps import GapsReport

FOLDER = "reviews"
SNAPSHOTS = ".snapshots"
SNAPSHOT_VERSION = 1
CAMPAIGN_DAYS = 14
STALE_DAYS = 30
TOP_QUESTIONS = 5
BLANK_ITEMS = 3
SHOWN_PAGES = 8
CHECKLIST = "Changes to test next"
_NAME = re.compile(r"^(\d{4})-W(\d{2})$")
_ITEM = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s*(.*?)\s*$")
_CARRIED = re.compile(r"\s*\(carried over from \d{4}-W\d{2}\)$")


def week_name(day: dt.date) -> str:
    """``2026-W48``: the ISO year and week of ``day``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _week_key(name: str) -> tuple[int, int] | None:
    match = _NAME.match(name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def latest_before(folder: Path, suffix: str, name: str) -> Path | None:
    """The file ``<year>-W<week><suffix>`` in ``folder`` with the latest week before ``name``."""
    current = _week_key(name)
    if current is None or not folder.is_dir():
        return None
    found = []
    for path in folder.iterdir():
        key = _week_key(path.name.removesuffix(suffix)) if path.name.endswith(suffix) else None
        if key is not None and key < current:
            found.append((key, path))
    return max(found)[1] if found else None


# --- The checklist ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One line of a "Changes to test next" checklist."""

    text: str
    done: bool


def read_checklist(markdown: str) -> list[Item]:
    """The items under the ``## Changes to test next`` heading (empty items skipped)."""
    items: list[Item] = []
    inside = False
    for line in markdown.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip().lower() == CHECKLIST.lower()
            continue
        if inside and (match := _ITEM.match(line)) and match.group(2):
            items.append(Item(match.group(2), match.group(1) in "xX"))
    return items


# --- Intake facts ------------------------------------------------------------------------------------


def intake_facts(site: Site) -> dict[str, dict[str, str]]:
    """Facts pages and campaigns show, by scope: ``cardiology`` (the service line) and
    ``cardiology/new-patient-consult`` (a pathway)."""
    facts: dict[str, dict[str, str]] = {}
    for line_id, line in sorted(site.service_lines.items()):
        intake = line.intake
        facts[line_id] = {
            "intake phone": intake.phone,
            "nurse line": intake.triage.nurse_line or "none",
            "hours": "; ".join(hours_lines(intake)),
        }
        for pathway_id, pathway in intake.pathways.items():
            facts[f"{line_id}/{pathway_id}"] = {
                "booking phone": pathway_phone(pathway, intake),
                "wait": wait_text(pathway.wait),
                "referral": pathway.referral.value,
            }
    return facts


@dataclass(frozen=True)
class FactChange:
    """One intake fact that changed between two snapshots."""

    scope: str
    fact: str
    before: str
    after: str


def fact_changes(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[FactChange]:
    """Every fact added, removed or changed, sorted by scope and fact."""
    out = []
    for scope in sorted(set(before) | set(after)):
        old, new = before.get(scope, {}), after.get(scope, {})
        for fact in sorted(set(old) | set(new)):
            if old.get(fact) != new.get(fact):
                out.append(FactChange(scope, fact, old.get(fact, "(none)"), new.get(fact, "(none)")))
    return out


def touched(site: Site, scope: str) -> tuple[list[str], list[str]]:
    """Content pages and campaign files that show the facts of ``scope``."""
    line, _, pathway = scope.partition("/")
    pages = []
    for page in site.pages.values():
        if page.type == "landing" or page.service_line_id != line:
            continue
        if not pathway or getattr(page.meta, "next_step", None) == pathway:
            pages.append(page.path)
    campaigns = [
        source.path
        for source in site.campaigns.values()
        if source.campaign.service_line == line and (not pathway or source.campaign.pathway == pathway)
    ]
    return sorted(pages), sorted(campaigns)


# --- Snapshot ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """The funnel numbers a review shows: last week's leads, and outcomes to date."""

    window: str
    week: dict[str, Summary]
    to_date: dict[str, Summary]

    def to_json(self) -> dict[str, Any]:
        """For the snapshot."""
        return {
            "window": self.window,
            "week": {k: v.to_json() for k, v in self.week.items()},
            "to_date": {k: v.to_json() for k, v in self.to_date.items()},
        }

    @classmethod
    def from_json(cls, data: Any) -> Funnel | None:
        """Read back from a snapshot (``None`` when it held no funnel)."""
        if not isinstance(data, dict):
            return None

        def table(value: Any) -> dict[str, Summary]:
            if not isinstance(value, dict):
                return {}
            return {str(k): Summary.from_json(v) for k, v in value.items() if isinstance(v, dict)}

        return cls(str(data.get("window", "")), table(data.get("week")), table(data.get("to_date")))


def funnel_numbers(report: FunnelReport, day: dt.date) -> Funnel:
    """Leads of the ISO week before ``day``'s week, and everything to date, per campaign."""
    label, start, end = week_of(day - dt.timedelta(days=7))
    to_date = report.window(dt.date.min, dt.date.max)
    for slug, count in report.unlinked.items():
        if slug in to_date:
            to_date[slug] = replace(to_date[slug], unlinked=count)
    to_date[ALL] = replace(to_date[ALL], unlinked=sum(report.unlinked.values()))
    return Funnel(label, report.window(start, end), to_date)


def lint_codes(site: Site, day: dt.date) -> tuple[dict[str, list[str]], dict[tuple[str, str], str]]:
    """Error and warning codes per file, and the first finding of each (file, code)."""
    from generator.lint.engine import lint
    from generator.lint.rule import Severity

    codes: dict[str, set[str]] = {}
    first: dict[tuple[str, str], str] = {}
    for finding in lint(site, site.project.settings.lint, today=day):
        if finding.severity is Severity.INFO:
            continue
        codes.setdefault(finding.path, set()).add(finding.code)
        first.setdefault((finding.path, finding.code), f"line {finding.line}: {finding.message}")
    return {path: sorted(found) for path, found in sorted(codes.items())}, first


def read_snapshot(path: Path, shown: str) -> dict[str, Any]:
    """A snapshot written by an earlier review."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            shown, f"cannot read this review snapshot ({exc}); delete it to start afresh"
        ) from None
    if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
        raise SourceError(
            shown, f"not a version {SNAPSHOT_VERSION} review snapshot; delete it to start afresh"
        )
    return data


# --- The review --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """The review and its snapshot."""

    review: Path
    snapshot: Path
    carried: int
    """Unshipped items carried over from the last review."""


def _pct(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"


def _list(paths: list[str]) -> str:
    shown = ", ".join(f"`{p}`" for p in paths[:SHOWN_PAGES])
    more = len(paths) - SHOWN_PAGES
    return shown + (f" and {more} more" if more > 0 else "") if paths else "none"


def _checklist_section(previous: Path | None, site: Site, funnel_change: str) -> tuple[list[str], list[str]]:
    """ "Last week's changes" and the items carried over into this week's checklist."""
    out = ["## Last week's changes", ""]
    if previous is None:
        return [*out, "No earlier review: this is the first. Its checklist is read back next week."], []
    items = read_checklist(previous.read_text("utf-8"))
    prev_name = previous.name.removesuffix(".md")
    shown = site.project.display(previous)
    if not items:
        return [*out, f"`{shown}` listed no changes to test."], []
    out += [f"From `{shown}` (ticked = shipped):", ""]
    carried = []
    for item in items:
        text = _CARRIED.sub("", item.text)
        if item.done:
            out.append(f"- Shipped: {text}")
        else:
            out.append(f"- Not shipped: {text} (carried over)")
            carried.append(f"{text} (carried over from {prev_name})")
    if funnel_change:
        out += ["", f"What moved since then, all campaigns: {funnel_change}."]
    return out, carried


def _funnel_section(funnel: Funnel | None, before: Funnel | None, report: FunnelReport | None) -> list[str]:
    out = ["## Funnel", ""]
    if funnel is None or report is None:
        return [
            *out,
            "No leads or appointments export was given. Run `carewheel review --leads LEADS "
            "--appointments APPOINTMENTS` (the lead store or a CRM export, and the scheduling "
            "system's export) to see the funnel here.",
        ]
    week = funnel.week
    since = f"since the last review ({before.window})" if before else "(no earlier review with numbers)"
    out += [
        f"Leads received in {funnel.window}, with the change {since}:",
        "",
        "| campaign | leads | median response | lead→appointment | change |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    shown = set(week) | (set(before.week) if before else set())
    for key in [ALL, *sorted(shown - {ALL})]:
        s = week.get(key, Summary())
        change = describe_change(before.week.get(key, Summary()) if before else None, s) if before else "n/a"
        name = "all campaigns" if key == ALL else f"`{key}`"
        response = format_hours(s.median_response_hours)
        out.append(f"| {name} | {s.leads} | {response} | {_pct(s.booking_rate)} | {change} |")
    out += [
        "",
        "Appointments to date (all leads in the data), with the change since the last review:",
        "",
        "| campaign | attended | no-shows | show rate | follow-up adherence | change |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for key in [ALL, *sorted(k for k in funnel.to_date if k != ALL)]:
        s = funnel.to_date[key]
        old = before.to_date.get(key) if before else None
        name = "all campaigns" if key == ALL else f"`{key}`"
        out.append(
            f"| {name} | {s.attended} | {s.no_shows} | {_pct(s.show_rate)} | {_pct(s.follow_up_rate)} | "
            f"{_outcome_change(old, s) if before else 'n/a'} |"
        )
    if report.warnings.total:
        out += ["", f"{report.warnings.total} input rows were left out; `carewheel report` lists them."]
    return out


def _outcome_change(before: Summary | None, after: Summary) -> str:
    """``no-shows +3 (10 → 13); show rate down 2 points (82% → 80%)``."""
    old = before or Summary()
    parts = []
    for name, a, b in (
        ("attended", old.attended, after.attended),
        ("no-shows", old.no_shows, after.no_shows),
    ):
        parts.append(f"{name} {b - a:+d} ({a} → {b})" if a != b else f"{name} unchanged")
    parts.append(rate_change("show rate", old.show_rate, after.show_rate))
    return "; ".join(p for p in parts if p)


def _facts_section(site: Site, before: dict[str, Any] | None, facts: dict[str, dict[str, str]]) -> list[str]:
    out = ["## Intake facts that changed", ""]
    if before is None:
        return [*out, "No earlier snapshot: this review's intake facts are the baseline for the next one."]
    old = before.get("facts")
    changes = fact_changes(old if isinstance(old, dict) else {}, facts)
    if not changes:
        return [*out, "None since the last review."]
    for change in changes:
        pages, campaigns = touched(site, change.scope)
        out += [
            f"- **{change.scope}**: {change.fact} {change.before} → {change.after}",
            f"  - pages: {_list(pages)}",
            f"  - campaigns: {_list(campaigns)}",
        ]
    return out


def _lint_section(
    before: dict[str, Any] | None, codes: dict[str, list[str]], first: dict[tuple[str, str], str]
) -> list[str]:
    out = ["## Pages newly failing lint", ""]
    if before is None:
        if not codes:
            return [*out, "No earlier snapshot; no file has lint errors or warnings now."]
        out += ["No earlier snapshot; these files have lint errors or warnings now (the baseline):", ""]
        return out + [f"- `{path}`: {', '.join(found)}" for path, found in codes.items()]
    old = before.get("lint")
    old_codes = old if isinstance(old, dict) else {}
    new = {path: [c for c in found if c not in old_codes.get(path, [])] for path, found in codes.items()}
    new = {path: found for path, found in new.items() if found}
    if not new:
        return [*out, "None since the last review (`carewheel lint` shows every finding)."]
    for path, found in new.items():
        out.append(f"- `{path}`")
        out += [f"  - {code} ({first[(path, code)]})" for code in found]
    return out


def _campaigns_section(site: Site, day: dt.date) -> list[str]:
    out = [f"## Campaigns starting or ending within {CAMPAIGN_DAYS} days", ""]
    last = day + dt.timedelta(days=CAMPAIGN_DAYS)
    events = []
    for slug, source in sorted(site.campaigns.items()):
        c = source.campaign
        for what, when in (("starts", c.start), ("ends", c.end)):
            if day <= when <= last:
                days = (when - day).days
                soon = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
                events.append((when, f"- `{slug}` ({c.tracking_id}) {what} on {when.isoformat()} ({soon})"))
    return out + ([e for _, e in sorted(events)] or ["None."])


def _stale_section(site: Site, day: dt.date) -> list[str]:
    limit = site.project.settings.lint.review_max_age_days
    out = [f"## Clinical reviews going stale within {STALE_DAYS} days", ""]
    found = []
    for page in site.pages.values():
        reviewed = page.meta.reviewed
        if reviewed is None or page.meta.draft or page.type == "landing":
            continue
        stale_on = reviewed.on + dt.timedelta(days=limit + 1)
        if stale_on <= day + dt.timedelta(days=STALE_DAYS):
            when = (
                f"stale since {stale_on.isoformat()}"
                if stale_on <= day
                else f"stale on {stale_on.isoformat()}"
            )
            kind = "question" if isinstance(page.meta, QuestionPage) else page.type
            found.append(
                (
                    stale_on,
                    page.path,
                    f"- `{page.path}` ({kind}): reviewed {reviewed.on} by {reviewed.by}; {when}",
                )
            )
    out.append(f"A review is stale {limit} days after it was done (`review_max_age_days`).")
    out.append("")
    return out + ([line for *_, line in sorted(found)] or ["None."])


def _questions_section(gaps: GapsReport | None, questions_arg: str) -> list[str]:
    out = ["## Top unanswered patient questions", ""]
    if gaps is None:
        return [*out, "No question log was given (`--questions`, a CSV of questions patients asked intake)."]
    top = gaps.top(TOP_QUESTIONS)
    if not top:
        return [*out, f"Every question in `{gaps.source}` is answered by a page."]
    out += [f"From `{gaps.source}` ({len(gaps.unanswered)} of {len(gaps.matches)} questions unanswered):", ""]
    for group in top:
        theme = ", ".join(group.theme) or "(no shared words)"
        example = group.representative().text
        cluster = " --cluster CLUSTER" if group.service_line == UNKNOWN_LINE else ""
        out.append(
            f"- **{theme}** ({group.service_line}, asked {group.count}×): “{example}” "
            f"(`carewheel gaps --questions {questions_arg} --scaffold {group.number}{cluster}`)"
        )
    return out


def write_review(
    site: Site,
    day: dt.date,
    report: FunnelReport | None = None,
    gaps: GapsReport | None = None,
    questions_arg: str = "QUESTIONS",
) -> Written:
    """Write this week's review and snapshot; refuse when the review exists."""
    root = site.project.root / FOLDER
    name = week_name(day)
    target = root / f"{name}.md"
    snapshot_path = root / SNAPSHOTS / f"{name}.json"
    if target.exists():
        raise UsageError(
            f"{site.project.display(target)} exists already; edit it, or delete it to write it again"
        )
    previous_review = latest_before(root, ".md", name)
    previous_snapshot = latest_before(root / SNAPSHOTS, ".json", name)
    before = (
        read_snapshot(previous_snapshot, site.project.display(previous_snapshot))
        if previous_snapshot
        else None
    )
    funnel = funnel_numbers(report, day) if report is not None else None
    old_funnel = Funnel.from_json(before.get("funnel")) if before else None
    funnel_change = ""
    if funnel is not None and old_funnel is not None:
        funnel_change = describe_change(old_funnel.week.get(ALL, Summary()), funnel.week.get(ALL, Summary()))
    facts = intake_facts(site)
    codes, first = lint_codes(site, day)
    monday = day - dt.timedelta(days=day.weekday())
    last_section, carried = _checklist_section(previous_review, site, funnel_change)
    compared = (
        f"Compared with the snapshot of {previous_snapshot.name.removesuffix('.json')}."
        if previous_snapshot
        else "No earlier snapshot to compare with."
    )
    lines = [
        f"# Weekly review {name}",
        "",
        f"Week of {monday.isoformat()} to {(monday + dt.timedelta(days=6)).isoformat()}; written on "
        f"{day.isoformat()} by `carewheel review`. {compared}",
        "",
        *last_section,
        "",
        *_funnel_section(funnel, old_funnel, report),
        "",
        *_facts_section(site, before, facts),
        "",
        *_lint_section(before, codes, first),
        "",
        *_campaigns_section(site, day),
        "",
        *_stale_section(site, day),
        "",
        *_questions_section(gaps, questions_arg),
        "",
        f"## {CHECKLIST}",
        "",
        "<!-- One change per line, to ship and test this week. Tick it (- [x]) once it has shipped;",
        "     the next review reads this list back. -->",
        "",
        *[f"- [ ] {text}" for text in carried],
        *["- [ ]"] * BLANK_ITEMS,
    ]
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "week": name,
        "date": day.isoformat(),
        "funnel": funnel.to_json() if funnel else None,
        "facts": facts,
        "lint": codes,
    }
    snapshot_path.parent.mkdir(parents=True, exist_ok=True)
    snapshot_path.write_text(
        json.dumps(snapshot, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8"
    )
    with target.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(lines) + "\n")
    return Written(target, snapshot_path, len(carried))
