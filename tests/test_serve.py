"""``carewheel serve`` for real: a subprocess on a free loopback port, answering page requests."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BIN

STARTUP_TIMEOUT = 30.0

DRAFT = """\
---
type: question
question: Can coffee cause chest pain?
description: A draft question.
service_line: cardiology
cluster: chest-pain
next_step: new-patient-consult
draft: true
---

Draft text.
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        return str(response.read().decode("utf-8"))


@pytest.fixture
def server(project: Path, tmp_path: Path) -> Iterator[str]:
    """``carewheel serve`` running in a copy of the demo project (plus one draft question);
    yields its base URL."""
    (project / "content/cardiology/chest-pain/can-coffee-cause-chest-pain.md").write_text(DRAFT, "utf-8")
    port = free_port()
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    process = subprocess.Popen(
        [str(BIN / "carewheel"), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"carewheel serve exited with {process.returncode}:\n{log.read()}")
            try:
                fetch(base)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"carewheel serve did not answer within {STARTUP_TIMEOUT} s:\n{log.read()}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()  # only the process this fixture started, by its pid
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


def test_serve_shows_question_pages_with_their_next_step(server: str, project: Path) -> None:
    home = fetch(server)
    assert "Riverbend Health" in home
    page = fetch(server + "cardiology/chest-pain/what-is-angina/")
    assert "Your next step" in page
    assert "What is angina?" in page
    assert "tel:911" in page  # chest-pain pages route to 911 first
    draft = fetch(server + "cardiology/chest-pain/can-coffee-cause-chest-pain/")  # serve shows drafts
    assert "Can coffee cause chest pain?" in draft
    assert "Your next step" in draft
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(server + "no/such/page/")
    assert missing.value.code == 404
    missing.value.close()
    assert not (project / "site").exists()  # serve writes nothing to site/


def wait_for(url: str, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        page = fetch(url)
        if text in page:
            return page
        if time.monotonic() > deadline:
            pytest.fail(f"{url} never showed {text!r}")
        time.sleep(0.2)


def test_serve_reloads_what_a_change_touches(server: str, project: Path) -> None:
    """Reloads rebuild only touched pages, yet intake facts and a neighbour's title reach
    every page that shows them."""
    angina = server + "cardiology/chest-pain/what-is-angina/"
    emergency = server + "cardiology/chest-pain/when-is-chest-pain-an-emergency/"
    assert "5 to 10 business days" in fetch(angina)
    intake = project / "intake/cardiology.yml"
    time.sleep(1.1)
    intake.write_text(intake.read_text("utf-8").replace("{min: 5, max: 10,", "{min: 6, max: 11,"), "utf-8")
    wait_for(angina, "6 to 11 business days")
    wait_for(emergency, "6 to 11 business days")
    page = project / "content/cardiology/chest-pain/what-is-angina.md"
    time.sleep(1.1)
    page.write_text(
        page.read_text("utf-8").replace("question: What is angina?", "question: What is angina, exactly?"),
        "utf-8",
    )
    wait_for(emergency, "What is angina, exactly?")  # the sibling's cluster list


def test_serve_collects_the_preview_form_posts_locally(server: str, project: Path) -> None:
    import sqlite3
    import urllib.parse

    page = fetch(server + "lp/heart-check/a/google-cpc/")
    assert 'action="/_carewheel/leads"' in page
    assert "forms.riverbend-health.example" not in page.split("<form", 1)[1].split(">", 1)[0]
    body = urllib.parse.urlencode(
        {
            "tracking_id": "cmp-0001",
            "variant": "a",
            "channel": "google-cpc",
            "pathway": "new-patient-consult",
            "service_line": "cardiology",
            "ft_utm_source": "google",
            "name": "Pat Example",
            "phone": "(555) 010-9999",
            "best_time": "morning",
        }
    ).encode()
    request = urllib.request.Request(
        server + "_carewheel/leads",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201
    rows = (
        sqlite3.connect(project / "build/leads.sqlite")
        .execute("select tracking_id, ft_utm_source from leads")
        .fetchall()
    )
    assert rows == [("cmp-0001", "google")]


@pytest.mark.browser
def test_a_landing_page_lead_reaches_the_next_report(server: str, project: Path, tmp_path: Path) -> None:
    """The flywheel end to end: a visitor from a tagged ad fills in the landing page form in
    Chromium; the preview stores the lead; `carewheel report` counts it under its campaign,
    channel and variant."""
    import csv
    import sqlite3

    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_tools
    from tests.conftest import run

    require_tools()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(
            server + "lp/heart-check/b/bing-cpc/?utm_source=bing&utm_medium=cpc"
            "&utm_campaign=chest-pain-search&utm_content=b&utm_id=cmp-0001"
        )
        page.fill("#rf-name", "Pat Example")
        page.fill("#rf-phone", "(555) 010-9999")
        page.locator("form[data-campaign-form] button[type=submit]").click()
        page.wait_for_function("() => window.dataLayer.some(e => e.event === 'generate_lead')")
        browser.close()
    row = (
        sqlite3.connect(project / "build/leads.sqlite")
        .execute("select tracking_id, variant, channel, ft_utm_source, lt_utm_id from leads")
        .fetchall()
    )
    assert row == [("cmp-0001", "b", "bing-cpc", "bing", "cmp-0001")]
    appointments = tmp_path / "appointments.csv"
    appointments.write_text("lead_id,status,first_contact_at,follow_up_completed\n", "utf-8")
    result = run(
        ["carewheel", "report", "--appointments", str(appointments), "-o", str(tmp_path / "r")], project
    )
    assert result.code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "r/report.csv").read_text("utf-8").splitlines()))
    channel = next(r for r in rows if r["dimension"] == "channel" and r["tracking_id"] == "cmp-0001")
    assert (channel["channel"], channel["leads"]) == ("bing-cpc", "1")
    variant = next(r for r in rows if r["dimension"] == "variant" and r["tracking_id"] == "cmp-0001")
    assert variant["variant"] == "b"
