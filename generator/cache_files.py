"""Where carewheel keeps what it remembers between runs, and how it is keyed and written.

Two caches live in ``.carewheel-cache/`` beside ``mkdocs.yml`` (the folder ignores itself
for git): the lint findings (``lint/cache.py``) and the page index (``page_index.py``).
Both are JSON, never pickle: a cache restored in CI from someone else's run is data, not
code. Both are keyed on carewheel's own code, written atomically, and skipped when they
cannot be written. ``CAREWHEEL_NO_CACHE=1`` (as ``RUFF_NO_CACHE``) turns both off.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = ".carewheel-cache"


def cache_path(root: Path, name: str, *, disabled: bool = False) -> Path | None:
    """Where the cache file ``name`` of the project at ``root`` is; ``None`` (no cache) when
    ``disabled`` or when the environment sets ``CAREWHEEL_NO_CACHE``."""
    if disabled or os.environ.get("CAREWHEEL_NO_CACHE", "").lower() not in ("", "0", "false", "no"):
        return None
    return root / FOLDER / name


def digest(*parts: bytes | str) -> str:
    """A short, stable hash of ``parts``."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@cache
def code_digest() -> str:
    """Hash of carewheel's own code and rule data: code edited in a checkout (where the
    version number stays the same) must not be answered from a cache."""
    package = Path(__file__).resolve().parent
    parts: list[str | bytes] = []
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.yml")]):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


def read_json(path: Path | None) -> Any:
    """The JSON in ``path``, or ``None`` when there is none or it is damaged (a damaged
    cache is an empty cache)."""
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` (``write_atomically``)."""
    write_atomically(path, json.dumps(data, separators=(",", ":")))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file, then a rename), creating the
    cache folder with its ``.gitignore``; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", "utf-8")
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(text, "utf-8")
        tmp.replace(path)
    except OSError:
        pass
