"""Findings as text, JSON, SARIF 2.1.0, GitHub annotations or JUnit XML.

Every format is built from the same sorted ``Diagnostic`` list; none of them decides the
exit code (``carewheel lint`` exits 1 when any finding is an error).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

from generator.lint.rule import Diagnostic, Rule, Severity

FORMATS = ("text", "json", "sarif", "github", "junit")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class SourceLines:
    """Lines of the files findings point into (read once each), for excerpts and hashes."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @cache  # noqa: B019 - one instance per report; caches file reads
    def lines(self, path: str) -> list[str]:
        try:
            return (self.root / path).read_text("utf-8").replace("\r\n", "\n").split("\n")
        except (OSError, UnicodeDecodeError):
            return []

    def line(self, path: str, number: int) -> str:
        lines = self.lines(path)
        return lines[number - 1] if 0 < number <= len(lines) else ""


def summary(findings: Sequence[Diagnostic], files: int) -> str:
    """``Found 3 findings (1 error, 2 warnings) in 2 files.`` or ``No findings in 49 files.``"""
    if not findings:
        return f"No findings in {files} files."
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
        for s in Severity
        if counts[s]
    ]
    where = len({f.path for f in findings})
    noun = "finding" if len(findings) == 1 else "findings"
    return f"Found {len(findings)} {noun} ({', '.join(parts)}) in {where} of {files} files."


def text(findings: Sequence[Diagnostic], source: SourceLines, files: int, *, color: bool = False) -> str:
    """``path:line:col: CODE message [name]``, the source line, and a caret under the spot."""

    def paint(value: str, code: str) -> str:
        return f"\x1b[{code}m{value}\x1b[0m" if color else value

    out = []
    tint = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
    for f in findings:
        head = f"{f.path}:{f.line}:{f.col}: {paint(f.code, tint[f.severity])} {f.message} [{f.name}]"
        out.append(head)
        line = source.line(f.path, f.line)
        if line.strip():
            width = max(1, (f.end_col or f.col + 1) - f.col)
            gutter = f"{f.line:>5} | "
            out.append(gutter + line.rstrip())
            out.append(
                " " * (len(gutter) - 2) + "| " + " " * (f.col - 1) + paint("^" * width, tint[f.severity])
            )
    out.append(summary(findings, files))
    return "\n".join(out) + "\n"


def as_json(findings: Sequence[Diagnostic]) -> str:
    """A JSON list of findings."""
    records = [
        {
            "path": f.path,
            "line": f.line,
            "col": f.col,
            "end_col": f.end_col,
            "code": f.code,
            "name": f.name,
            "severity": f.severity.value,
            "message": f.message,
        }
        for f in findings
    ]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def _fingerprint(f: Diagnostic, source: SourceLines) -> str:
    """Stable across runs and line moves: the rule, the file and the flagged line's text."""
    basis = f"{f.code}|{f.path}|{source.line(f.path, f.line).strip()}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def sarif(findings: Sequence[Diagnostic], rules: Iterable[Rule], source: SourceLines, version: str) -> str:
    """A SARIF 2.1.0 log for GitHub code scanning and other CI tools."""
    catalog = sorted(rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(catalog)}
    driver = {
        "name": "carewheel",
        "version": version,
        "informationUri": "https://github.com/carewheel/carewheel#readme",
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": rule.doc, "markdown": rule.doc},
                "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
                "properties": {"tags": [rule.family]},
            }
            for rule in catalog
        ],
    }
    results = []
    for f in findings:
        region: dict[str, int] = {"startLine": f.line, "startColumn": f.col}
        if f.end_col:
            region["endColumn"] = f.end_col
        result: dict[str, object] = {
            "ruleId": f.code,
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": {"primaryLocationLineHash": _fingerprint(f, source)},
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints"}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    out = []
    for f in findings:
        props = [f"file={_escape_property(f.path)}", f"line={f.line}", f"col={f.col}"]
        if f.end_col:
            props.append(f"endColumn={f.end_col}")
        props.append(f"title={_escape_property(f'{f.code} {f.name}')}")
        out.append(f"::{GITHUB_COMMAND[f.severity]} {','.join(props)}::{_escape_data(f.message)}")
    return "\n".join(out) + ("\n" if out else "")


def junit(findings: Sequence[Diagnostic], paths: Sequence[str]) -> str:
    """JUnit XML: a failing test case per finding, a passing one per clean file."""
    failures = sum(1 for f in findings if f.severity is not Severity.INFO)
    clean = sorted(set(paths) - {f.path for f in findings})
    total = len(findings) + len(clean)
    suites = ET.Element("testsuites", tests=str(total), failures=str(failures), errors="0")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="carewheel lint",
        tests=str(total),
        failures=str(failures),
        errors="0",
        skipped="0",
        time="0",
    )
    for f in findings:
        case = ET.SubElement(
            suite, "testcase", classname=f.path, name=f"{f.code} {f.name} {f.line}:{f.col}", time="0"
        )
        if f.severity is Severity.INFO:
            ET.SubElement(case, "system-out").text = f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}"
        else:
            failure = ET.SubElement(case, "failure", message=f.message, type=f.severity.value)
            failure.text = f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}"
    for path in clean:
        ET.SubElement(suite, "testcase", classname=path, name="carewheel lint", time="0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def render(
    fmt: str,
    findings: Sequence[Diagnostic],
    *,
    rules: Iterable[Rule],
    root: Path,
    paths: Sequence[str],
    version: str,
    color: bool = False,
) -> str:
    """The report in ``fmt`` (one of ``FORMATS``)."""
    source = SourceLines(root)
    makers: dict[str, Callable[[], str]] = {
        "text": lambda: text(findings, source, len(paths), color=color),
        "json": lambda: as_json(findings),
        "sarif": lambda: sarif(findings, rules, source, version),
        "github": lambda: github(findings),
        "junit": lambda: junit(findings, paths),
    }
    return makers[fmt]()
