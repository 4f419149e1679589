"""Every page of the demo site in real headless Chromium: WCAG 2.1 AA by axe-core, no request
to any other origin, no console errors, usable without JavaScript and on a small screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser import AXE, WCAG_TAGS, serve
from tests.conftest import BuiltSite

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(built: BuiltSite) -> Iterator[str]:
    with serve(built.site) as url:
        yield url


def page_urls(site: Path) -> list[str]:
    urls = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        urls.append(rel.removesuffix("index.html"))
    return urls


def test_every_page_passes_axe_and_stays_on_its_origin(browser: Any, built: BuiltSite, base_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    origin = urlparse(base_url).netloc
    foreign: list[str] = []
    console: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if urlparse(r.url).netloc != origin else None)
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    axe_source = AXE.read_text("utf-8")
    report: dict[str, list[str]] = {}
    urls = page_urls(built.site)
    assert len(urls) >= 45

    def hold_redirect(route: Any) -> None:
        """Audit an expired campaign's redirect page itself, not the page it sends you to."""
        response = route.fetch()
        body = response.text().replace('http-equiv="refresh"', 'data-refresh-held="1"')
        route.fulfill(response=response, body=body)

    for rel in urls:
        if 'http-equiv="refresh"' in (
            built.site / rel / "index.html" if not rel.endswith(".html") else built.site / rel
        ).read_text("utf-8"):
            page.route(base_url + rel, hold_redirect)
        response = page.goto(base_url + rel, wait_until="load")
        assert response is not None
        assert response.status == 200 or rel == "404.html", rel
        page.evaluate(axe_source)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        if result["violations"]:
            report[rel] = [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in result["violations"]]
        assert result["passes"], f"axe checked nothing on {rel}"
    context.close()
    assert report == {}
    assert foreign == []
    assert console == []


def test_next_step_and_triage_work_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "cardiology/chest-pain/what-is-angina/")
    assert page.locator("main > section.urgent--emergency").first.is_visible()
    assert page.locator('section.next-step a[href^="tel:"]').is_visible()
    page.goto(base_url + "behavioral-health/first-steps/what-to-expect-at-a-first-visit/")
    form = page.locator("form.request-form")
    assert form.get_attribute("method") == "post"
    assert form.is_visible()
    context.close()


def test_skip_link_is_first_and_visible_on_focus(browser: Any, base_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "cardiology/chest-pain/what-is-angina/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_no_horizontal_scrolling_on_phones(browser: Any, base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for rel in (
        "",
        "cardiology/chest-pain/when-is-chest-pain-an-emergency/",
        "primary-care/checkups/which-screening-tests-do-adults-need/",
    ):
        page.goto(base_url + rel)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, rel
    context.close()


def test_axe_catches_a_broken_page(browser: Any, built: BuiltSite, tmp_path: Path) -> None:
    """The audit above can fail: the same page without `lang` and with a nameless link fails."""
    html = (built.site / "cardiology/chest-pain/what-is-angina/index.html").read_text("utf-8")
    broken = html.replace('<html lang="en">', "<html>").replace("</main>", '<a href="#"></a></main>')
    (tmp_path / "index.html").write_text(broken, "utf-8")
    with serve(tmp_path) as url:
        page = browser.new_page()
        page.goto(url)
        page.evaluate(AXE.read_text("utf-8"))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        page.close()
    assert {v["id"] for v in result["violations"]} >= {"html-has-lang", "link-name"}
