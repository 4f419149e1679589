"""``carewheel report``: the funnel from lead to kept appointment.

Leads come from the lead store (a SQLite file with a ``leads`` table) or from a CRM export
(CSV). They are joined with an appointments export (CSV) and counted per campaign, channel,
variant and service line, then per ISO week and per month with the change since the period
before, in words.

Inputs
    Leads CSV: ``lead_id``, ``received_at``, ``tracking_id`` (required), ``variant``,
    ``channel``, ``service_line``. Appointments CSV: ``lead_id`` or ``tracking_id``,
    ``status`` and ``first_contact_at`` (required), ``booked_at``, ``follow_up_completed``.
    Headers match case-insensitively, ignoring spaces and punctuation, and common spellings
    are accepted (``Lead ID``, ``Created At``, ``UTM ID`` ...; see the ``*_COLUMNS`` tables).
    Lines starting with ``#`` before the header are comments. From the SQLite store only the
    tracking columns are read, never ``name``, ``phone`` or ``best_time``.

Dates
    ISO 8601 with or without time and zone (``2026-11-28``, ``2026-11-28T14:05:00-05:00``,
    ``2026-11-28 14:05``), US ``11/28/2026 [2:05 PM]`` and European ``28.11.2026 [14:05]``.
    Times without a zone are in ``--timezone`` (default UTC); periods are days in that zone.

Metrics (per group of leads)
    *leads*: campaign leads received. A lead without a tracking id counts toward its service
    line as ``(no campaign)``. *median response*: ``first_contact_at − received_at``, using a
    lead's earliest contact; leads never contacted are left out of the median.
    *lead→appointment rate*: leads with at least one appointment (booked, attended, no-show
    or cancelled) ÷ leads. *show rate*: attended ÷ (attended + no-show) appointments.
    *follow-up adherence*: appointments with ``follow_up_completed`` yes ÷ those with yes or
    no. An appointment row without a lead id but with a known tracking id (a phone booking,
    say) is counted per campaign as an appointment without a lead and kept out of the rates.
    Periods hold the leads received in them; outcomes follow their lead.

Messy input
    A missing required column, an unreadable file or a bad header is an error
    (``path:line: message``) and nothing is written. Unknown tracking or lead ids, duplicate
    rows, rows with the wrong number of fields and dates in no known format are counted
    warnings with ``path:line`` (the first few listed); the rows are left out, except that a
    bad date in an appointment only blanks that field.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import SourceError

if TYPE_CHECKING:
    from generator.content import Site
from generator.tables import (
    BAD_DATE,
    BAD_ROW,
    DATE_FORMATS,
    Column,
    DataWarnings,
    parse_datetime,
    read_table,
    resolve_timezone,
)

NO_CAMPAIGN = "(no campaign)"
NOT_RECORDED = "(not recorded)"
ALL = "all"

ATTENDED, NO_SHOW, CANCELLED, BOOKED = "attended", "no-show", "cancelled", "booked"
STATUSES = {
    ATTENDED: ("attended", "showed", "show", "arrived", "completed", "seen", "kept"),
    NO_SHOW: ("no-show", "noshow", "no show", "no_show", "dna", "did not attend", "missed"),
    CANCELLED: ("cancelled", "canceled", "cancel"),
    BOOKED: ("booked", "scheduled", "confirmed", "pending"),
    "": ("", "contacted", "not booked", "not-booked", "none"),
}
"""Appointment statuses and the spellings accepted for them; ``""`` is a contact, no booking."""
YES = ("yes", "y", "true", "1", "done", "completed", "x")
NO = ("no", "n", "false", "0", "not done")

# Warning kinds (counted, with the first few locations).
DUPLICATE_ROW = "duplicate row"
DUPLICATE_LEAD = "duplicate lead id"
UNKNOWN_TRACKING_ID = "unknown tracking id"
UNKNOWN_LEAD = "unknown lead id"
NO_KEY = "no lead id or tracking id"
BAD_STATUS = "unknown status"
BAD_FOLLOW_UP = "unknown follow-up value"
CONTACT_BEFORE_LEAD = "first contact before the lead"


# --- Input columns -----------------------------------------------------------------------------

LEAD_COLUMNS = (
    Column("lead_id", "id lead leadid lead_number lead_no record_id crm_id", True),
    Column(
        "received_at",
        "received received_on received_date created created_at created_on created_date date_created "
        "submitted submitted_at submitted_on lead_date date timestamp",
        True,
    ),
    Column("tracking_id", "tracking trackingid campaign_id campaign_tracking_id utm_id", True),
    Column("variant", "utm_content variant_id version ad_variant"),
    Column("channel", "source_medium utm_source_medium lead_channel channel_key"),
    Column("service_line", "serviceline service department specialty line"),
)
"""Columns of a CRM export of leads."""

APPOINTMENT_COLUMNS = (
    Column("lead_id", "lead leadid lead_number lead_no crm_lead_id"),
    Column("tracking_id", "tracking trackingid campaign_id campaign_tracking_id utm_id"),
    Column("booked_at", "booked booked_on booked_date booking_date date_booked scheduled_at"),
    Column("status", "appointment_status outcome appointment_outcome visit_status", True),
    Column(
        "first_contact_at",
        "first_contact first_contacted_at first_contact_date first_response_at first_call_at contacted_at",
        True,
    ),
    Column(
        "follow_up_completed",
        "follow_up followup followup_completed follow_up_done follow_up_complete followed_up",
    ),
)
"""Columns of an appointments export; it needs ``lead_id`` or ``tracking_id`` too."""

STORE_COLUMNS = ("id", "received_at", "tracking_id", "variant", "channel", "service_line")
"""Columns read from the lead store's ``leads`` table (the first three are required)."""
STORE_UTM_COLUMNS = ("lt_utm_source", "lt_utm_medium", "ft_utm_source", "ft_utm_medium")
"""Touch columns of the store, read only to name a lead's channel when ``channel`` is empty."""


# --- Leads and appointments -----------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInfo:
    """What the report needs of a campaign."""

    slug: str
    tracking_id: str
    name: str
    service_line: str
    pathway: str
    start: dt.date
    end: dt.date


def campaign_index(site: Site) -> dict[str, CampaignInfo]:
    """Every campaign of the site by tracking id."""
    out = {}
    for slug, source in sorted(site.campaigns.items()):
        c = source.campaign
        out[c.tracking_id] = CampaignInfo(
            slug, c.tracking_id, c.name, c.service_line, c.pathway, c.start, c.end
        )
    return out


@dataclass(frozen=True)
class Lead:
    """One lead, attributed to its campaign."""

    where: str
    id: str
    received_at: dt.datetime
    campaign: str
    """Campaign slug, or ``(no campaign)``."""
    tracking_id: str
    variant: str
    channel: str
    service_line: str


@dataclass(frozen=True)
class Appointment:
    """One row of the appointments export."""

    where: str
    lead_id: str
    tracking_id: str
    status: str
    """``attended``, ``no-show``, ``cancelled``, ``booked``, or ``""`` (contacted, not booked)."""
    first_contact_at: dt.datetime | None
    booked_at: dt.datetime | None
    follow_up: bool | None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


def channel_key(text: str) -> str:
    """``google / cpc``, ``Google-CPC`` → ``google-cpc`` (the manifest's channel key)."""
    return "-".join(p for p in (_slug(part) for part in re.split(r"\s*/\s*", text.strip())) if p)


def is_sqlite(path: Path) -> bool:
    """Does ``path`` start like an SQLite database?"""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _store_rows(path: Path, shown: str) -> list[tuple[str, dict[str, str]]]:
    """Rows of the lead store's ``leads`` table: tracking columns only, never contact details."""
    try:
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise SourceError(shown, f"cannot open the SQLite lead store: {exc}") from None
    try:
        present = [str(row[1]) for row in connection.execute("PRAGMA table_info(leads)")]
        if not present:
            raise SourceError(shown, "the SQLite file has no table `leads`")
        for name in STORE_COLUMNS[:3]:
            if name not in present:
                raise SourceError(
                    shown, f"missing required column {name!r} in table `leads`; it has {', '.join(present)}"
                )
        wanted = [c for c in (*STORE_COLUMNS, *STORE_UTM_COLUMNS) if c in present]
        selected = ", ".join('"' + c + '"' for c in wanted)  # names from the allowlists above
        query = f'SELECT {selected} FROM leads ORDER BY "id"'
        records = connection.execute(query).fetchall()
    except sqlite3.Error as exc:
        raise SourceError(shown, f"cannot read the SQLite lead store: {exc}") from None
    finally:
        connection.close()
    rows = []
    for record in records:
        values = {
            name: "" if value is None else str(value).strip()
            for name, value in zip(wanted, record, strict=True)
        }
        values["lead_id"] = values.pop("id")
        rows.append((f"{shown}:id={values['lead_id']}", values))
    return rows


def read_leads(
    path: Path, shown: str, campaigns: dict[str, CampaignInfo], tz: dt.tzinfo, warnings: DataWarnings
) -> list[Lead]:
    """Leads from the SQLite store or a CRM export (CSV)."""
    if is_sqlite(path):
        records = _store_rows(path, shown)
    else:
        table = read_table(path, shown, LEAD_COLUMNS, warnings)
        records = [(f"{shown}:{line}", values) for line, values in table.rows]
    leads: list[Lead] = []
    seen_rows: dict[tuple[tuple[str, str], ...], str] = {}
    seen_ids: dict[str, str] = {}
    for where, row in records:
        key = tuple(sorted(row.items()))
        if key in seen_rows:
            warnings.add(DUPLICATE_ROW, where, f"the same as {seen_rows[key]}; left out")
            continue
        seen_rows[key] = where
        lead_id = row["lead_id"]
        if not lead_id:
            warnings.add(BAD_ROW, where, "no lead id")
            continue
        if lead_id in seen_ids:
            warnings.add(
                DUPLICATE_LEAD, where, f"lead id {lead_id!r} is on {seen_ids[lead_id]} too; the first is kept"
            )
            continue
        try:
            received = parse_datetime(row["received_at"], tz)
        except ValueError:
            warnings.add(
                BAD_DATE, where, f"received_at {row['received_at']!r} is not a date ({DATE_FORMATS})"
            )
            continue
        tracking_id = row["tracking_id"].lower()
        info = campaigns.get(tracking_id)
        if tracking_id and info is None:
            warnings.add(UNKNOWN_TRACKING_ID, where, f"{row['tracking_id']!r} is no campaign's tracking id")
            continue
        seen_ids[lead_id] = where
        channel = channel_key(row.get("channel", ""))
        if not channel:
            for prefix in ("lt_", "ft_"):
                source, medium = row.get(prefix + "utm_source", ""), row.get(prefix + "utm_medium", "")
                if source or medium:
                    channel = channel_key(f"{source}/{medium}")
                    break
        leads.append(
            Lead(
                where=where,
                id=lead_id,
                received_at=received,
                campaign=info.slug if info else NO_CAMPAIGN,
                tracking_id=tracking_id,
                variant=row.get("variant", "").lower() or NOT_RECORDED,
                channel=channel or NOT_RECORDED,
                service_line=_slug(row.get("service_line", ""))
                or (info.service_line if info else NOT_RECORDED),
            )
        )
    return leads


_STATUS_BY_SPELLING = {spelling: status for status, spellings in STATUSES.items() for spelling in spellings}


def read_appointments(path: Path, shown: str, tz: dt.tzinfo, warnings: DataWarnings) -> list[Appointment]:
    """Rows of an appointments export (CSV)."""
    table = read_table(path, shown, APPOINTMENT_COLUMNS, warnings, one_of=("lead_id", "tracking_id"))
    out: list[Appointment] = []
    seen: dict[tuple[str, ...], str] = {}
    for line, row in table.rows:
        where = f"{shown}:{line}"
        key = tuple(row[c.name] for c in APPOINTMENT_COLUMNS)
        if key in seen:
            warnings.add(DUPLICATE_ROW, where, f"the same as {seen[key]}; left out")
            continue
        seen[key] = where
        status = _STATUS_BY_SPELLING.get(row["status"].lower())
        if status is None:
            expected = ", ".join(s for s in STATUSES if s)
            warnings.add(BAD_STATUS, where, f"status {row['status']!r} is not one of {expected} (or empty)")
            continue
        dates: dict[str, dt.datetime | None] = {}
        for name in ("first_contact_at", "booked_at"):
            dates[name] = None
            if row[name]:
                try:
                    dates[name] = parse_datetime(row[name], tz)
                except ValueError:
                    warnings.add(
                        BAD_DATE, where, f"{name} {row[name]!r} is not a date ({DATE_FORMATS}); ignored"
                    )
        answer = row["follow_up_completed"].lower()
        follow_up = True if answer in YES else False if answer in NO else None
        if answer and follow_up is None:
            warnings.add(
                BAD_FOLLOW_UP, where, f"follow_up_completed {row['follow_up_completed']!r} is not yes or no"
            )
        out.append(
            Appointment(
                where=where,
                lead_id=row["lead_id"],
                tracking_id=row["tracking_id"].lower(),
                status=status,
                first_contact_at=dates["first_contact_at"],
                booked_at=dates["booked_at"],
                follow_up=follow_up,
            )
        )
    return out


@dataclass(frozen=True)
class Outcome:
    """A lead and what became of it."""

    lead: Lead
    first_contact_at: dt.datetime | None
    statuses: tuple[str, ...]
    """Statuses of its appointments (not of contact-only rows)."""
    follow_ups: tuple[bool, ...]

    @property
    def response_hours(self) -> float | None:
        """Hours from the lead to its first contact."""
        if self.first_contact_at is None:
            return None
        return (self.first_contact_at - self.lead.received_at).total_seconds() / 3600


def join(
    leads: list[Lead],
    appointments: list[Appointment],
    campaigns: dict[str, CampaignInfo],
    warnings: DataWarnings,
) -> tuple[list[Outcome], Counter[str]]:
    """Each lead with its appointments; and appointments without a lead, counted per campaign."""
    by_id = {lead.id: lead for lead in leads}
    rows: dict[str, list[Appointment]] = defaultdict(list)
    unlinked: Counter[str] = Counter()
    for appointment in appointments:
        if appointment.lead_id:
            lead = by_id.get(appointment.lead_id)
            if lead is None:
                warnings.add(UNKNOWN_LEAD, appointment.where, f"no lead has id {appointment.lead_id!r}")
                continue
            contact = appointment.first_contact_at
            if contact is not None and contact < lead.received_at:
                warnings.add(
                    CONTACT_BEFORE_LEAD,
                    appointment.where,
                    f"first_contact_at {contact.isoformat()} is before the lead was received "
                    f"({lead.received_at.isoformat()}, {lead.where}); contact time ignored",
                )
                appointment = Appointment(
                    appointment.where,
                    appointment.lead_id,
                    appointment.tracking_id,
                    appointment.status,
                    None,
                    appointment.booked_at,
                    appointment.follow_up,
                )
            rows[lead.id].append(appointment)
        elif not appointment.tracking_id:
            warnings.add(NO_KEY, appointment.where, "the row names neither a lead nor a campaign")
        elif appointment.tracking_id not in campaigns:
            warnings.add(
                UNKNOWN_TRACKING_ID,
                appointment.where,
                f"{appointment.tracking_id!r} is no campaign's tracking id",
            )
        elif appointment.status:
            unlinked[campaigns[appointment.tracking_id].slug] += 1
    outcomes = []
    for lead in leads:
        found = rows.get(lead.id, [])
        contacts = [a.first_contact_at for a in found if a.first_contact_at is not None]
        outcomes.append(
            Outcome(
                lead=lead,
                first_contact_at=min(contacts) if contacts else None,
                statuses=tuple(a.status for a in found if a.status),
                follow_ups=tuple(a.follow_up for a in found if a.follow_up is not None),
            )
        )
    return outcomes, unlinked


# --- Metrics -------------------------------------------------------------------------------------


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` in whole percent, halves rounded up."""
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class Summary:
    """The funnel numbers of a group of leads."""

    leads: int = 0
    contacted: int = 0
    median_response_hours: float | None = None
    booked: int = 0
    """Leads with at least one appointment."""
    attended: int = 0
    no_shows: int = 0
    cancelled: int = 0
    follow_ups_done: int = 0
    follow_ups_due: int = 0
    unlinked: int = 0
    """Appointments recorded only with the campaign's tracking id (not in the rates)."""

    @property
    def booking_rate(self) -> int | None:
        """Lead→appointment rate, in percent."""
        return percent(self.booked, self.leads) if self.leads else None

    @property
    def show_rate(self) -> int | None:
        """Attended of attended and no-shows, in percent."""
        kept = self.attended + self.no_shows
        return percent(self.attended, kept) if kept else None

    @property
    def follow_up_rate(self) -> int | None:
        """Follow-ups completed of those due, in percent."""
        return percent(self.follow_ups_done, self.follow_ups_due) if self.follow_ups_due else None

    def to_json(self) -> dict[str, int | float | None]:
        """The numbers as a JSON object (for review snapshots)."""
        hours = self.median_response_hours
        return {
            "leads": self.leads,
            "contacted": self.contacted,
            "median_response_hours": None if hours is None else round(hours, 3),
            "booked": self.booked,
            "attended": self.attended,
            "no_shows": self.no_shows,
            "cancelled": self.cancelled,
            "follow_ups_done": self.follow_ups_done,
            "follow_ups_due": self.follow_ups_due,
            "unlinked": self.unlinked,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Summary:
        """A summary read back from ``to_json``; unknown or malformed values become defaults."""

        def count(name: str) -> int:
            value = data.get(name)
            return value if isinstance(value, int) and not isinstance(value, bool) else 0

        hours = data.get("median_response_hours")
        return cls(
            leads=count("leads"),
            contacted=count("contacted"),
            median_response_hours=float(hours) if isinstance(hours, int | float) else None,
            booked=count("booked"),
            attended=count("attended"),
            no_shows=count("no_shows"),
            cancelled=count("cancelled"),
            follow_ups_done=count("follow_ups_done"),
            follow_ups_due=count("follow_ups_due"),
            unlinked=count("unlinked"),
        )


def summarize(outcomes: Iterable[Outcome], unlinked: int = 0) -> Summary:
    """The funnel numbers of ``outcomes``."""
    leads = contacted = booked = attended = no_shows = cancelled = done = due = 0
    hours: list[float] = []
    for outcome in outcomes:
        leads += 1
        response = outcome.response_hours
        if response is not None:
            contacted += 1
            hours.append(response)
        booked += bool(outcome.statuses)
        attended += outcome.statuses.count(ATTENDED)
        no_shows += outcome.statuses.count(NO_SHOW)
        cancelled += outcome.statuses.count(CANCELLED)
        done += sum(outcome.follow_ups)
        due += len(outcome.follow_ups)
    return Summary(
        leads,
        contacted,
        statistics.median(hours) if hours else None,
        booked,
        attended,
        no_shows,
        cancelled,
        done,
        due,
        unlinked,
    )


def format_hours(hours: float | None) -> str:
    """``0.75`` → ``45 min``; ``3.46`` → ``3.5 h``; ``60`` → ``2.5 days``; ``None`` → ``n/a``."""
    if hours is None:
        return "n/a"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def rate_text(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"


def count_change(name: str, before: int, after: int) -> str:
    """``leads up 20% (15 → 18)``."""
    if before == after:
        return f"{name} unchanged ({after})"
    if before == 0:
        return f"{name} up from none (0 → {after})"
    change = percent(abs(after - before), before)
    return f"{name} {'up' if after > before else 'down'} {change}% ({before} → {after})"


def rate_change(name: str, before: int | None, after: int | None) -> str:
    """``show rate down 5 points (80% → 75%)``; ``""`` when either rate is unknown."""
    if before is None or after is None:
        return ""
    if before == after:
        return f"{name} unchanged ({after}%)"
    points = abs(after - before)
    return (
        f"{name} {'up' if after > before else 'down'} {points} point{'s' if points != 1 else ''} "
        f"({before}% → {after}%)"
    )


def hours_change(before: float | None, after: float | None) -> str:
    """``median response time down 1.5 h (4.0 h → 2.5 h)``; ``""`` when either is unknown."""
    if before is None or after is None:
        return ""
    shown_before, shown_after = format_hours(before), format_hours(after)
    if shown_before == shown_after:
        return f"median response time unchanged ({shown_after})"
    direction = "up" if after > before else "down"
    change = format_hours(abs(after - before))
    return f"median response time {direction} {change} ({shown_before} → {shown_after})"


def describe_change(before: Summary | None, after: Summary) -> str:
    """What changed, in words: ``leads up 20% (15 → 18); show rate down 5 points (80% → 75%)``."""
    if before is None:
        return "no earlier period to compare with"
    parts = [
        count_change("leads", before.leads, after.leads),
        rate_change("lead→appointment rate", before.booking_rate, after.booking_rate),
        hours_change(before.median_response_hours, after.median_response_hours),
        rate_change("show rate", before.show_rate, after.show_rate),
    ]
    return "; ".join(p for p in parts if p)


# --- The report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    """One row of ``report.csv``: a group of leads and its numbers."""

    dimension: str
    """``all``, ``campaign``, ``channel``, ``variant`` or ``service_line``."""
    campaign: str
    tracking_id: str
    service_line: str
    channel: str
    variant: str
    summary: Summary


@dataclass(frozen=True)
class PeriodRow:
    """One row of ``weekly.csv`` or ``monthly.csv``."""

    label: str
    """``2026-W47`` or ``2026-11``."""
    start: dt.date
    end: dt.date
    campaign: str
    """``all`` or a campaign slug."""
    summary: Summary
    change: str
    partial: bool
    """The data ends before the period does."""


@dataclass
class FunnelReport:
    """Everything ``carewheel report`` writes."""

    title: str
    sources: tuple[str, ...]
    timezone: str
    rows: list[GroupRow]
    weekly: list[PeriodRow]
    monthly: list[PeriodRow]
    warnings: DataWarnings
    first: dt.date | None
    last: dt.date | None
    outcomes: list[Outcome]
    unlinked: Counter[str]

    def total(self) -> Summary:
        """All leads."""
        return next(r.summary for r in self.rows if r.dimension == ALL)

    def campaign_rows(self, slug: str) -> list[GroupRow]:
        """The campaign's own row, then its channel and variant rows."""
        return [
            r for r in self.rows if r.campaign == slug and r.dimension in ("campaign", "channel", "variant")
        ]

    def window(self, start: dt.date, end: dt.date) -> dict[str, Summary]:
        """Numbers of leads received from ``start`` through ``end``: ``all`` and each campaign."""
        inside = [o for o in self.outcomes if start <= o.lead.received_at.date() <= end]
        out = {ALL: summarize(inside)}
        by_campaign: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in inside:
            by_campaign[outcome.lead.campaign].append(outcome)
        for slug in sorted(by_campaign):
            out[slug] = summarize(by_campaign[slug])
        return out


def week_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The ISO week of ``day``: its label (``2026-W48``), Monday and Sunday."""
    year, week, _ = day.isocalendar()
    start = day - dt.timedelta(days=day.weekday())
    return f"{year}-W{week:02d}", start, start + dt.timedelta(days=6)


def month_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The month of ``day``: its label (``2026-11``), first and last day."""
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return f"{day.year}-{day.month:02d}", start, following - dt.timedelta(days=1)


def _periods(
    outcomes: list[Outcome], period_of: Callable[[dt.date], tuple[str, dt.date, dt.date]]
) -> list[PeriodRow]:
    """Every period from the first lead to the last, ``all`` and each active campaign."""
    if not outcomes:
        return []
    days = [o.lead.received_at.date() for o in outcomes]
    last_day = max(days)
    periods = []
    label, start, end = period_of(min(days))
    while start <= last_day:
        periods.append((label, start, end))
        label, start, end = period_of(end + dt.timedelta(days=1))
    buckets: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome, day in zip(outcomes, days, strict=True):
        label = period_of(day)[0]
        buckets[(label, ALL)].append(outcome)
        buckets[(label, outcome.lead.campaign)].append(outcome)
    campaigns = sorted({o.lead.campaign for o in outcomes})
    rows: list[PeriodRow] = []
    previous: dict[str, Summary] = {}
    for label, start, end in periods:
        for campaign in (ALL, *campaigns):
            current = summarize(buckets.get((label, campaign), []))
            before = previous.get(campaign)
            if campaign == ALL or current.leads or (before is not None and before.leads):
                rows.append(
                    PeriodRow(
                        label, start, end, campaign, current, describe_change(before, current), last_day < end
                    )
                )
            previous[campaign] = current
    return rows


def build_report(
    leads: list[Lead],
    appointments: list[Appointment],
    campaigns: dict[str, CampaignInfo],
    warnings: DataWarnings,
    *,
    title: str = "Funnel report",
    sources: tuple[str, ...] = (),
    timezone: str = "UTC",
) -> FunnelReport:
    """Join and count: group rows, weekly and monthly views."""
    outcomes, unlinked = join(leads, appointments, campaigns, warnings)
    by_slug = {info.slug: info for info in campaigns.values()}
    rows = [GroupRow(ALL, "", "", "", "", "", summarize(outcomes, sum(unlinked.values())))]

    def grouped(key: Callable[[Outcome], tuple[str, ...]]) -> list[tuple[tuple[str, ...], list[Outcome]]]:
        groups: dict[tuple[str, ...], list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            groups[key(outcome)].append(outcome)
        return sorted(groups.items(), key=lambda item: tuple((part == NO_CAMPAIGN, part) for part in item[0]))

    def campaign_fields(slug: str) -> tuple[str, str]:
        info = by_slug.get(slug)
        return (info.tracking_id, info.service_line) if info else ("", "")

    slugs = sorted({o.lead.campaign for o in outcomes} | set(unlinked), key=lambda s: (s == NO_CAMPAIGN, s))
    for slug in slugs:
        members = [o for o in outcomes if o.lead.campaign == slug]
        rows.append(
            GroupRow("campaign", slug, *campaign_fields(slug), "", "", summarize(members, unlinked[slug]))
        )
    for (slug, channel), members in grouped(lambda o: (o.lead.campaign, o.lead.channel)):
        if slug != NO_CAMPAIGN:
            rows.append(GroupRow("channel", slug, *campaign_fields(slug), channel, "", summarize(members)))
    for (slug, variant), members in grouped(lambda o: (o.lead.campaign, o.lead.variant)):
        if slug != NO_CAMPAIGN:
            rows.append(GroupRow("variant", slug, *campaign_fields(slug), "", variant, summarize(members)))
    unlinked_by_line: Counter[str] = Counter()
    for slug, count in unlinked.items():
        unlinked_by_line[by_slug[slug].service_line] += count
    lines = {o.lead.service_line for o in outcomes} | set(unlinked_by_line)
    for line in sorted(lines):
        members = [o for o in outcomes if o.lead.service_line == line]
        rows.append(
            GroupRow("service_line", "", "", line, "", "", summarize(members, unlinked_by_line[line]))
        )
    days = [o.lead.received_at.date() for o in outcomes]
    return FunnelReport(
        title=title,
        sources=sources,
        timezone=timezone,
        rows=rows,
        weekly=_periods(outcomes, week_of),
        monthly=_periods(outcomes, month_of),
        warnings=warnings,
        first=min(days) if days else None,
        last=max(days) if days else None,
        outcomes=outcomes,
        unlinked=unlinked,
    )


def load_report(site: Site, leads_path: Path, appointments_path: Path, timezone: str = "UTC") -> FunnelReport:
    """Read the inputs of a project's funnel and build the report (nothing is written)."""
    tz = resolve_timezone(timezone)
    campaigns = campaign_index(site)
    warnings = DataWarnings()
    shown_leads = site.project.display(leads_path.resolve())
    shown_appointments = site.project.display(appointments_path.resolve())
    leads = read_leads(leads_path, shown_leads, campaigns, tz, warnings)
    appointments = read_appointments(appointments_path, shown_appointments, tz, warnings)
    name = site.organization.name or site.project.site_name
    return build_report(
        leads,
        appointments,
        campaigns,
        warnings,
        title=f"{name}: funnel report" if name else "Funnel report",
        sources=(shown_leads, shown_appointments),
        timezone=timezone,
    )
