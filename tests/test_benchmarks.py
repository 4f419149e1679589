"""The benchmark scripts run end to end on tiny corpora (benchmarks are scripts, not tests:
only that they work is tested here, never a time)."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def bench(script: str, *args: str, tmp: Path) -> str:
    out = tmp / "result.md"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / script),
            *args,
            "--work",
            str(tmp / "work"),
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out.read_text("utf-8")


def test_build_benchmark_runs(tmp_path: Path) -> None:
    report = bench(
        "builds.py", "--sizes", "40", "--runs", "1", "--anchors", "mkdocs,markdownlint", tmp=tmp_path
    )
    assert "| carewheel build |" in report
    assert "| carewheel build, lint cache warm |" in report
    assert "| carewheel lint, cache warm |" in report
    assert "| mkdocs 1.6.1, minimal theme, no plugins |" in report
    assert "| markdownlint-cli2 (all default rules) |" in report


def test_lint_benchmark_runs(tmp_path: Path) -> None:
    report = bench("lint.py", "--pages", "40", "--runs", "1", "--other-python", sys.executable, tmp=tmp_path)
    for row in (
        "carewheel lint (all rules, one core: -j 1)",
        "carewheel lint (all rules, all cores)",
        "carewheel lint, cache warm",
        "carewheel lint FILE (one changed file, cache warm)",
        "markdownlint-cli2 (all default rules)",
    ):
        assert f"| {row} |" in report
    assert "with the cache warm and nothing changed" in report
    assert "pages/s on one core" in report
    assert "One changed file (pre-commit)" in report
    assert f"| carewheel lint (-j 1) on CPython {platform.python_version()} (" in report
    assert "On the other interpreter the one-core run takes" in report
    assert f", CPython {platform.python_version()} (" in report.split("Machine: ")[1].split("\n")[0]


def test_campaign_benchmark_runs(tmp_path: Path) -> None:
    report = bench("campaigns.py", "--campaigns", "5", "--runs", "1", tmp=tmp_path)
    assert "5 campaigns x 2 variants" in report
    assert "Ratio campaigns / plain pages" in report


def test_serve_benchmark_runs(tmp_path: Path) -> None:
    report = bench("serve.py", "--pages", "40", "--edits", "1", tmp=tmp_path)
    assert "| carewheel serve |" in report
    assert "| mkdocs serve, minimal theme |" in report
