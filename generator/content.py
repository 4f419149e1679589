"""The content model: every page, service line and cluster read and linked into one ``Site``.

``load_site`` reads everything first (intake scripts, the organization, every Markdown file),
validates each file, then resolves references between them (service lines, clusters, next
steps). Every problem is collected; if there is any, one ``SourceErrors`` is raised with all
of them. Nothing is written here.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from generator import campaigns as cmp
from generator.adopt import adopt
from generator.batch import without_gc
from generator.errors import ErrorCollector, SourceError, SourceErrors
from generator.intake import RedFlagMatcher, TriageBlock, pathway_phone, triage_block
from generator.privacy import condition_words
from generator.project import Project
from generator.schemas import (
    PAGE_MODELS,
    RESERVED_KEYS,
    TRIAGE_ROUTES,
    ClaimsRegistry,
    ClusterPage,
    Intake,
    LandingMeta,
    Organization,
    PageMeta,
    Pathway,
    PlainPage,
    QuestionPage,
    RedFlagRoute,
    ServiceLinePage,
    TrackingLedger,
)
from generator.sources import (
    Document,
    LazyDocument,
    Located,
    read_document,
    read_yaml,
    validate,
)

if TYPE_CHECKING:
    from generator.page_index import PageIndex

ORGANIZATION_FILE = "organization.yml"
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_FENCE = re.compile(r"^(?:```|~~~).*?^(?:```|~~~)[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?\s*$", re.MULTILINE)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)")


def body_links(body: str) -> list[str]:
    """Link targets of a Markdown body, found without parsing it (code left out): inline
    links, reference definitions and raw ``href``s. The linter's site index reads every
    page, most of them unparsed, so it reads them all the same way. (Three patterns, each
    tried only when its marker occurs: 8x faster than one alternation.)"""
    text = _CODE_SPAN.sub("", _FENCE.sub("", body)) if "`" in body or "~~~" in body else body
    found = _INLINE_LINK.findall(text) if "](" in text else []
    if "]:" in text:
        found += _REFERENCE_DEFINITION.findall(text)
    if "href=" in text:
        found += _HREF.findall(text)
    return found


def resolve_link(page_src: str, href: str) -> str | None:
    """The ``content/``-relative path a relative ``.md`` link of ``page_src`` points to."""
    if ".md" not in href and "%" not in href:
        return None  # no path in it can end in .md
    return _resolve_in(posixpath.dirname(page_src), href)


@lru_cache(maxsize=65536)
def _resolve_in(folder: str, href: str) -> str | None:
    """``resolve_link`` for a page in ``folder`` (pages of a folder share most links)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    path = unquote(parts.path)
    if not path.endswith(".md"):
        return None
    target = posixpath.normpath(posixpath.join(folder, path))
    return None if target.startswith("../") or target == ".." else target


@dataclass(eq=False)
class Page:
    """One Markdown file of ``content/`` with its validated front matter."""

    src: str
    """Path inside ``content/``, with ``/``: ``cardiology/chest-pain/index.md``."""
    path: str
    """Path shown in messages, relative to the project: ``content/cardiology/...``."""
    doc: Document
    meta: PageMeta
    url: str
    """Site-relative URL, MkDocs style: ``cardiology/chest-pain/``."""
    stamp: tuple[int, int] = (0, 0)
    """The file's modification time (ns) and size when it was read (to reuse it unchanged)."""
    warnings: list[SourceError] = field(default_factory=list)
    """What could not be mapped from adopted front matter (``adopt.py``)."""

    @property
    def type(self) -> str:
        """``service-line``, ``cluster``, ``question`` or ``page``."""
        return self.meta.type

    @cached_property
    def title(self) -> str:
        """Front-matter title, else the question, else the first H1, else the file name."""
        if self.meta.title:
            return self.meta.title
        if isinstance(self.meta, QuestionPage):
            return self.meta.question
        match = _H1.search(self.doc.body)
        if match:
            return match.group(1)
        stem = Path(self.src).stem
        name = Path(self.src).parent.name if stem in ("index", "README") else stem
        return name.replace("-", " ").replace("_", " ").capitalize() or "Home"

    @cached_property
    def linked_pages(self) -> list[str]:
        """Other pages (``src``) the body links to, each once, in order."""
        targets = (resolve_link(self.src, href) for href in body_links(self.doc.body))
        return list(dict.fromkeys(t for t in targets if t is not None and t != self.src))

    @property
    def service_line_id(self) -> str | None:
        """The page's service line id, if it has one."""
        return getattr(self.meta, "service_line", None)

    @property
    def lastmod(self) -> dt.date | None:
        """When the content last changed: the later of ``updated`` and ``reviewed.on``."""
        dates = [d for d in (self.meta.updated, self.meta.reviewed and self.meta.reviewed.on) if d]
        return max(dates) if dates else None

    @property
    def sort_key(self) -> tuple[int, str]:
        """Order among siblings."""
        return (self.meta.order, self.title.lower())

    def text(self) -> str:
        """Everything a patient reads on the page, for red-flag detection."""
        meta = self.meta
        parts = [self.title, meta.description or "", self.doc.body]
        if isinstance(meta, QuestionPage):
            parts.insert(0, meta.question)
        return "\n".join(parts)


@dataclass(eq=False)
class Cluster:
    """A topic hub and the questions that belong to it."""

    hub: Page
    questions: list[Page] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The cluster id."""
        assert isinstance(self.hub.meta, ClusterPage)
        return self.hub.meta.id


@dataclass(eq=False)
class ServiceLine:
    """A service line: its intake script, its page, its clusters."""

    intake: Intake
    path: str
    located: Located
    page: Page | None = None
    clusters: list[Cluster] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Service line id."""
        return self.intake.service_line

    @property
    def matcher(self) -> RedFlagMatcher:
        """Red-flag phrase matcher of this line's intake script."""
        return RedFlagMatcher(self.intake)

    def routes(self) -> list[str]:
        """Every valid ``next_step`` value for a page of this service line."""
        return [*self.intake.pathways, *TRIAGE_ROUTES]


@dataclass(frozen=True)
class NextStep:
    """The one primary next step of a page, resolved from intake data."""

    route: str
    """Pathway id or triage route."""
    service_line: ServiceLine | None
    pathway: Pathway | None = None
    triage: TriageBlock | None = None


@dataclass(eq=False)
class Site:
    """Everything read from a project, linked."""

    project: Project
    organization: Organization
    organization_located: Located
    service_lines: dict[str, ServiceLine]
    pages: dict[str, Page]
    clusters: dict[str, Cluster]
    include_drafts: bool = False
    campaigns: dict[str, cmp.CampaignSource] = field(default_factory=dict)
    landing: dict[str, list[cmp.LandingSpec]] = field(default_factory=dict)
    """Every URL each campaign publishes (live or expired), by campaign slug."""
    today: dt.date = field(default_factory=cmp.today)
    claims: ClaimsRegistry = field(default_factory=ClaimsRegistry)
    """Substantiated claims (``intake/claims.yml``)."""
    warnings: list[SourceError] = field(default_factory=list)
    """Problems that do not stop a build: adopted front matter, a site without intake scripts."""

    def campaign_status(self, slug: str) -> cmp.Status:
        """Scheduled, live or expired, on the site's ``today``."""
        return self.campaigns[slug].status(self.today)

    def manifest(self) -> list[cmp.ManifestRow]:
        """Tracking manifest rows of every campaign."""
        items = []
        for slug, source in self.campaigns.items():
            line = self.service_lines[source.campaign.service_line]
            phone = pathway_phone(line.intake.pathways[source.campaign.pathway], line.intake)
            items.append((source, self.landing.get(slug, []), phone))
        return cmp.manifest_rows(items, self.project.site_url, self.today)

    def forget_positions(self) -> None:
        """Drop every page's front-matter positions and raw YAML data. A build calls this
        once validation and the linter are done with them: rendering reads only the
        validated ``meta``, and a 5,000-page site holds about 25 MB of positions."""
        for page in self.pages.values():
            if isinstance(page.doc, LazyDocument) and "front_matter" not in vars(page.doc):
                continue  # never parsed: nothing to drop
            if page.doc.front_matter.values:
                page.doc.front_matter = Located(page.path, {})

    def published(self) -> list[Page]:
        """Pages that a build publishes (drafts only when ``include_drafts``)."""
        return [p for p in self.pages.values() if self.include_drafts or not p.meta.draft]

    def service_line_of(self, page: Page) -> ServiceLine | None:
        """The page's service line, if any."""
        sid = page.service_line_id
        return self.service_lines.get(sid) if sid else None

    def cluster_of(self, page: Page) -> Cluster | None:
        """The cluster a question belongs to, or the cluster a hub leads."""
        if isinstance(page.meta, QuestionPage):
            return self.clusters.get(page.meta.cluster)
        if isinstance(page.meta, ClusterPage):
            return self.clusters.get(page.meta.id)
        return None

    def next_step(self, page: Page) -> NextStep | None:
        """The page's primary next step, or ``None`` for a page without one."""
        route = getattr(page.meta, "next_step", None)
        if not route:
            return None
        line = self.service_line_of(page)
        if route in TRIAGE_ROUTES:
            block = triage_block(RedFlagRoute(route), line.intake if line else None, self.organization, [])
            return NextStep(route, line, triage=block)
        assert line is not None  # checked by load_site
        return NextStep(route, line, pathway=line.intake.pathways[route])

    def red_flag_routes(self, page: Page) -> list[RedFlagRoute]:
        """Triage routes the page must show before anything else.

        From the intake red-flag phrases found in the page's text, plus every red-flag route
        of the service line when the page (or its cluster hub) sets ``red_flags: true``.
        """
        line = self.service_line_of(page)
        if isinstance(page.meta, LandingMeta):
            return self._landing_routes(page.meta, line)
        forced = page.meta.red_flags
        cluster = self.cluster_of(page)
        if cluster and cluster.hub.meta.red_flags:
            forced = True
        routes: list[RedFlagRoute] = []
        if line:
            found = {hit.route for hit in line.matcher.find(page.text())}
            script_routes = line.matcher.routes()
            routes = [r for r in script_routes if forced or r in found]
        if forced and not routes:
            routes = [RedFlagRoute.EMERGENCY]
        return routes

    def _landing_routes(self, meta: LandingMeta, line: ServiceLine | None) -> list[RedFlagRoute]:
        """A live landing page shows its urgent route first when its line has red flags."""
        if meta.redirect_to or line is None:
            return []
        script_routes = line.matcher.routes()
        if meta.urgent_route:
            return [meta.urgent_route]
        return script_routes[:1]

    def urgent_blocks(self, page: Page) -> list[TriageBlock]:
        """Triage blocks for ``red_flag_routes``, each listing its route's red-flag phrases."""
        line = self.service_line_of(page)
        intake = line.intake if line else None
        blocks = []
        for route in self.red_flag_routes(page):
            phrases = [
                phrase
                for flag in (intake.triage.red_flags if intake else [])
                if flag.route is route
                for phrase in flag.phrases
            ]
            blocks.append(triage_block(route, intake, self.organization, phrases))
        return blocks

    def page_by_src(self, src: str) -> Page | None:
        """A page by its path inside ``content/``."""
        return self.pages.get(src)


def url_for(src: str, *, directory_urls: bool = True) -> str:
    """MkDocs' URL for a Markdown file: ``a/b.md`` → ``a/b/``, ``a/index.md`` → ``a/``."""
    parent, _, name = quote(src).rpartition("/")
    stem = posixpath.splitext(name)[0]
    parent = parent + "/" if parent else ""
    if stem in ("index", "README"):
        return parent if directory_urls else parent + "index.html"
    return f"{parent}{stem}/" if directory_urls else f"{parent}{stem}.html"


def markdown_sources(docs_dir: Path) -> list[tuple[str, str]]:
    """Every Markdown file MkDocs would build (dot files and folders, and the top-level
    ``templates/`` folder, skipped), sorted by path parts: the file's full path and its path
    inside ``docs_dir`` (``a/b.md``), as strings. (``os.scandir`` and strings: a fifth of the time of
    ``Path.rglob`` at 5,000 pages.)"""
    found: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            entries = os.scandir(folder)
        except OSError:
            return
        with entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if name.endswith(".md"):
                    found.append(prefix + name)  # a folder named *.md too: reading it is an error
                if entry.is_dir(follow_symlinks=False) and (prefix or name != "templates"):
                    walk(entry.path, f"{prefix}{name}/")

    folder = str(docs_dir)
    walk(folder, "")
    found.sort(key=lambda src: src.split("/"))
    return [(f"{folder}/{src}", src) for src in found]


def read_page(path: Path, src: str, project: Project, *, directory_urls: bool = True) -> Page:
    """Read and validate the Markdown page ``src`` (its path inside ``docs_dir``); raises
    ``SourceErrors`` with all its errors."""
    shown = project.docs_display + src
    doc = read_document(path, shown)
    data = doc.front_matter.data
    if "type" not in data:  # adopted content (Jekyll, Hugo): a plain page, with warnings
        mapped, warnings = adopt(doc)
        plain = validate(PlainPage, doc.front_matter, data=mapped)
        return Page(src, shown, doc, plain, url_for(src, directory_urls=directory_urls), warnings=warnings)
    errors = []
    for key, reason in RESERVED_KEYS.items():
        if key in data:
            errors.append(doc.front_matter.error((key,), reason, key=True))
    if errors:
        data = {k: v for k, v in data.items() if k not in RESERVED_KEYS}
    kind = data.get("type", "page")
    model = PAGE_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        expected = ", ".join(PAGE_MODELS)
        errors.append(
            doc.front_matter.error(("type",), f"unknown page type {kind!r}; expected one of: {expected}")
        )
        raise SourceErrors(errors)
    try:
        meta = validate(model, doc.front_matter, data=data)
    except SourceErrors as exc:
        raise SourceErrors([*errors, *exc.errors]) from None
    if isinstance(meta, QuestionPage) and not meta.draft and meta.reviewed is None:
        line, col = doc.front_matter.position(("question",), key=True)
        errors.append(
            SourceError(
                shown,
                "required, but missing: a question page needs a clinical review "
                "`reviewed: {by: ..., on: YYYY-MM-DD}` before it is published (or `draft: true`)",
                line=line,
                col=col,
                field="reviewed",
            )
        )
    if errors:
        raise SourceErrors(errors)
    return Page(src, shown, doc, meta, url_for(src, directory_urls=directory_urls))


def read_intake(
    project: Project, errors: ErrorCollector, unreadable: set[str]
) -> tuple[Organization | None, Located | None, dict[str, ServiceLine]]:
    """Read ``organization.yml`` and every intake script; ids of scripts that could not be
    read go into ``unreadable`` (pages naming them then get no second error)."""
    organization = org_located = None
    org_path = project.intake_dir / ORGANIZATION_FILE
    if not org_path.is_file():
        errors.add(
            SourceError(
                project.display(org_path),
                "file not found: every project needs an organization file (name, phone, "
                "address, privacy links, form endpoint)",
            )
        )
    else:
        try:
            org_located = read_yaml(org_path, project.display(org_path))
            organization = validate(Organization, org_located)
        except (SourceError, SourceErrors) as exc:
            errors.add(exc)
    lines: dict[str, ServiceLine] = {}
    for path in sorted(project.intake_dir.glob("*.y*ml")):
        if path.name == ORGANIZATION_FILE or path.suffix not in (".yml", ".yaml"):
            continue
        if path.resolve() == project.claims_file:
            continue  # the claims registry (intake/claims.yml by default) is not an intake script
        shown = project.display(path)
        try:
            located = read_yaml(path, shown)
            intake = validate(Intake, located)
        except (SourceError, SourceErrors) as exc:
            errors.add(exc)
            unreadable.add(path.stem)
            continue
        if intake.service_line != path.stem:
            unreadable.add(path.stem)
            errors.add(
                located.error(
                    ("service_line",),
                    f"{intake.service_line!r} does not match the file name; "
                    f"expected {path.stem!r} (or rename the file to {intake.service_line}.yml)",
                )
            )
            continue
        if organization is not None:
            for i, loc_id in enumerate(intake.locations):
                if loc_id not in organization.locations:
                    known = ", ".join(organization.locations) or "none defined"
                    errors.add(
                        located.error(
                            ("locations", i), f"unknown location {loc_id!r} (organization.yml has: {known})"
                        )
                    )
        lines[intake.service_line] = ServiceLine(intake, shown, located)
    return organization, org_located, lines


def load_site(
    project: Project,
    *,
    include_drafts: bool = False,
    directory_urls: bool = True,
    today: dt.date | None = None,
    require_service_line_pages: bool = True,
    previous: Site | None = None,
    index: PageIndex | None = None,
) -> Site:
    """Read and validate the whole project; raise ``SourceErrors`` listing every problem.

    Campaign landing pages are generated for ``today`` (default: ``campaigns.today()``).
    ``require_service_line_pages=False`` lets a service line lack its page (for
    ``carewheel new service-line``, which writes it). With ``previous`` (the site of the last
    build of ``serve``), Markdown files whose time and size did not change are not read again;
    with ``index`` (the page index, ``page_index.py``), they are read only when asked for (the
    caller saves the index when its run succeeds).
    """
    with without_gc():
        return _load_site(
            project, include_drafts, directory_urls, today, require_service_line_pages, previous, index
        )


def _load_site(
    project: Project,
    include_drafts: bool,
    directory_urls: bool,
    today: dt.date | None,
    require_service_line_pages: bool,
    previous: Site | None,
    index: PageIndex | None,
) -> Site:
    errors = ErrorCollector()
    unreadable_lines: set[str] = set()
    organization, org_located, lines = read_intake(project, errors, unreadable_lines)
    pages: dict[str, Page] = {}
    unreadable_pages: set[str] = set()
    known = previous.pages if previous is not None else {}
    for file, src in markdown_sources(project.docs_dir):
        stat = os.stat(file)  # noqa: PTH116 (a str, not a Path: no Path for an indexed page)
        stamp = (stat.st_mtime_ns, stat.st_size)
        old = known.get(src)
        if old is not None and old.stamp == stamp and not isinstance(old.meta, LandingMeta):
            pages[old.src] = old
            continue
        if index is not None:
            indexed = index.page(file, src, project.docs_display + src, stamp)
            if indexed is not None:
                pages[src] = indexed
                continue
        try:
            page = read_page(Path(file), src, project, directory_urls=directory_urls)
            page.stamp = stamp
        except (SourceError, SourceErrors) as exc:
            errors.add(exc)
            unreadable_pages.add(src)
            continue
        pages[page.src] = page
    if organization is None or org_located is None:
        errors.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    site = Site(project, organization, org_located, lines, pages, {}, include_drafts)
    site.warnings = [w for page in pages.values() for w in page.warnings]
    if not lines:
        site.warnings.append(
            SourceError(
                project.display(project.intake_dir),
                "no intake scripts: pages have no service lines or next steps; add intake/<service-line>.yml",
            )
        )
    if today is not None:
        site.today = today
    broken = _link(site, errors, unreadable_lines, bool(unreadable_pages), require_service_line_pages)
    campaigns, ledger, _ = cmp.read_campaigns(project.campaigns_dir, project.display, errors)
    site.campaigns = campaigns
    _link_campaigns(site, errors, unreadable_lines | unreadable_pages | broken, ledger)
    claims_path = project.claims_file
    if claims_path.is_file():
        try:
            site.claims = validate(ClaimsRegistry, read_yaml(claims_path, project.display(claims_path)))
        except (SourceError, SourceErrors) as exc:
            errors.add(exc)
    errors.raise_if_any()
    _add_landing_pages(site, directory_urls)
    return site


def _link_campaigns(
    site: Site,
    errors: ErrorCollector,
    unreadable: set[str],
    ledger: TrackingLedger,
) -> None:
    """Check every campaign against intake, content and the tracking-id ledger.

    ``unreadable`` holds service-line ids and content paths of files that could not be read:
    references to them are not reported a second time.
    """
    project = site.project
    prefix = project.settings.landing_prefix
    ledger_path = project.display(project.campaigns_dir / cmp.LEDGER_FILE)
    cmp.check_ledger(site.campaigns, ledger, ledger_path, errors)
    owners: dict[str, str] = {}
    for slug, source in site.campaigns.items():
        cmp.check_campaign(source, errors)
        c, at = source.campaign, source.located
        if c.service_line in unreadable:
            continue
        line = site.service_lines.get(c.service_line)
        if line is None:
            known = ", ".join(sorted(site.service_lines))
            errors.add(
                at.error(("service_line",), f"unknown service line {c.service_line!r} (known: {known})")
            )
            continue
        if c.pathway not in line.intake.pathways:
            options = ", ".join(line.intake.pathways)
            errors.add(
                at.error(
                    ("pathway",),
                    f"unknown pathway {c.pathway!r} for {line.id!r} (expected one of: {options})",
                )
            )
        if c.urgent_route == "nurse-line" and not line.intake.triage.nurse_line:
            errors.add(
                at.error(("urgent_route",), "`nurse-line` needs `triage.nurse_line` in the intake script")
            )
        cluster = site.clusters.get(c.cluster)
        hub_unreadable = cluster is None and any(u.endswith(".md") for u in unreadable)
        if not hub_unreadable and (cluster is None or cluster.hub.service_line_id != line.id):
            names = ", ".join(cl.id for cl in line.clusters) or "none"
            errors.add(
                at.error(
                    ("cluster",), f"unknown cluster {c.cluster!r} in {line.id!r} (its clusters: {names})"
                )
            )
        for i, src in enumerate(c.landing.questions):
            page = site.pages.get(src)
            if src in unreadable:
                continue
            if page is None or not isinstance(page.meta, QuestionPage):
                errors.add(at.error(("landing", "questions", i), f"no question page {src!r} in content/"))
            elif page.meta.cluster != c.cluster:
                errors.add(
                    at.error(
                        ("landing", "questions", i),
                        f"{src!r} is in cluster {page.meta.cluster!r}, not the campaign's {c.cluster!r}",
                    )
                )
        if (
            c.expired_redirect
            and c.expired_redirect not in site.pages
            and c.expired_redirect not in unreadable
        ):
            errors.add(at.error(("expired_redirect",), f"no page {c.expired_redirect!r} in content/"))
        if line.intake.sensitive:
            for loc, value in ((("landing", "path"), c.landing.path or ""), ((), slug)):
                found = condition_words(value)
                if found:
                    what = "landing.path" if loc else "the file name (it becomes utm_campaign)"
                    errors.add(
                        at.error(
                            loc,
                            f"{what} names a condition ({', '.join(found)}); {line.id} is sensitive, "
                            "so URLs and UTM values must stay neutral",
                        )
                    )
        segment = cmp.landing_segment(source, line.intake.sensitive)
        if segment in owners:
            errors.add(
                at.error(
                    ("landing", "path"),
                    f"landing path {segment!r} is used by campaign {owners[segment]!r} too",
                )
            )
        owners[segment] = slug
        site.landing[slug] = cmp.landing_specs(source, prefix, line.intake.sensitive)
    taken = [p for p in site.pages if p.startswith(prefix + "/")]
    if taken and site.campaigns:
        errors.add(
            SourceError(
                project.display(project.docs_dir / taken[0]),
                f"content/{prefix}/ is reserved for campaign landing pages (setting landing_prefix)",
            )
        )


def _add_landing_pages(site: Site, directory_urls: bool) -> None:
    """Generate the landing pages of live and expired campaigns as virtual pages."""
    questions = {src: p.meta for src, p in site.pages.items() if isinstance(p.meta, QuestionPage)}
    for slug, specs in site.landing.items():
        source = site.campaigns[slug]
        status = source.status(site.today)
        if status is cmp.Status.SCHEDULED:
            continue
        c = source.campaign
        hub = site.clusters[c.cluster].hub
        target = site.pages[c.expired_redirect] if c.expired_redirect else hub
        body_line = source.located.position(("landing", "body"))[0] + 1
        for spec in specs:
            variant = c.variants[spec.variant]
            expired = status is cmp.Status.EXPIRED
            meta = LandingMeta(
                title=variant.headline or c.landing.headline,
                description=None,
                service_line=c.service_line,
                next_step=c.pathway,
                campaign=slug,
                tracking_id=c.tracking_id,
                variant=spec.variant,
                channel=spec.channel.key if spec.channel else None,
                phone=spec.channel.phone if spec.channel else None,
                urgent_route=c.urgent_route,
                redirect_to=target.src if expired else None,
            )
            body = (
                cmp.redirect_markdown(spec, target.title, target.src)
                if expired
                else cmp.landing_markdown(spec, cmp.faq_pairs(source, questions))
            )
            doc = Document(source.path, "", source.located, body, body_line)
            site.pages[spec.src] = Page(
                spec.src, source.path, doc, meta, url_for(spec.src, directory_urls=directory_urls)
            )


def _link(
    site: Site,
    errors: ErrorCollector,
    unreadable_lines: set[str],
    unreadable_pages: bool,
    require_service_line_pages: bool = True,
) -> set[str]:
    """Resolve references between pages and intake scripts; record every broken one. Returns
    the pages whose own references are broken (campaigns naming them get no second error).

    A reference to something in a file that could not be read is not reported again: a
    page naming a broken intake script, and (when any page could not be read, which might
    be its hub) a question naming an unknown cluster.
    """
    lines = site.service_lines
    org = site.organization
    for name in ("privacy_policy", "health_data_privacy"):
        target = getattr(org, name)
        if target.endswith(".md") and target not in site.pages:
            errors.add(
                site.organization_located.error(
                    (name,), f"no page {target!r} in {site.project.display(site.project.docs_dir)}/"
                )
            )

    skip: set[int] = set()
    broken: set[str] = set()

    def check_line(page: Page) -> ServiceLine | None:
        sid = page.service_line_id
        if sid is None:
            return None
        if sid in unreadable_lines:
            skip.add(id(page))
            return None
        if sid not in lines:
            skip.add(id(page))
            known = ", ".join(sorted(lines)) or "none"
            errors.add(
                page.doc.front_matter.error(
                    ("service_line",), f"unknown service line {sid!r}; intake scripts exist for: {known}"
                )
            )
            return None
        return lines[sid]

    # Service-line pages and cluster hubs first, so questions can find them.
    for page in site.pages.values():
        meta = page.meta
        line = check_line(page)
        if isinstance(meta, ServiceLinePage) and line is not None:
            if line.page is not None:
                errors.add(
                    page.doc.front_matter.error(
                        ("service_line",), f"service line {line.id!r} already has its page: {line.page.path}"
                    )
                )
            else:
                line.page = page
        if isinstance(meta, ClusterPage):
            if meta.id in site.clusters:
                first = site.clusters[meta.id].hub
                errors.add(
                    page.doc.front_matter.error(
                        ("id",), f"duplicate cluster id {meta.id!r}; {first.path} uses it already"
                    )
                )
            else:
                site.clusters[meta.id] = Cluster(page)
                if line is not None:
                    line.clusters.append(site.clusters[meta.id])
        _check_next_step(site, page, line, errors)

    for page in site.pages.values():
        meta = page.meta
        if id(page) in skip:
            broken.add(page.src)
            continue
        if not isinstance(meta, QuestionPage):
            continue
        cluster = site.clusters.get(meta.cluster)
        if cluster is None and unreadable_pages:
            broken.add(page.src)
            continue
        if cluster is None:
            broken.add(page.src)
            known = ", ".join(sorted(site.clusters)) or "none"
            errors.add(
                page.doc.front_matter.error(
                    ("cluster",), f"unknown cluster {meta.cluster!r}; known clusters: {known}"
                )
            )
            continue
        hub_line = cluster.hub.service_line_id
        if hub_line != meta.service_line:
            broken.add(page.src)
            errors.add(
                page.doc.front_matter.error(
                    ("cluster",),
                    f"cluster {meta.cluster!r} belongs to service line {hub_line!r}, "
                    f"not {meta.service_line!r}",
                )
            )
            continue
        cluster.questions.append(page)

    for line in lines.values():
        if line.page is None and require_service_line_pages:
            errors.add(
                line.located.error(
                    ("service_line",),
                    f"no page has `type: service-line` and `service_line: {line.id}`; "
                    f"create one with `carewheel new service-line {line.id}`",
                )
            )
        line.clusters.sort(key=lambda c: c.hub.sort_key)
    for cluster in site.clusters.values():
        cluster.questions.sort(key=lambda p: p.sort_key)
    return broken


def _check_next_step(site: Site, page: Page, line: ServiceLine | None, errors: ErrorCollector) -> None:
    route = getattr(page.meta, "next_step", None)
    if route is None:
        return
    if route in TRIAGE_ROUTES:
        if route == "nurse-line" and not (line and line.intake.triage.nurse_line):
            errors.add(
                page.doc.front_matter.error(
                    ("next_step",),
                    "`nurse-line` needs `triage.nurse_line` in the service line's intake script",
                )
            )
        return
    if line is None:
        if page.service_line_id is None:
            errors.add(
                page.doc.front_matter.error(
                    ("next_step",), f"pathway {route!r} needs a `service_line` on this page"
                )
            )
        return
    if route not in line.intake.pathways:
        options = ", ".join(line.routes())
        errors.add(
            page.doc.front_matter.error(
                ("next_step",),
                f"unknown pathway {route!r} for service line {line.id!r} (expected one of: {options})",
            )
        )
