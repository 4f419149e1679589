"""A copy of the demo with planted violations, at least one per rule family: the linter
reports each at the right line and column, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.content import load_site
from generator.lint.engine import lint
from generator.lint.rule import FAMILIES
from generator.project import load_project
from tests.conftest import TODAY

C = "content/cardiology"
P = "content/primary-care"
B = "content/behavioral-health"


@dataclass(frozen=True)
class Plant:
    """One violation: ``new`` replaces ``old`` in ``file`` (``old=None`` appends ``new``); the
    finding is ``code`` at the first occurrence of ``at`` inside ``new``."""

    code: str
    file: str
    new: str
    at: str
    old: str | None = None


HARD = (
    "\nComprehensive cardiovascular evaluation necessitates multidisciplinary collaboration. "
    "Echocardiographic characterization facilitates individualized therapeutic recommendations. "
    "Pharmacological interventions occasionally precipitate unanticipated physiological consequences. "
    "Institutional documentation requirements notwithstanding, communication remains essential. "
    "Longitudinal monitoring identifies deteriorating hemodynamic parameters expeditiously.\n"
)

PLANTS = [
    Plant(
        "IN001",
        f"{C}/chest-pain/what-is-angina.md",
        "\nTo ask a question, call (555) 010-9876.\n",
        "(555) 010-9876",
    ),
    Plant(
        "IN002",
        f"{C}/heart-tests/what-is-an-echocardiogram.md",
        "\nWe offer same-day appointments for new patients.\n",
        "same-day",
    ),
    Plant(
        "IN003",
        f"{C}/heart-tests/what-is-an-exercise-stress-test.md",
        "\nYou do not need a referral for this test.\n",
        "do not need a referral",
    ),
    Plant(
        "IN004",
        f"{P}/checkups/what-happens-at-an-annual-physical.md",
        "\nWe accept all insurance plans.\n",
        "all insurance",
    ),
    Plant(
        "IN005",
        f"{C}/chest-pain/what-is-angina.md",
        "\nOur cardiology office is open on Saturdays.\n",
        "Saturdays",
    ),
    Plant(
        "IN006",
        f"{C}/chest-pain/can-stress-or-worry-cause-chest-pain.md",
        "\nYou can have your new patient visit by video.\n",
        "by video",
    ),
    Plant(
        "IN007",
        f"{C}/heart-tests/what-does-an-ecg-show.md",
        "\nWalk-in visits are welcome at our heart center.\n",
        "Walk-in",
    ),
    Plant(
        "IN008",
        f"{P}/checkups/how-often-do-adults-need-a-checkup.md",
        "\nYou do not need to bring anything to your checkup.\n",
        "not need to bring anything",
    ),
    Plant(
        "SF001",
        f"{C}/chest-pain/what-is-angina.md",
        "\n## Warning signs\n\nTell the staff about any fainting.\n",
        "fainting",
    ),
    Plant(
        "SF002",
        f"{B}/hard-times/helping-a-friend.md",
        "\nYou can also call 1-800-273-8255.\n",
        "1-800-273-8255",
    ),
    Plant(
        "CL001",
        f"{C}/heart-tests/what-is-an-echocardiogram.md",
        "\nWe guarantee clear answers about your heart.\n",
        "guarantee",
    ),
    Plant(
        "CL002",
        f"{P}/checkups/what-to-bring-to-a-physical.md",
        "\nA yearly checkup cures most health problems.\n",
        "cures",
    ),
    Plant("CL003", f"{C}/heart-tests/what-does-an-ecg-show.md", "\nThe test is painless.\n", "painless"),
    Plant(
        "CL004",
        f"{P}/sick-visits/cough-care-at-home.md",
        "\nOur clinic has the best doctors in the state.\n",
        "best doctors",
    ),
    Plant(
        "RV002",
        f"{P}/checkups/do-i-need-to-fast-before-blood-work.md",
        "on: 2024-01-15",
        "2024-01-15",
        old="on: 2026-09-18",
    ),
    Plant(
        "PV001",
        f"{P}/checkups/physical-vs-sick-visit.md",
        '\n<img src="https://www.facebook.com/tr?id=42" alt="">\n',
        "https://www.facebook.com/tr?id=42",
    ),
    Plant(
        "PV002",
        f"{P}/sick-visits/video-visit-when-sick.md",
        '\n<form action="/signup">\n<button>Go</button>\n</form>\n',
        "<form",
    ),
    Plant(
        "PV004",
        f"{C}/chest-pain/is-chest-pain-different-for-women.md",
        "\n[Write to us](https://www.riverbend-health.example/contact?email=pat%40example.com).\n",
        "[Write",
    ),
    Plant(
        "PV006",
        f"{P}/sick-visits/video-visit-when-sick.md",
        '\nStart your visit: <a href="javascript:startVideo()">join the video call</a>.\n',
        "href=",
    ),
    Plant(
        "PV005",
        f"{P}/sick-visits/when-is-a-fever-too-high.md",
        "\nSee [how to care for a cough](cough-care-at-home.md?utm_source=site).\n",
        "[how to care",
    ),
    Plant("RD002", f"{C}/heart-tests/what-is-an-echocardiogram.md", HARD, ""),
    Plant(
        "AX001",
        f"{P}/checkups/which-screening-tests-do-adults-need.md",
        "\n![](screening-chart.png)\n",
        "![](screening-chart.png)",
    ),
    Plant(
        "AX002",
        f"{C}/heart-tests/how-do-i-prepare-for-a-stress-test.md",
        "\nFor the full list, [click here](index.md).\n",
        "[click here]",
    ),
    Plant(
        "AX005",
        f"{B}/first-steps/counseling-by-video.md",
        "\n#### A small heading\n\nA short note.\n",
        "#### A small heading",
    ),
    Plant(
        "ST004",
        f"{P}/sick-visits/er-or-sick-visit.md",
        "keywords: [angina,",
        "angina",
        old="keywords: [er or sick visit,",
    ),
    Plant(
        "CP001",
        "campaigns/annual-physical-email.yml",
        "You need a referral from your doctor.",
        "need a referral",
        old="You do not need a referral.",
    ),
    Plant(
        "CW001",
        f"{B}/first-steps/is-counseling-private.md",
        "\n<!-- carewheel: disable-next-line=CL004 -->\nA short note.\n",
        "<!-- carewheel",
    ),
]


def plant(project: Path, p: Plant) -> tuple[str, int, int]:
    """Apply one plant; return where its finding must be (RD001: the first body line)."""
    path = project / p.file
    text = path.read_text("utf-8")
    if p.old is None:
        base = text.rstrip("\n") + "\n"
        text = base + p.new
        inserted = len(base)
    else:
        assert text.count(p.old) == 1, (p.code, p.old)
        inserted = text.index(p.old)
        text = text[:inserted] + p.new + text[inserted + len(p.old) :]
    path.write_text(text, "utf-8")
    if p.code == "RD002":
        body = text.index("\n---\n", 4) + len("\n---\n")
        while text[body] == "\n":
            body += 1
        offset = body
    else:
        offset = inserted + p.new.index(p.at)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return p.file, line, col


def test_plants_cover_every_family_and_at_least_25() -> None:
    assert len(PLANTS) >= 25
    assert {p.code[:2] for p in PLANTS} >= set(FAMILIES) - {"ST"} | {"ST"}


def test_each_planted_violation_is_found_and_nothing_else(project: Path) -> None:
    expected = set()
    for p in PLANTS:
        path, line, col = plant(project, p)
        expected.add((path, line, col, p.code))
    site = load_site(load_project(project / "mkdocs.yml"), today=TODAY)
    found = {(f.path, f.line, f.col, f.code) for f in lint(site, site.project.settings.lint)}
    assert found - expected == set(), "unexpected findings"
    assert expected - found == set(), "planted violations not found"
