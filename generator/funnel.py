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

import csv
import datetime as dt
import html
import io
import os
import re
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import SourceError, UsageError

if TYPE_CHECKING:
    from generator.content import Site
    from generator.project import Project

SHOWN_PER_KIND = 5
"""How many locations each kind of warning lists; the rest are counted."""
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
BAD_ROW = "unparseable row"
BAD_DATE = "unparseable date"
BAD_STATUS = "unknown status"
BAD_FOLLOW_UP = "unknown follow-up value"
CONTACT_BEFORE_LEAD = "first contact before the lead"
NOT_UTF8 = "not UTF-8"


# --- Tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an input file: its name and the other header spellings accepted for it."""

    name: str
    spellings: str = ""
    """Other headers that mean this column, separated by spaces (compared as ``header_key``)."""
    required: bool = False

    @property
    def aliases(self) -> tuple[str, ...]:
        """The other spellings."""
        return tuple(self.spellings.split())


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


def header_key(text: str) -> str:
    """``Lead ID`` → ``lead_id``; ``Source / Medium`` → ``source_medium``."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


@dataclass
class DataWarnings:
    """Counted warnings about input rows, each kind with its first few locations."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """The first few (location, detail) pairs of each kind."""

    def add(self, kind: str, where: str, detail: str) -> None:
        """Count one warning; keep it if it is among the first of its kind."""
        self.counts[kind] += 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < SHOWN_PER_KIND:
            shown.append((where, detail))

    @property
    def total(self) -> int:
        """How many warnings in all."""
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        """``path:line: kind: detail`` for the first few of each kind, then ``N more``."""
        out = []
        for kind in sorted(self.counts):
            for where, detail in self.examples[kind]:
                out.append(f"{where}: warning: {kind}: {detail}")
            rest = self.counts[kind] - len(self.examples[kind])
            if rest:
                out.append(f"... and {rest} more {kind} warning{'s' if rest != 1 else ''}")
        return out


@dataclass(frozen=True)
class Table:
    """Rows of an input file: ``(line, values by column name)``; absent columns are ``""``."""

    shown: str
    rows: list[tuple[int, dict[str, str]]]
    present: frozenset[str]


def _decode(path: Path, shown: str, warnings: DataWarnings) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no file {shown}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warnings.add(NOT_UTF8, f"{shown}:{line}", "the file is not UTF-8; it was read as Windows-1252")
        return data.decode("cp1252", errors="replace")


def read_table(
    path: Path,
    shown: str,
    columns: Sequence[Column],
    warnings: DataWarnings,
    *,
    one_of: tuple[str, ...] = (),
) -> Table:
    """Read a CSV file (comma, semicolon or tab separated) into rows by column name.

    Raises ``SourceError`` at the header line when a required column (or every column of
    ``one_of``) is missing or two headers mean the same column.
    """
    text = _decode(path, shown, warnings)
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and (not lines[skipped].strip() or lines[skipped].lstrip().startswith("#")):
        skipped += 1
    if skipped == len(lines):
        raise SourceError(shown, "the file has no header row")
    header_line = skipped + 1
    first = lines[skipped]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO("".join(lines[skipped:])), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise SourceError(shown, f"the header row is not valid CSV: {exc}", line=header_line) from None
    by_key = {header_key(c.name): c for c in columns}
    for column in columns:
        for alias in column.aliases:
            by_key.setdefault(header_key(alias), column)
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        found_column = by_key.get(header_key(name))
        if found_column is None:
            continue
        column = found_column
        if column.name in index:
            other = header[index[column.name]]
            raise SourceError(
                shown,
                f"columns {other!r} and {name!r} both mean {column.name!r}; keep one of them",
                line=header_line,
            )
        index[column.name] = i
    found = ", ".join(repr(h) for h in header) or "nothing"
    for column in columns:
        if column.required and column.name not in index:
            spellings = ", ".join((column.name, *column.aliases))
            raise SourceError(
                shown,
                f"missing required column {column.name!r} (accepted headers: {spellings}); "
                f"the header has {found}",
                line=header_line,
            )
    if one_of and not any(name in index for name in one_of):
        raise SourceError(
            shown,
            f"missing column: it needs {' or '.join(repr(n) for n in one_of)}; the header has {found}",
            line=header_line,
        )
    rows: list[tuple[int, dict[str, str]]] = []
    start = reader.line_num
    while True:
        line = header_line + start
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise SourceError(
                shown, f"not valid CSV: {exc}", line=header_line + reader.line_num - 1
            ) from None
        start = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header) and not any(cell.strip() for cell in record[len(header) :]):
            record = record[: len(header)]
        if len(record) != len(header):
            warnings.add(
                BAD_ROW, f"{shown}:{line}", f"{len(record)} fields, but the header has {len(header)}"
            )
            continue
        rows.append((line, {name: record[i].strip() for name, i in index.items()}))
    for column in columns:
        if column.name not in index:
            for _, values in rows:
                values[column.name] = ""
    return Table(shown, rows, frozenset(index))


# --- Dates -------------------------------------------------------------------------------------

_US = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?)?$"
)
_EUROPEAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
DATE_FORMATS = "2026-11-28, 2026-11-28T14:05:00-05:00, 2026-11-28 14:05, 11/28/2026, 28.11.2026"
"""Examples of accepted formats, for warnings."""


def resolve_timezone(name: str) -> dt.tzinfo:
    """``UTC`` or an IANA zone name such as ``America/Chicago``."""
    if name.upper() in ("UTC", "Z", "GMT"):
        return dt.UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown time zone {name!r}; use an IANA name like America/Chicago, or UTC"
        ) from None


def parse_datetime(text: str, tz: dt.tzinfo) -> dt.datetime:
    """A date or date and time in one of the accepted formats, as an aware time in ``tz``.

    Raises ``ValueError`` for anything else (and for impossible dates such as 13/28/2026).
    """
    value = text.strip()
    parsed: dt.datetime | None = None
    if re.match(r"^\d{4}-?\d{2}-?\d{2}", value):
        parsed = dt.datetime.fromisoformat(value)
    elif match := _US.match(value):
        month, day, year, hour, minute, second, ampm = match.groups()
        hours = int(hour or 0)
        if ampm:
            if not 1 <= hours <= 12:
                raise ValueError(f"{hours} is not an hour on a 12-hour clock")
            hours = hours % 12 + (12 if ampm[0] in "Pp" else 0)
        parsed = dt.datetime(int(year), int(month), int(day), hours, int(minute or 0), int(second or 0))
    elif match := _EUROPEAN.match(value):
        day, month, year, hour, minute, second = match.groups()
        parsed = dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    if parsed is None:
        raise ValueError(f"{value!r} is in no known date format")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(tz)


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


def _rate(value: int | None) -> str:
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
        _rate(s.booking_rate),
        str(s.attended),
        str(s.no_shows),
        _rate(s.show_rate),
        _rate(s.follow_up_rate),
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
                _rate(r.summary.booking_rate),
                str(r.summary.no_shows),
                _rate(r.summary.show_rate),
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
        f"{_e(_rate(total.booking_rate))} of leads.</li>",
        f"<li>{plural(total.attended, 'appointment')} attended and {total.no_shows} missed: show rate "
        f"{_e(_rate(total.show_rate))}. {total.cancelled} cancelled.</li>",
        f"<li>Follow-up adherence {_e(_rate(total.follow_up_rate))} "
        f"({total.follow_ups_done} of {total.follow_ups_due}).</li>",
    ]
    if total.unlinked:
        were = "appointment was" if total.unlinked == 1 else "appointments were"
        body.append(f"<li>{total.unlinked} {were} recorded without a lead (not in the rates).</li>")
    warned = plural(report.warnings.total, "warning")
    body.append(f"<li>{warned} about the input data (see Data quality).</li></ul>")
    labels = [r.campaign for r in campaigns]
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
            [
                (label, None if r.summary.booking_rate is None else float(r.summary.booking_rate))
                for label, r in zip(labels, campaigns, strict=True)
            ],
            lambda v: f"{v:.0f}%",
        ),
        bar_chart(
            "campaign-response",
            "Median lead response time per campaign",
            [(label, r.summary.median_response_hours) for label, r in zip(labels, campaigns, strict=True)],
            format_hours,
        ),
        bar_chart(
            "campaign-show",
            "Show rate per campaign",
            [
                (label, None if r.summary.show_rate is None else float(r.summary.show_rate))
                for label, r in zip(labels, campaigns, strict=True)
            ],
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
        _table(
            "Funnel per campaign and channel",
            ("Campaign", "Channel", *SUMMARY_HEADERS),
            [
                [r.campaign, r.channel, *_summary_cells(r.summary)]
                for r in report.rows
                if r.dimension == "channel"
            ],
            row_headers=2,
        ),
        "<h2>By variant</h2>",
        _table(
            "Funnel per campaign and landing-page variant",
            ("Campaign", "Variant", *SUMMARY_HEADERS),
            [
                [r.campaign, r.variant, *_summary_cells(r.summary)]
                for r in report.rows
                if r.dimension == "variant"
            ],
            row_headers=2,
        ),
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
