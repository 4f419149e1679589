"""Rules and their findings.

A rule has a code (family prefix + 3 digits: ``IN003``), a kebab-case name that names the
pattern it flags (``referral-claim-contradicts-intake``), a default severity and a docstring
with the sections *What it does*, *Why is this bad?*, *Example* and *Use instead*. Rules
yield ``Diagnostic`` records; they never raise for a finding.

Two shapes of rule share one registry: Python classes for logic (``Rule`` subclasses in
``rules/<family>.py``) and word-list rules as data (``rules/terms/*.yml``, see ``terms.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from generator.lint.context import Context
    from generator.lint.document import LintDocument, Position, Segment

FAMILIES = {
    "ST": "structure: next steps, clusters, orphans, one page per keyword",
    "IN": "intake facts: phones, waits, referrals, insurance, hours, appointment types, what to bring",
    "SF": "safety: red-flag routing, current 911 and 988 guidance",
    "CL": "claims: guarantees, cures, absolute outcomes, superlatives, testimonials",
    "RV": "clinical review: missing or stale",
    "PV": "privacy: third-party hosts, GET forms, script in content, health words or contacts in URLs",
    "RD": "readability: Flesch-Kincaid and SMOG grade",
    "AX": "accessibility in text: alt text, link text, headings",
    "CP": "campaigns: landing copy against the pathway, expired campaigns",
    "CW": "carewheel itself: suppression comments",
}
"""Rule families by code prefix."""

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "Use instead:")


class Severity(StrEnum):
    """How serious a finding is. ``error`` fails ``carewheel lint``; under ``--strict`` a
    build fails on ``warning`` too."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more serious."""
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding: ``path:line:col: CODE message``."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = field(default=Severity.WARNING, compare=False)
    name: str = field(default="", compare=False)
    end_col: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"

    def with_severity(self, severity: Severity) -> Diagnostic:
        """The same finding at another severity."""
        return replace(self, severity=severity)


class Rule:
    """Base of every rule. Subclasses set the class attributes and override ``check`` (per
    document) and/or ``check_site`` (once per run)."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    kinds: ClassVar[frozenset[str]] = frozenset({"page"})
    """Document kinds the rule reads: ``page`` (content) and/or ``campaign`` (landing copy)."""
    cacheable: ClassVar[bool] = True
    """The findings depend only on the document and the facts (intake, settings, today), so
    they may be cached. Rules that read other pages set this to ``False``."""

    def needs_parse(self, doc: LintDocument, ctx: Context) -> bool:
        """For a rule that is not cacheable: does checking this (unparsed) document need its
        parsed text? (``False`` for rules that read only front matter and the site.)"""
        return True

    @property
    def doc(self) -> str:
        """The rule's documentation (its docstring, dedented)."""
        import inspect

        return inspect.cleandoc(type(self).__doc__ or "")

    @property
    def summary(self) -> str:
        """First line of the documentation."""
        return self.doc.split("\n", 1)[0]

    @property
    def family(self) -> str:
        """Code prefix: ``IN``."""
        return self.code[:2]

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        """Findings in one document."""
        return ()

    def check_site(self, ctx: Context) -> Iterable[Diagnostic]:
        """Findings about the whole site (orphans, duplicate keywords, theme files)."""
        return ()

    # --- helpers for rules ------------------------------------------------------------------

    def at(self, doc: LintDocument, where: Position, message: str, end_col: int | None = None) -> Diagnostic:
        """A finding at a file position."""
        return Diagnostic(
            doc.path, where.line, where.col, self.code, message, self.severity, self.name, end_col
        )

    def in_segment(
        self, doc: LintDocument, segment: Segment, start: int, end: int, message: str
    ) -> Diagnostic:
        """A finding over ``segment.text[start:end]``."""
        first = segment.position(start)
        last = segment.position(max(end - 1, start))
        end_col = last.col + 1 if last.line == first.line else None
        return self.at(doc, first, message, end_col)


def search(pattern: re.Pattern[str], doc: LintDocument) -> Iterator[tuple[Segment, re.Match[str]]]:
    """Every match of ``pattern`` in the document's prose (headings included)."""
    for segment in doc.segments:
        for match in pattern.finditer(segment.text):
            yield segment, match


def examples(doc: str) -> tuple[list[str], list[str]]:
    """The ```markdown blocks of a rule's docs: (under *Example*, under *Use instead*)."""
    fence = re.compile(r"```markdown\n(.*?)```", re.S)
    bad, good = [], []
    head, _, tail = doc.partition("Use instead:")
    example = head.split("## Example", 1)[1] if "## Example" in head else ""
    bad = [m.group(1) for m in fence.finditer(example)]
    good = [m.group(1) for m in fence.finditer(tail)]
    return bad, good


def missing_sections(doc: str) -> list[str]:
    """Documentation sections a rule's docstring lacks."""
    return [section for section in SECTIONS if section not in doc]
