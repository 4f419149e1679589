"""RD: reading level of patient copy (Flesch-Kincaid and SMOG grade; formulas in
``generator/lint/readability.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from generator.lint import readability
from generator.lint.context import Context
from generator.lint.document import LintDocument, Position
from generator.lint.rule import Diagnostic, Rule, Severity


def _first_body_line(doc: LintDocument) -> Position:
    """Where the body's first non-blank line starts (campaign copy: its first prose, since
    the body begins with the headline)."""
    if doc.kind == "campaign" and doc.prose:
        return doc.prose[0].position(0)
    for index, line in enumerate(doc.body.split("\n")):
        if line.strip():
            return doc.file_position(index, 0)
    return doc.file_position(0, 0)


def _grade(value: float, limit: float | None = None) -> str:
    """``8.4``; more decimals when one would not show that the grade is above ``limit``."""
    if limit is None:
        return f"{value:.1f}".removesuffix(".0")
    for digits in (1, 2, 3):
        shown = f"{value:.{digits}f}"
        if float(shown) > limit:
            break
    return shown


class _GradeRule(Rule):
    """Shared logic: score the document, compare with a limit, name the longest sentences."""

    kinds = frozenset({"page", "campaign"})
    measure: ClassVar[str]
    advice: ClassVar[str]

    def limit(self, ctx: Context) -> float:
        raise NotImplementedError

    def grade(self, scores: readability.Scores) -> float:
        raise NotImplementedError

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        settings = ctx.settings.readability
        scores = readability.scores(doc)
        if scores.sentence_count < settings.min_sentences:
            return
        grade, limit = self.grade(scores), self.limit(ctx)
        if grade <= limit:
            return
        lines = ", ".join(str(s.line) for s in scores.longest(3))
        yield self.at(
            doc,
            _first_body_line(doc),
            f"{self.measure} grade {_grade(grade, limit)} is above the limit of {_grade(limit)}; "
            f"{self.advice}; the longest sentences are on lines {lines}",
        )


class ReadingGradeAboveLimit(_GradeRule):
    """Reading grade (Flesch-Kincaid) above the limit.

    ## What it does
    Scores the page's running text (paragraphs, list items, quotes) with the Flesch-Kincaid
    grade formula and flags pages above `readability.max_grade` (default 8). Pages with fewer
    than `readability.min_sentences` sentences (default 10) are not scored. The finding names
    the lines of the three longest sentences.

    ## Why is this bad?
    About a third of US adults have limited health literacy. NIH and AMA advise patient
    material at or below grade 8, ideally grade 6. Long sentences and long words are what
    raise the grade; they are also what patients skip.

    ## Example
    ```markdown
    Angina pectoris is characterized by substernal discomfort precipitated by exertion.
    Myocardial ischemia results from inadequate coronary perfusion relative to demand.
    Diagnostic evaluation frequently incorporates electrocardiographic monitoring.
    Pharmacological management typically includes antianginal medications.
    Revascularization procedures are considered for refractory symptomatology.
    Comprehensive cardiovascular evaluation identifies modifiable risk factors.
    Individualized rehabilitation programs facilitate functional improvement.
    Unstable presentations necessitate immediate emergency evaluation.
    Interdisciplinary collaboration optimizes therapeutic outcomes considerably.
    Longitudinal surveillance determines subsequent therapeutic modifications.
    ```

    Use instead:
    ```markdown
    Angina is chest pain or pressure.
    It often comes when you are active.
    It happens when your heart does not get enough blood.
    A heart doctor can find the cause.
    You may need a test of your heart.
    Medicine can help with the pain.
    Some people need a procedure to open an artery.
    Healthy habits help too.
    If the pain is new or worse, call 911.
    Do not drive yourself to the hospital.
    ```
    """

    code = "RD001"
    name = "reading-grade-above-limit"
    severity = Severity.WARNING
    measure = "Flesch-Kincaid reading"
    advice = "split long sentences and use shorter words"

    def limit(self, ctx: Context) -> float:
        return ctx.settings.readability.max_grade

    def grade(self, scores: readability.Scores) -> float:
        return scores.flesch_kincaid


class SmogGradeAboveLimit(_GradeRule):
    """SMOG grade above the limit.

    ## What it does
    Scores the page's running text with the SMOG formula (words of three or more syllables
    per sentence) and flags pages above `readability.max_smog` (default 8). Pages with fewer
    than `readability.min_sentences` sentences (default 10) are not scored. The finding names
    the lines of the three longest sentences.

    ## Why is this bad?
    SMOG is the measure most recommended for consumer health material: it predicts the grade
    at which readers fully understand a text. Each long word ("medication", "appointment",
    "cardiologist") raises it, even in short sentences.

    ## Example
    ```markdown
    Counseling appointments are confidential.
    Our psychologists provide individual therapy.
    Psychiatrists evaluate medication options.
    Telehealth appointments are available.
    Insurance authorization is occasionally necessary.
    Your counselor explains confidentiality.
    Emergency situations are different.
    Documentation is protected information.
    Family participation is optional.
    Identification is necessary at registration.
    ```

    Use instead:
    ```markdown
    What you say to your counselor stays private.
    You can talk about what is on your mind.
    Some people meet by video.
    Your first visit takes about an hour.
    Bring your insurance card.
    You can bring a family member if you like.
    We will ask what brings you in.
    We make a plan with you.
    If you are in crisis, call or text 988.
    You can call us to book.
    ```
    """

    code = "RD002"
    name = "smog-grade-above-limit"
    severity = Severity.WARNING
    measure = "SMOG"
    advice = "use fewer words of three or more syllables and split long sentences"

    def limit(self, ctx: Context) -> float:
        return ctx.settings.readability.max_smog

    def grade(self, scores: readability.Scores) -> float:
        return scores.smog


RULES = (ReadingGradeAboveLimit(), SmogGradeAboveLimit())
