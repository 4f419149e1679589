"""The Content Security Policy: every page carries one that allows scripts from the site's own
origin only, and in real headless Chromium it stops script injected into a landing page while
the page's own ``assets/campaign.js`` keeps working."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.browser import serve
from tests.conftest import ROOT, BuiltSite, run

LANDING = "lp/heart-check/a/google-cpc/"
CONTROL = "lp/heart-check/a/no-csp/"
"""A copy of the attacked landing page without its CSP, at the same depth (same relative URLs)."""
MAIN = '<main id="main" class="wrap" tabindex="-1">'
FORM_ENDPOINT = "https://forms.riverbend-health.example/appointment-requests"

INJECTED = f"""
<script>window.cwInline = 1; document.write('<p id="cw-written">written</p>');</script>
<script>alert("inline script")</script>
<button id="cw-handler" type="button" onclick="window.cwHandler = 1; alert('handler')">probe</button>
<a id="cw-js-url" href="javascript:void(window.cwJsUrl = 1)">probe</a>
<img id="cw-img" src="data:," alt="" onerror="window.cwImgHandler = 1">
<svg onload="window.cwSvgHandler = 1" aria-hidden="true"></svg>
<div id="cw-html">{"&lt;script&gt;window.cwEscaped = 1&lt;/script&gt;"}</div>
"""
"""What an attacker would like to get into a page: inline scripts (one calling document.write),
inline event handlers, a ``javascript:`` URL."""

PROBES = ["cwInline", "cwHandler", "cwJsUrl", "cwImgHandler", "cwSvgHandler", "cwEscaped"]


def policy(html: str) -> dict[str, list[str]]:
    """The page's CSP meta as directives; fails unless there is exactly one, in <head>, before
    any script."""
    soup = BeautifulSoup(html, "html.parser")
    metas = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert len(metas) == 1, "one CSP meta tag per page"
    meta = metas[0]
    assert meta.find_parent("head") is not None
    head = soup.head
    assert head is not None
    elements = list(head.find_all(True))
    first_script = next((i for i, e in enumerate(elements) if e.name == "script"), len(elements))
    assert elements.index(meta) < first_script, "a CSP meta only covers what comes after it"
    directives: dict[str, list[str]] = {}
    for part in str(meta["content"]).split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"directive {words[0]} given twice"
            directives[words[0]] = words[1:]
    return directives


def test_every_page_allows_only_its_own_scripts(built: BuiltSite) -> None:
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) >= 45
    for path in pages:
        rel = path.relative_to(built.site).as_posix()
        html = path.read_text("utf-8")
        csp = policy(html)
        assert csp["default-src"] == ["'self'"], rel
        assert csp["script-src"] == ["'self'"], rel
        assert csp["object-src"] == ["'none'"], rel
        assert csp["base-uri"] == ["'self'"], rel
        assert csp["style-src"] == ["'self'"], rel
        assert set(csp["form-action"]) <= {"'self'", FORM_ENDPOINT}, rel
        assert set(csp["connect-src"]) <= {"'self'", FORM_ENDPOINT}, rel
        for sources in csp.values():
            for source in sources:
                assert source not in ("'unsafe-inline'", "'unsafe-eval'", "'strict-dynamic'", "*"), rel
                assert not source.startswith(("'nonce-", "'sha", "http:")), rel
        soup = BeautifulSoup(html, "html.parser")
        for script in soup.find_all("script"):
            # Scripts come from the site (relative URLs) or are data blocks, which never run.
            if script.get("src"):
                assert not str(script["src"]).startswith(("http:", "https:", "//")), rel
                assert not script.string, rel
            else:
                assert script.get("type") == "application/ld+json", f"inline script in {rel}"
        handlers = [(e.name, a) for e in soup.find_all(True) for a in e.attrs if a.lower().startswith("on")]
        assert handlers == [], rel
        assert "javascript:" not in html.lower(), rel


# --- In real Chromium -------------------------------------------------------------------------


@dataclass
class Visit:
    data_layer: list[dict[str, Any]]
    probes: dict[str, Any]
    console_errors: list[str]
    page_errors: list[str]
    dialogs: list[str]
    violations: list[str]
    written: int
    escaped_text: str


@pytest.fixture(scope="module")
def injected_site(built: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A served copy of the site whose landing page carries the injected markup; a second copy
    of that page without its CSP meta shows that the injection itself works."""
    site = tmp_path_factory.mktemp("csp") / "site"
    shutil.copytree(built.site, site)
    page = site / LANDING / "index.html"
    html = page.read_text("utf-8")
    assert MAIN in html
    assert "assets/campaign.js" in html
    attacked = html.replace(MAIN, MAIN + INJECTED, 1)
    page.write_text(attacked, "utf-8")
    control = site / CONTROL / "index.html"
    control.parent.mkdir()
    meta = next(line for line in attacked.splitlines() if "Content-Security-Policy" in line)
    control.write_text(attacked.replace(meta, ""), "utf-8")
    with serve(site) as url:
        yield url


def visit(browser: Any, url: str) -> Visit:
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # Runs before the page's own scripts (Playwright's init scripts are not subject to the CSP).
    page.add_init_script(
        """window.cwViolations = [];
        document.addEventListener('securitypolicyviolation',
          e => window.cwViolations.push(e.effectiveDirective + ' ' + e.blockedURI));"""
    )
    response = page.goto(url, wait_until="load")
    assert response is not None
    assert response.status == 200
    page.click("#cw-handler")
    page.click("#cw-js-url")
    page.wait_for_timeout(200)
    result = Visit(
        data_layer=page.evaluate("() => window.dataLayer || []"),
        probes=page.evaluate(f"() => Object.fromEntries({PROBES!r}.map(k => [k, window[k]]))"),
        console_errors=console,
        page_errors=errors,
        dialogs=dialogs,
        violations=page.evaluate("() => window.cwViolations"),
        written=page.locator("#cw-written").count(),
        escaped_text=page.inner_text("#cw-html"),
    )
    context.close()
    return result


@pytest.mark.browser
def test_csp_blocks_injected_script_while_campaign_js_runs(browser: Any, injected_site: str) -> None:
    seen = visit(browser, injected_site + LANDING + "?utm_source=google&utm_campaign=winter")

    assert [e["event"] for e in seen.data_layer] == ["campaign_view"]
    assert seen.data_layer[0]["campaign_id"] == "cmp-0001"
    assert all(value is None for value in seen.probes.values()), seen.probes
    assert seen.written == 0, "document.write ran"
    assert seen.dialogs == []
    assert seen.page_errors == []
    assert seen.escaped_text == "<script>window.cwEscaped = 1</script>"
    # Two inline scripts and the javascript: URL; the click, error and load handlers.
    assert sorted(seen.violations) == ["script-src-attr inline"] * 3 + ["script-src-elem inline"] * 3
    assert seen.console_errors, "CSP violations are reported on the console"
    assert all("Content Security Policy" in text for text in seen.console_errors), seen.console_errors


@pytest.mark.browser
def test_without_the_csp_the_same_injection_runs(browser: Any, injected_site: str) -> None:
    """The control: the injected markup is live, so only the CSP stops it above."""
    seen = visit(browser, injected_site + CONTROL)

    assert {k: v for k, v in seen.probes.items() if k != "cwEscaped"} == dict.fromkeys(PROBES[:-1], 1)
    assert seen.written == 1
    assert "inline script" in seen.dialogs
    assert seen.violations == []
    assert seen.probes["cwEscaped"] is None, "escaped markup is text, with or without a CSP"
    assert [e["event"] for e in seen.data_layer] == ["campaign_view"]


# --- Escaping: text from front matter and campaigns never becomes markup ------------------------

PAYLOAD = "Women \"><img src=x onerror=alert(1)> <b>&amp;</b> 'q'"
"""Markup in plain-text fields. Left out, as known bugs listed in docs/security.md under open
items: a ``</script>`` sequence (it ends the JSON-LD block early), and a payload in a question
that a campaign lists as an FAQ (landing pages build their FAQ links as Markdown)."""
WOMEN = "content/cardiology/chest-pain/is-chest-pain-different-for-women.md"
WOMEN_HTML = "cardiology/chest-pain/is-chest-pain-different-for-women/index.html"


def test_plain_text_fields_are_escaped_everywhere(built_copy: BuiltSite) -> None:
    """Jinja autoescape is on: a page's question and description and a campaign's headline
    reach the HTML as text (title, h1, meta description, cluster list, JSON-LD), never as
    elements or attributes."""
    project = built_copy.project
    page = project / WOMEN
    text = page.read_text("utf-8")
    description = next(line for line in text.splitlines() if line.startswith("description: "))
    quoted = '"' + PAYLOAD.replace('"', '\\"') + '"'
    text = text.replace("question: Is chest pain different for women?", f"question: {quoted}", 1)
    page.write_text(text.replace(description, f"description: {quoted}", 1), "utf-8")
    campaign = project / "campaigns/chest-pain-search.yml"
    campaign.write_text(
        campaign.read_text("utf-8").replace(
            "headline: Chest pain that comes and goes? Get it checked by a cardiologist.",
            f"headline: {quoted}",
        ),
        "utf-8",
    )

    result = run(["carewheel", "build"], project)  # not --strict: the linter dislikes the text

    assert result.code == 0, result.output
    for rel in (WOMEN_HTML, "lp/heart-check/a/index.html", "cardiology/chest-pain/index.html"):
        soup = BeautifulSoup((built_copy.site / rel).read_text("utf-8"), "html.parser")
        assert soup.find("img", attrs={"onerror": True}) is None, rel
        assert [b for b in soup.find_all("b") if b.get_text() == "&"] == [], rel
    for rel in (WOMEN_HTML, "lp/heart-check/a/index.html"):
        soup = BeautifulSoup((built_copy.site / rel).read_text("utf-8"), "html.parser")
        h1 = soup.find("h1")
        assert h1 is not None
        assert h1.get_text() == PAYLOAD, rel
        assert "&lt;img src=x onerror=alert(1)&gt;" in str(h1), rel
        title = soup.find("title")
        assert title is not None
        assert title.get_text().startswith(PAYLOAD), rel
        data = json.loads(soup.find("script", attrs={"type": "application/ld+json"}).string)
        assert data["@graph"][0]["name"] == PAYLOAD, rel
    women = BeautifulSoup((built_copy.site / WOMEN_HTML).read_text("utf-8"), "html.parser")
    assert women.find("meta", attrs={"name": "description"})["content"] == PAYLOAD
    hub = BeautifulSoup(
        (built_copy.site / "cardiology/chest-pain/index.html").read_text("utf-8"), "html.parser"
    )
    assert PAYLOAD in [a.get_text() for a in hub.find_all("a")], "the cluster lists the question as text"


def test_campaign_js_writes_no_html() -> None:
    """campaign.js puts URL and storage values into the page with ``.value`` and ``textContent``
    only: no API that parses a string as HTML or as code."""
    source = (ROOT / "themes/carewheel/assets/campaign.js").read_text("utf-8")
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "createContextualFragment",
        "DOMParser",
        "srcdoc",
        "eval(",
        "Function(",
        "setTimeout(",
        "setInterval(",
        "setAttribute(",
        ".href =",
        "location =",
        "location.href",
    ):
        assert sink not in code, sink
    assert re.findall(r"\.(value|textContent)\s*=", code) == ["value", "value", "textContent"]
