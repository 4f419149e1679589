"""Benchmark: time from saving one page to the reloaded page in `carewheel serve`, against
plain `mkdocs serve` (minimal theme) on the same Markdown.

    .venv/bin/python benchmarks/serve.py [--pages 5000] [--edits 5]

Each server is started on loopback and waited for; then one question page is edited (a new
word appended) and the page's URL is polled until the word appears. The median of --edits
saves is reported. Results are appended to benchmarks/results/serve.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from builds import mkdocs_configs
from common import BIN, ROOT, compile_sources, machine, publish
from corpus import make

EPOCH = {"SOURCE_DATE_EPOCH": "1795867200"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def wait_for(url: str, word: str | None, timeout: float) -> float:
    """Seconds until ``url`` answers (and contains ``word``)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        body = fetch(url)
        if body is not None and (word is None or word in body):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {word!r} within {timeout} s")


def measure(
    args: list[str], project: Path, page: Path, url_path: str, edits: int
) -> tuple[float, list[float]]:
    """(start-up seconds, save-to-reload seconds per edit) of one server."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [*args, "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, **EPOCH},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/{url_path}"
    try:
        wait_for(url, None, 900)
        startup = time.perf_counter() - started
        original = page.read_text("utf-8")
        times = []
        for i in range(edits):
            word = f"reloadmarker{i}x{port}"
            time.sleep(1.1)  # file times have 1 s resolution on some file systems
            page.write_text(original.rstrip("\n") + f"\n\nThe marker {word}.\n", "utf-8")
            saved = time.perf_counter()
            wait_for(url, word, 600)
            times.append(time.perf_counter() - saved)
        page.write_text(original, "utf-8")
        return startup, times
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "corpus")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "serve.md")
    args = parser.parse_args()
    compile_sources()
    project = make(args.pages, args.work / f"serve-{args.pages}", max(1, args.pages // 25))
    mkdocs_configs(project)
    page = next(iter(sorted((project / "content" / "cardiology").rglob("question-*.md"))))
    url_path = page.relative_to(project / "content").with_suffix("").as_posix() + "/"
    results = {
        "carewheel serve": measure([str(BIN / "carewheel"), "serve"], project, page, url_path, args.edits),
        "mkdocs serve, minimal theme": measure(
            [str(BIN / "mkdocs"), "serve", "-f", "mkdocs-minimal.yml", "--livereload"],
            project,
            page,
            url_path,
            args.edits,
        ),
    }
    lines = [
        f"\n## {dt.date.today()}: serve, {args.pages} pages\n",
        f"Machine: {machine()}. Command: `.venv/bin/python benchmarks/serve.py --pages {args.pages} "
        f"--edits {args.edits}`. Save-to-reload: from writing one page to that page's URL serving the "
        "new text (median of the edits).\n",
        "| server | start-up s | save-to-reload median s | each edit s |",
        "| --- | ---: | ---: | --- |",
    ]
    for name, (startup, times) in results.items():
        each = ", ".join(f"{t:.2f}" for t in times)
        lines.append(f"| {name} | {startup:.1f} | {statistics.median(times):.2f} | {each} |")
    report = "\n".join(lines) + "\n"
    publish(report, args.output, "Serve benchmark", "serve.py")


if __name__ == "__main__":
    main()
