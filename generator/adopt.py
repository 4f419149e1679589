"""Adopting existing content: pages written for Jekyll or Hugo, without a carewheel ``type``.

Such a page is read as a plain ``page``. Front matter carewheel understands is mapped; the rest
is dropped with a warning that names the file, line and key, so a migration can be done one
warning at a time. Pages that declare a carewheel ``type`` are validated strictly instead.
Liquid and Hugo template tags in the body are not processed; they are reported too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from generator.errors import SourceError
from generator.schemas import PlainPage
from generator.sources import Document

KNOWN = set(PlainPage.model_fields)

MAPPED = {
    "summary": "description",
    "excerpt": "description",
    "weight": "order",
    "nav_order": "order",
    "date": "updated",
    "lastmod": "updated",
    "last_modified_at": "updated",
}
"""Keys of other generators with a carewheel equivalent."""

IGNORED = {
    "layout": "the page type picks the template",
    "template": "the page type picks the template",
    "permalink": "the URL follows the file's path",
    "url": "the URL follows the file's path",
    "slug": "the URL follows the file's path",
    "aliases": "add redirects on your host for old URLs",
    "redirect_from": "add redirects on your host for old URLs",
    "categories": "clusters and service lines group pages",
    "tags": "clusters and service lines group pages",
    "author": "pages show their clinical reviewer (`reviewed`)",
    "parent": "clusters and service lines group pages",
    "has_children": "clusters and service lines group pages",
    "nav_exclude": "pages show their own cluster, not a site menu",
    "menu": "pages show their own cluster, not a site menu",
    "sitemap": "the sitemap lists every page",
    "toc": "not used",
    "comments": "not used",
    "image": "not used",
    "lang": "not used",
}
"""Keys of other generators carewheel drops, and why."""

TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def adopt(doc: Document) -> tuple[dict[str, Any], list[SourceError]]:
    """Front matter of a page without ``type``, mapped to a plain page, and the warnings."""
    located = doc.front_matter
    data: dict[str, Any] = {}
    warnings: list[SourceError] = []
    for key, value in (located.data or {}).items():
        where = located.keys.get((key,), (1, 1))
        if key in KNOWN:
            data[key] = value
        elif key == "published":
            if value is False:
                data["draft"] = True
                warnings.append(_warn(doc, where, key, "`published: false` read as `draft: true`"))
        elif key in MAPPED:
            target = MAPPED[key]
            mapped = _convert(target, value)
            if mapped is None:
                warnings.append(_warn(doc, where, key, f"dropped: cannot read {value!r} as `{target}`"))
            elif target not in data:
                data[target] = mapped
                warnings.append(_warn(doc, where, key, f"read as `{target}`"))
        elif key in IGNORED:
            warnings.append(_warn(doc, where, key, f"ignored: {IGNORED[key]}"))
        else:
            warnings.append(_warn(doc, where, key, "unknown key, ignored (add `type:` to use carewheel's)"))
    for number, line in doc.body_lines():
        match = TEMPLATE_TAG.search(line)
        if match:
            warnings.append(
                SourceError(
                    doc.path,
                    f"template tag {match.group(0)!r} is shown as text: carewheel does not run Liquid "
                    "or Hugo templates; write plain Markdown (relative links to .md files)",
                    line=number,
                    col=match.start() + 1,
                )
            )
    return data, warnings


def _warn(doc: Document, where: tuple[int, int], key: str, message: str) -> SourceError:
    return SourceError(doc.path, message, line=where[0], col=where[1], field=key)


def _convert(target: str, value: Any) -> Any:
    if target == "description":
        return value.strip()[:300] if isinstance(value, str) and value.strip() else None
    if target == "order":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
