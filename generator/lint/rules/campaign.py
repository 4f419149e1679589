"""CP: campaigns. Landing copy checked against the one pathway its campaign sells, and
content that still links to the landing pages of an ended campaign.

The claims are found by the IN extractors (``rules/intake.py``). Where a landing-copy claim is
about the campaign's own pathway, the CP rule reports it and the IN rule stays quiet.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from generator.lint.context import Context
from generator.lint.document import LintDocument
from generator.lint.rule import Diagnostic, Rule, Severity
from generator.lint.rules.intake import (
    APPOINTMENT_WORDS,
    REFERRAL_WORDS,
    TELEHEALTH_WORDS,
    WAIT_WORDS,
    campaign_pathway,
    claims,
    facts,
    is_label,
    referral_claims,
    referral_problem,
    telehealth_claims,
    telehealth_problem,
    wait_problem,
    wait_promises,
)


class LandingReferralContradictsPathway(Rule):
    """Landing copy that contradicts the pathway's referral rule.

    ## What it does
    Reads what the landing copy says about referrals ("no referral needed", "ask your doctor
    for a referral") and compares it with the referral rule of the campaign's `pathway`.

    ## Why is this bad?
    An ad is a promise. Patients who answer it without a required referral cannot book, and
    the campaign pays for leads that intake must turn away.

    ## Example
    ```markdown
    ---
    kind: campaign
    pathway: stress-test
    ---
    Get a treadmill check of your heart. No referral needed.
    ```

    Use instead:
    ```markdown
    ---
    kind: campaign
    pathway: stress-test
    ---
    Has your doctor ordered a treadmill check of your heart? You need a referral for it.
    ```
    """

    code = "CP001"
    name = "landing-referral-contradicts-pathway"
    severity = Severity.ERROR
    kinds = frozenset({"campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        own = campaign_pathway(doc, ctx)
        for found in claims(doc, ctx, referral_claims, REFERRAL_WORDS):
            if found.pathway is None or found.pathway[0] != own:
                continue
            message = referral_problem(doc, found.value, found.pathway[1])
            if message:
                yield self.in_segment(doc, found.segment, found.start, found.end, message)


class LandingWaitShorterThanPathway(Rule):
    """Landing copy that promises a shorter wait than the pathway's.

    ## What it does
    Flags a wait promise in landing copy ("same-day appointments", "seen this week", "within
    48 hours") shorter than the typical longest wait of the campaign's `pathway`.

    ## Why is this bad?
    Ads are held to what they promise. A patient promised a visit tomorrow and offered one in
    two weeks feels misled, and the ad may break advertising rules on misleading claims.

    ## Example
    ```markdown
    ---
    kind: campaign
    ---
    Chest pain that comes and goes? See a heart doctor tomorrow.
    ```

    Use instead:
    ```markdown
    ---
    kind: campaign
    ---
    Chest pain that comes and goes? New patients are usually seen within 5 to 10 business days.
    ```
    """

    code = "CP002"
    name = "landing-wait-shorter-than-pathway"
    severity = Severity.ERROR
    kinds = frozenset({"campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        own = campaign_pathway(doc, ctx)
        for found in claims(doc, ctx, wait_promises, WAIT_WORDS, also=APPOINTMENT_WORDS, triage=False):
            if found.pathway is None or found.pathway[0] != own:
                continue
            message = wait_problem(doc, found, found.pathway[1])
            if message:
                yield self.in_segment(doc, found.segment, found.start, found.end, message)


class LandingOfferOutsidePathway(Rule):
    """Landing copy that offers what the campaign's pathway is not.

    ## What it does
    Flags landing copy that names another appointment type of the service line (its
    `appointment_type` or an alias: "stress test" on a new-patient campaign), and a telehealth
    offer ("video visit", "from home") when the campaign's pathway has `telehealth: false`.

    ## Why is this bad?
    A campaign books one pathway: its form, phone and next step all lead there. Patients who
    answer an ad for something else reach the wrong queue, or expect a visit they cannot get.

    ## Example
    ```markdown
    ---
    kind: campaign
    ---
    See a heart doctor by video, or book a stress test.
    ```

    Use instead:
    ```markdown
    ---
    kind: campaign
    ---
    See a heart doctor at Riverbend Heart Center. New patients are welcome.
    ```
    """

    code = "CP003"
    name = "landing-offer-outside-pathway"
    severity = Severity.ERROR
    kinds = frozenset({"campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        own = campaign_pathway(doc, ctx)
        known = facts(doc, ctx)
        if own is None or known.intake is None or known.names is None:
            return
        sold = known.intake.pathways[own].appointment_type
        for segment in doc.segments:
            named: set[str] = set()
            for start, end, pid in known.names.find(segment.text):
                if pid == own or pid in named:
                    continue
                named.add(pid)
                other = known.intake.pathways[pid].appointment_type
                message = (
                    f'landing copy names "{segment.text[start:end]}" ({other}); this campaign books {sold}'
                )
                yield self.in_segment(doc, segment, start, end, message)
        for found in claims(doc, ctx, telehealth_claims, TELEHEALTH_WORDS):
            if found.pathway is None or found.pathway[0] != own or is_label(found):
                continue
            problem = telehealth_problem(doc, found, found.pathway[1])
            if problem:
                yield self.in_segment(doc, found.segment, found.start, found.end, problem)


class LinkToExpiredCampaign(Rule):
    """Content that links to an expired campaign's landing page.

    ## What it does
    Flags a link on a content page to a landing URL (`/lp/...`, a relative link into the
    landing folder, or the site's own address) of a campaign that has ended. The engine runs
    it once per site, over every content page.

    ## Why is this bad?
    After its end date every URL of a campaign only redirects to its cluster hub: the link
    costs patients a hop through a page that says "this offer has ended", and the campaign's
    tracking id keeps counting visits it did not earn.

    ## Example
    ```markdown
    Book your [summer checkup](/lp/summer-checkup/a/).
    ```

    Use instead:
    ```markdown
    Book your [yearly checkup](../primary-care/checkups/index.md).
    ```
    """

    code = "CP004"
    name = "link-to-expired-campaign"
    severity = Severity.WARNING

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        segments = ctx.expired_landing_segments
        return self._links(doc, ctx, segments) if segments else ()

    def _links(self, doc: LintDocument, ctx: Context, segments: dict[str, str]) -> Iterable[Diagnostic]:
        """Findings for the links of one content page."""
        prefix = ctx.site.project.settings.landing_prefix
        targets = [(link.href, link.position) for link in doc.links if prefix in link.href]
        targets += [
            (m.group(1), h.position)
            for h in doc.html
            if prefix in h.content
            for m in _HREF.finditer(h.content)
        ]
        if not targets:
            return
        site_url = ctx.site.project.site_url or ""
        src = getattr(doc.page, "src", "")
        for href, position in targets:
            slug = _landing_slug(href, src, prefix, site_url, segments)
            if slug is not None:
                yield self.at(doc, position, _message(ctx, href, slug))


_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _landing_slug(href: str, src: str, prefix: str, site_url: str, segments: dict[str, str]) -> str | None:
    """The expired campaign a link leads into, if any."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        own = urlsplit(site_url)
        if parts.scheme not in ("http", "https", "") or parts.netloc != own.netloc:
            return None
        path = parts.path.removeprefix(own.path.rstrip("/"))
    else:
        path = parts.path
    if not path:
        return None
    if not path.startswith("/"):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(src), path))
    pieces = [p for p in path.split("/") if p not in ("", ".", "..")]
    if len(pieces) >= 2 and pieces[0] == prefix:
        return segments.get(pieces[1])
    return None


def _message(ctx: Context, href: str, slug: str) -> str:
    campaign = ctx.site.campaigns[slug].campaign
    if campaign.expired_redirect:
        target = campaign.expired_redirect
    else:
        cluster = ctx.site.clusters.get(campaign.cluster)
        target = cluster.hub.src if cluster else campaign.cluster
    return (
        f"link to {href} leads to campaign {slug}, which ended on {campaign.end} and now redirects; "
        f"link to {target} instead"
    )


RULES = (
    LandingReferralContradictsPathway(),
    LandingWaitShorterThanPathway(),
    LandingOfferOutsidePathway(),
    LinkToExpiredCampaign(),
)
