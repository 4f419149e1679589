"""Every built page is valid HTML by the Nu HTML checker (npm ``vnu-jar``, run with Debian's
Java), and LinkChecker finds no broken link or anchor in the site served over loopback HTTP.
Each checker is also shown to catch a planted fault, so a silent checker cannot pass."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tests.browser
from tests.browser import serve
from tests.conftest import BIN, ROOT, BuiltSite

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
LINKCHECKER = BIN / "linkchecker"
CHECKED_PAGE = "cardiology/index.html"


def require_vnu() -> str:
    """Fail (not skip) when Java or vnu.jar is missing: `make test` provides both."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing; `make test` installs Debian's default-jre-headless")
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing; `make test` runs `npm ci` to install vnu-jar")
    return java


def require_linkchecker() -> None:
    if not LINKCHECKER.is_file():
        pytest.fail(f"{LINKCHECKER} is missing; `make test` installs the `test` extra (linkchecker)")


def vnu(files: list[Path]) -> tuple[int, list[dict[str, Any]]]:
    """Run the Nu HTML checker once over ``files`` (HTML, CSS and SVG): (exit code, messages)."""
    java = require_vnu()
    done = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            "--stdout",
            "--also-check-css",
            "--also-check-svg",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.stdout.strip(), f"vnu printed no report (exit {done.returncode}): {done.stderr}"
    report = json.loads(done.stdout)
    assert report.get("version", "").startswith("26.9.27"), report.get("version")
    return done.returncode, report["messages"]


def by_file(messages: list[dict[str, Any]], root: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for message in messages:
        url = str(message.get("url", "")).removeprefix("file:")
        name = Path(url).relative_to(root).as_posix() if url.startswith(str(root)) else url
        out.setdefault(name, []).append(
            f"{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}: "
            f"{message['type']}: {message['message']}"
        )
    return out


def test_every_built_page_is_valid_html(built: BuiltSite) -> None:
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) >= 45
    assets = [built.site / "assets/carewheel.css", built.site / "assets/favicon.svg"]
    code, messages = vnu([*pages, *assets])
    assert by_file(messages, built.site) == {}
    assert code == 0


def test_vnu_reports_errors_in_a_broken_page(built: BuiltSite, tmp_path: Path) -> None:
    html = (built.site / CHECKED_PAGE).read_text("utf-8")
    assert '<main id="main"' in html
    broken = html.replace('<main id="main"', '<main id="main"><p><span></div><img src="x.png"', 1)
    good = tmp_path / "good.html"
    bad = tmp_path / "broken.html"
    bad_css = tmp_path / "broken.css"
    good.write_text(html, "utf-8")
    bad.write_text(broken, "utf-8")
    css = (built.site / "assets/carewheel.css").read_text("utf-8")
    bad_css.write_text(css + "\np { color: rde; }\n", "utf-8")

    code, messages = vnu([good, bad, bad_css])

    found = by_file(messages, tmp_path)
    assert code == 1
    assert sorted(found) == ["broken.css", "broken.html"], found
    text = "\n".join(found["broken.html"])
    assert "Stray end tag “div”" in text
    assert "An “img” element must have an “alt” attribute" in text
    assert "“rde” is not a “color” value" in "\n".join(found["broken.css"])


# --- LinkChecker over loopback HTTP ------------------------------------------------------------

LINKCHECKER_RC = """\
[checking]
threads=4
timeout=20
maxrequestspersecond=100
[filtering]
checkextern=0
[AnchorCheck]
"""
"""``[AnchorCheck]`` turns on the check of every ``#fragment``. External links (fictional
``.example`` hosts) are outside the checked domain: LinkChecker checks only their syntax."""


class _LinkCheckerAllowed(tests.browser._QuietHandler):
    """LinkChecker waits 0.1 to 0.6 s between two requests to one host unless the server answers
    with a ``LinkChecker`` header (its opt-in for fast checking); the loopback server opts in."""

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "allowed")
        super().end_headers()


@pytest.fixture
def fast_serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``tests.browser.serve`` with the ``LinkChecker`` header, for this test only."""
    monkeypatch.setattr(tests.browser, "_QuietHandler", _LinkCheckerAllowed)
    return


def page_urls(site: Path, base: str) -> list[str]:
    return [
        base + p.relative_to(site).as_posix().removesuffix("index.html") for p in sorted(site.rglob("*.html"))
    ]


def linkcheck(
    urls: list[str], tmp_path: Path, *extra: str
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Check ``urls`` (and, recursively, the pages they link to on the same host); returns every
    checked URL's row, and the rows of broken links and of warnings (missing anchors)."""
    require_linkchecker()
    config = tmp_path / "linkcheckerrc"
    config.write_text(LINKCHECKER_RC, "utf-8")
    done = subprocess.run(
        [str(LINKCHECKER), "--no-status", "--no-robots", "-f", str(config), "-o", "csv", "-v", *extra, *urls],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    # Comment lines ("# created by ...") have no ";"; a row's urlname may start with "#" too.
    table = [row for row in csv.reader(io.StringIO(done.stdout), delimiter=";") if len(row) > 1]
    assert table, done.stdout + done.stderr
    assert table[0][0] == "urlname", done.stdout + done.stderr
    # Rows of start URLs lack the line and column fields; the first eight fields always align.
    rows = [dict(zip(table[0], row, strict=False)) for row in table[1:]]
    problems = [r for r in rows if r["valid"] != "True" or r["warningstring"]]
    assert done.returncode == (1 if any(r["valid"] != "True" for r in rows) else 0), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return rows, problems


def describe(rows: list[dict[str, str]]) -> list[str]:
    return [
        f"{r['parentname']}:{r['line']}: {r['urlname']}: {r['result']} {r['warningstring']}" for r in rows
    ]


def test_linkchecker_finds_no_broken_link_or_anchor(
    built: BuiltSite, tmp_path: Path, fast_serve: None
) -> None:
    with serve(built.site) as base:
        urls = page_urls(built.site, base)
        assert len(urls) >= 45
        rows, problems = linkcheck(urls, tmp_path)
    assert describe(problems) == []
    local = {r["url"] for r in rows if r["url"].startswith(base)}
    assert len(local) >= 100, "LinkChecker checked too few pages"
    assert len([u for u in local if "#" in u]) >= 45, "anchors were not checked"


def test_linkchecker_reports_a_planted_broken_link_and_anchor(
    built: BuiltSite, tmp_path: Path, fast_serve: None
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built.site, site)
    page = site / CHECKED_PAGE
    html = page.read_text("utf-8")
    main = '<main id="main" class="wrap" tabindex="-1">'
    assert 'href="chest-pain/"' in html
    assert main in html
    planted = '<p><a href="no-such-page/">a</a> <a href="chest-pain/#no-such-anchor">b</a></p>'
    page.write_text(html.replace(main, main + planted, 1), "utf-8")
    (tmp_path / "out").mkdir()

    with serve(site) as base:
        _, problems = linkcheck([base + "cardiology/"], tmp_path / "out", "-r", "1")

    found = {r["urlname"]: r for r in problems}
    assert set(found) == {"no-such-page/", "chest-pain/#no-such-anchor"}, describe(problems)
    assert found["no-such-page/"]["result"].startswith("404")
    assert "Anchor `no-such-anchor'" in found["chest-pain/#no-such-anchor"]["warningstring"]
