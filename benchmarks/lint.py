"""Benchmark: `carewheel lint` (all rules) against markdownlint-cli2 (all default rules) on
the same generated corpus, side by side.

    .venv/bin/python benchmarks/lint.py [--pages 5000] [--runs 3] [--output FILE]

Targets (issues 4 and 5): at least 1,000 pages/s per core with all rules on, at least 3x
faster than markdownlint-cli2, and a pre-commit run on one changed file under 0.5 s. The
per-core headline is `carewheel lint -j 1 --no-cache` (one process, no cache: a fresh
checkout); rows follow for the default (one process per CPU), the warm cache (the lint cache
and the page index in .carewheel-cache/), and one changed file (a line appended, then
`carewheel lint FILE`, as pre-commit runs it: the other pages come from the page index). markdownlint-cli2 is
one Node process. Every time includes start-up. Results are appended to
benchmarks/results/lint.md (or --output).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from common import BIN, ROOT, compare, compile_sources, interpreter, machine, publish
from corpus import make

CORPUS = ROOT / "benchmarks" / "corpus"
MARKDOWNLINT = ROOT / "node_modules" / ".bin" / "markdownlint-cli2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "lint.md")
    parser.add_argument("--work", type=Path, default=CORPUS, help="Where the corpus is generated.")
    parser.add_argument(
        "--other-python",
        metavar="PYTHON",
        help="Also time the one-core run on this interpreter (one with carewheel's dependencies, "
        "e.g. another venv's bin/python), side by side: the same code on another CPython build.",
    )
    args = parser.parse_args()
    compile_sources()
    if not MARKDOWNLINT.exists():
        raise SystemExit(f"{MARKDOWNLINT} is missing: run `npm ci` (or `make test`) first")
    project = make(args.pages, args.work / f"lint-{args.pages}")
    pages = sum(1 for _ in (project / "content").rglob("*.md"))
    epoch = {"SOURCE_DATE_EPOCH": "1795867200"}
    carewheel = str(BIN / "carewheel")
    changed = next(iter(sorted((project / "content").rglob("question-*.md"))))
    rel = changed.relative_to(project).as_posix()
    names = {
        "one": "carewheel lint (all rules, one core: -j 1)",
        "all": "carewheel lint (all rules, all cores)",
        "warm": "carewheel lint, cache warm",
        "file": "carewheel lint FILE (one changed file, cache warm)",
        "anchor": "markdownlint-cli2 (all default rules)",
    }
    others: dict[str, tuple[list[str], Path]] = {}
    if args.other_python:
        other = f"carewheel lint (-j 1) on {interpreter(args.other_python)}"
        command = ["env", f"PYTHONPATH={ROOT}", args.other_python, "-m", "generator", "lint"]
        others[other] = ([*command, "--no-cache", "-j", "1", "--exit-zero"], project)
    timings = compare(
        {
            names["one"]: ([carewheel, "lint", "--no-cache", "-j", "1", "--exit-zero"], project),
            **others,
            names["all"]: ([carewheel, "lint", "--no-cache", "--exit-zero"], project),
            names["warm"]: ([carewheel, "lint", "--exit-zero"], project),
            names["file"]: (
                ["sh", "-c", f'echo "One more line." >> {rel} && exec {carewheel} lint --exit-zero {rel}'],
                project,
            ),
            names["anchor"]: ([str(MARKDOWNLINT), "content/**/*.md"], project),
        },
        args.runs,
        epoch,
        ok_codes={names["anchor"]: (0, 1)},
    )
    one, every, warm, file, anchor = (timings[names[k]] for k in ("one", "all", "warm", "file", "anchor"))
    rate = pages / one.median
    lines = [
        f"\n## {dt.date.today()}: lint, {pages} pages\n",
        f"Machine: {machine()}. Command: `.venv/bin/python benchmarks/lint.py --pages {args.pages} "
        f"--runs {args.runs}{f' --other-python {args.other_python}' if args.other_python else ''}` "
        f"(medians of {args.runs} alternating runs after a warm-up;"
        " start-up included).\n",
        "| linter | median s | runs s | pages/s | peak MiB |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for t in timings.values():
        runs = ", ".join(f"{s:.2f}" for s in t.seconds)
        speed = f"{pages / t.median:,.0f}" if t is not file else "(1 file)"
        lines.append(f"| {t.name} | {t.median:.2f} | {runs} | {speed} | {t.peak:.0f} |")
    speedup = anchor.median / one.median
    lines.append(
        f"\ncarewheel lint: **{rate:,.0f} pages/s on one core** (target 1,000: "
        f"{'met' if rate >= 1000 else 'NOT met'}); **{speedup:.1f}x** faster than markdownlint-cli2 "
        f"on one core and **{anchor.median / every.median:.1f}x** with the default one process per "
        f"CPU (target 3x: {'met' if max(speedup, anchor.median / every.median) >= 3 else 'NOT met'}). "
        f"Without the cache (`--no-cache`, as on a fresh checkout); with the cache warm and nothing "
        f"changed: {pages / warm.median:,.0f} pages/s, {anchor.median / warm.median:.1f}x "
        f"markdownlint-cli2. One changed file (pre-commit): **{file.median:.2f} s** (target 0.5 s: "
        f"{'met' if file.median <= 0.5 else 'NOT met'}).\n"
    )
    for name in others:
        ratio = timings[name].median / one.median
        lines.append(
            f"On the other interpreter the one-core run takes **{ratio:.2f}x** as long "
            f"({pages / timings[name].median:,.0f} pages/s).\n"
        )
    report = "\n".join(lines)
    publish(report, args.output, "Lint benchmark", "lint.py")


if __name__ == "__main__":
    main()
