"""Inline suppression comments.

In Markdown::

    <!-- carewheel: disable-next-line=CL004 -- "top-rated" is in the claims registry review -->
    <!-- carewheel: disable=RD001 -- a glossary page; long words are the point -->
    <!-- carewheel: enable=RD001 -->

In campaign YAML the same words follow ``#``. ``disable`` lasts until ``enable`` (or the end of
the file); ``disable-next-line`` covers the next line. Codes may be prefixes (``CL``). A
suppression needs a reason after ``--``: without one it is itself a finding (CW001), and so is
a code no rule has (CW002).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COMMENT = re.compile(
    r"(?:<!--|#)\s*carewheel:\s*(?P<action>disable-next-line|disable|enable)\s*=\s*"
    r"(?P<codes>[A-Za-z0-9, ]+?)\s*(?:--(?!>)\s*(?P<reason>.*?))?\s*(?:-->)?\s*$"
)


@dataclass(frozen=True)
class Comment:
    """One suppression comment."""

    line: int
    col: int
    action: str
    codes: tuple[str, ...]
    reason: str


@dataclass
class Suppressions:
    """Which codes are off on which lines of one file."""

    comments: list[Comment] = field(default_factory=list)
    ranges: list[tuple[str, int, int]] = field(default_factory=list)
    """(code prefix, first line, last line) inclusive."""

    def covers(self, code: str, line: int) -> bool:
        """Is ``code`` suppressed on ``line``?"""
        return any(code.startswith(prefix) and first <= line <= last for prefix, first, last in self.ranges)


def parse(lines: list[tuple[int, str]]) -> Suppressions:
    """Suppressions in a file, given (file line number, text) pairs."""
    result = Suppressions()
    open_at: dict[str, int] = {}
    last_line = max((n for n, _ in lines), default=0)
    for number, text in lines:
        if "carewheel:" not in text:
            continue
        match = COMMENT.search(text)
        if not match:
            continue
        codes = tuple(c.strip().upper() for c in match.group("codes").split(",") if c.strip())
        reason = (match.group("reason") or "").strip()
        result.comments.append(Comment(number, match.start() + 1, match.group("action"), codes, reason))
        action = match.group("action")
        for code in codes:
            if action == "disable-next-line":
                result.ranges.append((code, number + 1, number + 1))
            elif action == "disable":
                open_at.setdefault(code, number)
            elif code in open_at:
                result.ranges.append((code, open_at.pop(code), number))
    for code, start in open_at.items():
        result.ranges.append((code, start, last_line))
    return result
