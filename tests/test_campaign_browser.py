"""Landing-page tracking in real headless Chromium: UTM capture, first and last touch,
sanitizing, dataLayer events, the form POST on loopback, no other origin, no JavaScript."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser import serve
from tests.conftest import BuiltSite, run

pytestmark = pytest.mark.browser

LANDING = "lp/heart-check/a/google-cpc/"
SAFE = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


@dataclass
class Server:
    url: str
    posts: list[dict[str, list[str]]] = field(default_factory=list)


@pytest.fixture(scope="module")
def local_endpoint_site(built: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built with its form endpoint on the site's own origin (/leads)."""
    project = tmp_path_factory.mktemp("endpoint") / "project"
    shutil.copytree(built.project, project, ignore=shutil.ignore_patterns("site", "build"))
    org = project / "intake/organization.yml"
    text = org.read_text("utf-8").replace(
        "form_endpoint: https://forms.riverbend-health.example/appointment-requests", "form_endpoint: /leads"
    )
    org.write_text(text, "utf-8")
    result = run(["carewheel", "build", "--strict"], project)
    assert result.code == 0, result.output
    return project / "site"


@pytest.fixture(scope="module")
def server(local_endpoint_site: Path) -> Iterator[Server]:
    posts: list[dict[str, list[str]]] = []
    with serve(local_endpoint_site, posts) as url:
        yield Server(url, posts)


@pytest.fixture
def visit(browser: Any, server: Server) -> Iterator[Any]:
    """A fresh browser context (empty storage) that records every request's origin."""
    context = browser.new_context()
    page = context.new_page()
    page.foreign = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    origin = urlparse(server.url).netloc
    page.on("request", lambda r: page.foreign.append(r.url) if urlparse(r.url).netloc != origin else None)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    assert page.foreign == [], "the page talked to another origin"
    context.close()


def hidden(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries(
              [...document.querySelectorAll('form[data-campaign-form] input[type=hidden]')]
              .map(i => [i.name, i.value]))"""
    )


def test_utm_parameters_fill_the_hidden_fields(visit: Any, server: Server) -> None:
    visit.goto(
        server.url
        + LANDING
        + "?utm_source=google&utm_medium=cpc&utm_campaign=chest-pain-search"
        + "&utm_content=a&utm_id=cmp-0001&utm_term=Chest%20Pain"
    )
    fields = hidden(visit)
    for touch in ("ft", "lt"):
        assert fields[f"{touch}_utm_source"] == "google"
        assert fields[f"{touch}_utm_id"] == "cmp-0001"
        assert fields[f"{touch}_utm_term"] == "chestpain"
    assert fields["tracking_id"] == "cmp-0001"
    assert fields["variant"] == "a"


def test_first_touch_survives_a_second_visit(visit: Any, server: Server) -> None:
    visit.goto(server.url + LANDING + "?utm_source=google&utm_medium=cpc&utm_campaign=first")
    visit.goto(server.url + "lp/heart-check/b/?utm_source=newsletter&utm_medium=email&utm_campaign=second")
    fields = hidden(visit)
    assert (fields["ft_utm_source"], fields["ft_utm_campaign"]) == ("google", "first")
    assert (fields["lt_utm_source"], fields["lt_utm_campaign"]) == ("newsletter", "second")
    assert fields["variant"] == "b"
    # A later visit without tags keeps both touches.
    visit.goto(server.url + LANDING)
    again = hidden(visit)
    assert again["ft_utm_campaign"] == "first"
    assert again["lt_utm_campaign"] == "second"


def test_parameters_outside_the_allowlist_are_ignored(visit: Any, server: Server) -> None:
    visit.goto(
        server.url + LANDING + "?utm_source=google&email=pat%40example.com&phone=5550100&utm_foo=x&gclid=abc"
    )
    fields = hidden(visit)
    assert fields["ft_utm_source"] == "google"
    stored = visit.evaluate(
        "() => localStorage.getItem('carewheel.first_touch') + sessionStorage.getItem('carewheel.last_touch')"
    )
    for leaked in ("pat", "example", "5550100", "utm_foo", "gclid", "abc"):
        assert leaked not in stored
    assert not any(name.endswith(("email", "phone_1", "gclid", "utm_foo")) for name in fields)


@pytest.mark.parametrize(
    "value",
    [
        '"><script>window.__pwned=1</script>',
        "javascript:alert(1)",
        "<img src=x onerror=alert(1)>",
        "A" * 500,
    ],
)
def test_malicious_values_execute_nothing_and_are_stored_sanitized(
    visit: Any, server: Server, value: str
) -> None:
    from urllib.parse import quote

    visit.goto(server.url + LANDING + "?utm_source=" + quote(value) + "&utm_campaign=" + quote(value))
    visit.wait_for_load_state("load")
    assert visit.evaluate("() => window.__pwned === undefined")
    assert visit.dialogs == []
    assert visit.locator("img[src=x]").count() == 0
    fields = hidden(visit)
    for key in ("ft_utm_source", "lt_utm_source", "ft_utm_campaign"):
        assert set(fields[key]) <= SAFE, fields[key]
        assert len(fields[key]) <= 100
    stored = visit.evaluate("() => JSON.parse(localStorage.getItem('carewheel.first_touch')).values")
    assert set(stored) == {"utm_source", "utm_campaign"}
    for text in stored.values():
        assert set(text) <= SAFE, text
        assert 0 < len(text) <= 100


def test_datalayer_gets_campaign_view_and_cta_click(visit: Any, server: Server) -> None:
    visit.goto(server.url + LANDING + "?utm_source=google&utm_medium=cpc")
    events = visit.evaluate("() => window.dataLayer")
    assert events[0] == {"event": "campaign_view", "campaign_id": "cmp-0001", "variant_id": "a"}
    # Keep the tel: link from navigating; the click handler still runs.
    visit.evaluate("() => document.addEventListener('click', e => e.preventDefault())")
    visit.locator('section.next-step a[data-cta="call"]').click()
    visit.locator('section.urgent a[data-cta="triage"]').first.click()
    events = visit.evaluate("() => window.dataLayer")
    clicks = [e for e in events if e["event"] == "cta_click"]
    assert [c["cta_type"] for c in clicks] == ["call", "triage"]
    assert all(set(e) <= {"event", "campaign_id", "variant_id", "cta_type"} for e in events)


def test_form_posts_tracking_fields_and_lead_event_follows_confirmation(visit: Any, server: Server) -> None:
    server.posts.clear()
    visit.goto(
        server.url
        + LANDING
        + "?utm_source=google&utm_medium=cpc&utm_campaign=chest-pain-search&utm_id=cmp-0001"
    )
    assert not any(e["event"] == "generate_lead" for e in visit.evaluate("() => window.dataLayer"))
    visit.fill("#rf-name", "Pat Example")
    visit.fill("#rf-phone", "(555) 010-9999")
    visit.locator("form[data-campaign-form] button[type=submit]").click()
    visit.wait_for_function("() => window.dataLayer.some(e => e.event === 'generate_lead')")
    assert len(server.posts) == 1
    post = {k: v[0] for k, v in server.posts[0].items()}
    assert post["tracking_id"] == "cmp-0001"
    assert post["variant"] == "a"
    assert post["ft_utm_source"] == "google"
    assert post["lt_utm_campaign"] == "chest-pain-search"
    assert post["pathway"] == "new-patient-consult"
    lead = next(e for e in visit.evaluate("() => window.dataLayer") if e["event"] == "generate_lead")
    assert lead == {"event": "generate_lead", "campaign_id": "cmp-0001", "variant_id": "a"}
    assert "Thank you" in visit.locator(".request-form__status").inner_text()


def test_without_javascript_the_form_still_posts_tracking_id_and_variant(
    browser: Any, server: Server
) -> None:
    server.posts.clear()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "lp/heart-check/b/?utm_source=google")
    page.fill("#rf-name", "Pat Example")
    page.fill("#rf-phone", "(555) 010-9999")
    with page.expect_navigation():
        page.locator("form[data-campaign-form] button[type=submit]").click()
    context.close()
    assert len(server.posts) == 1
    post = {k: v[0] for k, v in server.posts[0].items()}
    assert (post["tracking_id"], post["variant"]) == ("cmp-0001", "b")
    assert post["ft_utm_source"] == ""


def test_expired_campaign_url_lands_on_the_hub(visit: Any, server: Server) -> None:
    visit.goto(server.url + "lp/summer-checkup/a/?utm_source=newsletter")
    visit.wait_for_url("**/primary-care/checkups/")
    assert visit.locator("h1").inner_text() == "Yearly checkups"
