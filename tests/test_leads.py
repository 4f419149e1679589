"""Local lead capture: the form's field contract, the SQLite store under concurrent writers, the
WSGI endpoint's answers over real HTTP on loopback, the `leads` commands, the JSON Schema file,
and a landing page's form posting into the store in real headless Chromium."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import mimetypes
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlparse
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import jsonschema
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator import leads
from generator.cli_leads import leads as leads_command
from generator.leads import (
    COLUMNS,
    FIELDS,
    MAX_BODY,
    InvalidLead,
    LeadServer,
    LeadStore,
    LeadStoreError,
    lead_app,
    make_server,
    mount,
    parse_submission,
)
from tests.conftest import ROOT, BuiltSite, run

LANDING = "lp/heart-check/a/google-cpc/"
ALLOWED = "http://127.0.0.1:8000"
SECRET = "Zq9secret"
"""A marker inside bad values: it must never come back in an answer."""

LANDING_POST = {
    "pathway": "new-patient-consult",
    "service_line": "cardiology",
    "tracking_id": "cmp-0001",
    "variant": "a",
    "channel": "google-cpc",
    **{f"{t}_{k}": "" for t in ("ft", "lt") for k in leads.UTM_KEYS},
    "ft_utm_source": "google",
    "ft_utm_medium": "cpc",
    "lt_utm_source": "newsletter",
    "name": "Pat Example",
    "phone": "(555) 010-9999",
    "best_time": "morning",
}
"""What a landing page posts: every hidden field, unset UTM values empty."""

PLAIN_POST = {
    "pathway": "new-patient-consult",
    "service_line": "cardiology",
    "name": "Pat Example",
    "phone": "555 010 9999",
    "best_time": "evening",
}
"""What the form on any other page posts: no campaign fields."""


# --- The contract ---------------------------------------------------------------------------


def test_a_landing_page_post_is_accepted_and_normalized() -> None:
    lead = parse_submission({**LANDING_POST, "name": "  Pat Example  ", "phone": "555.010.9999"})
    assert lead.tracking_id == "cmp-0001"
    assert (lead.variant, lead.channel) == ("a", "google-cpc")
    assert (lead.ft_utm_source, lead.ft_utm_medium, lead.lt_utm_source) == ("google", "cpc", "newsletter")
    assert lead.ft_utm_campaign is None, "empty hidden fields are stored as unset"
    assert lead.name == "Pat Example"
    assert lead.phone == "(555) 010-9999"


def test_a_plain_page_post_is_accepted_without_campaign_fields() -> None:
    lead = parse_submission(PLAIN_POST)
    assert (lead.tracking_id, lead.variant, lead.ft_utm_source) == (None, None, None)
    assert lead.best_time == "evening"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"tracking_id": "cmp-1"}, "tracking_id", "cmp-"),
        ({"tracking_id": "CMP-0001"}, "tracking_id", "cmp-"),
        ({"variant": "A"}, "variant", "lowercase"),
        ({"ft_utm_source": "Google"}, "ft_utm_source", "a-z"),
        ({"lt_utm_term": "chest pain"}, "lt_utm_term", "a-z"),
        ({"ft_utm_campaign": "a" * 101}, "ft_utm_campaign", "100"),
        ({"best_time": "night"}, "best_time", "morning, afternoon or evening"),
        ({"name": ""}, "name", "1 to 100"),
        ({"name": "   "}, "name", "1 to 100"),
        ({"name": "x" * 101}, "name", "1 to 100"),
        ({"name": "Pat\nExample"}, "name", "line breaks"),
        ({"name": "Pat\x1b[31mExample"}, "name", "control"),
        ({"name": 42}, "name", "must be text"),
        ({"phone": "555-0100"}, "phone", "area code"),
        ({"phone": "+44 20 7946 0958"}, "phone", "US phone"),
        ({"phone": "call me"}, "phone", "US phone"),
        ({"phone": "12"}, "phone", "US phone"),
        ({"pathway": "New Patient"}, "pathway", "pathway"),
        ({"service_line": ""}, "service_line", "service line"),
    ],
)
def test_bad_values_are_refused_with_the_rule(changes: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(InvalidLead) as caught:
        parse_submission({**LANDING_POST, **changes})
    assert [e.field for e in caught.value.errors] == [field]
    assert words in caught.value.errors[0].message


def test_missing_fields_are_each_named() -> None:
    with pytest.raises(InvalidLead) as caught:
        parse_submission({})
    assert {(e.field, e.message) for e in caught.value.errors} == {
        (name, "is required") for name in ("pathway", "service_line", "name", "phone", "best_time")
    }


@pytest.mark.parametrize("missing", ["tracking_id", "variant"])
def test_tracking_id_and_variant_come_together(missing: str) -> None:
    post = {k: v for k, v in LANDING_POST.items() if k != missing}
    with pytest.raises(InvalidLead, match="tracking_id and variant are sent together"):
        parse_submission(post)


def test_an_extra_field_is_refused_even_a_health_question() -> None:
    with pytest.raises(InvalidLead) as caught:
        parse_submission({**LANDING_POST, "symptoms": f"{SECRET} chest pain at night"})
    (error,) = caught.value.errors
    assert error.field == "symptoms"
    assert "unknown field" in error.message
    assert "LeadSubmission explicitly" in error.message


@pytest.mark.parametrize(
    "changes",
    [
        {"name": f"{SECRET}\nchest pain"},
        {"phone": f"{SECRET} chest pain"},
        {"tracking_id": SECRET},
        {"ft_utm_term": f"{SECRET} Chest Pain"},
        {"best_time": SECRET},
        {"notes": f"{SECRET} chest pain"},
        {f"{SECRET} chest pain": "yes"},
    ],
)
def test_errors_never_repeat_submitted_values(changes: dict[str, str]) -> None:
    with pytest.raises(InvalidLead) as caught:
        parse_submission({**LANDING_POST, **changes})
    said = str(caught.value) + json.dumps([e.as_dict() for e in caught.value.errors])
    assert SECRET not in said
    assert "chest" not in said.lower()


@pytest.mark.build
def test_the_contract_is_the_built_landing_page_form(built: BuiltSite) -> None:
    """Every field the demo's forms post is in the contract, and their defaults validate."""
    soup = BeautifulSoup((built.site / LANDING / "index.html").read_text("utf-8"), "html.parser")
    form = soup.select_one("form[data-campaign-form]")
    assert form is not None
    names = [str(el["name"]) for el in form.select("input[name], select[name], textarea[name]")]
    assert sorted(names) == sorted(FIELDS)
    posted = _form_defaults(form) | {"name": "Pat Example", "phone": "(555) 010-9999"}
    lead = parse_submission(posted)
    assert (lead.tracking_id, lead.variant, lead.channel) == ("cmp-0001", "a", "google-cpc")

    plain = next(
        form
        for page in sorted(built.site.rglob("*.html"))
        for form in BeautifulSoup(page.read_text("utf-8"), "html.parser").select("form.request-form")
        if not form.has_attr("data-campaign-form")
    )
    lead = parse_submission(_form_defaults(plain) | {"name": "Pat Example", "phone": "(555) 010-9999"})
    assert lead.tracking_id is None


def _form_defaults(form: Any) -> dict[str, str]:
    values = {str(i["name"]): str(i.get("value", "")) for i in form.select("input[name]")}
    for select in form.select("select[name]"):
        values[str(select["name"])] = str(select.select_one("option")["value"])
    return values


# --- The JSON Schema ------------------------------------------------------------------------

SCHEMA_FILE = ROOT / "docs/lead-form.schema.json"


def test_schema_file_is_up_to_date(request: pytest.FixtureRequest) -> None:
    expected = leads.schema_text()
    if request.config.getoption("--update-goldens"):
        SCHEMA_FILE.write_text(expected, "utf-8")
    assert SCHEMA_FILE.read_text("utf-8") == expected, (
        f"{SCHEMA_FILE.relative_to(ROOT)} is stale; run pytest --update-goldens and review it"
    )


def test_schema_agrees_with_the_model_on_examples() -> None:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    assert list(validator.iter_errors(LANDING_POST)) == []
    assert list(validator.iter_errors(PLAIN_POST)) == []
    for bad in (
        {**LANDING_POST, "symptoms": "x"},
        {**LANDING_POST, "tracking_id": "cmp-1"},
        {**LANDING_POST, "ft_utm_source": "Google"},
        {**LANDING_POST, "best_time": "night"},
        {k: v for k, v in LANDING_POST.items() if k != "variant"},
        {k: v for k, v in LANDING_POST.items() if k != "name"},
    ):
        assert list(validator.iter_errors(bad)), bad
        with pytest.raises(InvalidLead):
            parse_submission(bad)


# --- The store ------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> LeadStore:
    return LeadStore(tmp_path / "build" / "leads.sqlite")


def test_store_creates_its_file_on_first_use_owner_only_in_wal_mode(store: LeadStore) -> None:
    assert not store.path.exists()
    assert store.count() == 0
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = tuple(row[1] for row in conn.execute("PRAGMA table_info(leads)"))
    conn.close()
    assert columns == COLUMNS
    assert len(COLUMNS) == 2 + 5 + 12 + 3


def test_store_round_trip_and_counts(store: LeadStore) -> None:
    first = store.add(parse_submission(LANDING_POST))
    when = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    second = store.add(parse_submission(PLAIN_POST), received_at=when)
    assert (first, second) == (1, 2)
    stored = store.all()
    assert [s.id for s in stored] == [1, 2]
    assert stored[0].lead == parse_submission(LANDING_POST)
    received = dt.datetime.fromisoformat(stored[0].received_at)
    assert received.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - received) < dt.timedelta(minutes=1)
    assert stored[1].received_at == "2026-11-28T14:30:00+00:00"
    row = stored[0].row()
    assert tuple(row) == COLUMNS
    assert row["ft_utm_source"] == "google"
    assert row["ft_utm_campaign"] is None
    assert store.count() == 2
    assert store.counts() == {None: 1, "cmp-0001": 1}
    assert store.counts("best_time") == {"evening": 1, "morning": 1}
    with pytest.raises(ValueError, match="cannot count by"):
        store.counts("phone")


def test_ids_are_never_reused(store: LeadStore) -> None:
    store.add(parse_submission(PLAIN_POST))
    last = store.add(parse_submission(PLAIN_POST))
    with sqlite3.connect(store.path) as conn:
        conn.execute("DELETE FROM leads WHERE id = ?", (last,))
    conn.close()
    assert store.add(parse_submission(PLAIN_POST)) == last + 1


def test_store_refuses_a_foreign_table_and_a_non_database(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE leads (id INTEGER PRIMARY KEY, email TEXT)")
    conn.close()
    with pytest.raises(LeadStoreError, match="other columns"):
        LeadStore(other).count()
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database, just text " * 100, "utf-8")
    with pytest.raises(LeadStoreError, match=r"junk\.sqlite"):
        LeadStore(junk).add(parse_submission(PLAIN_POST))


WRITER = """
import sys
from generator.leads import LeadStore, parse_submission
store = LeadStore(sys.argv[1])
for i in range(int(sys.argv[3])):
    store.add(parse_submission({"pathway": "p", "service_line": "s", "name": f"{sys.argv[2]}-{i}",
                                "phone": "(555) 010-9999", "best_time": "morning"}))
"""


def test_concurrent_processes_lose_nothing(store: LeadStore) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(store.path), f"p{n}", "50"], cwd=ROOT)
        for n in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    stored = store.all()
    assert sorted(s.lead.name for s in stored) == sorted(f"p{n}-{i}" for n in range(4) for i in range(50))
    assert len({s.id for s in stored}) == 200


# --- The endpoint over HTTP -----------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@contextlib.contextmanager
def running(app: WSGIApplication) -> Iterator[LeadServer]:
    """``app`` on a free loopback port for the duration (a server this test starts and stops)."""
    server = make_server("127.0.0.1", 0, app, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def endpoint(store: LeadStore) -> Iterator[LeadServer]:
    with running(lead_app(store, [ALLOWED])) as server:
        yield server


def send(
    server: LeadServer,
    method: str = "POST",
    body: bytes | str | dict[str, Any] | None = None,
    *,
    json_body: bool = False,
    headers: dict[str, str] | None = None,
    path: str = "/",
) -> Answer:
    """One request; dict bodies are sent form-urlencoded (or JSON with ``json_body``)."""
    all_headers = dict(headers or {})
    data: bytes | None
    if isinstance(body, dict):
        if json_body:
            data = json.dumps(body).encode("utf-8")
            all_headers.setdefault("Content-Type", "application/json")
        else:
            data = urlencode(body).encode("utf-8")
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    else:
        data = body.encode("utf-8") if isinstance(body, str) else body
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=30)
    try:
        conn.request(method, path, body=data, headers=all_headers)
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read().decode("utf-8"))
    finally:
        conn.close()


def test_form_post_is_stored_with_201(endpoint: LeadServer, store: LeadStore) -> None:
    answer = send(endpoint, body=LANDING_POST)
    assert answer.status == 201, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json() == {"ok": True, "id": 1}
    (stored,) = store.all()
    assert stored.lead.tracking_id == "cmp-0001"
    assert stored.lead.ft_utm_source == "google"


def test_json_post_is_stored_with_201(endpoint: LeadServer, store: LeadStore) -> None:
    answer = send(endpoint, body=PLAIN_POST, json_body=True, headers={"Accept": "application/json"})
    assert (answer.status, answer.json()) == (201, {"ok": True, "id": 1})
    assert store.all()[0].lead.best_time == "evening"


def test_invalid_post_gets_400_with_each_field_and_no_values(endpoint: LeadServer, store: LeadStore) -> None:
    bad = {**LANDING_POST, "phone": f"{SECRET} 123", "name": "", "symptoms": f"{SECRET} chest pain"}
    for json_body in (False, True):
        answer = send(endpoint, body=bad, json_body=json_body)
        assert answer.status == 400
        payload = answer.json()
        assert payload["ok"] is False
        assert {e["field"] for e in payload["errors"]} == {"phone", "name", "symptoms"}
        assert all(set(e) == {"field", "message"} for e in payload["errors"])
        assert SECRET not in answer.text
        assert "chest" not in answer.text
    assert store.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("{not json", "application/json", "not valid JSON"),
        ("[1, 2]", "application/json", "one JSON object"),
        ('{"name": "a", "name": "b"}', "application/json", "more than once"),
        ("name=a&name=b", "application/x-www-form-urlencoded", "more than once"),
        (b"name=%ff%fe", "application/x-www-form-urlencoded", "UTF-8"),
        (b"name=\xff", "application/x-www-form-urlencoded", "UTF-8"),
    ],
)
def test_malformed_bodies_get_400(
    endpoint: LeadServer, store: LeadStore, body: str | bytes, content_type: str, words: str
) -> None:
    answer = send(endpoint, body=body, headers={"Content-Type": content_type})
    assert answer.status == 400
    assert any(words in e["message"] for e in answer.json()["errors"]), answer.text
    assert store.count() == 0


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD"])
def test_other_methods_get_405(endpoint: LeadServer, method: str) -> None:
    answer = send(endpoint, method)
    assert answer.status == 405
    assert answer.headers["Allow"] == "POST, OPTIONS"


def test_bodies_above_16_kb_get_413(endpoint: LeadServer, store: LeadStore) -> None:
    padded = urlencode({**LANDING_POST, "name": "x" * MAX_BODY}).encode()
    assert len(padded) > MAX_BODY
    assert (
        send(endpoint, body=padded, headers={"Content-Type": "application/x-www-form-urlencoded"}).status
        == 413
    )
    # At the limit the body is read and judged on its fields instead.
    at_limit = urlencode({**LANDING_POST, "name": ""}).encode()
    at_limit += b"&name2=" + b"x" * (MAX_BODY - len(at_limit) - 7)
    assert len(at_limit) == MAX_BODY
    answer = send(endpoint, body=at_limit, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 400
    assert store.count() == 0


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "application/xml",
        None,
    ],
)
def test_other_content_types_get_415(
    endpoint: LeadServer, store: LeadStore, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    answer = send(endpoint, body=json.dumps(PLAIN_POST), headers=headers)
    assert answer.status == 415
    assert store.count() == 0


def test_a_post_without_length_gets_411(endpoint: LeadServer) -> None:
    host, port = endpoint.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=30)
    conn.putrequest("POST", "/")
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.endheaders()
    assert conn.getresponse().status == 411
    conn.close()


def test_cors_preflight_and_post_for_an_allowed_origin(endpoint: LeadServer, store: LeadStore) -> None:
    preflight = send(
        endpoint,
        "OPTIONS",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    answer = send(endpoint, body=LANDING_POST, json_body=True, headers={"Origin": ALLOWED})
    assert answer.status == 201
    assert answer.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert answer.headers["Vary"] == "Origin"
    assert store.count() == 1


def test_other_origins_are_refused_and_nothing_is_stored(endpoint: LeadServer, store: LeadStore) -> None:
    evil = "http://evil.example"
    preflight = send(endpoint, "OPTIONS", headers={"Origin": evil, "Access-Control-Request-Method": "POST"})
    assert preflight.status == 403
    assert "Access-Control-Allow-Origin" not in preflight.headers
    answer = send(endpoint, body=LANDING_POST, headers={"Origin": evil})
    assert answer.status == 403
    assert "Access-Control-Allow-Origin" not in answer.headers
    # A DNS-rebound name looks same-origin, but its Host is not loopback.
    port = endpoint.server_address[1]
    rebound = {"Origin": f"http://evil.example:{port}", "Host": f"evil.example:{port}"}
    assert send(endpoint, body=LANDING_POST, headers=rebound).status == 403
    assert store.count() == 0
    # The endpoint's own loopback origin (a page served next to it) may post.
    own = {"Origin": f"http://127.0.0.1:{port}"}
    answer = send(endpoint, body=LANDING_POST, headers=own)
    assert answer.status == 201
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert store.count() == 1


def test_a_native_form_post_gets_html(endpoint: LeadServer, store: LeadStore) -> None:
    accept = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    answer = send(endpoint, body=LANDING_POST, headers=accept)
    assert answer.status == 201
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Thank you" in answer.text
    bad = send(endpoint, body={**LANDING_POST, "name": f"<b>{SECRET}\n</b>"}, headers=accept)
    assert bad.status == 400
    assert "<li>name: must be 1 to 100 characters" in bad.text
    assert SECRET not in bad.text
    assert store.count() == 1


def test_mount_sends_its_prefix_to_the_app_and_the_rest_on(store: LeadStore) -> None:
    def fallback(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"site {environ['PATH_INFO']}".encode()]

    with running(mount("/leads", lead_app(store), fallback)) as server:
        assert send(server, body=PLAIN_POST, path="/leads").status == 201
        assert send(server, body=PLAIN_POST, path="/leads/").status == 201
        assert send(server, "GET", path="/leadsx").text == "site /leadsx"
        assert send(server, "GET", path="/").text == "site /"
    assert store.count() == 2


def test_parallel_posts_over_http_lose_nothing(endpoint: LeadServer, store: LeadStore) -> None:
    """20 threads × 10 posts at once: 200 leads, 200 distinct ids, the ones answered."""
    threads, posts = 20, 10
    start = threading.Barrier(threads)
    answered: list[tuple[str, int, int]] = []
    lock = threading.Lock()

    def client(t: int) -> None:
        start.wait()
        for i in range(posts):
            answer = send(endpoint, body={**LANDING_POST, "name": f"Lead {t}-{i}"}, json_body=(i % 2 == 1))
            with lock:
                answered.append((f"Lead {t}-{i}", answer.status, answer.json().get("id", -1)))

    workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert len(answered) == threads * posts
    assert {status for _, status, _ in answered} == {201}
    ids = [lead_id for _, _, lead_id in answered]
    assert len(set(ids)) == threads * posts
    stored = {s.lead.name: s.id for s in store.all()}
    assert stored == {name: lead_id for name, _, lead_id in answered}


def test_servers_listen_on_loopback_only(store: LeadStore) -> None:
    for host in ("0.0.0.0", "192.0.2.1", "example.org", "::"):
        with pytest.raises(LeadStoreError, match="loopback"):
            make_server(host, 0, lead_app(store))


# --- The `leads` commands -------------------------------------------------------------------


def test_leads_list_formats(store: LeadStore) -> None:
    store.add(parse_submission(LANDING_POST))
    store.add(parse_submission({**PLAIN_POST, "name": "=HYPERLINK(1)"}))
    cli = CliRunner()
    table = cli.invoke(leads_command, ["list", "--db", str(store.path)])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split()[:3] == ["ID", "RECEIVED", "(UTC)"]
    assert "cmp-0001" in lines[1]
    assert "(555) 010-9999" in lines[1]
    assert lines[-1] == f"2 leads in {store.path}."
    as_json = cli.invoke(leads_command, ["list", "--db", str(store.path), "--format", "json"])
    rows = json.loads(as_json.output)
    assert [r["id"] for r in rows] == [1, 2]
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["lt_utm_source"] == "newsletter"
    as_csv = cli.invoke(leads_command, ["list", "--db", str(store.path), "--format", "csv"])
    csv_lines = as_csv.output.splitlines()
    assert csv_lines[0] == ",".join(COLUMNS)
    assert "'=HYPERLINK(1)" in csv_lines[2], "a name never runs as a spreadsheet formula"


def test_leads_list_without_a_store_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(leads_command, ["list", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 1
    assert "no lead store at" in result.output
    assert not (tmp_path / "none.sqlite").exists()


def test_leads_serve_refuses_other_than_loopback(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        leads_command, ["serve", "--host", "0.0.0.0", "--port", "0", "--db", str(tmp_path / "l.sqlite")]
    )
    assert result.exit_code == 1
    assert "loopback" in result.output


def test_leads_serve_accepts_posts_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    db = tmp_path / "build/leads.sqlite"
    # Ctrl-C must reach it even when the test runner was started in the background (where
    # the shell sets SIGINT to "ignore", which children inherit and Python then keeps).
    command = (
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from generator.cli_leads import leads; leads()"
    )
    args = ["serve", "--port", "0", "--db", str(db), "--allow-origin", ALLOWED]
    proc = subprocess.Popen(
        [sys.executable, "-c", command, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith(f"Storing leads in {db} (0 so far)"), first
        listening = proc.stdout.readline()
        assert listening.startswith("Listening on http://127.0.0.1:"), listening
        url = urlparse(listening.split()[2])
        conn = http.client.HTTPConnection("127.0.0.1", url.port or 0, timeout=30)
        conn.request(
            "POST",
            "/",
            body=urlencode(LANDING_POST),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": ALLOWED},
        )
        response = conn.getresponse()
        assert (response.status, json.loads(response.read())) == (201, {"ok": True, "id": 1})
        assert response.getheader("Access-Control-Allow-Origin") == ALLOWED
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:  # stopping waits for requests in flight, each bounded by the handler's 30 s timeout
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave the server running into other tests
            _, stderr = proc.communicate()
            pytest.fail(f"carewheel leads serve did not stop within 60 s of Ctrl-C: {stderr}")
    assert proc.returncode == 0, stderr
    assert "POST / 201" in stderr
    assert "Pat" not in stderr, "the request log carries no form values"
    assert [s.lead.tracking_id for s in LeadStore(db).all()] == ["cmp-0001"]


# --- A landing page's form in real Chromium -------------------------------------------------


def static_app(root: Path) -> WSGIApplication:
    """The built site as static files (GET/HEAD), folders served by their index.html."""
    root = root.resolve()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = unquote(environ.get("PATH_INFO", "/"))
        target = (root / path.lstrip("/")).resolve()
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD")])
            return [b""]
        if target.is_dir() and not path.endswith("/"):
            start_response("301 Moved Permanently", [("Location", path + "/")])
            return [b""]
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    return app


@pytest.fixture(scope="module")
def local_endpoint_site(built: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built with its form endpoint on the site's own origin (/leads)."""
    project = tmp_path_factory.mktemp("leads-endpoint") / "project"
    shutil.copytree(built.project, project, ignore=shutil.ignore_patterns("site", "build"))
    org = project / "intake/organization.yml"
    text = org.read_text("utf-8")
    production = "form_endpoint: https://forms.riverbend-health.example/appointment-requests"
    assert production in text
    org.write_text(text.replace(production, "form_endpoint: /leads"), "utf-8")
    result = run(["carewheel", "build", "--strict"], project)
    assert result.code == 0, result.output
    return project / "site"


@pytest.fixture
def site_with_leads(local_endpoint_site: Path, store: LeadStore) -> Iterator[str]:
    """The static site and the lead app at /leads on one loopback origin; yields the base URL."""
    with running(mount("/leads", lead_app(store), static_app(local_endpoint_site))) as server:
        yield server.url


@pytest.mark.browser
def test_landing_page_form_posts_into_the_store(browser: Any, site_with_leads: str, store: LeadStore) -> None:
    context = browser.new_context()
    page = context.new_page()
    origin = urlparse(site_with_leads).netloc
    foreign: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if urlparse(r.url).netloc != origin else None)
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(
            site_with_leads
            + LANDING
            + "?utm_source=google&utm_medium=cpc&utm_campaign=chest-pain-search&utm_content=a&utm_id=cmp-0001"
        )
        page.goto(site_with_leads + LANDING + "?utm_source=newsletter&utm_medium=email&utm_campaign=winter")
        assert not any(e["event"] == "generate_lead" for e in page.evaluate("() => window.dataLayer"))
        page.fill("#rf-name", "Pat Example")
        page.fill("#rf-phone", "555-010-9999")
        page.select_option("#rf-time", "afternoon")
        page.locator("form[data-campaign-form] button[type=submit]").click()
        page.wait_for_function("() => window.dataLayer.some(e => e.event === 'generate_lead')")
        assert "Thank you" in page.locator(".request-form__status").inner_text()
        events = page.evaluate("() => window.dataLayer")
    finally:
        context.close()
    assert {"event": "generate_lead", "campaign_id": "cmp-0001", "variant_id": "a"} in events
    assert foreign == []
    assert problems == []
    (stored,) = store.all()
    lead = stored.lead
    assert (lead.tracking_id, lead.variant, lead.channel) == ("cmp-0001", "a", "google-cpc")
    assert (lead.pathway, lead.service_line) == ("new-patient-consult", "cardiology")
    first = {key: getattr(lead, f"ft_{key}") for key in leads.UTM_KEYS}
    assert first == {
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "chest-pain-search",
        "utm_content": "a",
        "utm_term": None,
        "utm_id": "cmp-0001",
    }
    last = {key: getattr(lead, f"lt_{key}") for key in leads.UTM_KEYS}
    assert last == {**dict.fromkeys(leads.UTM_KEYS), "utm_source": "newsletter", "utm_medium": "email"} | {
        "utm_campaign": "winter"
    }
    assert (lead.name, lead.phone, lead.best_time) == ("Pat Example", "(555) 010-9999", "afternoon")


@pytest.mark.browser
def test_without_javascript_the_form_posts_into_the_store(
    browser: Any, site_with_leads: str, store: LeadStore
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_with_leads + "lp/heart-check/b/?utm_source=google")
        page.fill("#rf-name", "Pat Example")
        page.fill("#rf-phone", "(555) 010-9999")
        with page.expect_navigation():
            page.locator("form[data-campaign-form] button[type=submit]").click()
        assert page.locator("h1").inner_text() == "Request received"
    finally:
        context.close()
    (stored,) = store.all()
    assert (stored.lead.tracking_id, stored.lead.variant) == ("cmp-0001", "b")
    assert stored.lead.ft_utm_source is None, "without JavaScript no UTM value is captured"
