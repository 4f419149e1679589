"""Real headless Chromium for tests: Debian's /usr/bin/chromium driven by Playwright, and a
loopback HTTP server for a built site. Missing tools fail loudly, never skip."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules/axe-core/axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require_tools() -> None:
    """Fail (not skip) when Chromium or axe-core is missing: `make test` installs both."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs Debian's chromium package")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing; `make test` runs `npm ci` to install axe-core")


@contextmanager
def launch() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (which never downloads a browser)."""
    require_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    posts: list[dict[str, list[str]]]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        """A stand-in for the organization's form endpoint: record the fields, confirm."""
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        self.posts.append(parse_qs(body, keep_blank_values=True))
        payload = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@contextmanager
def serve(folder: Path, posts: list[dict[str, list[str]]] | None = None) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) for the duration; yields the base URL.

    POST requests are recorded into ``posts`` (parsed form fields) and answered 200.
    """
    recorded = posts if posts is not None else []
    handler_class = type("Handler", (_QuietHandler,), {"posts": recorded})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
