"""``carewheel gaps``: questions matched to question pages by content words, unanswered ones
grouped by service line and theme, Markdown and CSV output, and ``--scaffold N``."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result

from generator import gaps
from generator.cli_flywheel import gaps as gaps_command
from generator.content import Site, load_site
from generator.project import load_project
from generator.sources import read_document
from generator.tables import DataWarnings
from tests.conftest import ROOT

DEMO = ROOT / "demo-data"


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(load_project(ROOT / "mkdocs.yml"), include_drafts=True)


def demo_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_data", DEMO / "make_demo_data.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def asked(text: str, line: str = "", when: str = "2026-11-02T09:00") -> gaps.Asked:
    return gaps.Asked(
        f"q.csv:{text[:5]}", dt.datetime.fromisoformat(when), line, text, gaps.content_words(text)
    )


def log(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = folder / "questions.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["asked_at", "service_line", "question"])
        writer.writerows(rows)
    return path


def run_gaps(project: Path, *args: str) -> Result:
    return CliRunner().invoke(gaps_command, [*args, "-f", str(project / "mkdocs.yml")])


def test_content_words_drop_stop_words_and_endings() -> None:
    assert gaps.content_words("What's the best way to prepare for my stress tests?") == {
        "best",
        "prepare",
        "stress",
        "test",
    }
    assert gaps.content_words("Do you have evening counseling appointments?") == {
        "evening",
        "counsel",
        "appointment",
    }
    assert gaps.content_words("Can I? Is it? What do you?") == frozenset()


def page(src: str, *phrases: str, line: str = "cardiology") -> gaps.PagePhrases:
    return gaps.PagePhrases(
        src, f"content/{src}", phrases[0], line, "c", tuple(gaps.content_words(p) for p in phrases)
    )


@pytest.mark.parametrize(
    ("question", "answered", "score"),
    [
        ("How do I prepare for a stress test?", True, 1.0),  # {prepare, stress, test} = the page
        ("Walking shoes for a treadmill?", False, 0.25),  # 1 of 4 words (treadmill)
        ("Should I prepare for a stress echo?", True, 0.5),  # 2 shared of 4: exactly the threshold
        ("Prepare for an echo?", False, 0.25),  # 1 shared
        ("Angina?", False, 0.0),
    ],
)
def test_a_page_answers_when_half_the_words_are_shared(question: str, answered: bool, score: float) -> None:
    pages = [page("prep.md", "How do I prepare for a stress test?", "treadmill test")]
    match = gaps.best_match(asked(question), pages)
    assert match.answered is answered
    assert match.score == pytest.approx(score)


def test_one_shared_word_is_not_enough_for_a_longer_question() -> None:
    pages = [page("angina.md", "What is angina?", "angina")]
    assert gaps.best_match(asked("What is angina?"), pages).answered
    match = gaps.best_match(asked("Can I exercise with angina?"), pages)
    assert match.score == pytest.approx(0.5)  # {exercise, angina} against {angina}
    assert not match.answered  # only one shared word


def test_a_keyword_can_answer_but_a_shared_phrase_alone_does_not(site: Site) -> None:
    pages = gaps.page_index(site)
    fasting = gaps.best_match(asked("Can I drink water before blood work?"), pages)
    assert fasting.answered
    assert fasting.page is not None
    assert fasting.page.src == "primary-care/checkups/do-i-need-to-fast-before-blood-work.md"
    # "heart attack warning signs" is a keyword of the emergency page, but it does not answer this:
    exercise = gaps.best_match(asked("Can I exercise after a heart attack?"), pages)
    assert not exercise.answered
    assert exercise.shared == 2


def test_demo_questions_are_answered_exactly_as_the_data_was_designed(site: Site) -> None:
    module = demo_module()
    warnings = DataWarnings()
    found = gaps.find_gaps(
        site, gaps.read_questions(DEMO / "questions.csv", "questions.csv", dt.UTC, warnings), "q", warnings
    )
    assert warnings.total == 0
    status = {m.asked.text: m.answered for m in found.matches}
    designed_yes = {q for qs in module.ANSWERED.values() for q in qs}
    designed_no = {q for qs in module.UNANSWERED.values() for q in qs}
    assert {q for q, ok in status.items() if ok} == designed_yes
    assert {q for q, ok in status.items() if not ok} == designed_no
    assert 55 <= len(found.matches) <= 65


def test_unanswered_questions_are_grouped_by_line_and_theme(site: Site, tmp_path: Path) -> None:
    path = log(
        tmp_path,
        [
            ("2026-11-02 09:00", "primary-care", "Do you give flu shots?"),
            ("2026-11-03 09:00", "Primary Care", "Where can I get my flu shot?"),
            ("2026-11-04 09:00", "primary-care", "Are flu shots free with insurance?"),
            ("2026-11-05 09:00", "primary-care", "Do you give flu shots"),  # the same question again
            ("2026-11-05 10:00", "primary-care", "How do I refill my prescription?"),
            ("2026-11-05 11:00", "behavioral-health", "Can my teen see a counselor?"),  # {teen, counselor}
            (
                "2026-11-05 12:00",
                "behavioral-health",
                "Do you offer counseling for a teen?",
            ),  # {counsel, teen}
            ("2026-11-06 09:00", "", "Where do I park?"),
            ("2026-11-07 09:00", "", "Is there parking at the clinic?"),
            ("2026-11-08 09:00", "cardiology", "What is angina?"),  # answered
            ("sometime", "cardiology", "Is this row dated?"),
            ("2026-11-09 09:00", "cardiology", "What is it?"),  # no content words
        ],
    )
    warnings = DataWarnings()
    found = gaps.find_gaps(site, gaps.read_questions(path, "q.csv", dt.UTC, warnings), "q.csv", warnings)
    assert warnings.counts == {"unparseable date": 1, gaps.NO_WORDS: 1}
    assert [w for w, _ in warnings.examples["unparseable date"]] == ["q.csv:12"]
    assert len(found.answered) == 1
    summary = [(g.number, g.service_line, g.theme, g.count, len(g.questions)) for g in found.groups]
    assert summary == [
        (1, "behavioral-health", ("teen",), 2, 2),  # 1 shared word of 3: Jaccard 1/3 >= SIMILAR
        (2, "primary-care", ("flu", "shot"), 4, 3),  # {flu, shot} in all three; 4 asks
        (3, "primary-care", ("refill", "prescription"), 1, 1),  # one question: its words in order
        (4, gaps.UNKNOWN_LINE, ("park",), 2, 2),  # "parking" and "park" share a stem
    ]
    assert found.groups[1].representative().text == "Do you give flu shots?"
    assert found.top(1)[0].number == 2


def test_a_question_without_a_line_takes_the_line_of_its_best_page(site: Site) -> None:
    found = gaps.find_gaps(site, [asked("Does a heart monitor beep at night?")], "q", DataWarnings())
    (group,) = found.groups
    assert group.service_line == "cardiology"


def test_grouping_is_deterministic_whatever_the_row_order(site: Site) -> None:
    questions = [
        asked("Do you give flu shots?", "primary-care", "2026-11-02T09:00"),
        asked("Can I get a sports physical for my son?", "primary-care", "2026-11-03T09:00"),
        asked("Where can I get my flu shot?", "primary-care", "2026-11-04T09:00"),
        asked("Do you do sports physicals for school?", "primary-care", "2026-11-05T09:00"),
    ]
    one = gaps.find_gaps(site, questions, "q", DataWarnings())
    two = gaps.find_gaps(site, list(reversed(questions)), "q", DataWarnings())
    assert gaps.render_markdown(one, site) == gaps.render_markdown(two, site)
    assert gaps.render_csv(one) == gaps.render_csv(two)


def test_the_closest_cluster_is_in_the_groups_service_line(site: Site) -> None:
    found = gaps.find_gaps(
        site,
        [
            asked("Can I exercise after a heart attack?", "cardiology"),
            asked("Is it safe to exercise with heart failure?", "cardiology"),
            asked("Do you give flu shots?", "primary-care"),
        ],
        "q",
        DataWarnings(),
    )
    by_theme = {g.theme[0]: g for g in found.groups}
    assert gaps.closest_cluster(site, by_theme["exercise"]) in {"chest-pain", "heart-tests"}
    # "flu" occurs in the sick-visits cluster only (its cold-or-flu question).
    assert gaps.closest_cluster(site, by_theme["flu"]) == "sick-visits"


def test_gaps_command_writes_markdown_and_csv(project: Path) -> None:
    result = run_gaps(project, "--questions", str(DEMO / "questions.csv"))
    assert result.exit_code == 0, result.output
    markdown = (project / "build/reports/gaps.md").read_text("utf-8")
    rows = list(csv.DictReader((project / "build/reports/gaps.csv").read_text("utf-8").splitlines()))
    module = demo_module()
    designed_no = {q for qs in module.UNANSWERED.values() for q in qs}
    assert {r["question"] for r in rows if r["status"] == "unanswered"} == designed_no
    assert all(r["group"] for r in rows if r["status"] == "unanswered")
    assert not any(r["group"] for r in rows if r["status"] == "answered")
    for line in ("cardiology", "primary-care", "behavioral-health", gaps.UNKNOWN_LINE):
        assert f"\n## {line}\n" in markdown
    assert "### 1. " in markdown
    assert "Closest cluster: `sick-visits`." in markdown
    assert "## Answered by a page" in markdown
    assert "questions: " in result.stdout


def test_scaffold_writes_a_draft_question_page_in_the_closest_cluster(project: Path, tmp_path: Path) -> None:
    path = log(
        tmp_path,
        [
            ("2026-11-02 09:00", "primary-care", "do you give flu shots"),
            ("2026-11-03 09:00", "primary-care", "do you give flu shots"),
            ("2026-11-04 09:00", "primary-care", "Where can I get my flu shot?"),
        ],
    )
    result = run_gaps(project, "--questions", str(path), "--scaffold", "1")
    assert result.exit_code == 0, result.output
    page = project / "content/primary-care/sick-visits/do-you-give-flu-shots.md"
    assert page.is_file(), result.output
    doc = read_document(page, "page.md")
    assert doc.front_matter.data["question"] == "Do you give flu shots?"
    assert doc.front_matter.data["cluster"] == "sick-visits"
    assert doc.front_matter.data["draft"] is True
    assert not (project / "build/reports").exists()  # scaffolding writes only the page
    load_site(load_project(project / "mkdocs.yml"), include_drafts=True)  # still a valid project


def test_scaffold_of_a_group_without_a_line_needs_a_cluster(project: Path, tmp_path: Path) -> None:
    path = log(tmp_path, [("2026-11-02 09:00", "", "Where do I park?")])
    result = run_gaps(project, "--questions", str(path), "--scaffold", "1")
    assert result.exit_code == 1
    assert "--cluster" in result.stderr
    result = run_gaps(project, "--questions", str(path), "--scaffold", "1", "--cluster", "checkups")
    assert result.exit_code == 0, result.output
    assert (project / "content/primary-care/checkups/where-do-i-park.md").is_file()


def test_an_unknown_group_number_is_an_error(project: Path) -> None:
    result = run_gaps(project, "--questions", str(DEMO / "questions.csv"), "--scaffold", "99")
    assert result.exit_code == 1
    assert "no unanswered group 99" in result.stderr
    assert "Traceback" not in result.output


def test_a_log_without_a_question_column_is_an_error_with_path_and_line(
    project: Path, tmp_path: Path
) -> None:
    path = tmp_path / "log.csv"
    path.write_text("asked_at,service_line,text of it\n2026-11-02,cardiology,What?\n", "utf-8")
    result = run_gaps(project, "--questions", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: missing required column 'question'" in result.stderr
    assert not (project / "build/reports").exists()
