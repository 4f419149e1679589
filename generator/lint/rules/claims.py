"""CL: claims that need logic: patient testimonials. The word-list claims (guarantees, cures,
absolute outcomes, superlatives, hype) are data in ``terms/claims.yml``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from generator.lint.context import Context
from generator.lint.document import LintDocument, Segment
from generator.lint.rule import Diagnostic, Rule, Severity

QUOTATION = re.compile(r'["“][^"“”]{8,}["”]')
"""A quoted sentence: at least a few words between quotation marks."""

_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_VERB = r"(?i:says?|said|shares|shared|told\s+us)"

PATIENT_WORD = re.compile(
    r"(?:patients?|clients?|caregivers?|family\s+members?|parents?|mom|mother|dad|father)(?![a-z0-9])"
)
"""A patient, in lowercased text."""
PATIENT_STEMS = ("patient", "client", "caregiver", "family", "parent", "mom", "mother", "dad", "father")
DASH_BEFORE = re.compile(rf"(?:^|\s)[—–-]{{1,2}}\s*{_NAME},?\s+(?:[\w,]+\s+){{0,2}}$")
"""Text before "patient" in "— Maria, patient" or "— Jordan, 54, heart patient"."""
VERB_BEFORE = re.compile(rf"\b{_VERB},?\s+(?:\w+\s+){{0,2}}$")
"""Text before "patient" in "says patient Maria" or "said our patient"."""
VERB_AFTER = re.compile(rf"\s+(?:{_NAME}\s+)?(?i:says|said|shares|shared|told\s+us)\b")
"""Text after "patient" in "our patient Maria says" (not the general "patients say")."""

TESTIMONIAL_WORDS = re.compile(r"(?:testimonials?|patient\s+(?:reviews?|stor(?:y|ies)))(?![a-z0-9])")
"""Words that announce testimonials, in lowercased text."""
TESTIMONIAL_STEMS = ("testimonial", "patient")
TYPICAL_RESULTS = re.compile(
    r"\bresults\s+(?:may\s+|can\s+|will\s+|do\s+)?(?:vary|differ)\b"
    r"|\b(?:not|isn['’]t|aren['’]t)\s+typical\b"
    r"|\bvar(?:y|ies)\s+from\s+(?:person|patient)\s+to\s+(?:person|patient)\b",
    re.IGNORECASE,
)


def _excerpt(text: str, limit: int = 50) -> str:
    """A short excerpt of a quote for a message, without quotation marks."""
    plain = " ".join(re.sub(r'["“”]', "", text).split())
    return plain if len(plain) <= limit else plain[:limit].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Testimonial:
    """Where a page quotes a patient, and the words that show it."""

    segment: Segment
    start: int
    end: int
    evidence: str


def _quote_groups(doc: LintDocument) -> Iterator[list[Segment]]:
    """Block quotes (consecutive quote segments of one section), and every other segment alone."""
    group: list[Segment] = []
    for segment in doc.segments:
        if segment.kind == "quote" and (not group or group[-1].section == segment.section):
            group.append(segment)
            continue
        if group:
            yield group
            group = []
        if segment.kind == "quote":
            group = [segment]
        else:
            yield [segment]
    if group:
        yield group


def _lower(text: str) -> str:
    """``text`` in lowercase, each character at its place (``str.lower`` may lengthen a few)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else "".join(c.lower()[:1] or c for c in text)


def _word_at(lower: str, start: int) -> bool:
    """Does a word start at ``start``?"""
    return start == 0 or not lower[start - 1].isalnum()


def _words(lower: str, stems: tuple[str, ...], pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` that start a word at one of the ``stems`` (found with ``str.find``,
    much faster than scanning with the pattern), in no particular order."""
    for stem in stems:
        start = lower.find(stem)
        while start >= 0:
            match = pattern.match(lower, start)
            if match is not None and _word_at(lower, start):
                yield match
            start = lower.find(stem, start + 1)


def _attributed(text: str, lower: str) -> bool:
    """Does ``text`` attribute a quote to a patient: "— Maria, patient", "says patient Maria",
    "our patient Maria says"?"""
    return _attributed_at(text, lower, PATIENT_STEMS)


def _attributed_at(text: str, lower: str, stems: tuple[str, ...]) -> bool:
    """``_attributed``, looking only at the patient words that start with one of ``stems``."""
    for hit in _words(lower, stems, PATIENT_WORD):
        start, end = hit.span()
        before = text[max(0, start - 80) : start]
        if _may_dash(before) and DASH_BEFORE.search(before):
            return True
        if _may_verb(before, lower[max(0, start - 80) : start]) and VERB_BEFORE.search(before):
            return True
        if VERB_AFTER.match(text, end):
            return True
    return False


def _may_dash(before: str) -> bool:
    """Can ``DASH_BEFORE`` match: is there a dash?"""
    return "-" in before or "—" in before or "–" in before


def _may_verb(before: str, lower: str) -> bool:
    """Can ``VERB_BEFORE`` match: is there "say", "said", "share" or "told"? (Told only of ASCII
    text: ignoring case, a regular expression also matches "ſ" for "s".)"""
    return not before.isascii() or any(verb in lower for verb in ("say", "said", "share", "told"))


def find_testimonial(doc: LintDocument) -> Testimonial | None:
    """The first patient testimonial of the document: a block quote with an attribution to a
    patient, a quoted sentence with such an attribution, or the words "testimonial", "patient
    review" or "patient story"."""
    testimonial: tuple[str, ...] = TESTIMONIAL_STEMS
    patient: tuple[str, ...] = PATIENT_STEMS
    if len(doc.lower) == len(doc.text):  # ``_lower(doc.text)`` is ``doc.lower``: skip absent stems
        everything = doc.lower
        testimonial = tuple(stem for stem in testimonial if not doc.lacks(stem))
        patient = tuple(stem for stem in patient if not doc.lacks(stem))
    else:
        everything = _lower(doc.text)
    if not any(_words(everything, testimonial, TESTIMONIAL_WORDS)) and not _attributed_at(
        doc.text, everything, patient
    ):
        return None  # the common case, decided in one pass over the whole text
    for group in _quote_groups(doc):
        for segment in group:
            lower = _lower(segment.text)
            word = min(
                _words(lower, TESTIMONIAL_STEMS, TESTIMONIAL_WORDS), key=lambda m: m.start(), default=None
            )
            if word is not None:
                evidence = segment.text[word.start() : word.end()]
                return Testimonial(segment, word.start(), word.end(), evidence)
        text = "\n".join(s.text for s in group)
        if not _attributed(text, _lower(text)):
            continue
        if group[0].kind == "quote":
            first = group[0]
            return Testimonial(first, 0, len(first.text), _excerpt(first.text))
        quoted = QUOTATION.search(text)
        if quoted is not None:
            return Testimonial(group[0], quoted.start(), quoted.end(), _excerpt(quoted.group(0)))
    return None


class TestimonialWithoutAuthorization(Rule):
    """Patient testimonial without a signed authorization on record.

    ## What it does
    Flags a page that quotes a patient (a block quote attributed to a patient, a quoted
    sentence with "says patient ...", or the words "testimonial", "patient review", "patient
    story") when its front matter has no `testimonial_authorization` (the reference of the
    signed form). Campaign copy cannot record one, so a testimonial there is always flagged.

    ## Why is this bad?
    Using a patient's story or words in marketing needs the patient's signed HIPAA
    authorization (45 CFR 164.508(a)(3)). Providers have paid settlements for posting patient
    testimonials without one (HHS OCR, Complete P.T., 2016).

    ## Example
    ```markdown
    > "The team found my heart problem fast."
    > — Maria, patient
    ```

    Use instead:
    ```markdown
    ---
    testimonial_authorization: "HIPAA-AUTH-2026-0142 (signed 2026-08-03)"
    ---
    > "The team found my heart problem fast."
    > — Maria, patient

    Results vary from person to person.
    ```
    """

    code = "CL006"
    name = "testimonial-without-authorization"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        if getattr(doc.meta, "testimonial_authorization", None):
            return
        found = find_testimonial(doc)
        if found is None:
            return
        if doc.kind == "campaign":
            message = (
                f'patient testimonial ("{found.evidence}") in campaign copy; campaigns cannot record a '
                "signed HIPAA authorization, so put the story on a page with testimonial_authorization"
            )
        else:
            message = (
                f'patient testimonial ("{found.evidence}") on a page without testimonial_authorization '
                "in its front matter; a patient's story needs their signed HIPAA authorization "
                "(45 CFR 164.508)"
            )
        yield self.in_segment(doc, found.segment, found.start, found.end, message)


class TestimonialWithoutResultsDisclosure(Rule):
    """Patient testimonial without a typical-results disclosure.

    ## What it does
    Flags an authorized patient testimonial on a page that never says the results are not
    typical ("Results vary", "Results may vary", "This is not typical").

    ## Why is this bad?
    A patient's story implies that others will get the same result. Unless that is proven,
    the FTC Endorsement Guides require a clear disclosure of what people can generally expect
    (16 CFR 255.2(b)).

    ## Example
    ```markdown
    ---
    testimonial_authorization: "HIPAA-AUTH-2026-0142 (signed 2026-08-03)"
    ---
    > "After my stress test, I finally knew what was wrong."
    > — James, patient
    ```

    Use instead:
    ```markdown
    ---
    testimonial_authorization: "HIPAA-AUTH-2026-0142 (signed 2026-08-03)"
    ---
    > "After my stress test, I finally knew what was wrong."
    > — James, patient

    This is one patient's experience. Results vary from person to person.
    ```
    """

    code = "CL007"
    name = "testimonial-without-results-disclosure"
    severity = Severity.WARNING

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        if not getattr(doc.meta, "testimonial_authorization", None):
            return
        if TYPICAL_RESULTS.search(doc.text):
            return
        found = find_testimonial(doc)
        if found is None:
            return
        yield self.in_segment(
            doc,
            found.segment,
            found.start,
            found.end,
            f'patient testimonial ("{found.evidence}") without a typical-results disclosure; '
            'add a sentence such as "Results vary from person to person." (FTC, 16 CFR 255.2)',
        )


RULES = (TestimonialWithoutAuthorization(), TestimonialWithoutResultsDisclosure())
