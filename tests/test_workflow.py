"""The publishing workflow: valid (actionlint, the GitHub workflow JSON Schema), no high
findings from zizmor, actions pinned to commits, least-privilege permissions."""

from __future__ import annotations

import json
import re
import subprocess

import yaml

from tests.conftest import BIN, ROOT

WORKFLOW = ROOT / ".github/workflows/site.yml"


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_actionlint_accepts_the_workflow() -> None:
    done = tool("actionlint", str(WORKFLOW))
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflow_matches_the_github_schema() -> None:
    done = tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_high() -> None:
    done = tool("zizmor", "--offline", "--format", "json", str(WORKFLOW))
    findings = json.loads(done.stdout or "[]")
    high = [f for f in findings if f.get("determinations", {}).get("severity") == "High"]
    assert high == [], json.dumps(high, indent=1)[:3000]


def test_zizmor_is_not_blind() -> None:
    """The same check flags an unpinned action and a template injection: it can fail."""
    bad = WORKFLOW.parent.parent / "bad-workflow-for-test.yml"
    bad.write_text(
        "on: pull_request\npermissions: write-all\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: echo ${{ github.event.pull_request.title }}\n",
        "utf-8",
    )
    try:
        done = tool("zizmor", "--offline", "--format", "json", str(bad))
    finally:
        bad.unlink()
    assert json.loads(done.stdout)


def test_actions_are_pinned_and_permissions_are_least() -> None:
    text = WORKFLOW.read_text("utf-8")
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert uses
    assert all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "github.ref == 'refs/heads/main'" in deploy["if"]
    assert workflow["jobs"]["test"]["steps"][-1]["run"] == "make test"
