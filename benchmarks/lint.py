"""Benchmark: `carewheel lint` (all rules) against markdownlint-cli2 (all default rules) on
the same generated corpus, side by side.

    .venv/bin/python benchmarks/lint.py [--pages 5000] [--runs 3] [--output FILE]

Targets (issue 4): at least 1,000 pages/s per core with all rules on, and at least 3x faster
than markdownlint-cli2. carewheel lint runs in one process (one core), so its pages/s is
already per core; markdownlint-cli2 is one Node process too. Both times include start-up.
The headline runs without the lint cache (a fresh checkout); a warm-cache row follows.
Results are appended to benchmarks/results/lint.md (or --output).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from common import BIN, ROOT, compare, machine
from corpus import make

CORPUS = ROOT / "benchmarks" / "corpus"
MARKDOWNLINT = ROOT / "node_modules" / ".bin" / "markdownlint-cli2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "lint.md")
    parser.add_argument("--work", type=Path, default=CORPUS, help="Where the corpus is generated.")
    args = parser.parse_args()
    if not MARKDOWNLINT.exists():
        raise SystemExit(f"{MARKDOWNLINT} is missing: run `npm ci` (or `make test`) first")
    project = make(args.pages, args.work / f"lint-{args.pages}")
    pages = sum(1 for _ in (project / "content").rglob("*.md"))
    epoch = {"SOURCE_DATE_EPOCH": "1795867200"}
    timings = compare(
        {
            "carewheel lint (all rules)": (
                [str(BIN / "carewheel"), "lint", "--no-cache", "--exit-zero"],
                project,
            ),
            "carewheel lint, cache warm": ([str(BIN / "carewheel"), "lint", "--exit-zero"], project),
            "markdownlint-cli2 (all default rules)": ([str(MARKDOWNLINT), "content/**/*.md"], project),
        },
        args.runs,
        epoch,
        ok_codes={"markdownlint-cli2 (all default rules)": (0, 1)},
    )
    ours, warm, anchor = timings.values()
    rate = pages / ours.median
    lines = [
        f"\n## {dt.date.today()}: lint, {pages} pages\n",
        f"Machine: {machine()}. Command: `.venv/bin/python benchmarks/lint.py --pages {args.pages} "
        f"--runs {args.runs}` (medians of {args.runs} alternating runs after a warm-up;"
        " start-up included).\n",
        "| linter | median s | runs s | pages/s | peak MiB |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for t in timings.values():
        runs = ", ".join(f"{s:.2f}" for s in t.seconds)
        lines.append(f"| {t.name} | {t.median:.2f} | {runs} | {pages / t.median:,.0f} | {t.peak:.0f} |")
    speedup = anchor.median / ours.median
    lines.append(
        f"\ncarewheel lint: **{rate:,.0f} pages/s on one core** (target 1,000: "
        f"{'met' if rate >= 1000 else 'NOT met'}); **{speedup:.1f}x** faster than markdownlint-cli2 "
        f"(target 3x: {'met' if speedup >= 3 else 'NOT met'}). Without the cache (`--no-cache`, as "
        f"on a fresh checkout); with the cache warm and nothing changed: {pages / warm.median:,.0f} "
        f"pages/s, {anchor.median / warm.median:.1f}x markdownlint-cli2.\n"
    )
    report = "\n".join(lines)
    print(report)
    if not args.output.exists():
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text("# Lint benchmark\n\nAppended by `benchmarks/lint.py`.\n", "utf-8")
    with args.output.open("a", encoding="utf-8") as handle:
        handle.write(report)


if __name__ == "__main__":
    main()
