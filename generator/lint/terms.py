"""Word-list rules as data: ``rules/terms/*.yml``, editable by compliance reviewers.

Each entry becomes a rule (Vale's *existence* check)::

    - code: CL001
      name: guarantee-claim
      severity: error
      message: '"{match}" promises a result; care cannot be guaranteed'
      triggers: [guarantee]                    # lowercase words one of which must be in the text
      patterns: ['\\bguarantee[sd]?\\b']       # regular expressions, matched ignoring case
      not_after: '\\b(?:no|not|never)\\s+(?:\\w+\\s+){0,2}$'   # skip when this ends the text before
      claimable: true                          # a claims-registry entry may allow it
      doc: |                                   # What it does / Why is this bad? / Example / Use instead
        ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

from generator.lint.context import Context
from generator.lint.document import LintDocument
from generator.lint.rule import Diagnostic, Rule, Severity
from generator.sources import packaged_yaml


class TermRule(Rule):
    """A rule defined by a word list (its documentation comes from the YAML entry)."""

    def __init__(self, entry: dict[str, Any]) -> None:
        self.code = entry["code"]  # type: ignore[misc]
        self.name = entry["name"]  # type: ignore[misc]
        self.severity = Severity(entry.get("severity", "warning"))  # type: ignore[misc]
        self.kinds = frozenset(entry.get("kinds", ["page", "campaign"]))  # type: ignore[misc]
        self.message = entry["message"]
        self.pattern = re.compile("|".join(f"(?:{p})" for p in entry["patterns"]), re.IGNORECASE)
        self.triggers = tuple(str(t).lower() for t in entry.get("triggers", ()))
        self._searched = tuple(
            t for t in self.triggers if not any(o != t and t.startswith(o) for o in self.triggers)
        )
        """The triggers to search for: where "painless" starts a word, so does "pain"."""

        self.not_after = re.compile(entry["not_after"], re.IGNORECASE) if entry.get("not_after") else None
        self.not_before = re.compile(entry["not_before"], re.IGNORECASE) if entry.get("not_before") else None
        self.claimable = bool(entry.get("claimable", False))
        self._doc = entry["doc"]

    @property
    def doc(self) -> str:
        return str(self._doc).strip()

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        if not self.triggers or len(doc.lower) != len(doc.text):
            candidates = doc.segments  # (a few letters change length in lowercase: İ)
        else:
            # Plain substring searches for the trigger words (word starts: "top" finds
            # "top-rated", not "stop"); the full pattern runs only on segments that have one.
            # Most triggers are in no word of the document: that is told on its vocabulary.
            lower = doc.lower
            hits = set()
            for trigger in self._searched:
                if doc.lacks(trigger):
                    continue
                at = lower.find(trigger)
                while at >= 0:
                    if at == 0 or not lower[at - 1].isalnum():
                        hits.add(doc.segment_at(at))
                    at = lower.find(trigger, at + 1)
            candidates = [doc.segments[i] for i in sorted(hits)]
        for segment in candidates:
            for match in self.pattern.finditer(segment.text):
                before = segment.text[: match.start()]
                if self.not_after and self.not_after.search(before):
                    continue
                after = segment.text[match.end() :]
                if self.not_before and self.not_before.match(after):
                    continue
                if self.claimable and ctx.claim_allowed(doc, match.group(0)):
                    continue
                message = self.message.format(match=match.group(0))
                yield self.in_segment(doc, segment, match.start(), match.end(), message)


def load_term_rules() -> list[Rule]:
    """Every rule of every ``rules/terms/*.yml`` file."""
    folder = resources.files("generator.lint.rules").joinpath("terms")
    rules: list[Rule] = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yml"):
            for entry in packaged_yaml(item.read_text("utf-8")) or []:
                rules.append(TermRule(entry))
    return rules
