"""Generate a realistic carewheel project of any size, for benchmarks.

    .venv/bin/python benchmarks/corpus.py 5000 benchmarks/corpus/p5000 [--campaigns 200]

The project has the demo's intake scripts, organization and theme; its content follows the
content model: one page per service line, clusters of 20 questions, and questions of about
600 words with headings, bullet and numbered lists, emphasis, and links to sibling questions
and the hub. Campaigns (2 variants each) point at the clusters. Output is deterministic.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINES = {
    "cardiology": ["new-patient-consult", "stress-test", "follow-up-visit"],
    "primary-care": ["new-patient-visit", "annual-physical", "sick-visit"],
    "behavioral-health": ["intake-assessment", "medication-visit"],
}
QUESTIONS_PER_CLUSTER = 20

SENTENCES = [
    "Your care team will explain each step before it happens.",
    "Write down your questions before the visit so you remember them.",
    "Bring a list of the medicines you take, including vitamins.",
    "Most people go home the same day after this kind of test.",
    "Tell the nurse if you feel dizzy or tired.",
    "It is normal to feel nervous before a new visit.",
    "A family member or friend can come with you.",
    "Your doctor will look at your health history first.",
    "Small changes to food and sleep can make a big difference.",
    "Walking for twenty minutes a day helps your heart and your mood.",
    "Ask what each result means for you.",
    "Some tests need you to stop eating a few hours before.",
    "We will send your results to your regular doctor.",
    "You can ask for an interpreter at no cost.",
    "Keep taking your usual medicines unless your doctor says to stop.",
    "Wear clothes that are easy to move in.",
    "The visit usually takes about an hour.",
    "Your nurse will check your blood pressure and weight.",
    "Tell us about any allergies you have.",
    "It helps to know your family's health history.",
    "You can bring a support person to your visit.",
    "Ask your doctor how often you should come back.",
    "Drink water during the day unless you were told not to.",
    "Write down when your symptoms start and stop.",
    "Let us know if you need help getting to your visit.",
    "Your doctor may suggest a few simple tests.",
    "Many people feel better after they make a plan.",
    "Sleep, food and exercise all affect how you feel.",
    "Ask questions until you understand the answer.",
    "Your health record is private and kept safe.",
]
HEADINGS = [
    "What it is",
    "Why it matters",
    "What to expect",
    "How to get ready",
    "Questions to ask",
    "Taking care of yourself",
    "When to get help",
]
LIST_ITEMS = [
    "Photo ID",
    "Insurance card",
    "A list of your medicines",
    "Your questions for the doctor",
    "Comfortable shoes",
    "Glasses or hearing aids",
    "A notebook",
]
WORDS = [
    "sleep",
    "stress",
    "walking",
    "diet",
    "water",
    "blood",
    "pressure",
    "tests",
    "visits",
    "medicine",
    "family",
    "history",
    "results",
    "exercise",
    "rest",
    "care",
    "plan",
    "questions",
]


def question_body(rng: random.Random, siblings: list[str]) -> str:
    parts = []
    for section in rng.sample(HEADINGS, 6):
        parts.append(f"## {section}")
        for _ in range(2):
            parts.append(" ".join(rng.sample(SENTENCES, 4)))
        if rng.random() < 0.5:
            parts.append("\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, 4)))
        else:
            parts.append("\n".join(f"{i}. {s}" for i, s in enumerate(rng.sample(SENTENCES, 3), 1)))
    links = rng.sample(siblings, min(2, len(siblings)))
    linked = " and ".join(f"[{s.replace('-', ' ')}]({s}.md)" for s in links)
    parts.append(f"## Read more\n\nYou can also read about {linked}, or go back to [this topic](index.md).")
    parts.append("## What to do next\n\nIf you want to talk with us, the steps below show how to book.")
    return "\n\n".join(parts) + "\n"


def make(pages: int, dest: Path, campaigns: int = 0, seed: int = 7) -> Path:
    """Write a project of about ``pages`` content pages into ``dest`` (replaced)."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for part in ("mkdocs.yml", "intake", "themes"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / part)
    content = dest / "content"
    content.mkdir()
    for name in ("index.md", "privacy.md", "health-data-privacy.md"):
        shutil.copy2(ROOT / "content" / name, content / name)
    written = 3
    for line in LINES:
        folder = content / line
        folder.mkdir()
        (folder / "index.md").write_text(
            f"---\ntype: service-line\ntitle: {line.replace('-', ' ').title()}\n"
            f"description: Care from our {line.replace('-', ' ')} team.\nservice_line: {line}\n"
            f'next_step: {LINES[line][0]}\nreviewed: {{by: "Pat Lee, MD", on: 2026-09-01}}\n---\n\n'
            + " ".join(rng.sample(SENTENCES, 6))
            + "\n",
            "utf-8",
        )
        written += 1
    clusters: list[tuple[str, str, list[str]]] = []
    line_ids = list(LINES)
    cluster_no = 0
    while written < pages:
        line = line_ids[cluster_no % len(line_ids)]
        folder = content / line
        cluster = f"{'topic' if line == 'behavioral-health' else line}-{cluster_no:04d}"
        cdir = folder / cluster
        cdir.mkdir()
        step = rng.choice(LINES[line])
        (cdir / "index.md").write_text(
            f"---\ntype: cluster\nid: {cluster}\ntitle: Topic {cluster_no}\n"
            f"description: Questions about topic {cluster_no}.\nservice_line: {line}\nnext_step: {step}\n"
            f'reviewed: {{by: "Pat Lee, MD", on: 2026-09-01}}\n---\n\n'
            + " ".join(rng.sample(SENTENCES, 5))
            + "\n",
            "utf-8",
        )
        written += 1
        count = min(QUESTIONS_PER_CLUSTER, pages - written)  # the last cluster may be short
        slugs = [f"question-{cluster_no:04d}-{i:02d}" for i in range(count)]
        for i, slug in enumerate(slugs):
            keyword = f"topic {cluster_no} {' '.join(rng.sample(WORDS, 2))} {i}"
            (cdir / f"{slug}.md").write_text(
                "---\ntype: question\n"
                f"question: How does {rng.choice(WORDS)} affect topic {cluster_no} ({i})?\n"
                f"description: Plain answers about topic {cluster_no}.\nservice_line: {line}\n"
                f"cluster: {cluster}\nnext_step: {step}\nkeywords: [{keyword}]\norder: {i}\n"
                f'reviewed: {{by: "Pat Lee, MD", on: 2026-09-{1 + i % 28:02d}}}\n---\n\n'
                + question_body(rng, [s for s in slugs if s != slug]),
                "utf-8",
            )
            written += 1
        clusters.append((line, cluster, slugs))
        cluster_no += 1
    (dest / "campaigns").mkdir()
    ledger = ["issued:" if campaigns else "issued: {}"]
    for n in range(1, campaigns + 1):
        line, cluster, _ = clusters[n % len(clusters)]
        pathway = LINES[line][0]
        path = f"offer-{n}"
        (dest / "campaigns" / f"offer-{n}.yml").write_text(
            f"tracking_id: cmp-{n:04d}\nname: Benchmark campaign {n}\nservice_line: {line}\n"
            f"pathway: {pathway}\ncluster: {cluster}\nstart: 2026-01-01\nend: 2027-12-31\n"
            f"landing:\n  path: {path}\n  headline: A clear next step for topic {n}\n  body: |\n"
            f"    {' '.join(rng.sample(SENTENCES, 4))}\n"
            'variants:\n  a: {weight: 50}\n  b: {weight: 50, headline: "Talk with our team"}\n'
            "channels:\n  - {source: google, medium: cpc}\n",
            "utf-8",
        )
        ledger.append(f"  cmp-{n:04d}: offer-{n}")
    (dest / "campaigns" / "tracking-ids.yml").write_text("\n".join(ledger) + "\n", "utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--campaigns", type=int, default=0)
    args = parser.parse_args()
    make(args.pages, args.dest, args.campaigns)
    print(f"wrote a {args.pages}-page project with {args.campaigns} campaigns to {args.dest}")


if __name__ == "__main__":
    main()
