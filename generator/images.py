"""Images get their width and height, so pages do not shift while they load (Lighthouse CLS).

Markdown cannot say an image's size; the build reads it from the file (PNG, JPEG, GIF, WebP,
SVG, TIFF: ``imagesize``) and adds ``width``, ``height``, ``loading="lazy"`` and
``decoding="async"`` to ``<img>`` tags that lack them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

import imagesize

IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
SRC = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def size_of(path: Path) -> tuple[int, int] | None:
    """Width and height of an image file, or ``None`` when it cannot be read."""
    try:
        width, height = imagesize.get(str(path))
    except (OSError, ValueError):
        return None
    if width <= 0 or height <= 0:
        return None
    return int(width), int(height)


def add_sizes(html: str, page_url: str, find: Callable[[str], Path | None]) -> str:
    """``html`` with sizes on its local images. ``find`` maps a site-relative URL to the file."""
    if "<img" not in html and "<IMG" not in html:
        return html

    def fix(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = SRC.search(tag)
        local = src is not None and "://" not in src.group(2) and not src.group(2).startswith(("data:", "//"))
        size = None
        if src is not None and local:
            base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
            url = posixpath.normpath(posixpath.join(base, src.group(2).split("?")[0].split("#")[0]))
            path = find(url.lstrip("/"))
            size = size_of(path) if path else None
        extra = []
        if size and not re.search(r"\bwidth\s*=", tag, re.IGNORECASE):
            extra.append(f'width="{size[0]}" height="{size[1]}"')
        if not re.search(r"\bloading\s*=", tag, re.IGNORECASE):
            extra.append('loading="lazy"')
        if not re.search(r"\bdecoding\s*=", tag, re.IGNORECASE):
            extra.append('decoding="async"')
        if not extra:
            return tag
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + " " + " ".join(extra) + tag[end:]

    return IMG.sub(fix, html)
