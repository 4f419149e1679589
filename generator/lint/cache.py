"""Lint results cached by content, so an unchanged page is not linted again.

A document's findings depend on its own text and on the facts every rule reads: the intake
scripts, the organization, the claims registry, the campaigns, the lint settings, the build's
"today" and carewheel's own code. The cache key of a document is a hash of all of these plus
the document's file. Findings are stored before suppressions and severity overrides, which the
engine applies on every run. Rules that read the whole site (``Rule.cacheable = False``: orphan
pages, duplicate keywords, links to expired campaigns) are never cached: they run every time.

The cache is one JSON file, ``.carewheel-cache/lint.json`` beside ``mkdocs.yml``, rewritten
atomically at the end of a run with the entries of that run only (stale entries drop out);
a run over some paths only keeps the other entries too. ``carewheel lint --no-cache`` or the
environment variable ``CAREWHEEL_NO_CACHE=1`` (for builds too) turn it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from generator.lint.rule import Diagnostic, Severity

VERSION = 1
FOLDER = ".carewheel-cache"
FILE = "lint.json"


def digest(*parts: bytes | str) -> str:
    """A short, stable hash of ``parts``."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


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
    """Where the lint cache of the project at ``root`` is; ``None`` (no cache) when
    ``disabled`` or when the environment sets ``CAREWHEEL_NO_CACHE`` (as ``RUFF_NO_CACHE``)."""
    if disabled or os.environ.get("CAREWHEEL_NO_CACHE", "").lower() not in ("", "0", "false", "no"):
        return None
    return root / FOLDER / FILE


@cache
def code_digest() -> str:
    """Hash of carewheel's own code and rule data: a rule edited in a checkout (where the
    version number stays the same) must not be answered from the cache."""
    package = Path(__file__).resolve().parents[1]
    parts: list[str | bytes] = []
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.yml")]):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


class LintCache:
    """Findings by document key, loaded from and saved to one JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.old: dict[str, list[list[Any]]] = {}
        self.new: dict[str, list[list[Any]]] = {}
        self.hits = 0
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text("utf-8"))
                if data.get("version") == VERSION:
                    self.old = data.get("entries", {})
            except (OSError, ValueError):
                self.old = {}  # a damaged cache is an empty cache

    def get(self, key: str) -> list[Diagnostic] | None:
        """Cached findings of a document, or ``None``."""
        rows = self.old.get(key)
        if rows is None:
            return None
        self.hits += 1
        self.new[key] = rows
        return [_load(row) for row in rows]

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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", "utf-8")
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            tmp.write_text(
                json.dumps({"version": VERSION, "entries": self.new}, separators=(",", ":")), "utf-8"
            )
            tmp.replace(self.path)
        except OSError:
            pass


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
    return Diagnostic(path, line, col, code, message, Severity(severity), name, end_col)
