"""Tolerant reading of CSV exports: CRM leads, appointments, the intake team's question log.

Header spellings are matched loosely (``Lead ID`` is ``lead_id``), ``#`` comment lines before
the header are skipped, UTF-8 (with or without BOM) is expected and anything else is read as
Latin-1 with a warning, and dates come in several formats. Problems with single rows are
counted warnings with ``path:line`` (``DataWarnings``); a missing required column or an
unreadable file is an error. Used by ``funnel.py`` (``carewheel report``) and ``gaps.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import SourceError, UsageError

if TYPE_CHECKING:
    pass

SHOWN_PER_KIND = 5
"""How many locations each kind of warning lists; the rest are counted."""
BAD_ROW = "unparseable row"
BAD_DATE = "unparseable date"
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
