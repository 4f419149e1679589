"""The content model on the demo project: counts, clusters, red-flag routes, next steps, URLs,
drafts. Situations are created by editing a copy of the demo project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.content import Page, Site, load_site, url_for
from generator.errors import SourceErrors
from generator.project import load_project
from generator.schemas import ClusterPage, QuestionPage, RedFlagRoute
from tests.conftest import copy_project

ANGINA = "cardiology/chest-pain/what-is-angina.md"
ECHO = "cardiology/heart-tests/what-is-an-echocardiogram.md"
FEVER = "primary-care/sick-visits/when-is-a-fever-too-high.md"
CRISIS = "behavioral-health/hard-times/when-to-call-988.md"

NEUTRAL_QUESTION = """\
---
type: question
question: How long is a typical visit?
description: How long a visit usually lasts.
service_line: cardiology
cluster: {cluster}
next_step: new-patient-consult
draft: true
---

Most visits take about an hour. Bring your questions.
"""


TODAY = dt.date(2026, 12, 1)
"""A fixed date, so campaign landing pages (virtual pages, not tested here) do not depend on the clock."""


def load(project: Path, **options: bool) -> Site:
    return load_site(load_project(project / "mkdocs.yml"), today=TODAY, **options)


def content_pages(site: Site) -> list[Page]:
    """Pages read from ``content/`` (campaign landing pages left out)."""
    return [p for p in site.pages.values() if p.type != "landing"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def front_matter_type(md: Path) -> str | None:
    """The page type read with plain string handling, independently of carewheel's reader."""
    text = md.read_text("utf-8")
    head = text.split("---\n")[1] if text.startswith("---\n") else ""
    for line in head.splitlines():
        if line.startswith("type:"):
            return line.split(":", 1)[1].strip()
    return None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The demo site, read once from a copy (read-only tests)."""
    return load(copy_project(tmp_path_factory.mktemp("content") / "project"))


# --- The demo site ---------------------------------------------------------------------------


def test_demo_counts(demo: Site) -> None:
    docs = demo.project.docs_dir
    files = sorted(docs.rglob("*.md"))
    types = [front_matter_type(md) for md in files]
    pages = content_pages(demo)
    assert sorted(p.src for p in pages) == sorted(md.relative_to(docs).as_posix() for md in files)
    # README: three service lines, six topic clusters and 37 patient questions.
    assert len(demo.service_lines) == 3
    assert len(demo.clusters) == 6
    assert sum(1 for p in pages if p.type == "question") == 37 == types.count("question")
    assert sum(1 for p in pages if p.type == "cluster") == 6 == types.count("cluster")
    assert sum(1 for p in pages if p.type == "service-line") == 3
    assert set(demo.service_lines) == {"cardiology", "primary-care", "behavioral-health"}
    assert demo.published() == list(demo.pages.values())  # the demo has no drafts


def test_every_question_is_in_its_cluster(demo: Site) -> None:
    questions = [p for p in demo.pages.values() if isinstance(p.meta, QuestionPage)]
    for page in questions:
        assert isinstance(page.meta, QuestionPage)
        cluster = demo.clusters[page.meta.cluster]
        assert page in cluster.questions, page.src
        assert demo.cluster_of(page) is cluster
        assert cluster.hub.service_line_id == page.service_line_id
        # The hub lives in the folder of its questions.
        assert Path(cluster.hub.src).parent == Path(page.src).parent
    assert sum(len(c.questions) for c in demo.clusters.values()) == len(questions)


def test_questions_and_clusters_are_sorted_by_order_then_title(demo: Site) -> None:
    for cluster in demo.clusters.values():
        keys = [(q.meta.order, q.title.lower()) for q in cluster.questions]
        assert keys == sorted(keys), cluster.id
        assert len(cluster.questions) >= 6
    cardiology = demo.service_lines["cardiology"]
    assert [c.id for c in cardiology.clusters] == ["chest-pain", "heart-tests"]  # order 10, 20
    for line in demo.service_lines.values():
        assert line.page is not None
        assert line.page.type == "service-line"
        assert sorted(c.id for c in line.clusters) == sorted(
            cid for cid, c in demo.clusters.items() if c.hub.service_line_id == line.id
        )
        keys = [(c.hub.meta.order, c.hub.title.lower()) for c in line.clusters]
        assert keys == sorted(keys)


def test_cluster_order_follows_the_hub_order(project: Path) -> None:
    edit(project / "content/cardiology/heart-tests/index.md", "order: 20", "order: 5")
    site = load(project)
    assert [c.id for c in site.service_lines["cardiology"].clusters] == ["heart-tests", "chest-pain"]
    # Equal orders fall back to the title.
    hub = project / "content/cardiology/heart-tests/index.md"
    edit(hub, "order: 5", "order: 10")
    edit(hub, "title: Heart tests", "title: Tests of the heart")
    site = load(project)
    assert [c.id for c in site.service_lines["cardiology"].clusters] == ["chest-pain", "heart-tests"]
    edit(hub, "title: Tests of the heart", "title: About heart tests")
    site = load(project)
    assert [c.id for c in site.service_lines["cardiology"].clusters] == ["heart-tests", "chest-pain"]


def test_question_order_follows_front_matter(project: Path) -> None:
    edit(project / "content" / ECHO, "order: 50", "order: 1")
    site = load(project)
    assert site.clusters["heart-tests"].questions[0].src == ECHO


# --- Red-flag routes -------------------------------------------------------------------------


def test_chest_pain_question_is_forced_by_its_hub(project: Path) -> None:
    (project / "content/cardiology/chest-pain/visit-length.md").write_text(
        NEUTRAL_QUESTION.format(cluster="chest-pain"), "utf-8"
    )
    (project / "content/cardiology/heart-tests/visit-length.md").write_text(
        NEUTRAL_QUESTION.format(cluster="heart-tests"), "utf-8"
    )
    site = load(project)
    in_chest_pain = site.pages["cardiology/chest-pain/visit-length.md"]
    in_heart_tests = site.pages["cardiology/heart-tests/visit-length.md"]
    line = site.service_lines["cardiology"]
    assert line.matcher.find(in_chest_pain.text()) == []  # no phrase: the hub forces the routing
    assert in_chest_pain.meta.red_flags is False
    hub = site.clusters["chest-pain"].hub
    assert isinstance(hub.meta, ClusterPage)
    assert hub.meta.red_flags is True
    assert site.red_flag_routes(in_chest_pain) == [RedFlagRoute.EMERGENCY]
    assert site.red_flag_routes(in_heart_tests) == []
    [block] = site.urgent_blocks(in_chest_pain)
    assert block.number == "911"
    assert "fainting" in block.phrases
    assert site.urgent_blocks(in_heart_tests) == []


def test_without_the_hub_flag_a_neutral_chest_pain_question_has_no_routing(project: Path) -> None:
    (project / "content/cardiology/chest-pain/visit-length.md").write_text(
        NEUTRAL_QUESTION.format(cluster="chest-pain"), "utf-8"
    )
    edit(project / "content/cardiology/chest-pain/index.md", "red_flags: true\n", "")
    site = load(project)
    assert site.red_flag_routes(site.pages["cardiology/chest-pain/visit-length.md"]) == []
    # The angina page still names a red-flag phrase itself.
    assert site.red_flag_routes(site.pages[ANGINA]) == [RedFlagRoute.EMERGENCY]


def test_every_demo_chest_pain_question_routes_to_911(demo: Site) -> None:
    pages = demo.clusters["chest-pain"].questions
    assert len(pages) >= 6
    for page in pages:
        assert demo.red_flag_routes(page) == [RedFlagRoute.EMERGENCY], page.src


def test_heart_tests_question_without_phrases_has_no_routes(demo: Site) -> None:
    page = demo.pages[ECHO]
    assert demo.service_lines["cardiology"].matcher.find(page.text()) == []
    assert demo.red_flag_routes(page) == []
    assert demo.urgent_blocks(page) == []


def test_phrases_in_the_text_add_their_routes_in_script_order(demo: Site) -> None:
    fever = demo.pages[FEVER]
    # The page names "trouble breathing" and "a seizure" (emergency) and "fever of 103 or higher"
    # (nurse line); the intake script lists emergency first.
    assert demo.red_flag_routes(fever) == [RedFlagRoute.EMERGENCY, RedFlagRoute.NURSE_LINE]
    routes = [b.route for b in demo.urgent_blocks(fever)]
    assert routes == [RedFlagRoute.EMERGENCY, RedFlagRoute.NURSE_LINE]
    crisis = demo.pages[CRISIS]
    assert demo.red_flag_routes(crisis) == [RedFlagRoute.CRISIS, RedFlagRoute.EMERGENCY]


def test_phrase_added_to_a_page_adds_routing(project: Path) -> None:
    path = project / "content" / ECHO
    path.write_text(path.read_text("utf-8") + "\nCall 911 after **fainting**.\n", "utf-8")
    site = load(project)
    assert site.red_flag_routes(site.pages[ECHO]) == [RedFlagRoute.EMERGENCY]


def test_phrase_in_the_description_counts(project: Path) -> None:
    edit(
        project / "content" / ECHO,
        "description: An echocardiogram",
        "description: Fainting? An echocardiogram",
    )
    site = load(project)
    assert site.red_flag_routes(site.pages[ECHO]) == [RedFlagRoute.EMERGENCY]


def test_red_flags_false_cannot_hide_text_routing(project: Path) -> None:
    edit(project / "content" / ANGINA, "order: 20", "order: 20\nred_flags: false")
    edit(project / "content/cardiology/chest-pain/index.md", "red_flags: true\n", "")
    site = load(project)
    assert site.red_flag_routes(site.pages[ANGINA]) == [RedFlagRoute.EMERGENCY]


def test_red_flags_true_on_a_page_without_service_line(project: Path) -> None:
    edit(project / "content/privacy.md", "---\n", "---\nred_flags: true\n")
    site = load(project)
    assert site.red_flag_routes(site.pages["privacy.md"]) == [RedFlagRoute.EMERGENCY]
    assert site.red_flag_routes(site.pages["health-data-privacy.md"]) == []


def test_red_flags_true_on_a_page_shows_every_route_of_its_line(project: Path) -> None:
    edit(project / "content" / FEVER, "order: 20", "order: 20\nred_flags: true")
    edit(
        project / "content/behavioral-health/first-steps/is-counseling-private.md",
        "order: 30",
        "order: 30\nred_flags: true",
    )
    site = load(project)
    assert site.red_flag_routes(site.pages[FEVER]) == [RedFlagRoute.EMERGENCY, RedFlagRoute.NURSE_LINE]
    private = site.pages["behavioral-health/first-steps/is-counseling-private.md"]
    assert site.red_flag_routes(private) == [RedFlagRoute.CRISIS, RedFlagRoute.EMERGENCY]


# --- Next steps ------------------------------------------------------------------------------


def test_next_step_to_a_pathway(demo: Site) -> None:
    step = demo.next_step(demo.pages[ANGINA])
    assert step is not None
    assert step.route == "new-patient-consult"
    assert step.service_line is demo.service_lines["cardiology"]
    assert step.pathway is demo.service_lines["cardiology"].intake.pathways["new-patient-consult"]
    assert step.pathway.appointment_type == "New patient cardiology visit"
    assert step.triage is None


def test_next_step_to_triage_routes(demo: Site) -> None:
    crisis = demo.next_step(demo.pages[CRISIS])
    assert crisis is not None
    assert crisis.pathway is None
    assert crisis.triage is not None
    assert crisis.triage.route is RedFlagRoute.CRISIS
    assert crisis.triage.number == "988"
    nurse = demo.next_step(demo.pages[FEVER])
    assert nurse is not None
    assert nurse.pathway is None
    assert nurse.triage is not None
    assert nurse.triage.route is RedFlagRoute.NURSE_LINE
    assert nurse.triage.number == demo.service_lines["primary-care"].intake.triage.nurse_line


def test_next_step_of_every_page_resolves(demo: Site) -> None:
    for page in demo.pages.values():
        step = demo.next_step(page)
        route = getattr(page.meta, "next_step", None)
        if route is None:
            assert step is None
            continue
        assert step is not None
        assert (step.pathway is None) != (step.triage is None), page.src
        if step.pathway is not None:
            line = demo.service_line_of(page)
            assert line is not None
            assert step.pathway is line.intake.pathways[route]
    assert demo.next_step(demo.pages["index.md"]) is None


def test_plain_page_with_emergency_next_step(project: Path) -> None:
    edit(project / "content/index.md", "---\n", "---\nnext_step: emergency\n")
    site = load(project)
    step = site.next_step(site.pages["index.md"])
    assert step is not None
    assert step.service_line is None
    assert step.triage is not None
    assert step.triage.number == "911"


# --- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "directory", "file"),
    [
        ("index.md", "", "index.html"),
        ("README.md", "", "index.html"),
        ("cardiology/index.md", "cardiology/", "cardiology/index.html"),
        ("cardiology/README.md", "cardiology/", "cardiology/index.html"),
        ("privacy.md", "privacy/", "privacy.html"),
        (
            "cardiology/chest-pain/what-is-angina.md",
            "cardiology/chest-pain/what-is-angina/",
            "cardiology/chest-pain/what-is-angina.html",
        ),
        ("a/indexes.md", "a/indexes/", "a/indexes.html"),
    ],
)
def test_url_for(src: str, directory: str, file: str) -> None:
    assert url_for(src) == directory
    assert url_for(src, directory_urls=True) == directory
    assert url_for(src, directory_urls=False) == file


def test_page_urls_follow_the_setting(project: Path) -> None:
    with_dirs = load(project)
    without = load(project, directory_urls=False)
    assert with_dirs.pages[ANGINA].url == "cardiology/chest-pain/what-is-angina/"
    assert without.pages[ANGINA].url == "cardiology/chest-pain/what-is-angina.html"
    assert with_dirs.pages["cardiology/chest-pain/index.md"].url == "cardiology/chest-pain/"
    assert without.pages["cardiology/chest-pain/index.md"].url == "cardiology/chest-pain/index.html"


# --- Drafts ----------------------------------------------------------------------------------


def test_drafts_are_published_only_with_include_drafts(project: Path) -> None:
    edit(project / "content" / ANGINA, 'reviewed: {by: "Miguel Ortega, MD", on: 2026-09-15}', "draft: true")
    site = load(project)
    angina = site.pages[ANGINA]
    assert angina.meta.draft is True
    assert angina not in site.published()
    assert len(site.published()) == len(site.pages) - 1
    assert angina in site.clusters["chest-pain"].questions  # still read and linked
    with_drafts = load(project, include_drafts=True)
    assert with_drafts.pages[ANGINA] in with_drafts.published()
    assert len(with_drafts.published()) == len(with_drafts.pages)


def test_a_draft_question_needs_no_review_but_a_published_one_does(project: Path) -> None:
    (project / "content/cardiology/chest-pain/visit-length.md").write_text(
        NEUTRAL_QUESTION.format(cluster="chest-pain").replace("draft: true\n", ""), "utf-8"
    )
    with pytest.raises(SourceErrors) as info:
        load(project)
    [error] = info.value.errors
    assert error.path == "content/cardiology/chest-pain/visit-length.md"
    assert error.field == "reviewed"
    assert error.line == 3  # the `question:` key
