"""What the theme reads: one ``PageView`` per page, plus Jinja filters and globals.

The theme computes nothing: every fact it shows (phones, waits, referral rules, triage
routing, navigation of the page's cluster) comes from here, built from the ``Site``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import jinja2

from generator.content import Cluster, NextStep, Page, ServiceLine, Site
from generator.intake import (
    TriageBlock,
    hours_lines,
    pathway_phone,
    referral_text,
    tel_uri,
    wait_text,
)
from generator.schemas import Address, LandingMeta, QuestionPage

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id")
"""The only URL parameters a landing page reads; everything else is ignored."""


@dataclass(frozen=True)
class Crumb:
    """One breadcrumb: a title and a site-relative URL."""

    title: str
    url: str


@dataclass
class PageView:
    """Everything the theme shows about one page besides its rendered Markdown."""

    page: Page
    site: Site
    service_line: ServiceLine | None
    cluster: Cluster | None
    urgent: list[TriageBlock]
    next_step: NextStep | None
    breadcrumbs: list[Crumb]
    siblings: list[Page] = field(default_factory=list)
    noindex: bool = False

    @property
    def type(self) -> str:
        """Page type; picks the template (``redirect`` for an expired campaign's URL)."""
        if isinstance(self.page.meta, LandingMeta) and self.page.meta.redirect_to:
            return "redirect"
        return self.page.type

    @property
    def landing(self) -> LandingMeta | None:
        """Campaign facts of a landing page (tracking id, variant, channel), else ``None``."""
        return self.page.meta if isinstance(self.page.meta, LandingMeta) else None

    @property
    def redirect_url(self) -> str | None:
        """Site-relative URL an expired campaign's page sends visitors to."""
        landing = self.landing
        if landing is None or landing.redirect_to is None:
            return None
        return self.site.pages[landing.redirect_to].url

    @property
    def booking_phone(self) -> str | None:
        """The number the next-step block shows: a channel's call-tracking number on that
        channel's view of a landing page, else the pathway's booking number."""
        step = self.next_step
        if step is None or step.pathway is None or step.service_line is None:
            return None
        landing = self.landing
        if landing is not None and landing.phone:
            return landing.phone
        return pathway_phone(step.pathway, step.service_line.intake)

    @property
    def utm_keys(self) -> tuple[str, ...]:
        """UTM keys the landing-page script keeps (first and last touch)."""
        return UTM_KEYS

    @property
    def is_home(self) -> bool:
        """The site's front page."""
        return self.page.src == "index.md"

    @property
    def reviewed(self) -> Any:
        """The page's clinical review, if any."""
        return self.page.meta.reviewed

    def json_ld(self) -> str:
        """JSON-LD for the page (``MedicalWebPage``) and the organization (``MedicalClinic``)."""
        text = json.dumps(structured_data(self), ensure_ascii=False, sort_keys=True, indent=1)
        # Inside <script>, "</script>" or "<!--" in a value would end or change the element:
        # JSON allows these escapes, so the data reads the same.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_view(site: Site, page: Page) -> PageView:
    """Build the ``PageView`` of ``page``."""
    line = site.service_line_of(page)
    cluster = site.cluster_of(page)
    crumbs = [Crumb("Home", "")]
    if line and line.page and line.page is not page:
        crumbs.append(Crumb(line.intake.name, line.page.url))
    if cluster and cluster.hub is not page:
        crumbs.append(Crumb(cluster.hub.title, cluster.hub.url))
    siblings = [q for q in cluster.questions if site.include_drafts or not q.meta.draft] if cluster else []
    return PageView(
        page=page,
        site=site,
        service_line=line,
        cluster=cluster,
        urgent=site.urgent_blocks(page),
        next_step=site.next_step(page),
        breadcrumbs=crumbs if page.src != "index.md" and page.type != "landing" else [],
        siblings=siblings,
        noindex=isinstance(page.meta, LandingMeta) and page.meta.noindex,
    )


def structured_data(view: PageView) -> dict[str, Any]:
    """schema.org graph: the organization, and the page as ``MedicalWebPage``."""
    site = view.site
    org = site.organization
    base = site.project.site_url.rstrip("/") + "/"
    org_id = base + "#organization"
    clinic: dict[str, Any] = {
        "@type": "MedicalClinic",
        "@id": org_id,
        "name": org.name,
        "telephone": tel_uri(org.phone).removeprefix("tel:"),
        "address": _postal(org.address),
        "url": base,
    }
    page = view.page
    webpage: dict[str, Any] = {
        "@type": "MedicalWebPage" if page.type in ("question", "cluster", "service-line") else "WebPage",
        "@id": base + page.url,
        "url": base + page.url,
        "name": page.title,
        "inLanguage": "en",
        "publisher": {"@id": org_id},
    }
    if page.meta.description:
        webpage["description"] = page.meta.description
    if page.type in ("question", "cluster", "service-line"):
        webpage["medicalAudience"] = {"@type": "MedicalAudience", "audienceType": "Patient"}
    if view.service_line:
        webpage["specialty"] = view.service_line.intake.name
    if isinstance(page.meta, QuestionPage):
        webpage["mainEntity"] = {"@type": "Question", "name": page.meta.question}
    reviewed = page.meta.reviewed
    if reviewed:
        webpage["lastReviewed"] = reviewed.on.isoformat()
        webpage["reviewedBy"] = {"@type": "Person", "name": reviewed.by}
    if page.lastmod:
        webpage["dateModified"] = page.lastmod.isoformat()
    return {"@context": "https://schema.org", "@graph": [webpage, clinic]}


def _postal(address: Address) -> dict[str, str]:
    return {
        "@type": "PostalAddress",
        "streetAddress": address.street,
        "addressLocality": address.city,
        "addressRegion": address.region,
        "postalCode": address.postal_code,
        "addressCountry": address.country,
    }


def long_date(value: dt.date) -> str:
    """``2026-09-12`` → ``September 12, 2026``."""
    return f"{value:%B} {value.day}, {value.year}"


def address_line(address: Address) -> str:
    """One-line postal address."""
    return f"{address.street}, {address.city}, {address.region} {address.postal_code}"


def join_words(items: list[str]) -> str:
    """``[a, b, c]`` → ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def register(env: jinja2.Environment, site: Site) -> None:
    """Add carewheel's filters and globals to the theme's Jinja environment."""
    env.filters.update(
        tel=tel_uri,
        wait_text=wait_text,
        referral_text=referral_text,
        long_date=long_date,
        address_line=address_line,
        join_words=join_words,
    )
    env.globals.update(
        carewheel_site=site,
        organization=site.organization,
        form_endpoint=site.organization.form_endpoint,
        hours_lines=hours_lines,
        pathway_phone=pathway_phone,
    )
    env.filters["doc_url"] = lambda target: doc_url(site, target)


def doc_url(site: Site, target: str) -> str:
    """A link from ``organization.yml``: a content page (``privacy.md``) or an ``https://``
    address, as a URL the ``url`` filter can make relative."""
    page = site.page_by_src(target) if target.endswith(".md") else None
    return (page.url or ".") if page is not None else target
