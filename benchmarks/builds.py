"""Benchmark: `carewheel build` against plain MkDocs (minimal theme), Material for MkDocs and
Hugo on the same generated pages, and `carewheel lint` against markdownlint-cli2.

    make bench-setup                       # once: Debian's hugo, .venv-bench with Material
    .venv/bin/python benchmarks/builds.py [--sizes 1000 5000 16000] [--runs 3]

Every comparison runs side by side in one go: commands alternate (A, B, C, A, B, C ...) after
a warm-up each, and medians are reported. Material with its default navigation grows as n²
(531 s at 5,000 pages measured here before), so it runs once, without warm-up, and only up to
--material-max pages. Results (absolute times, ratios ours / anchor, peak memory, the machine)
are appended to benchmarks/results/build.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import shutil
from pathlib import Path

from common import BIN, ROOT, Timing, compare, compile_sources, machine, publish, run_once
from corpus import make

CORPUS = ROOT / "benchmarks" / "corpus"
BENCH_BIN = ROOT / ".venv-bench" / "bin"
MARKDOWNLINT = ROOT / "node_modules" / ".bin" / "markdownlint-cli2"
EPOCH = {"SOURCE_DATE_EPOCH": "1795867200"}
DEFAULT_ANCHORS = "mkdocs,hugo,material,markdownlint"

MINIMAL_THEME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title if page else config.site_name }}</title>
<meta name="description" content="{{ page.meta.description if page else '' }}"></head>
<body><main>{{ page.content if page else '' }}</main></body></html>
"""
HUGO_LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="description" content="{{ .Description }}"></head>
<body><main>{{ .Content }}</main></body></html>
"""


def mkdocs_configs(project: Path) -> None:
    """The anchors' configurations, next to the project's own mkdocs.yml."""
    theme = project / "minimal-theme"
    theme.mkdir(exist_ok=True)
    (theme / "main.html").write_text(MINIMAL_THEME, "utf-8")
    common = (
        "site_name: Benchmark\nsite_url: https://www.example.org/\ndocs_dir: content\n"
        "use_directory_urls: true\n"
    )
    (project / "mkdocs-minimal.yml").write_text(
        common + "theme:\n  name: null\n  custom_dir: minimal-theme\nplugins: []\n", "utf-8"
    )
    (project / "mkdocs-material.yml").write_text(common + "theme:\n  name: material\n", "utf-8")
    (project / "mkdocs-material-prune.yml").write_text(
        common + "theme:\n  name: material\n  features: [navigation.prune]\n", "utf-8"
    )


def hugo_site(project: Path) -> Path:
    """The same Markdown as a Hugo site: `index.md` hubs become `_index.md` branch pages."""
    site = project / "hugo"
    if site.exists():
        shutil.rmtree(site)
    for md in (project / "content").rglob("*.md"):
        rel = md.relative_to(project / "content")
        name = "_index.md" if rel.name == "index.md" else rel.name
        target = site / "content" / rel.parent / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(md, target)
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(HUGO_LAYOUT, "utf-8")
    (site / "layouts" / "index.html").write_text(HUGO_LAYOUT, "utf-8")
    (site / "hugo.toml").write_text(
        'baseURL = "https://www.example.org/"\ntitle = "Benchmark"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n',
        "utf-8",
    )
    return site


def row(t: Timing, pages: int, ours: Timing | None) -> str:
    runs = ", ".join(f"{s:.1f}" for s in t.seconds)
    ratio = f"{ours.median / t.median:.2f}" if ours and t is not ours else "1.00"
    memory = f"{ours.peak / t.peak:.2f}" if ours and t is not ours else "1.00"
    speed = f"{pages / t.median:,.0f}"
    return f"| {t.name} | {t.median:.2f} | {runs} | {speed} | {t.peak:.0f} | {ratio} | {memory} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 16000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--material-max", type=int, default=5000)
    parser.add_argument("--anchors", default=DEFAULT_ANCHORS, help="Anchors to run (comma-separated).")
    parser.add_argument("--work", type=Path, default=CORPUS, help="Where corpora are generated.")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "build.md")
    args = parser.parse_args()
    compile_sources()
    anchors = set(args.anchors.split(","))
    needed = {
        "material": BENCH_BIN / "mkdocs",
        "hugo": Path(shutil.which("hugo") or "hugo"),
        "markdownlint": MARKDOWNLINT,
    }
    for anchor, tool in needed.items():
        if anchor in anchors and not tool.exists():
            raise SystemExit(f"{tool} is missing: run `make bench-setup` first")
    lines = [f"\n## {dt.date.today()}: builds and lint at {', '.join(map(str, args.sizes))} pages\n"]
    lines.append(
        f"Machine: {machine()}. Command: `.venv/bin/python benchmarks/builds.py --sizes "
        f"{' '.join(map(str, args.sizes))} --runs {args.runs}"
        f"{'' if args.anchors == DEFAULT_ANCHORS else ' --anchors ' + args.anchors}`. "
        f"Medians of {args.runs} alternating runs "
        "after a warm-up; Material: one run. Peak = largest resident set of the process. Ratios are "
        "carewheel / anchor (time and memory; lower is better). `carewheel build` and `carewheel lint`"
        ' run without the lint cache (as on a fresh CI checkout); the rows marked "cache warm" '
        "reuse the findings of the unchanged pages (as on a developer's machine or a CI that "
        "keeps `.carewheel-cache/`). `carewheel lint (all rules)` runs in one process (`-j 1`); "
        "the build lints in a forked process on the second core while MkDocs renders.\n"
    )
    medians: dict[int, float] = {}
    for pages in args.sizes:
        campaigns = max(1, round(200 * pages / 5000))
        project = make(pages, args.work / f"build-{pages}", campaigns)
        mkdocs_configs(project)
        out = args.work / f"out-{pages}"
        build = [str(BIN / "carewheel"), "build", "-d", str(out / "cw")]
        commands = {
            "carewheel build": (["env", "CAREWHEEL_NO_CACHE=1", *build], project),
            "carewheel build, lint cache warm": (build, project),
        }
        if "mkdocs" in anchors:
            commands["mkdocs 1.6.1, minimal theme, no plugins"] = (
                [str(BIN / "mkdocs"), "build", "-q", "-f", "mkdocs-minimal.yml", "-d", str(out / "min")],
                project,
            )
        if "hugo" in anchors:
            hugo = hugo_site(project)
            commands["hugo (Debian), minimal layouts"] = (
                ["hugo", "--quiet", "--source", str(hugo), "--destination", str(out / "hugo")],
                project,
            )
        print(f"{pages} pages ({campaigns} campaigns)", flush=True)
        timings = compare(commands, args.runs, EPOCH)
        if "material" in anchors and pages <= args.material_max:
            for name, config in (
                ("Material 9.8.2, default settings", "mkdocs-material.yml"),
                ("Material 9.8.2, navigation.prune", "mkdocs-material-prune.yml"),
            ):
                print(f"  {name} (one run)", flush=True)
                seconds, peak = run_once(
                    [str(BENCH_BIN / "mkdocs"), "build", "-q", "-f", config, "-d", str(out / "mat")],
                    project,
                    EPOCH,
                )
                timings[name] = Timing(name, [seconds], [peak])
        linters = {
            "carewheel lint (all rules)": (
                [str(BIN / "carewheel"), "lint", "--no-cache", "-j", "1", "--exit-zero", "-o", "/dev/null"],
                project,
            ),
            "carewheel lint, cache warm": (
                [str(BIN / "carewheel"), "lint", "--exit-zero", "-o", "/dev/null"],
                project,
            ),
        }
        if "markdownlint" in anchors:
            linters["markdownlint-cli2 (all default rules)"] = (
                [str(MARKDOWNLINT), "content/**/*.md"],
                project,
            )
        lint = compare(linters, args.runs, EPOCH, ok_codes={"markdownlint-cli2 (all default rules)": (0, 1)})
        ours = timings["carewheel build"]
        medians[pages] = ours.median
        lines += [
            f"\n### {pages} content pages, {campaigns} campaigns"
            f" ({2 * campaigns} landing pages in carewheel only)\n",
            "| build | median s | runs s | pages/s | peak MiB | time ratio | memory ratio |",
            "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
            *(row(t, pages, ours) for t in timings.values()),
            "",
            "| lint | median s | runs s | pages/s | peak MiB | time ratio | memory ratio |",
            "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
            *(row(t, pages, lint["carewheel lint (all rules)"]) for t in lint.values()),
        ]
        shutil.rmtree(out, ignore_errors=True)
    if len(medians) > 1:
        sizes = sorted(medians)
        growth = [
            f"{b}/{a} pages: {medians[b] / medians[a]:.2f}x time for {b / a:.2f}x pages"
            for a, b in itertools.pairwise(sizes)
        ]
        lines.append("\nScaling of `carewheel build`: " + "; ".join(growth) + ".\n")
    report = "\n".join(lines)
    publish(report, args.output, "Build benchmark", "builds.py")


if __name__ == "__main__":
    main()
