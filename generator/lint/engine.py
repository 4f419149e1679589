"""The lint run: build documents, run the selected rules, apply suppressions and severities.

``lint(site, settings)`` returns sorted ``Diagnostic`` records; it renders nothing and raises
nothing for a finding. The same run serves ``carewheel lint`` and ``mkdocs build``.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.batch import without_gc
from generator.cache_files import code_digest, digest
from generator.campaigns import CampaignSource
from generator.content import Page, Site
from generator.lint import background, suppress
from generator.lint.cache import LintCache, fact_files
from generator.lint.context import Context
from generator.lint.document import ConsecutiveLines, LintDocument
from generator.lint.rule import Diagnostic, Rule, Severity
from generator.lint.rules import all_rules
from generator.schemas import LandingMeta, LintSettings


def _matches(code: str, prefixes: Iterable[str]) -> int:
    """Length of the longest prefix of ``code`` in ``prefixes`` (``ALL`` counts as 0); -1 if none."""
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def is_selected(code: str, settings: LintSettings) -> bool:
    """flake8-style selection: the longer of a matching select and ignore prefix wins."""
    selected = _matches(code, settings.select)
    ignored = _matches(code, settings.ignore)
    return selected >= 0 and selected > ignored


def severity_for(rule: Rule, settings: LintSettings, default: Severity | None = None) -> Severity:
    """The rule's severity (or the finding's ``default``) after the longest matching override."""
    best, chosen = -1, default or rule.severity
    for prefix, level in settings.severity.items():
        if rule.code.startswith(prefix) and len(prefix) > best:
            best, chosen = len(prefix), Severity(level)
    return chosen


def selected_rules(settings: LintSettings) -> list[Rule]:
    """The rules this run uses."""
    return [rule for rule in all_rules() if is_selected(rule.code, settings)]


@dataclass(frozen=True)
class Source:
    """A document to lint, before it is parsed: its path, kind and the text of its file (the
    cache key), in parts: a page's front matter and body, already in memory, are not joined."""

    path: str
    kind: str
    text: tuple[str, ...]
    page_src: str | None = None
    campaign: CampaignSource | None = None

    def parse(self, site: Site) -> LintDocument:
        """The parsed document."""
        if self.campaign is not None:
            return campaign_document(site, self.campaign)
        assert self.page_src is not None
        return page_document(site, self.page_src)

    def stub(self, site: Site) -> LintDocument:
        """The document unparsed: what rules that read only the page and the site need."""
        if self.campaign is not None:
            raw = "".join(self.text).replace("\r\n", "\n").split("\n")
            file_lines = [(i + 1, t) for i, t in enumerate(raw)]
            return LintDocument(self.path, "", [], kind="campaign", page=self.campaign, file_lines=file_lines)
        assert self.page_src is not None
        page = site.pages[self.page_src]
        return LintDocument(
            self.path, page.doc.body, _body_line_map(page), meta=page.meta, kind="page", page=page
        )


def _body_line_map(page: Page) -> ConsecutiveLines:
    """Each body line's (file line, column offset): the body starts after the front matter."""
    return ConsecutiveLines(page.doc.body_line, page.doc.body.count("\n") + 1)


def page_document(site: Site, page_src: str) -> LintDocument:
    """The lint document of a content page."""
    page = site.pages[page_src]
    return LintDocument.parse(
        page.path, page.doc.body, _body_line_map(page), meta=page.meta, kind="page", page=page
    )


def campaign_document(site: Site, source: CampaignSource) -> LintDocument:
    """The lint document of a campaign's landing copy: headlines and bodies, each line mapped
    to where it is in the campaign's YAML file."""
    path = site.project.root / source.path
    raw = path.read_text("utf-8").replace("\r\n", "\n").split("\n") if path.is_file() else []
    c = source.campaign
    parts: list[tuple[tuple[str | int, ...], str, bool]] = [
        (("landing", "headline"), c.landing.headline, True),
        (("landing", "body"), c.landing.body, False),
    ]
    for vid, variant in c.variants.items():
        if variant.headline:
            parts.append((("variants", vid, "headline"), variant.headline, True))
        if variant.body:
            parts.append((("variants", vid, "body"), variant.body, False))
    text: list[str] = []
    line_map: list[tuple[int, int]] = []
    for loc, value, heading in parts:
        line, col = source.located.position(loc)
        first_raw = raw[line - 1][col - 1 :] if 0 < line <= len(raw) else ""
        value_lines = value.rstrip("\n").split("\n")
        if first_raw[:1] in ("|", ">"):
            start = line + 1
            indent = len(raw[start - 1]) - len(raw[start - 1].lstrip()) if start - 1 < len(raw) else 0
            positions = [(start + i, indent) for i in range(len(value_lines))]
        else:
            quote = 1 if first_raw[:1] in ("'", '"') else 0
            positions = [(line, col - 1 + quote)] + [(line + i, 0) for i in range(1, len(value_lines))]
        if heading:
            value_lines = ["# " + value_lines[0], *value_lines[1:]]
            positions = [(positions[0][0], positions[0][1] - 2), *positions[1:]]
        text.extend(value_lines)
        line_map.extend(positions)
        text.append("")
        line_map.append((positions[-1][0], 0))
    file_lines = [(i + 1, t) for i, t in enumerate(raw)]
    return LintDocument.parse(
        source.path, "\n".join(text), line_map, kind="campaign", page=source, file_lines=file_lines
    )


def sources(site: Site, settings: LintSettings, paths: Sequence[str] = ()) -> list[Source]:
    """Every document a run lints, unparsed: content pages, then campaign copy."""
    out = []
    for src, page in site.pages.items():
        if isinstance(page.meta, LandingMeta) or _excluded(page.path, settings, paths):
            continue
        out.append(Source(page.path, "page", (page.doc.head, page.doc.body), page_src=src))
    for source in site.campaigns.values():
        if not _excluded(source.path, settings, paths):
            text = (site.project.root / source.path).read_text("utf-8", errors="replace")
            out.append(Source(source.path, "campaign", (text,), campaign=source))
    return out


def documents(site: Site, settings: LintSettings, paths: Sequence[str] = ()) -> list[LintDocument]:
    """Every document a run lints, parsed: content pages, then campaign copy."""
    return [source.parse(site) for source in sources(site, settings, paths)]


def _excluded(path: str, settings: LintSettings, paths: Sequence[str]) -> bool:
    if any(fnmatch.fnmatch(path, pattern) for pattern in settings.exclude):
        return True
    return bool(paths) and not any(path == p or path.startswith(p.rstrip("/") + "/") for p in paths)


def lint(
    site: Site,
    settings: LintSettings,
    paths: Sequence[str] = (),
    *,
    today: dt.date | None = None,
    cache: Path | None = None,
    jobs: int = 1,
) -> list[Diagnostic]:
    """Run the selected rules over the site (or the documents under ``paths``). With
    ``cache`` (a file), findings of unchanged documents are reused (see ``cache.py``); with
    ``jobs`` > 1, documents are checked by that many processes (see ``_check_local``)."""
    return lint_run(site, settings, paths, today=today, cache=cache, jobs=jobs)[0]


def lint_run(
    site: Site,
    settings: LintSettings,
    paths: Sequence[str] = (),
    *,
    today: dt.date | None = None,
    cache: Path | None = None,
    jobs: int = 1,
) -> tuple[list[Diagnostic], list[str]]:
    """``lint``, also returning the paths of the documents it read."""
    with without_gc():
        return _lint_run(site, settings, paths, today or site.today, LintCache(cache), jobs)


def _facts_key(site: Site, settings: LintSettings, today: dt.date, rules: list[Rule]) -> str:
    """Everything besides a document's own text that cacheable rules read."""
    project = site.project
    return digest(
        code_digest(),
        ",".join(rule.code for rule in rules),
        settings.model_dump_json(),
        today.isoformat(),
        fact_files(
            project.root,
            [project.intake_dir, project.campaigns_dir],
            [project.config_file, project.claims_file],
        ),
    )


def _lint_run(
    site: Site, settings: LintSettings, paths: Sequence[str], today: dt.date, cache: LintCache, jobs: int
) -> tuple[list[Diagnostic], list[str]]:
    ctx = Context(site, settings, today)
    rules = selected_rules(settings)
    local = [rule for rule in rules if rule.cacheable]
    whole_site = [rule for rule in rules if not rule.cacheable]
    facts = _facts_key(site, settings, today, local) if cache.path is not None else ""
    findings: list[Diagnostic] = []
    items = sources(site, settings, paths)
    keys = [digest(facts, item.path, *item.text) if cache.path is not None else "" for item in items]
    pending: list[int] = []
    for i, key in enumerate(keys):
        cached = cache.get(key) if key else None
        if cached is None:
            pending.append(i)
        else:
            findings.extend(cached)
    checked = _check_local([items[i] for i in pending], local, ctx, jobs)
    for i, found in zip(pending, checked, strict=True):
        if keys[i]:
            cache.put(keys[i], found)
        findings.extend(found)
    # Whole-site rules get stubs, parsed again only where they need it.
    parsed: list[LintDocument | None] = [None] * len(items)
    ctx.documents = [item.stub(site) for item in items]
    for i, (item, doc) in enumerate(zip(items, ctx.documents, strict=True)):
        for rule in whole_site:
            if doc.kind not in rule.kinds:
                continue
            if parsed[i] is None and rule.needs_parse(doc, ctx):
                parsed[i] = doc = ctx.documents[i] = item.parse(site)
            findings.extend(rule.check(doc, ctx))
    wanted = {item.path for item in items}
    for rule in rules:
        for finding in rule.check_site(ctx):
            if not paths or finding.path in wanted or any(finding.path.startswith(p) for p in paths):
                findings.append(finding)
    cache.save(partial=bool(paths))
    return finalize(findings, ctx, rules), [item.path for item in items]


MIN_DOCUMENTS_PER_JOB = 100
"""Below this many documents per process, forking costs more than it saves."""


def _check_local(items: list[Source], rules: list[Rule], ctx: Context, jobs: int) -> list[list[Diagnostic]]:
    """The cacheable rules' findings for each item, in order. With ``jobs`` > 1 (and where
    forking is safe), the items are split into contiguous runs: forked children check all
    but the first, which this process checks meanwhile. Children share the loaded site
    without copying it and send back only their findings."""

    def check(part: list[Source]) -> list[list[Diagnostic]]:
        out = []
        for item in part:
            doc = item.parse(ctx.site)
            out.append([f for rule in rules if doc.kind in rule.kinds for f in rule.check(doc, ctx)])
        return out

    jobs = min(jobs, len(items) // MIN_DOCUMENTS_PER_JOB)
    if jobs <= 1 or not background.can_fork():
        return check(items)
    size = -(-len(items) // jobs)
    parts = [items[i : i + size] for i in range(0, len(items), size)]
    children = [background.BackgroundLint(partial(check, part)) for part in parts[1:]]
    try:
        results = check(parts[0])
        for child in children:
            results += child.findings()
    except BaseException:
        for child in children:
            child.cancel()
        raise
    return results


def finalize(findings: list[Diagnostic], ctx: Context, rules: list[Rule]) -> list[Diagnostic]:
    """Drop suppressed findings, apply severity overrides, de-duplicate, sort."""
    by_code = {rule.code: rule for rule in rules}
    tables: dict[str, suppress.Suppressions] = {doc.path: doc.suppressions for doc in ctx.documents}
    out = set()
    for finding in findings:
        table = tables.get(finding.path) or _file_suppressions(ctx, finding.path, tables)
        if table.covers(finding.code, finding.line) and not finding.code.startswith("CW"):
            continue
        rule = by_code.get(finding.code)
        severity = severity_for(rule, ctx.settings, finding.severity) if rule else finding.severity
        out.add(finding.with_severity(severity))
    return sorted(out)


def _file_suppressions(
    ctx: Context, path: str, tables: dict[str, suppress.Suppressions]
) -> suppress.Suppressions:
    """Suppressions of a file no document covers (theme templates, intake scripts)."""
    file = ctx.site.project.root / path
    lines: list[tuple[int, str]] = []
    if file.is_file() and file.suffix in (".md", ".yml", ".yaml", ".html"):
        try:
            lines = [(i + 1, t) for i, t in enumerate(Path(file).read_text("utf-8").split("\n"))]
        except (OSError, UnicodeDecodeError):
            lines = []
    tables[path] = suppress.parse(lines)
    return tables[path]


def has_errors(findings: Iterable[Diagnostic]) -> bool:
    """Does any finding have severity ``error``?"""
    return any(f.severity is Severity.ERROR for f in findings)
