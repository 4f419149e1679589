"""Lint results cached by content, so an unchanged page is not linted again.

A document's findings depend on its own text and on the facts every rule reads: the intake
scripts, the organization, the claims registry, the campaigns, the lint settings, the build's
"today" and carewheel's own code. The cache key of a document is a hash of all of these plus
the document's file. Findings are stored before suppressions and severity overrides, which the
engine applies on every run. Rules that read the whole site (``Rule.cacheable = False``: orphan
pages, duplicate keywords, links to expired campaigns) are never cached: they run every time.

The cache is one JSON file, ``.carewheel-cache/lint.json`` beside ``mkdocs.yml`` (the page
index, ``page_index.py``, is its neighbour; ``cache_files.py`` has what the two share), rewritten
atomically at the end of a run with the entries of that run only (stale entries drop out);
a run over some paths only keeps the other entries too. ``carewheel lint --no-cache`` or the
environment variable ``CAREWHEEL_NO_CACHE=1`` (for builds too) turn it off.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from generator.cache_files import cache_path, digest, read_json, write_json
from generator.lint.rule import Diagnostic, Severity

VERSION = 1
FILE = "lint.json"


def fact_files(root: Path, folders: list[Path], files: list[Path]) -> str:
    """Hash of every YAML file under ``folders`` (intake scripts, campaigns) and of ``files``
    (mkdocs.yml, the claims registry)."""
    parts: list[str | bytes] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*.y*ml")):
                parts += [path.as_posix(), path.read_bytes()]
    for path in files:
        if path.is_file():
            parts += [path.as_posix(), path.read_bytes()]
    return digest(*parts)


def cache_file(root: Path, *, disabled: bool = False) -> Path | None:
    """Where the lint cache of the project at ``root`` is (``None``: no cache)."""
    return cache_path(root, FILE, disabled=disabled)


class LintCache:
    """Findings by document key, loaded from and saved to one JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.old: dict[str, list[list[Any]]] = {}
        self.new: dict[str, list[list[Any]]] = {}
        self.hits = 0
        data = read_json(path)
        if isinstance(data, dict) and data.get("version") == VERSION:
            entries = data.get("entries")
            self.old = entries if isinstance(entries, dict) else {}

    def get(self, key: str) -> list[Diagnostic] | None:
        """Cached findings of a document, or ``None``."""
        rows = self.old.get(key)
        if rows is None:
            return None
        try:
            found = [_load(row) for row in rows]
        except (TypeError, ValueError):
            return None  # a damaged entry is a miss
        self.hits += 1
        self.new[key] = rows
        return found

    def put(self, key: str, findings: list[Diagnostic]) -> None:
        """Remember a document's findings."""
        self.new[key] = [_dump(f) for f in findings]

    def save(self, *, partial: bool = False) -> None:
        """Write this run's entries (atomically; a cache that cannot be written is skipped).
        A ``partial`` run (some paths only) keeps the entries of the documents it did not read."""
        if partial:
            self.new = {**self.old, **self.new}
        if self.path is None or self.new == self.old:
            return
        write_json(self.path, {"version": VERSION, "entries": self.new})


def _dump(f: Diagnostic) -> list[Any]:
    row = asdict(f)
    return [
        row["path"],
        row["line"],
        row["col"],
        row["code"],
        row["message"],
        f.severity.value,
        row["name"],
        row["end_col"],
    ]


def _load(row: list[Any]) -> Diagnostic:
    path, line, col, code, message, severity, name, end_col = row
    texts, numbers = (path, code, message, name), (line, col)
    if not all(isinstance(t, str) for t in texts) or not all(type(n) is int for n in numbers):
        raise ValueError("not a finding")
    if end_col is not None and type(end_col) is not int:
        raise ValueError("not a finding")
    return Diagnostic(path, line, col, code, message, Severity(severity), name, end_col)
