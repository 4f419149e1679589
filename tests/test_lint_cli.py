"""`carewheel lint`, `rule` and `rules`: exit codes, report formats (SARIF validated against
the SARIF 2.1.0 schema), path selection, and lint inside the build."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.lint.rules import all_rules
from tests.conftest import ROOT, BuiltSite, run, tree_digest

SARIF_SCHEMA = ROOT / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"
ANGINA = "content/cardiology/chest-pain/what-is-angina.md"


def plant(project: Path) -> None:
    """Two findings in one page: an image without alt text and a vague link."""
    page = project / ANGINA
    page.write_text(
        page.read_text("utf-8") + '\n![](ecg.png)\n\nFor more, [click here](index.md), 100% "sure".\n',
        "utf-8",
    )


def invoke(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", "-f", str(project / "mkdocs.yml"), *args])
    return result.exit_code, result.output


def test_demo_lints_clean() -> None:
    code, output = invoke(ROOT)
    assert code == 0, output
    assert re.search(r"No findings in \d+ files", output)


def test_findings_are_reported_with_positions_and_exit_1(project: Path) -> None:
    plant(project)
    code, output = invoke(project, "--select", "AX")
    assert code == 1
    lines = (project / ANGINA).read_text("utf-8").split("\n")
    image_line = next(i for i, line in enumerate(lines, 1) if line.startswith("![](ecg.png)"))
    assert f"{ANGINA}:{image_line}:1: AX001 image 'ecg.png' has no alt text [image-without-alt]" in output
    assert f"{ANGINA}:{image_line + 2}:11: AX002" in output
    assert "^^^" in output or "^" in output
    assert "Found 2 findings (2 errors) in 1 of" in output


def test_exit_zero_and_ignore(project: Path) -> None:
    plant(project)
    assert invoke(project, "--select", "AX", "--exit-zero")[0] == 0
    code, output = invoke(project, "--select", "AX", "--ignore", "AX001,AX002")
    assert code == 0
    assert "No findings" in output


def test_sarif_validates_against_the_schema(project: Path) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.fail(f"{SARIF_SCHEMA} is missing; `make test` runs npm ci")
    plant(project)
    code, output = invoke(project, "--select", "AX", "--format", "sarif")
    assert code == 1
    log = json.loads(output)
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["AX001", "AX002"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ANGINA
    rule_ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert rule_ids[results[1]["ruleIndex"]] == "AX002"
    assert len({r["partialFingerprints"]["primaryLocationLineHash"] for r in results}) == 2
    # A broken log does not validate: the check itself can fail.
    del log["runs"][0]["tool"]["driver"]["name"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)


def test_github_annotations_are_escaped(project: Path) -> None:
    plant(project)
    code, output = invoke(project, "--select", "AX", "--format", "github")
    assert code == 1
    lines = output.strip().split("\n")
    assert lines[0].startswith(f"::error file={ANGINA},line=")
    assert ",title=AX001 image-without-alt::" in lines[0]
    assert all(line.startswith("::error ") for line in lines)


def test_json_and_junit(project: Path) -> None:
    plant(project)
    _, output = invoke(project, "--select", "AX", "--format", "json")
    records = json.loads(output)
    assert {r["code"] for r in records} == {"AX001", "AX002"}
    assert all(r["severity"] == "error" for r in records)
    _, xml = invoke(project, "--select", "AX", "--format", "junit")
    root = ET.fromstring(xml.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "2"
    failed = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert {c.get("classname") for c in failed} == {ANGINA}
    assert int(suite.get("tests", "0")) > 40


def test_output_file(project: Path, tmp_path: Path) -> None:
    plant(project)
    target = tmp_path / "report.sarif"
    code, output = invoke(project, "--select", "AX", "--format", "sarif", "-o", str(target))
    assert code == 1
    assert json.loads(target.read_text("utf-8"))["version"] == "2.1.0"
    assert "Found 2 findings" in output


def test_paths_limit_the_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plant(project)
    monkeypatch.chdir(project)
    code, output = invoke(project, "--select", "AX", "content/primary-care")
    assert code == 0, output
    code, output = invoke(project, "--select", "AX", "content/cardiology/chest-pain/what-is-angina.md")
    assert code == 1
    code, output = invoke(project, "--select", "AX", "intake/cardiology.yml")
    assert code == 1, "a changed intake script lints everything"


def test_rule_and_rules_commands() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["rules"])
    assert listing.exit_code == 0
    for rule in all_rules():
        assert rule.code in listing.output
    doc = runner.invoke(main, ["rule", "AX002"])
    assert doc.exit_code == 0
    assert "## What it does" in doc.output
    assert "Use instead:" in doc.output
    by_name = runner.invoke(main, ["rule", "vague-link-text"])
    assert by_name.output == doc.output
    missing = runner.invoke(main, ["rule", "AX999"])
    assert missing.exit_code == 1
    assert "AX001" in missing.output


def test_pre_commit_hooks_file() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    ids = {h["id"]: h for h in hooks}
    assert ids["carewheel-lint"]["entry"] == "carewheel lint"
    assert ids["carewheel-lint"]["language"] == "python"
    assert re.search(ids["carewheel-lint"]["files"], "content/cardiology/index.md")
    assert re.search(ids["carewheel-lint"]["files"], "campaigns/chest-pain-search.yml")


def test_strict_build_fails_on_lint_findings_and_keeps_site(built_copy: BuiltSite) -> None:
    plant(built_copy.project)
    before = tree_digest(built_copy.site)
    result = run(["carewheel", "build", "--strict"], built_copy.project)
    assert result.code == 1
    assert f"{ANGINA}:" in result.output
    assert "AX001" in result.output
    assert tree_digest(built_copy.site) == before
    relaxed = run(["carewheel", "build"], built_copy.project)
    assert relaxed.code == 0, relaxed.output


def test_rules_reference_is_up_to_date() -> None:
    from generator.cli import rules_markdown

    written = (ROOT / "docs/rules.md").read_text("utf-8")
    assert written == rules_markdown(all_rules()), "run `carewheel rules --markdown > docs/rules.md`"
