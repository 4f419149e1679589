"""Benchmark: 1,000 campaigns × 2 variants against 2,000 plain Markdown pages of the same size.

Target (issue 3): building the campaigns adds no more than 1.5× the time of building the same
number of plain pages. Both projects start from the demo project (its 49 pages, intake
scripts and theme); one adds 2,000 plain pages to content/, the other 1,000 campaigns that
generate 2,000 landing pages. Each is built with `carewheel build`, alternately.

    .venv/bin/python benchmarks/campaigns.py [--campaigns 1000] [--runs 3]

Results are appended to benchmarks/results/campaigns.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

from common import BIN, ROOT, compare, compile_sources, fresh, machine, publish

WORK = ROOT / "benchmarks" / "corpus" / "campaigns"
BODY = (
    "Most chest pain is not a heart attack, but some is. Our heart doctors can find the cause "
    "and help you feel safe again.\n\n"
    "New patients are usually seen within 5 to 10 business days. You do not need a referral.\n"
)
QUESTIONS = [
    "cardiology/chest-pain/when-is-chest-pain-an-emergency.md",
    "cardiology/chest-pain/what-is-angina.md",
]


def base_project(dest: Path) -> Path:
    fresh(dest)
    for part in ("mkdocs.yml", "content", "intake", "themes"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / part)
    (dest / "campaigns").mkdir()
    return dest


def campaign_yaml(i: int) -> str:
    questions = "".join(f"    - {q}\n" for q in QUESTIONS)
    return (
        f"tracking_id: cmp-{i:04d}\n"
        f"name: Benchmark campaign {i}\n"
        "service_line: cardiology\npathway: new-patient-consult\nurgent_route: emergency\n"
        "cluster: chest-pain\nstart: 2026-01-01\nend: 2027-12-31\n"
        f"landing:\n  path: offer-{i}\n  headline: Chest pain that comes and goes? Offer {i}.\n"
        "  body: |\n" + "".join(f"    {line}\n" for line in BODY.splitlines()) + f"  questions:\n{questions}"
        'variants:\n  a: {weight: 50}\n  b: {weight: 50, headline: "Worried about your heart?"}\n'
        "channels:\n  - {source: google, medium: cpc}\n"
    )


def plain_page(i: int) -> str:
    links = "\n".join(f"- [Question {n}](../{q})" for n, q in enumerate(QUESTIONS))
    return (
        f"---\ntitle: Plain page {i}\ndescription: A plain page of the same size as a landing page.\n---\n\n"
        f"{BODY}\n## Questions patients ask\n\n{links}\n"
    )


def make(campaigns: int, work: Path) -> tuple[Path, Path]:
    pages = base_project(work / "pages")
    folder = pages / "content" / "plain"
    folder.mkdir()
    for i in range(campaigns * 2):
        (folder / f"page-{i}.md").write_text(plain_page(i), "utf-8")
    with_campaigns = base_project(work / "campaigns")
    ledger = ["issued:"]
    for i in range(1, campaigns + 1):
        (with_campaigns / "campaigns" / f"offer-{i}.yml").write_text(campaign_yaml(i), "utf-8")
        ledger.append(f"  cmp-{i:04d}: offer-{i}")
    (with_campaigns / "campaigns" / "tracking-ids.yml").write_text("\n".join(ledger) + "\n", "utf-8")
    return pages, with_campaigns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=WORK, help="Where the two projects are generated.")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "campaigns.md")
    args = parser.parse_args()
    compile_sources()
    pages, with_campaigns = make(args.campaigns, args.work)
    carewheel = str(BIN / "carewheel")
    epoch = {"SOURCE_DATE_EPOCH": "1795867200"}  # 2026-11-28
    timings = compare(
        {
            f"{args.campaigns * 2} plain pages": ([carewheel, "build"], pages),
            f"{args.campaigns} campaigns x 2 variants": ([carewheel, "build"], with_campaigns),
        },
        args.runs,
        epoch,
    )
    plain, campaign = timings.values()
    ratio = campaign.median / plain.median
    verdict = "meets" if ratio <= 1.5 else "MISSES"
    lines = [
        f"\n## {dt.date.today()}: {args.campaigns} campaigns x 2 variants"
        f" vs {args.campaigns * 2} plain pages\n",
        f"Machine: {machine()}. Command: `.venv/bin/python benchmarks/campaigns.py --campaigns "
        f"{args.campaigns} --runs {args.runs}` (medians of {args.runs} alternating runs after a warm-up).\n",
        "| build | median s | runs s | peak MiB |",
        "| --- | ---: | --- | ---: |",
    ]
    for t in timings.values():
        runs = ", ".join(f"{s:.2f}" for s in t.seconds)
        lines.append(f"| {t.name} | {t.median:.2f} | {runs} | {t.peak:.0f} |")
    lines.append(f"\nRatio campaigns / plain pages: **{ratio:.2f}x** ({verdict} the 1.5x target).\n")
    report = "\n".join(lines)
    publish(report, args.output, "Campaign build benchmark", "campaigns.py")


if __name__ == "__main__":
    main()
