"""RV: clinical review: every medical page has one, and it is recent."""

from __future__ import annotations

from collections.abc import Iterable

from generator.content import Page
from generator.lint.context import Context
from generator.lint.document import LintDocument, Position
from generator.lint.rule import Diagnostic, Rule, Severity

REVIEWED_TYPES = ("question", "cluster", "service-line")
"""Page types that give medical information and need a clinical review."""


def front_matter_position(doc: LintDocument, *loc: str) -> Position:
    """Where a front-matter value is in the page's file (line 1 when it has none)."""
    if isinstance(doc.page, Page) and loc:
        line, col = doc.page.doc.front_matter.position(loc)
        return Position(line, col)
    return Position(1, 1)


class MissingClinicalReview(Rule):
    """Medical page without a clinical review.

    ## What it does
    Flags a question, cluster (topic hub) or service-line page whose front matter has no
    `reviewed: {by, on}`. Drafts are skipped. A question cannot even be published without one,
    so this is an error there and a warning on hubs and service-line pages.

    ## Why is this bad?
    Hubs and service-line pages give medical advice too: warning signs, what a test is, when
    to call 911. Patients, search engines and accreditors expect health information to name
    the clinician who checked it, and when.

    ## Example
    ```markdown
    ---
    reviewed: null  # a question page with no review on record
    ---
    Angina is chest pain that happens when your heart does not get enough blood.
    ```

    Use instead:
    ```markdown
    ---
    reviewed: {by: "Dana Cole, MD", on: 2026-09-12}
    ---
    Angina is chest pain that happens when your heart does not get enough blood.
    ```
    """

    code = "RV001"
    name = "missing-clinical-review"
    severity = Severity.WARNING

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        meta = doc.meta
        kind = getattr(meta, "type", None)
        if kind not in REVIEWED_TYPES or meta.draft or meta.reviewed is not None:
            return
        finding = self.at(
            doc,
            Position(1, 1),
            f'{kind} page has no clinical review; add reviewed: {{by: "Name, credentials", '
            "on: YYYY-MM-DD} to its front matter",
        )
        yield finding.with_severity(Severity.ERROR) if kind == "question" else finding


class StaleClinicalReview(Rule):
    """Clinical review older than the allowed age.

    ## What it does
    Flags a page whose `reviewed.on` date is more than `review_max_age_days` (default 365)
    before today. Drafts are skipped: they are reviewed again before they are published.

    ## Why is this bad?
    Guidelines, drugs and the services a clinic offers change. A review from years ago tells
    patients the page is checked when no one has looked at it since.

    ## Example
    ```markdown
    ---
    reviewed: {by: "Dana Cole, MD", on: 2024-05-02}
    ---
    Angina is chest pain that happens when your heart does not get enough blood.
    ```

    Use instead:
    ```markdown
    ---
    reviewed: {by: "Dana Cole, MD", on: 2026-09-12}
    ---
    Angina is chest pain that happens when your heart does not get enough blood.
    ```
    """

    code = "RV002"
    name = "stale-clinical-review"
    severity = Severity.WARNING

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        meta = doc.meta
        reviewed = getattr(meta, "reviewed", None)
        if reviewed is None or meta.draft:
            return
        age = (ctx.today - reviewed.on).days
        limit = ctx.settings.review_max_age_days
        if age > limit:
            yield self.at(
                doc,
                front_matter_position(doc, "reviewed", "on"),
                f"clinical review of {reviewed.on.isoformat()} by {reviewed.by} is {age} days old "
                f"(limit {limit}); review the page again and update reviewed.on",
            )


RULES = (MissingClinicalReview(), StaleClinicalReview())
