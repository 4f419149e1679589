"""ST: site structure: every page leads to a next step, is reachable, and owns its keyword."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.content import Page, resolve_link
from generator.lint.context import Context
from generator.lint.document import LintDocument, Position
from generator.lint.rule import Diagnostic, Rule, Severity
from generator.schemas import TRIAGE_ROUTES, ClusterPage, LandingMeta, PlainPage, QuestionPage


def normalize_keyword(keyword: str) -> str:
    """Keywords compare ignoring case and runs of whitespace."""
    return " ".join(keyword.lower().split())


@dataclass
class SiteIndex:
    """Facts about the whole site that page rules look up: built once per lint run."""

    linked_from: dict[str, set[str]] = field(default_factory=dict)
    """Page (``src``) → pages whose Markdown links point to it (drafts' links excluded)."""
    keyword_pages: dict[str, list[Page]] = field(default_factory=dict)
    """Normalized primary keyword → content pages that use it, in path order."""
    published_questions: Counter[str] = field(default_factory=Counter)
    """Cluster id → number of published (not draft) questions."""


def site_index(ctx: Context) -> SiteIndex:
    """The site index of this run, from every page's front matter and links."""
    return ctx.once("site_index", lambda: _site_index(ctx))


def _site_index(ctx: Context) -> SiteIndex:
    index = SiteIndex()
    for src, page in sorted(ctx.site.pages.items(), key=lambda item: item[1].path):
        meta = page.meta
        if isinstance(meta, LandingMeta):
            continue
        if meta.keywords:
            index.keyword_pages.setdefault(normalize_keyword(meta.keywords[0]), []).append(page)
        if isinstance(meta, QuestionPage) and not meta.draft:
            index.published_questions[meta.cluster] += 1
        if meta.draft:
            continue
        for target in page.linked_pages:
            index.linked_from.setdefault(target, set()).add(src)
    return index


class _SiteRule(Rule):
    """A rule whose findings on a page depend on other pages (through ``site_index``): not
    cacheable, and run on documents the engine need not parse (the rule reads only the page's
    front matter and ``site_index``)."""

    cacheable = False

    def needs_parse(self, doc: LintDocument, ctx: Context) -> bool:
        return False


def _front_matter(page: Page, key: tuple[str | int, ...], *, key_position: bool = False) -> Position:
    line, col = page.doc.front_matter.position(key, key=key_position)
    return Position(line, col)


class PageWithoutNextStep(Rule):
    """Page of a service line without a next step.

    ## What it does
    Flags a `type: page` page that names a `service_line` but no `next_step`, and any page
    whose `next_step` names no pathway of its service line and no triage route (`emergency`,
    `crisis`, `nurse-line` with a nurse line in intake).

    ## Why is this bad?
    Every page a patient reads should end in one next care step: a call, a booking, a
    referral or urgent triage. A page about a service with no next step leaves the patient
    with nowhere to go.

    ## Example
    ```markdown
    ---
    type: page
    title: Heart care at home
    question:
    cluster:
    next_step:
    ---
    Rest, eat well and take your medicines as your doctor told you.
    ```

    Use instead:
    ```markdown
    ---
    type: page
    title: Heart care at home
    question:
    cluster:
    next_step: new-patient-consult
    ---
    Rest, eat well and take your medicines as your doctor told you.
    ```
    """

    code = "ST001"
    name = "page-without-next-step"
    severity = Severity.ERROR

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        page = doc.page
        if not isinstance(page, Page):
            return
        meta = page.meta
        route = getattr(meta, "next_step", None)
        line = ctx.site.service_line_of(page)
        if isinstance(meta, PlainPage) and meta.service_line and not route:
            options = ", ".join(line.routes()) if line else ", ".join(TRIAGE_ROUTES)
            yield self.at(
                doc,
                _front_matter(page, ("service_line",), key_position=True),
                f"page belongs to service line {meta.service_line!r} but has no next_step; "
                f"add one of: {options}",
            )
            return
        if not route:
            return
        if route in TRIAGE_ROUTES:
            resolved = route != "nurse-line" or bool(line and line.intake.triage.nurse_line)
        else:
            resolved = line is not None and route in line.intake.pathways
        if not resolved:
            known = ", ".join(line.routes()) if line else ", ".join(TRIAGE_ROUTES)
            yield self.at(
                doc,
                _front_matter(page, ("next_step",)),
                f"next_step {route!r} leads nowhere: no such pathway or triage route "
                f"(expected one of: {known})",
            )


class OrphanPage(_SiteRule):
    """Page no other page links to.

    ## What it does
    Flags a content page that no other published page links to with a Markdown link.
    Questions (listed in their cluster), cluster hubs (listed on their service-line page),
    service-line pages (listed on the home page), the home page and the two privacy pages
    of `organization.yml` (linked from every footer) are always reachable and never flagged.
    Links from drafts and from campaign landing copy do not count: they are not there for
    good.

    ## Why is this bad?
    Patients and search engines find pages by following links. A page nothing links to is
    found by no one, and it is often a forgotten copy that drifts out of date.

    ## Example
    ```markdown
    ---
    type: page
    title: Parking at the heart center
    question:
    cluster:
    ---
    Park in the lot on River Road. Parking is free for patients.
    ```

    Use instead:
    ```markdown
    Parking is free for patients. Park in the lot on River Road.
    ```
    """

    code = "ST002"
    name = "orphan-page"
    severity = Severity.WARNING

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        page = doc.page
        if not isinstance(page, Page) or not isinstance(page.meta, PlainPage):
            return
        org = ctx.site.organization
        if page.src == "index.md" or page.src in (org.privacy_policy, org.health_data_privacy):
            return
        if site_index(ctx).linked_from.get(page.src, set()) - {page.src}:
            return
        yield self.at(
            doc,
            Position(1, 1),
            "no page links to this page; link it from its service-line page or a related page, "
            "or make it a question of a cluster",
        )


class LinkToOtherClusterQuestion(Rule):
    """Question linking to a question of another cluster.

    ## What it does
    Flags a link from a question page to a question page of a different cluster. Questions
    link to questions of their own cluster, or to another cluster's hub.

    ## Why is this bad?
    A cluster is one topic: its hub and its questions link to each other, which tells
    patients and search engines what belongs together. Links that jump between the questions
    of different topics blur both clusters; the other topic's hub is the better door.

    ## Example
    ```markdown
    An [echocardiogram](cardiology/heart-tests/what-is-an-echocardiogram.md) shows how your
    heart pumps.
    ```

    Use instead:
    ```markdown
    Read about [heart tests](cardiology/heart-tests/index.md), such as an echocardiogram.
    ```
    """

    code = "ST003"
    name = "link-to-other-cluster-question"
    severity = Severity.INFO
    cacheable = False  # the finding depends on the cluster of the page linked to

    def needs_parse(self, doc: LintDocument, ctx: Context) -> bool:
        """Only a question whose body (read without parsing it) has a link to another
        cluster's question is parsed, for the link's exact position."""
        page = doc.page
        if not isinstance(page, Page) or not isinstance(page.meta, QuestionPage):
            return False
        return any(self._other_cluster(page, src, ctx) for src in page.linked_pages)

    @staticmethod
    def _other_cluster(page: Page, src: str | None, ctx: Context) -> Page | None:
        """The question ``src`` (a page's path in ``content/``) is, when it is of a cluster
        other than ``page``'s."""
        target = ctx.site.pages.get(src) if src else None
        if target is None or not isinstance(target.meta, QuestionPage):
            return None
        assert isinstance(page.meta, QuestionPage)
        return target if target.meta.cluster != page.meta.cluster else None

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        page = doc.page
        if not isinstance(page, Page) or not isinstance(page.meta, QuestionPage):
            return
        own = page.meta.cluster
        for link in doc.links:
            target = self._other_cluster(page, resolve_link(page.src, link.href), ctx)
            if target is None:
                continue
            assert isinstance(target.meta, QuestionPage)
            other = target.meta.cluster
            cluster = ctx.site.clusters.get(other)
            hub = f" ({cluster.hub.src})" if cluster else ""
            yield self.at(
                doc,
                link.position,
                f"links to {target.src!r}, a question of cluster {other!r}; link to that "
                f"cluster's hub{hub} or to questions of {own!r}",
            )


class DuplicatePrimaryKeyword(_SiteRule):
    """Two pages with the same primary keyword.

    ## What it does
    Flags a page whose first `keywords` entry (its primary keyword) is the first entry of an
    earlier page too (path order; case and spacing ignored). The finding is on the later page
    and names the earlier one.

    ## Why is this bad?
    One search intent, one page. Two pages aiming at the same search compete with each
    other, and patients land on whichever one a search engine picks, not the one you keep
    up to date.

    ## Example
    ```markdown
    ---
    keywords: [Angina]
    ---
    Angina is chest pain or pressure that comes when your heart needs more blood.
    ```

    Use instead:
    ```markdown
    ---
    keywords: [angina at rest]
    ---
    Angina at rest is chest pain that comes when you are not active.
    ```
    """

    code = "ST004"
    name = "duplicate-primary-keyword"
    severity = Severity.WARNING

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        page = doc.page
        if not isinstance(page, Page) or not page.meta.keywords:
            return
        keyword = page.meta.keywords[0]
        pages = site_index(ctx).keyword_pages.get(normalize_keyword(keyword), [])
        first = min([*pages, page], key=lambda p: p.path)
        if first is page or first.path == page.path:
            return
        yield self.at(
            doc,
            _front_matter(page, ("keywords", 0)),
            f'primary keyword "{keyword}" is already the primary keyword of {first.path}; '
            "give each page its own first keyword",
        )


class ClusterWithoutQuestions(_SiteRule):
    """Cluster hub without published questions.

    ## What it does
    Flags a cluster hub (`type: cluster`) when no published question (not a draft) names its
    `id` as `cluster`.

    ## Why is this bad?
    A hub exists to lead to its questions. An empty hub is a dead end in the navigation and
    a thin page in search results.

    ## Example
    ```markdown
    ---
    type: cluster
    id: heart-rhythm
    title: Heart rhythm problems
    question:
    cluster:
    ---
    A heartbeat that is too fast, too slow or uneven can have many causes.
    ```

    Use instead:
    ```markdown
    ---
    type: cluster
    id: chest-pain
    title: Chest pain
    question:
    cluster:
    ---
    Chest pain can be scary. It has many causes.
    ```
    """

    code = "ST005"
    name = "cluster-without-questions"
    severity = Severity.WARNING

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        page = doc.page
        if not isinstance(page, Page) or not isinstance(page.meta, ClusterPage):
            return
        cluster = page.meta.id
        if site_index(ctx).published_questions[cluster]:
            return
        yield self.at(
            doc,
            _front_matter(page, ("id",)),
            f"cluster {cluster!r} has no published questions; add one with "
            f'`carewheel new question "..." -c {cluster}` or fold the hub into another cluster',
        )


RULES = (
    PageWithoutNextStep(),
    OrphanPage(),
    LinkToOtherClusterQuestion(),
    DuplicatePrimaryKeyword(),
    ClusterWithoutQuestions(),
)
