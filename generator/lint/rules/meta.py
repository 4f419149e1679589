"""CW: carewheel's own comments: suppressions must say why, and name real rules."""

from __future__ import annotations

from collections.abc import Iterable

from generator.lint.context import Context
from generator.lint.document import LintDocument, Position
from generator.lint.rule import Diagnostic, Rule, Severity


class SuppressionWithoutReason(Rule):
    """Suppression comment without a reason.

    ## What it does
    Flags a `carewheel: disable` comment that gives no reason after `--`.

    ## Why is this bad?
    Healthcare copy is audited. A silenced finding with no reason cannot be reviewed, and it
    stays silenced long after anyone remembers why.

    ## Example
    ```markdown
    <!-- carewheel: disable-next-line=CL004 -->
    Our top-rated team is here for you.
    ```

    Use instead:
    ```markdown
    <!-- carewheel: disable-next-line=CL004 -- rating from the 2026 state survey, see claims review 12 -->
    Our top-rated team is here for you.
    ```
    """

    code = "CW001"
    name = "suppression-without-reason"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for comment in doc.suppressions.comments:
            if comment.action != "enable" and not comment.reason:
                yield self.at(
                    doc,
                    Position(comment.line, comment.col),
                    f"suppression of {', '.join(comment.codes)} gives no reason; add `-- why` to the comment",
                )


class SuppressionOfUnknownRule(Rule):
    """Suppression comment naming no rule.

    ## What it does
    Flags a `carewheel:` comment whose code matches no rule (a typo, or a retired code).

    ## Why is this bad?
    The comment silences nothing, so the finding it was meant for still shows, or the comment
    hides the wrong rule after a rename.

    ## Example
    ```markdown
    <!-- carewheel: disable-next-line=CL999 -- approved by compliance -->
    We guarantee you will feel better.
    ```

    Use instead:
    ```markdown
    <!-- carewheel: disable-next-line=CL001 -- approved by compliance, ticket 88 -->
    We guarantee you will feel better.
    ```
    """

    code = "CW002"
    name = "suppression-of-unknown-rule"
    severity = Severity.WARNING
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        comments = doc.suppressions.comments
        if not comments:  # most documents
            return
        from generator.lint.rules import all_rules

        codes = [rule.code for rule in all_rules()]
        for comment in comments:
            for code in comment.codes:
                if not any(known.startswith(code) for known in codes):
                    yield self.at(doc, Position(comment.line, comment.col), f"{code} matches no rule")


RULES = (SuppressionWithoutReason(), SuppressionOfUnknownRule())
