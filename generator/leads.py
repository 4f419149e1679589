"""Local lead capture: the appointment-request form's field contract, a SQLite lead store and
a small WSGI endpoint for it, served on loopback.

The contract (``LeadSubmission``) is the form of ``themes/carewheel/partials/request_form.html``
and the values ``assets/campaign.js`` sets. The form asks for contact details only; unknown
fields are refused, so a future form that asks more must add the field here explicitly.
Production points the form at the organization's endpoint, which accepts the same contract
(``docs/lead-form.schema.json``).

Error messages name the field and the rule, never the submitted value: values are personal
data, possibly health-adjacent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import ipaddress
import json
import os
import re
import socket
import socketserver
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import phonenumbers
from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from generator.errors import CarewheelError
from generator.schemas import SLUG_PATTERN, TRACKING_ID_PATTERN, VARIANT_ID_PATTERN

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id")
"""The UTM keys ``campaign.js`` keeps, as first touch (``ft_``) and last touch (``lt_``)."""

MAX_BODY = 16 * 1024
"""Largest request body accepted, in bytes (the form's real posts are well under 2 KB)."""

SCHEMA_VERSION = 1
"""``PRAGMA user_version`` of the lead store's layout."""

# --- The field contract -----------------------------------------------------------------------

TrackingId = Annotated[str, StringConstraints(pattern=TRACKING_ID_PATTERN)]
VariantId = Annotated[str, StringConstraints(pattern=VARIANT_ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
ChannelKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9._-]*$", max_length=201)]
FormUtm = Annotated[str, StringConstraints(pattern=r"^[a-z0-9._-]*$", max_length=100)]
"""A UTM value as ``campaign.js`` sanitizes it: ``[a-z0-9._-]``, at most 100; empty when unset."""
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]+$"
    ),
]
PhoneText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]

RULES: dict[str, str] = {
    "tracking_id": "must be cmp- and 4 to 6 digits, like cmp-0042",
    "variant": "must be 1 to 12 lowercase letters or digits, like a or b",
    "channel": "must be a channel key like google-cpc: a-z, 0-9, . _ or -",
    "pathway": "must be a pathway or triage route id: lowercase words joined by hyphens",
    "service_line": "must be a service line id: lowercase words joined by hyphens",
    "name": "must be 1 to 100 characters, without line breaks or control characters",
    "phone": "must be a US phone number with area code, like (555) 010-2200",
    "best_time": "must be morning, afternoon or evening",
    **{
        f"{touch}_{key}": "must be at most 100 characters of a-z, 0-9, . _ or -"
        for touch in ("ft", "lt")
        for key in UTM_KEYS
    },
}
"""Each field's rule in plain words: the whole of what an error says about a bad value."""

UNKNOWN_FIELD = (
    "unknown field: this endpoint stores only the appointment-request form's contact and campaign "
    "fields; a form that asks for more must add the field to LeadSubmission explicitly"
)


class LeadSubmission(BaseModel):
    """One appointment request from the site's form: contact details and campaign tracking.

    Hidden fields come from the page (``tracking_id``, ``variant``, ``channel``, ``pathway``,
    ``service_line``) and from ``campaign.js`` (first- and last-touch UTM values). Visible
    fields are the only ones a patient types: name, phone and best time to call. No field
    asks about health; unknown fields are refused.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        title="Appointment request (lead)",
        json_schema_extra={"dependentRequired": {"tracking_id": ["variant"], "variant": ["tracking_id"]}},
    )

    tracking_id: TrackingId | None = None
    """The landing page's campaign tracking id (``cmp-0042``); absent on other pages' forms."""
    variant: VariantId | None = None
    """The landing page's variant (``a``, ``b``); sent with ``tracking_id``."""
    channel: ChannelKey | None = None
    """The channel view's key (``google-cpc``) on a call-tracking view; empty otherwise."""
    pathway: Slug
    """The next step the form belongs to: a pathway id, or a triage route."""
    service_line: Slug
    """The service line of the page."""
    ft_utm_source: FormUtm | None = None
    """First touch (90 days): ``utm_source``."""
    ft_utm_medium: FormUtm | None = None
    """First touch: ``utm_medium``."""
    ft_utm_campaign: FormUtm | None = None
    """First touch: ``utm_campaign``."""
    ft_utm_content: FormUtm | None = None
    """First touch: ``utm_content`` (the variant of the link)."""
    ft_utm_term: FormUtm | None = None
    """First touch: ``utm_term``."""
    ft_utm_id: FormUtm | None = None
    """First touch: ``utm_id`` (a tracking id)."""
    lt_utm_source: FormUtm | None = None
    """Last touch (this session): ``utm_source``."""
    lt_utm_medium: FormUtm | None = None
    """Last touch: ``utm_medium``."""
    lt_utm_campaign: FormUtm | None = None
    """Last touch: ``utm_campaign``."""
    lt_utm_content: FormUtm | None = None
    """Last touch: ``utm_content``."""
    lt_utm_term: FormUtm | None = None
    """Last touch: ``utm_term``."""
    lt_utm_id: FormUtm | None = None
    """Last touch: ``utm_id``."""
    name: Name
    """The patient's name as typed: 1 to 100 characters."""
    phone: PhoneText
    """A US phone number with area code; stored as ``(555) 010-2200``."""
    best_time: Literal["morning", "afternoon", "evening"]
    """Best time to call back."""

    @field_validator("channel", *(f"{t}_{k}" for t in ("ft", "lt") for k in UTM_KEYS), mode="after")
    @classmethod
    def _empty_is_unset(cls, value: str | None) -> str | None:
        """The page posts empty hidden fields for unset values; they are stored as NULL."""
        return value or None

    @field_validator("phone", mode="after")
    @classmethod
    def _us_phone(cls, value: str) -> str:
        """A possible US (NANP) number with area code, normalized to ``(555) 010-2200``."""
        try:
            number = phonenumbers.parse(value, "US")
        except phonenumbers.NumberParseException:
            raise ValueError(RULES["phone"]) from None
        reason = phonenumbers.is_possible_number_with_reason(number)
        if number.country_code != 1 or reason != phonenumbers.ValidationResult.IS_POSSIBLE:
            raise ValueError(RULES["phone"])
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))

    @model_validator(mode="after")
    def _campaign_fields_pair(self) -> LeadSubmission:
        """A landing page posts its tracking id and its variant together."""
        if (self.tracking_id is None) != (self.variant is None):
            raise ValueError("tracking_id and variant are sent together (both or neither)")
        return self


FIELDS: tuple[str, ...] = tuple(LeadSubmission.model_fields)
"""The contract's fields, in form (and column) order."""


@dataclass(frozen=True)
class FieldError:
    """One problem with a submission: the field (``None`` for the whole form) and the rule."""

    field: str | None
    message: str

    def as_dict(self) -> dict[str, str | None]:
        """The JSON shape: ``{"field": ..., "message": ...}``."""
        return {"field": self.field, "message": self.message}


class InvalidLead(CarewheelError):
    """A submission broke the contract; ``errors`` say where, never with the values."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field or 'form'}: {e.message}" for e in errors))


class LeadStoreError(CarewheelError):
    """The lead store cannot be used (not a database, another layout, a newer version)."""


_SAFE_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _field_errors(exc: ValidationError) -> list[FieldError]:
    out: list[FieldError] = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False):
        loc = err["loc"]
        key = str(loc[0]) if loc else None
        kind = err["type"]
        if kind == "extra_forbidden":
            field = key if key is not None and _SAFE_KEY.fullmatch(key) else None
            out.append(FieldError(field, UNKNOWN_FIELD if field else UNKNOWN_FIELD + " (name not shown)"))
        elif kind == "missing":
            out.append(FieldError(key, "is required"))
        elif key in RULES:
            prefix = "must be text; " if kind == "string_type" else ""
            out.append(FieldError(key, prefix + RULES[key]))
        else:
            # Our own model-level messages ("Value error, ..."): fixed text, no values.
            out.append(FieldError(key, str(err["msg"]).removeprefix("Value error, ")))
    unique = list(dict.fromkeys(out))
    return unique


def parse_submission(data: Mapping[str, object]) -> LeadSubmission:
    """Validate one submission; raises ``InvalidLead`` with every problem, values left out."""
    try:
        return LeadSubmission.model_validate(dict(data))
    except ValidationError as exc:
        raise InvalidLead(_field_errors(exc)) from None


def schema_text() -> str:
    """The JSON Schema of the contract, as written to ``docs/lead-form.schema.json``."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **LeadSubmission.model_json_schema()}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# --- The store --------------------------------------------------------------------------------

COLUMNS: tuple[str, ...] = ("id", "received_at", *FIELDS)
"""The ``leads`` table's columns, in order."""

_CREATE = (
    "CREATE TABLE IF NOT EXISTS leads (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  received_at TEXT NOT NULL,\n"
    + "".join(
        f"  {name} TEXT{' NOT NULL' if LeadSubmission.model_fields[name].is_required() else ''},\n"
        for name in FIELDS
    ).rstrip(",\n")
    + "\n)"
)
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS leads_tracking_id ON leads (tracking_id)",
    "CREATE INDEX IF NOT EXISTS leads_received_at ON leads (received_at)",
)
COUNTABLE = frozenset(FIELDS) - {"name", "phone"}
"""Columns ``LeadStore.counts`` may group by (never the contact details)."""


@dataclass(frozen=True)
class StoredLead:
    """A lead as stored: its id, when it arrived (UTC, ISO 8601) and the submission."""

    id: int
    received_at: str
    lead: LeadSubmission

    def row(self) -> dict[str, Any]:
        """Flat, in column order: ``id``, ``received_at``, then the contract's fields."""
        return {"id": self.id, "received_at": self.received_at, **self.lead.model_dump()}


class LeadStore:
    """Leads in one SQLite file (WAL). One connection per operation, so any thread or process
    may write; inserts take the write lock up front (``BEGIN IMMEDIATE``) and wait for it.
    The file and its layout are created on first use, readable by the owner only."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._ready = False
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._create()
        conn = self._open()
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise LeadStoreError(f"{self.path}: {exc}") from exc
        finally:
            conn.close()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        return conn

    def _create(self) -> None:
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # Personal data: owner-only from the start (SQLite gives -wal/-shm the same mode).
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            conn = self._open()
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    self._create_schema(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise LeadStoreError(f"{self.path}: {exc}") from exc
            finally:
                conn.close()
            self._ready = True

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise LeadStoreError(
                f"{self.path} was written by a newer carewheel (layout {version}; this one knows "
                f"{SCHEMA_VERSION})"
            )
        conn.execute(_CREATE)
        found = tuple(row["name"] for row in conn.execute("PRAGMA table_info(leads)"))
        if found != COLUMNS:
            raise LeadStoreError(
                f"{self.path} has a leads table with other columns than carewheel's; use another --db file"
            )
        for statement in _INDEXES:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def add(self, lead: LeadSubmission, *, received_at: dt.datetime | None = None) -> int:
        """Store ``lead``; returns its id (never reused). ``received_at`` defaults to now (UTC)."""
        when = (received_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
        values = lead.model_dump()
        sql = (
            f"INSERT INTO leads (received_at, {', '.join(FIELDS)}) "
            f"VALUES (?, {', '.join('?' for _ in FIELDS)})"
        )
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = conn.execute(sql, (when, *(values[f] for f in FIELDS)))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def all(self) -> list[StoredLead]:
        """Every lead, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM leads ORDER BY id").fetchall()
        return [
            StoredLead(
                row["id"], row["received_at"], LeadSubmission.model_construct(**{f: row[f] for f in FIELDS})
            )
            for row in rows
        ]

    def count(self) -> int:
        """How many leads are stored."""
        with self._connect() as conn:
            return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])

    def counts(self, by: str = "tracking_id") -> dict[str | None, int]:
        """Leads per value of column ``by`` (``tracking_id``, ``variant``, ``channel``, a UTM
        column ...); ``None`` counts leads without a value."""
        if by not in COUNTABLE:
            raise ValueError(f"cannot count by {by!r}; choose one of {', '.join(sorted(COUNTABLE))}")
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {by}, count(*) FROM leads GROUP BY {by} ORDER BY {by}").fetchall()
        return {row[0]: int(row[1]) for row in rows}


# --- The WSGI endpoint ------------------------------------------------------------------------

_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
_REASONS = {
    201: "201 Created",
    204: "204 No Content",
    400: "400 Bad Request",
    403: "403 Forbidden",
    405: "405 Method Not Allowed",
    411: "411 Length Required",
    413: "413 Content Too Large",
    415: "415 Unsupported Media Type",
    500: "500 Internal Server Error",
}
_THANKS = "Thank you. We will call you soon."


class _Reject(Exception):
    """An early answer: status and the form-level message."""

    def __init__(self, status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


def _is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _origin_allowed(environ: WSGIEnvironment, origin: str | None, allowed: frozenset[str]) -> bool:
    """No ``Origin`` (not a browser), a listed origin, or the endpoint's own loopback origin.
    The last needs a loopback ``Host``, so a DNS-rebound name cannot pass as same-origin."""
    if origin is None or origin in allowed:
        return True
    host = environ.get("HTTP_HOST", "")
    own = f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
    hostname = urlsplit(own).hostname or ""
    return origin == own and _is_loopback_host(hostname)


def _read_body(environ: WSGIEnvironment) -> bytes:
    raw = environ.get("CONTENT_LENGTH") or ""
    try:
        length = int(raw)
    except ValueError:
        raise _Reject(411, "send the body with a Content-Length header") from None
    if length < 0:
        raise _Reject(400, "Content-Length is negative")
    if length > MAX_BODY:
        raise _Reject(413, f"the request is larger than {MAX_BODY // 1024} KB")
    body: bytes = environ["wsgi.input"].read(length)
    return body


def _media_type(environ: WSGIEnvironment) -> str:
    value = environ.get("CONTENT_TYPE") or ""
    media, _, params = value.partition(";")
    media = media.strip().lower()
    if media not in (_FORM, _JSON):
        raise _Reject(415, f"send the form as {_FORM} or {_JSON}")
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise _Reject(415, "send the form in UTF-8")
    return media


def _parse(media: str, body: bytes) -> dict[str, object]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidLead([FieldError(None, "the body is not valid UTF-8")]) from None
    if media == _JSON:
        return _parse_json(text)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=100)
    except UnicodeDecodeError:
        raise InvalidLead([FieldError(None, "the form data is not valid UTF-8")]) from None
    except ValueError:
        raise InvalidLead([FieldError(None, "the form has too many fields")]) from None
    return _unique(pairs)


def _parse_json(text: str) -> dict[str, object]:
    try:
        data = json.loads(text, object_pairs_hook=lambda pairs: _unique(pairs))
    except InvalidLead:
        raise
    except ValueError:
        raise InvalidLead([FieldError(None, "the body is not valid JSON")]) from None
    if not isinstance(data, dict):
        raise InvalidLead([FieldError(None, "send one JSON object of fields")])
    return data


def _unique(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Fields as a dict; a field sent twice is an error (which value would be meant?)."""
    out: dict[str, Any] = {}
    twice: list[FieldError] = []
    for key, value in pairs:
        if key in out:
            field = key if _SAFE_KEY.fullmatch(key) else None
            twice.append(FieldError(field, "is sent more than once"))
        out[key] = value
    if twice:
        raise InvalidLead(list(dict.fromkeys(twice)))
    return out


def _wants_html(environ: WSGIEnvironment) -> bool:
    """A native form post (no JavaScript) asks for HTML; ``campaign.js`` asks for JSON."""
    accept = environ.get("HTTP_ACCEPT", "")
    return "text/html" in accept and _JSON not in accept


def _html_page(status: int, errors: list[FieldError]) -> bytes:
    if status == 201:
        title, body = "Request received", f"<p>{_THANKS}</p>"
    else:
        title = "Request not sent"
        items = "".join(
            f"<li>{html.escape(f'{e.field}: ' if e.field else '')}{html.escape(e.message)}</li>"
            for e in errors
        )
        body = f"<p>We could not send your request. Please call us instead.</p><ul>{items}</ul>"
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1>{body}"
        "<p>Use your browser's Back button to return to the page.</p></main></body></html>"
    )
    return page.encode("utf-8")


def lead_app(store: LeadStore, allowed_origins: Iterable[str] = ()) -> WSGIApplication:
    """A WSGI app that stores form posts in ``store``; mount it at the form's endpoint path.

    POST (form-urlencoded or JSON): 201 ``{"ok": true, "id": N}``; invalid fields: 400
    ``{"ok": false, "errors": [{"field", "message"}]}``; other methods 405; bodies above
    16 KB 413; other content types 415; a browser origin that is neither listed in
    ``allowed_origins`` nor the endpoint's own loopback origin: 403. Listed origins get CORS
    headers (and OPTIONS preflight). A native form post (``Accept: text/html``) gets a short
    HTML page with the same status. Answers never repeat submitted values.
    """
    allowed = frozenset(o.rstrip("/") for o in allowed_origins)

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        origin = environ.get("HTTP_ORIGIN")
        headers = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), ("Vary", "Origin")]
        if origin is not None and origin in allowed:
            headers.append(("Access-Control-Allow-Origin", origin))
        html_wanted = _wants_html(environ)

        def answer(status: int, errors: list[FieldError], lead_id: int | None = None) -> Iterable[bytes]:
            if status == 204:
                start_response(_REASONS[status], headers)
                return [b""]
            if html_wanted:
                body = _html_page(status, errors)
                content_type = "text/html; charset=utf-8"
            else:
                payload: dict[str, object] = {"ok": status == 201}
                if lead_id is not None:
                    payload["id"] = lead_id
                if errors:
                    payload["errors"] = [e.as_dict() for e in errors]
                body = json.dumps(payload).encode("utf-8")
                content_type = "application/json"
            start_response(
                _REASONS[status],
                [*headers, ("Content-Type", content_type), ("Content-Length", str(len(body)))],
            )
            return [body]

        try:
            if not _origin_allowed(environ, origin, allowed):
                raise _Reject(403, "this origin may not send leads here")
            if method == "OPTIONS":
                headers.append(("Allow", "POST, OPTIONS"))
                if origin is not None and origin in allowed:
                    headers += [
                        ("Access-Control-Allow-Methods", "POST, OPTIONS"),
                        ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                        ("Access-Control-Max-Age", "600"),
                    ]
                return answer(204, [])
            if method != "POST":
                raise _Reject(405, "send the form with POST", [("Allow", "POST, OPTIONS")])
            body = _read_body(environ)
            media = _media_type(environ)
            lead = parse_submission(_parse(media, body))
        except _Reject as reject:
            headers += reject.headers
            return answer(reject.status, [FieldError(None, reject.message)])
        except InvalidLead as invalid:
            return answer(400, invalid.errors)
        try:
            lead_id = store.add(lead)
        except (LeadStoreError, sqlite3.Error) as exc:
            # The message names the store and SQLite's reason, never the lead's values.
            print(f"carewheel leads: could not store a lead: {exc}", file=environ["wsgi.errors"])
            return answer(500, [FieldError(None, "the request could not be stored; please call us")])
        return answer(201, [], lead_id)

    return app


def mount(prefix: str, app: WSGIApplication, fallback: WSGIApplication) -> WSGIApplication:
    """Dispatch requests for ``prefix`` (``/leads``, ``/leads/...``) to ``app``, others to
    ``fallback``: how a preview server adds the lead endpoint next to the site."""
    prefix = "/" + prefix.strip("/")

    def dispatch(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path == prefix or path.startswith(prefix + "/"):
            inner = dict(environ)
            inner["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
            inner["PATH_INFO"] = path[len(prefix) :]
            return app(inner, start_response)
        return fallback(environ, start_response)

    return dispatch


# --- Serving on loopback ----------------------------------------------------------------------


class _Handler(WSGIRequestHandler):
    """Logs method, path (without query) and status only: never headers or bodies."""

    quiet = False
    timeout = 30  # seconds a client may stall; bounds how long a shutdown waits for it

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.quiet:
            path = self.path.split("?", 1)[0]
            sys.stderr.write(f"{self.command} {path} {code}\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietHandler(_Handler):
    quiet = True


class LeadServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per request, for loopback only. Closing it waits for the
    requests in flight, so a Ctrl-C never drops a lead that is being stored."""

    daemon_threads = False
    block_on_close = True
    request_queue_size = 128

    @property
    def url(self) -> str:
        """``http://host:port/`` where it listens."""
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"


class _LeadServer6(LeadServer):
    address_family = socket.AF_INET6


def make_server(host: str, port: int, app: WSGIApplication, *, quiet: bool = False) -> LeadServer:
    """A threading WSGI server for ``app`` bound to ``host:port`` (port 0: any free port).
    ``host`` must be a loopback address or ``localhost``: leads are personal data."""
    if not _is_loopback_host(host):
        raise LeadStoreError(f"{host} is not a loopback address; the lead endpoint listens on loopback only")
    if host.lower() == "localhost":
        host = "127.0.0.1"
    server_class = _LeadServer6 if ":" in host else LeadServer
    server = server_class((host.strip("[]"), port), _QuietHandler if quiet else _Handler)
    server.set_app(app)
    return server


def serve_leads(
    host: str = "127.0.0.1",
    port: int = 8700,
    db: str | Path = "build/leads.sqlite",
    allowed_origins: Iterable[str] = (),
    *,
    say: Callable[[str], None] = print,
) -> None:
    """Accept form posts on ``host:port`` into the SQLite file ``db`` until interrupted."""
    store = LeadStore(db)
    stored = store.count()  # creates the file and its layout now, so a bad --db fails at once
    server = make_server(host, port, lead_app(store, allowed_origins))
    say(f"Storing leads in {store.path} ({stored} so far).")
    say(f"Listening on {server.url} (POST the appointment-request form here; Ctrl-C stops).")
    if hasattr(sys.stdout, "flush"):
        sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


__all__ = [
    "COLUMNS",
    "FIELDS",
    "MAX_BODY",
    "FieldError",
    "InvalidLead",
    "LeadServer",
    "LeadStore",
    "LeadStoreError",
    "LeadSubmission",
    "StoredLead",
    "lead_app",
    "make_server",
    "mount",
    "parse_submission",
    "schema_text",
    "serve_leads",
]
