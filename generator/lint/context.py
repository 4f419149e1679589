"""What rules may ask about the project while they check a document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from generator.campaigns import CampaignSource, Status
from generator.content import Page, ServiceLine, Site
from generator.intake import normalize_phone, pathway_phone
from generator.lint.document import LintDocument
from generator.schemas import ClaimEntry, Intake, LintSettings, Pathway

T = TypeVar("T")


@dataclass
class Context:
    """One lint run: the site, the settings, and facts rules look up."""

    site: Site
    settings: LintSettings
    today: dt.date
    documents: list[LintDocument] = field(default_factory=list)
    _once: dict[str, Any] = field(default_factory=dict, repr=False)

    def once(self, name: str, make: Callable[[], T]) -> T:
        """``make()``, worked out once per run: what rule families derive from the whole
        project (the site index, the theme's files), kept no longer than the run."""
        if name not in self._once:
            self._once[name] = make()
        found: T = self._once[name]
        return found

    def service_line(self, doc: LintDocument) -> ServiceLine | None:
        """The document's service line: the page's, or the campaign's."""
        if isinstance(doc.page, CampaignSource):
            return self.site.service_lines.get(doc.page.campaign.service_line)
        if isinstance(doc.page, Page):
            return self.site.service_line_of(doc.page)
        return None

    def intake(self, doc: LintDocument) -> Intake | None:
        """The intake script whose facts apply to the document."""
        line = self.service_line(doc)
        return line.intake if line else None

    def pathway(self, doc: LintDocument) -> tuple[str, Pathway] | None:
        """The pathway the document leads to: the page's ``next_step`` or the campaign's
        ``pathway`` (``None`` for triage routes and pages without one)."""
        intake = self.intake(doc)
        if intake is None:
            return None
        route: str | None
        if isinstance(doc.page, CampaignSource):
            route = doc.page.campaign.pathway
        else:
            route = getattr(doc.meta, "next_step", None)
        if route and route in intake.pathways:
            return route, intake.pathways[route]
        return None

    @cached_property
    def expired_landing_segments(self) -> dict[str, str]:
        """URL segment (``lp/<segment>/...``) → slug, for every expired campaign (once per
        run: every page asks)."""
        out = {}
        for slug, specs in self.site.landing.items():
            if self.site.campaign_status(slug) is Status.EXPIRED:
                for spec in specs:
                    parts = spec.src.split("/")
                    if len(parts) > 1:
                        out[parts[1]] = slug
        return out

    @cached_property
    def organization_phones(self) -> set[str]:
        """Numbers any page may show: the organization's and its locations'."""
        org = self.site.organization
        numbers = {org.phone, *(loc.phone for loc in org.locations.values() if loc.phone)}
        return {normalize_phone(n) for n in numbers}

    def phones(self, doc: LintDocument) -> set[str]:
        """Every number the document may show, normalized (E.164)."""
        allowed = set(self.organization_phones)
        intake = self.intake(doc)
        if intake is not None:
            allowed.add(normalize_phone(intake.phone))
            if intake.triage.nurse_line:
                allowed.add(normalize_phone(intake.triage.nurse_line))
            for pathway in intake.pathways.values():
                allowed.add(normalize_phone(pathway_phone(pathway, intake)))
        if isinstance(doc.page, CampaignSource):
            allowed |= {normalize_phone(c.phone) for c in doc.page.campaign.channels if c.phone}
        return allowed

    def claim_allowed(self, doc: LintDocument, phrase: str) -> ClaimEntry | None:
        """A claims-registry entry that covers ``phrase`` on this document, if any."""
        src = doc.page.src if isinstance(doc.page, Page) else None
        for entry in self.site.claims.claims:
            if entry.claim.lower() not in phrase.lower() and phrase.lower() not in entry.claim.lower():
                continue
            if entry.expires is not None and entry.expires < self.today:
                continue
            if entry.pages and src not in entry.pages:
                continue
            return entry
        return None
