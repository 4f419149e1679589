"""The ``carewheel`` command: help for every command, README coverage, ``check``, ``schema``
and ``new``, and a clear error outside a project."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli import main
from generator.schemas import QuestionPage
from generator.sources import read_document, validate
from tests.conftest import ROOT, run

PINNED_TODAY = "1796083200"
"""SOURCE_DATE_EPOCH of 2026-12-01: campaign status (and so the landing pages) must not follow the clock."""

BEFORE_EVERY_CAMPAIGN = "946684800"
"""SOURCE_DATE_EPOCH of 2000-01-01: every campaign is scheduled, so none adds landing pages."""

UNDOCUMENTED_COMMANDS: set[str] = set()
"""Top-level commands README.md does not mention yet (reported; remove once documented)."""


def carewheel(project: Path, *args: str, epoch: str = PINNED_TODAY) -> Result:
    """Run ``carewheel ARGS -f project/mkdocs.yml`` in-process."""
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": epoch})
    return runner.invoke(main, [*args, "-f", str(project / "mkdocs.yml")])


def commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # lazy commands too (cli.LazyGroup)
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


ALL_COMMANDS = [((), main), *commands(main)]


def sensitive_terms() -> set[str]:
    """The condition words, read from the data file directly."""
    data = yaml.safe_load((ROOT / "generator/data/sensitive_terms.yml").read_text("utf-8"))
    return set(data["terms"])


def check_counts(output: str) -> dict[str, int]:
    match = re.search(
        r"OK: (\d+) pages \((\d+) questions, (\d+) drafts\), (\d+) clusters, (\d+) service lines", output
    )
    assert match is not None, output
    return dict(
        zip(("pages", "questions", "drafts", "clusters", "lines"), map(int, match.groups()), strict=True)
    )


# --- Help and documentation -------------------------------------------------------------------


def test_there_are_commands_to_walk() -> None:
    names = {" ".join(path) for path, _ in ALL_COMMANDS}
    assert {
        "check",
        "build",
        "serve",
        "new",
        "new service-line",
        "new cluster",
        "new question",
        "schema",
    } <= names


@pytest.mark.parametrize(
    ("path", "command"), ALL_COMMANDS, ids=[" ".join(p) or "carewheel" for p, _ in ALL_COMMANDS]
)
def test_help_works_and_says_something(path: tuple[str, ...], command: click.Command) -> None:
    assert command.help, f"{' '.join(path)} has no help text"
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="carewheel")
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert result.output.startswith(f"Usage: carewheel {' '.join(path)}".rstrip())
    first_words = " ".join(command.help.split()[:4])
    assert first_words in " ".join(result.output.split())
    short = CliRunner().invoke(main, [*path, "-h"], prog_name="carewheel")
    assert short.exit_code == 0
    assert short.output == result.output


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    names = main.list_commands(click.Context(main))
    assert {"leads", "report", "gaps", "review"} <= set(names)  # the lazily imported ones
    missing = [name for name in names if f"carewheel {name}" not in readme]
    assert sorted(missing) == sorted(UNDOCUMENTED_COMMANDS), "update README.md or UNDOCUMENTED_COMMANDS"
    new = main.commands["new"]
    assert isinstance(new, click.Group)
    assert set(new.commands) == {"service-line", "cluster", "question"}
    for name in new.commands:
        assert f"carewheel new {name}" in readme, f"`carewheel new {name}` is not in README.md"


# --- check and schema -------------------------------------------------------------------------


def test_check_on_the_demo(project: Path) -> None:
    result = carewheel(project, "check", epoch=BEFORE_EVERY_CAMPAIGN)
    assert result.exit_code == 0, result.output
    files = list((project / "content").rglob("*.md"))
    # README: three service lines, six clusters, 37 questions; no landing page before any campaign.
    assert check_counts(result.output) == {
        "pages": len(files),
        "questions": 37,
        "drafts": 0,
        "clusters": 6,
        "lines": 3,
    }
    assert "No errors." in result.output


def test_check_counts_drafts(project: Path) -> None:
    angina = project / "content/cardiology/chest-pain/what-is-angina.md"
    text = angina.read_text("utf-8")
    angina.write_text(
        text.replace('reviewed: {by: "Miguel Ortega, MD", on: 2026-09-15}', "draft: true"), "utf-8"
    )
    result = carewheel(project, "check")
    assert result.exit_code == 0, result.output
    counts = check_counts(result.output)
    assert counts["drafts"] == 1
    assert counts["questions"] == 37


def test_check_fails_with_positions(project: Path) -> None:
    angina = project / "content/cardiology/chest-pain/what-is-angina.md"
    angina.write_text(angina.read_text("utf-8").replace("order: 20", "order: twenty"), "utf-8")
    result = carewheel(project, "check")
    assert result.exit_code == 1
    assert "content/cardiology/chest-pain/what-is-angina.md:9:8: order:" in result.stderr
    assert "OK:" not in result.output


def test_schema_question_is_json_schema() -> None:
    result = CliRunner().invoke(main, ["schema", "question"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert "question" in schema["required"]
    assert {"description", "service_line", "cluster", "next_step", "type"} <= set(schema["required"])
    assert "reviewed" not in schema["required"]  # a draft needs no review yet
    assert set(schema["required"]) <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"]["const"] == "question"
    for ref in re.findall(r'"\$ref": "#/\$defs/([^"]+)"', result.stdout):
        assert ref in schema["$defs"]


def test_every_schema_prints_json() -> None:
    schema_command = main.commands["schema"]
    [argument] = [p for p in schema_command.params if isinstance(p, click.Argument)]
    assert isinstance(argument.type, click.Choice)
    names = list(argument.type.choices)
    assert {"intake", "organization", "question", "cluster", "service-line", "page"} <= set(names)
    for name in names:
        result = CliRunner().invoke(main, ["schema", str(name)])
        assert result.exit_code == 0, name
        schema = json.loads(result.stdout)
        assert schema["type"] == "object"
        assert schema["properties"]


def test_schema_of_an_unknown_format() -> None:
    result = CliRunner().invoke(main, ["schema", "nothing"])
    assert result.exit_code == 2
    assert "'nothing' is not one of" in result.output


# --- new --------------------------------------------------------------------------------------


def test_new_question_happy_path(project: Path) -> None:
    result = carewheel(project, "new", "question", "Can coffee cause chest pain?", "-c", "chest-pain")
    assert result.exit_code == 0, result.output
    path = project / "content/cardiology/chest-pain/can-coffee-cause-chest-pain.md"
    assert "Wrote content/cardiology/chest-pain/can-coffee-cause-chest-pain.md" in result.output
    doc = read_document(path, "new.md")
    meta = validate(QuestionPage, doc.front_matter)
    assert meta.question == "Can coffee cause chest pain?"
    assert (meta.service_line, meta.cluster, meta.next_step) == (
        "cardiology",
        "chest-pain",
        "new-patient-consult",
    )
    assert meta.draft is True
    assert meta.reviewed is None
    checked = carewheel(project, "check")
    assert checked.exit_code == 0, checked.output
    counts = check_counts(checked.output)
    assert (counts["questions"], counts["drafts"]) == (38, 1)


def test_new_question_with_next_step_and_slug(project: Path) -> None:
    result = carewheel(
        project,
        "new",
        "question",
        "Do I need a stress test?",
        "-c",
        "heart-tests",
        "-n",
        "stress-test",
        "--slug",
        "stress",
    )
    assert result.exit_code == 0, result.output
    doc = read_document(project / "content/cardiology/heart-tests/stress.md", "stress.md")
    assert validate(QuestionPage, doc.front_matter).next_step == "stress-test"


def test_question_text_that_yaml_would_misread_survives(project: Path) -> None:
    question = "No: is 07:30 too early?"
    result = carewheel(project, "new", "question", question, "-c", "checkups", "--slug", "too-early")
    assert result.exit_code == 0, result.output
    doc = read_document(project / "content/primary-care/checkups/too-early.md", "too-early.md")
    assert doc.front_matter.data["question"] == question
    assert carewheel(project, "check").exit_code == 0


def test_new_question_in_an_unknown_cluster(project: Path) -> None:
    before = sorted((project / "content").rglob("*.md"))
    result = carewheel(project, "new", "question", "Is this real?", "-c", "chest-pains")
    assert result.exit_code == 1
    assert "unknown cluster 'chest-pains'" in result.stderr
    assert "chest-pain," in result.stderr  # the known clusters are listed
    assert sorted((project / "content").rglob("*.md")) == before


def test_new_question_never_overwrites(project: Path) -> None:
    path = project / "content/cardiology/chest-pain/what-is-angina.md"
    before = path.read_bytes()
    result = carewheel(project, "new", "question", "What is angina?", "-c", "chest-pain")
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert path.read_bytes() == before


def test_new_question_with_unknown_next_step(project: Path) -> None:
    result = carewheel(project, "new", "question", "Can I walk in?", "-c", "chest-pain", "-n", "walk-in")
    assert result.exit_code == 1
    assert "unknown next step 'walk-in'" in result.stderr
    assert not (project / "content/cardiology/chest-pain/can-i-walk-in.md").exists()


def test_sensitive_line_keeps_condition_words_out_of_the_file_name(project: Path) -> None:
    folder = project / "content/behavioral-health/hard-times"
    before = set(folder.iterdir())
    result = carewheel(project, "new", "question", "How do I cope with panic attacks?", "-c", "hard-times")
    assert result.exit_code == 0, result.output
    [new] = set(folder.iterdir()) - before
    assert "panic" not in new.name
    assert not set(new.stem.split("-")) & sensitive_terms()
    assert new.stem.startswith("how-do-i-cope")
    doc = read_document(new, "new.md")
    assert doc.front_matter.data["question"] == "How do I cope with panic attacks?"  # the text keeps it
    assert carewheel(project, "check").exit_code == 0


def test_the_same_question_on_a_plain_line_keeps_its_words(project: Path) -> None:
    result = carewheel(project, "new", "question", "Can panic attacks cause chest pain?", "-c", "chest-pain")
    assert result.exit_code == 0, result.output
    assert (project / "content/cardiology/chest-pain/can-panic-attacks-cause-chest-pain.md").is_file()


def test_sensitive_slug_is_refused(project: Path) -> None:
    result = carewheel(
        project, "new", "question", "Where do I start?", "-c", "hard-times", "--slug", "panic-help"
    )
    assert result.exit_code == 1
    assert "names a condition" in result.stderr
    assert not (project / "content/behavioral-health/hard-times/panic-help.md").exists()


def test_new_cluster_happy_path_and_a_question_in_it(project: Path) -> None:
    result = carewheel(
        project, "new", "cluster", "palpitations", "-l", "cardiology", "-t", "Heart palpitations"
    )
    assert result.exit_code == 0, result.output
    hub = project / "content/cardiology/palpitations/index.md"
    data = read_document(hub, "hub.md").front_matter.data
    assert data["type"] == "cluster"
    assert (data["id"], data["title"], data["service_line"]) == (
        "palpitations",
        "Heart palpitations",
        "cardiology",
    )
    assert data["draft"] is True
    assert data["next_step"] in ("new-patient-consult", "stress-test", "follow-up-visit")
    result = carewheel(project, "new", "question", "Are palpitations dangerous?", "-c", "palpitations")
    assert result.exit_code == 0, result.output
    assert (project / "content/cardiology/palpitations/are-palpitations-dangerous.md").is_file()
    checked = carewheel(project, "check")
    assert checked.exit_code == 0, checked.output
    counts = check_counts(checked.output)
    assert (counts["clusters"], counts["questions"], counts["drafts"]) == (7, 38, 2)


def test_new_cluster_default_title(project: Path) -> None:
    result = carewheel(project, "new", "cluster", "high-blood-pressure", "-l", "cardiology")
    assert result.exit_code == 0, result.output
    data = read_document(
        project / "content/cardiology/high-blood-pressure/index.md", "hub.md"
    ).front_matter.data
    assert data["title"] == "High blood pressure"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("chest-pain", "-l", "cardiology"), "cluster 'chest-pain' exists already"),
        (("palpitations", "-l", "cardio"), "unknown service line 'cardio'"),
        (("Bad_Id", "-l", "cardiology"), "must be lowercase words joined by hyphens"),
        (("panic-help", "-l", "behavioral-health"), "names a condition"),
    ],
)
def test_new_cluster_errors(project: Path, args: tuple[str, ...], message: str) -> None:
    before = sorted((project / "content").rglob("*"))
    result = carewheel(project, "new", "cluster", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert sorted((project / "content").rglob("*")) == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("cardiology", "service line 'cardiology' already has its page: content/cardiology/index.md"),
        ("dermatology", "no intake script intake/dermatology.yml"),
    ],
)
def test_new_service_line_errors(project: Path, line: str, message: str) -> None:
    before = (project / "content/cardiology/index.md").read_bytes()
    result = carewheel(project, "new", "service-line", line)
    assert result.exit_code == 1
    assert message in result.stderr
    assert (project / "content/cardiology/index.md").read_bytes() == before
    assert not (project / "content/dermatology").exists()


def test_new_requires_its_options(project: Path) -> None:
    result = carewheel(project, "new", "question", "Why?")
    assert result.exit_code == 2
    assert "--cluster" in result.output


# --- Outside a project ------------------------------------------------------------------------


def test_outside_a_project(tmp_path: Path) -> None:
    assert not any((folder / "mkdocs.yml").exists() for folder in (tmp_path, *tmp_path.parents))
    result = run(["carewheel", "check"], tmp_path)
    assert result.code == 1
    assert "no mkdocs.yml" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    result = run(["carewheel", "new", "question", "Why?", "-c", "chest-pain"], tmp_path)
    assert result.code == 1
    assert "no mkdocs.yml" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_missing_config_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "-f", str(tmp_path / "nowhere.yml")])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "does not exist" in result.stderr
