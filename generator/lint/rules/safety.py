"""SF: safety: red-flag symptoms route to 911 or 988 in the text itself, and crisis numbers are
current.

Red-flag phrases come from the service line's intake script (``triage.red_flags``) and match as
``generator.intake.RedFlagMatcher`` matches them for the theme's emergency block (whole words,
ignoring case, punctuation and formatting), here with the position of every occurrence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from generator.intake import words
from generator.lint.context import Context
from generator.lint.document import LintDocument, Segment
from generator.lint.rule import Diagnostic, Rule, Severity
from generator.schemas import Intake, Organization, RedFlagRoute

URGENT_ROUTES = (RedFlagRoute.EMERGENCY, RedFlagRoute.CRISIS)

RETIRED_CRISIS_LINE = re.compile(
    r"(?<![\w-])(?:\+?1[\s.-]*)?\(?800\)?[\s.-]*273[\s.-]*(?:8255|TALK)(?![\w-])", re.IGNORECASE
)
RETIRED_CRISIS_TEL = re.compile(r"^tel:(?:\+?1)?-?800-?273-?(?:8255|talk)$", re.IGNORECASE)

NEGATED = re.compile(
    r"(?:\b(?:not|never|no|instead\s+of|rather\s+than|without)|n['’]t)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)

ROUTINE_STEP = re.compile(
    r"\b(?:(?:book|schedule)\s+(?:a|an|your|online|now|today|it)|request\s+an\s+appointment"
    r"|fill\s+out\s+(?:the|our|this)\s+form|make\s+an\s+appointment)\b",
    re.IGNORECASE,
)

WAIT_OR_DRIVE = re.compile(
    r"\b(?:driv(?:e|ing)\s+(?:yourself|(?:\w+\s+)?to\s+(?:the\s+|an?\s+)?(?:ER|E\.R\.|emergency\s+"
    r"(?:room|department)|hospital|urgent\s+care|clinic))"
    r"|have\s+(?:someone|a\s+friend|a\s+family\s+member)\s+drive\s+you"
    r"|wait\s+and\s+see"
    r"|wait\s+(?:until|till|for)\s+(?:the\s+)?(?:morning|tomorrow|monday|your\s+(?:next\s+)?"
    r"(?:appointment|visit)|an\s+appointment)"
    r"|sleep\s+(?:it\s+off|on\s+it)"
    r"|make\s+an\s+appointment"
    r"|(?:book|schedule)\s+(?:a|an|your)\s+(?:\w+\s+){0,2}?(?:visit|appointment))(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RedFlagMention:
    """One occurrence of an intake red-flag phrase in a document's prose."""

    index: int
    """Index of the segment in ``doc.segments``."""
    segment: Segment
    start: int
    end: int
    route: RedFlagRoute
    phrase: str


@dataclass(frozen=True)
class _Phrase:
    """One urgent red-flag phrase of an intake script, ready to find."""

    phrase: str
    route: RedFlagRoute
    before: tuple[str, ...]
    """Words before the anchor, the phrase's longest (so rarest) word."""
    anchor: str
    rest: re.Pattern[str]
    """From the anchor on, in lowercased text: the words, any punctuation or spacing between."""


_phrases: dict[int, tuple[Intake, list[_Phrase]]] = {}
_last: tuple[LintDocument, list[RedFlagMention]] | None = None


def _compile_phrase(phrase: str, route: RedFlagRoute) -> _Phrase | None:
    tokens = words(phrase)
    if not tokens:
        return None
    k = max(range(len(tokens)), key=lambda i: len(tokens[i]))
    rest = re.compile(r"[^a-z0-9]+".join(re.escape(w) for w in tokens[k:]))
    return _Phrase(phrase, route, tuple(tokens[:k]), tokens[k], rest)


def _phrases_of(intake: Intake) -> list[_Phrase]:
    """The emergency and crisis phrases of ``intake``, compiled once per script."""
    cached = _phrases.get(id(intake))
    if cached is None or cached[0] is not intake:
        if len(_phrases) > 64:
            _phrases.clear()
        compiled = [
            p
            for flag in intake.triage.red_flags
            if flag.route in URGENT_ROUTES
            for phrase in flag.phrases
            if (p := _compile_phrase(phrase, flag.route)) is not None
        ]
        cached = (intake, compiled)
        _phrases[id(intake)] = cached
    return cached[1]


def _lower(text: str) -> str:
    """``text`` in lowercase, each character at its place (``str.lower`` may lengthen a few)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else "".join(c.lower()[:1] or c for c in text)


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _start_before(lower: str, at: int, before: tuple[str, ...]) -> int | None:
    """Where the phrase starts if ``before`` (its words before the anchor) precede ``at``, each
    followed by punctuation or spacing; ``None`` if they do not."""
    for word in reversed(before):
        end = at
        while end > 0 and not _is_word_char(lower[end - 1]):
            end -= 1
        start = end - len(word)
        if end == at or start < 0 or lower[start:end] != word:
            return None
        at = start
    return at


def _occurrences(lower: str, phrases: list[_Phrase]) -> Iterator[tuple[int, int, _Phrase]]:
    """Whole-word occurrences of ``phrases`` in lowercased text, as the intake matcher finds
    them (``RedFlagMatcher``: words, ignoring case and punctuation). The anchor word is found
    with ``str.find``; the rest of the phrase is checked only there."""
    for phrase in phrases:
        at = lower.find(phrase.anchor)
        while at >= 0:
            start = _start_before(lower, at, phrase.before)
            match = phrase.rest.match(lower, at) if start is not None else None
            if (
                start is not None
                and match is not None
                and not (start and _is_word_char(lower[start - 1]))
                and not (match.end() < len(lower) and _is_word_char(lower[match.end()]))
            ):
                yield start, match.end(), phrase
            at = lower.find(phrase.anchor, at + 1)


def red_flag_mentions(doc: LintDocument, ctx: Context) -> list[RedFlagMention]:
    """Every emergency or crisis red-flag phrase of the document's intake script in its prose,
    in document order (computed once per document, shared by the SF rules)."""
    global _last
    if _last is not None and _last[0] is doc:
        return _last[1]
    intake = ctx.intake(doc)
    found: list[RedFlagMention] = []
    if intake is not None and intake.triage.red_flags:
        phrases = _phrases_of(intake)
        if len(doc.lower) == len(doc.text):  # ``_lower(doc.text)`` is ``doc.lower``: skip absent anchors
            text = doc.lower  # the segments' texts, one per line
            phrases = [phrase for phrase in phrases if not doc.lacks(phrase.anchor)]
        else:
            text = _lower(doc.text)
        offsets: list[int] = []
        for start, end, phrase in _occurrences(text, phrases):
            if "\n" in text[start:end]:
                continue  # runs from one segment into the next
            if not offsets:
                offsets = list(accumulate((len(s.text) + 1 for s in doc.segments), initial=0))
            index = bisect_right(offsets, start) - 1
            segment = doc.segments[index]
            at = start - offsets[index]
            found.append(RedFlagMention(index, segment, at, at + end - start, phrase.route, phrase.phrase))
    found.sort(key=lambda m: (m.index, m.start))
    _last = (doc, found)
    return found


@cache
def _number_pattern(number: str) -> re.Pattern[str]:
    """``911`` as written in prose: ``911`` or ``9-1-1``, not part of a longer number."""
    body = "-?".join(re.escape(d) for d in number)
    return re.compile(rf"(?<![\d-]){body}(?![\d-])")


def route_number(route: RedFlagRoute, org: Organization) -> str:
    """The number a route sends patients to: the emergency number or the crisis line."""
    return org.emergency_number if route is RedFlagRoute.EMERGENCY else org.crisis_line.number


def say_number(route: RedFlagRoute, org: Organization) -> str:
    """``call 911`` / ``call or text 988``."""
    if route is RedFlagRoute.EMERGENCY:
        return f"call {org.emergency_number}"
    how = "call or text" if org.crisis_line.text else "call"
    return f"{how} {org.crisis_line.number}"


def article(route: RedFlagRoute) -> str:
    """``an emergency`` / ``a crisis``."""
    return f"an {route}" if route is RedFlagRoute.EMERGENCY else f"a {route}"


def says_number(text: str, number: str) -> bool:
    """Does ``text`` mention ``number``?"""
    return number[:1] in text and _number_pattern(number).search(text) is not None


class RedFlagWithoutEmergencyGuidance(Rule):
    """Red-flag symptom in a section that does not say 911 or 988.

    ## What it does
    Finds the red-flag phrases of the page's intake script (`triage.red_flags`) in each section
    (the text under one heading). A section naming an emergency red flag must also say 911; one
    naming a crisis red flag must say 988. The finding points at the first such phrase.

    ## Why is this bad?
    The theme shows an emergency block at the top of the page, but sections are read on their
    own: patients jump to a heading from search, and staff quote or print a section. A warning
    sign without the number to call can delay care for a heart attack, a stroke or a suicide
    crisis.

    ## Example
    ```markdown
    ## Warning signs

    Fainting can be a sign of a heart rhythm problem.
    ```

    Use instead:
    ```markdown
    ## Warning signs

    Fainting can be a sign of a heart rhythm problem. If you faint, call 911.
    ```
    """

    code = "SF001"
    name = "red-flag-without-emergency-guidance"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        mentions = red_flag_mentions(doc, ctx)
        if not mentions:
            return
        org = ctx.site.organization
        line = ctx.service_line(doc)
        source = f"the {line.id} intake" if line else "intake"
        sections = doc.sections()
        section_text: dict[int, str] = {}
        reported: set[tuple[int, RedFlagRoute]] = set()
        for mention in mentions:
            section = mention.segment.section
            if (section, mention.route) in reported:
                continue
            if section not in section_text:
                section_text[section] = "\n".join(s.text for s in sections[section])
            if says_number(section_text[section], route_number(mention.route, org)):
                continue
            reported.add((section, mention.route))
            yield self.in_segment(
                doc,
                mention.segment,
                mention.start,
                mention.end,
                f'"{mention.phrase}" is {article(mention.route)} red flag in {source}, but this section '
                f'never says {route_number(mention.route, org)}; add "{say_number(mention.route, org)}" here',
            )


class RetiredCrisisLineNumber(Rule):
    """Retired National Suicide Prevention Lifeline number.

    ## What it does
    Flags 1-800-273-8255 (1-800-273-TALK) in any format, in text and in `tel:` links.

    ## Why is this bad?
    Since July 16, 2022 the crisis line is 988, the 988 Suicide & Crisis Lifeline. The old
    number still forwards today, but nothing guarantees it will, and two numbers confuse people
    in a crisis. 988 is short enough to remember; it also takes texts.

    ## Example
    ```markdown
    ---
    service_line: behavioral-health
    cluster: hard-times
    next_step: crisis
    ---
    If you are thinking about suicide, call 1-800-273-8255.
    ```

    Use instead:
    ```markdown
    ---
    service_line: behavioral-health
    cluster: hard-times
    next_step: crisis
    ---
    If you are thinking about suicide, call or text 988.
    ```
    """

    code = "SF002"
    name = "retired-crisis-line-number"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        line = ctx.site.organization.crisis_line
        advice = f"use {line.number}, the {line.name}"
        for segment in doc.segments if "273" in doc.text else ():
            for match in RETIRED_CRISIS_LINE.finditer(segment.text):
                yield self.in_segment(
                    doc,
                    segment,
                    match.start(),
                    match.end(),
                    f'"{match.group(0)}" is the retired National Suicide Prevention Lifeline number; '
                    f"{advice}",
                )
        for link in doc.links:
            if link.href[:4].lower() == "tel:" and RETIRED_CRISIS_TEL.match(link.href.replace(" ", "")):
                yield self.at(
                    doc,
                    link.position,
                    f"link {link.href!r} calls the retired National Suicide Prevention Lifeline; {advice}",
                )


class RoutineStepBeforeEmergencyGuidance(Rule):
    """Routine call to action before the 911 or 988 instruction.

    ## What it does
    On a page or landing copy that names an emergency or crisis red flag of its intake script,
    flags the first routine call to action ("book a", "schedule a", "request an appointment",
    "fill out the form", "make an appointment") when it comes before the first mention of the
    route's number (911 for an emergency, 988 for a crisis), or when the text never mentions it.
    "Do not book a visit first" is not a call to action.

    ## Why is this bad?
    Patients with warning signs act on the first instruction they read. If that is "book a
    visit", someone with a heart attack may wait days for an appointment. Emergency routing
    comes first, then the routine next step.

    ## Example
    ```markdown
    Book a visit with our heart doctors today.

    ## Warning signs

    If you have chest pain or pressure right now, call 911.
    ```

    Use instead:
    ```markdown
    If you have chest pain or pressure right now, call 911.

    ## When it can wait

    Book a visit with our heart doctors today.
    ```
    """

    code = "SF003"
    name = "routine-step-before-emergency-guidance"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        mentions = red_flag_mentions(doc, ctx)
        if not mentions:
            return
        org = ctx.site.organization
        routes = [r for r in URGENT_ROUTES if any(m.route is r for m in mentions)]
        numbers = [route_number(r, org) for r in routes]
        guidance = _first_mention(doc, numbers)
        step = _first_routine_step(doc, guidance)
        if step is None:
            return
        index, start, match = step
        first = mentions[0]
        said = " or ".join(numbers)
        if guidance is None:
            message = (
                f'routine step "{match.group(0)}" in text that names the {first.route} red flag '
                f'"{first.phrase}" but never says {said}; add "{say_number(routes[0], org)}" before it'
            )
        else:
            message = (
                f'routine step "{match.group(0)}" comes before the first {said} instruction in text that '
                f'names the {first.route} red flag "{first.phrase}"; put "{say_number(routes[0], org)}" first'
            )
        yield self.in_segment(doc, doc.segments[index], start, match.end(), message)


def _first_mention(doc: LintDocument, numbers: list[str]) -> tuple[int, int] | None:
    """(segment index, character) of the first mention of any of ``numbers``."""
    for index, segment in enumerate(doc.segments):
        starts = [
            m.start()
            for n in numbers
            if n[:1] in segment.text and (m := _number_pattern(n).search(segment.text))
        ]
        if starts:
            return index, min(starts)
    return None


def _first_routine_step(
    doc: LintDocument, before: tuple[int, int] | None
) -> tuple[int, int, re.Match[str]] | None:
    """(segment index, character, match) of the first routine call to action that is not
    negated, if it comes ``before`` the given position (anywhere when ``None``)."""
    last = before[0] if before else len(doc.segments) - 1
    for index, segment in enumerate(doc.segments[: last + 1]):
        for match in ROUTINE_STEP.finditer(segment.text):
            if before and (index, match.start()) > before:
                return None
            if not NEGATED.search(segment.text[: match.start()]):
                return index, match.start(), match
    return None


class EmergencyAdviceToWaitOrDrive(Rule):
    """Red-flag symptom with advice to wait, drive or book instead of calling 911.

    ## What it does
    Flags a sentence that names an emergency (or crisis) red flag of the intake script and tells
    the patient to drive to the hospital, "wait and see", wait until morning, or make an
    appointment, without saying 911 (988 for a crisis) in the same sentence. "Do not drive
    yourself" is fine.

    ## Why is this bad?
    With heart attack or stroke signs, every minute counts. Driving yourself risks passing out
    at the wheel and gives up the care an ambulance team starts on the way; waiting or booking
    a visit delays treatment that saves heart and brain tissue.

    ## Example
    ```markdown
    If you have chest pain or pressure right now, drive to the ER.
    ```

    Use instead:
    ```markdown
    If you have chest pain or pressure right now, call 911. Do not drive yourself.
    ```
    """

    code = "SF004"
    name = "emergency-advice-to-wait-or-drive"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        mentions = red_flag_mentions(doc, ctx)
        if not mentions:
            return
        org = ctx.site.organization
        by_segment: dict[int, list[RedFlagMention]] = {}
        for mention in mentions:
            by_segment.setdefault(mention.index, []).append(mention)
        for found in by_segment.values():
            segment = found[0].segment
            for start, sentence in segment.sentences():
                end = start + len(sentence)
                inside = [m for m in found if start <= m.start < end]
                if not inside:
                    continue
                for match in WAIT_OR_DRIVE.finditer(sentence):
                    if NEGATED.search(sentence[: match.start()]):
                        continue
                    flag = next((m for m in inside if m.route is RedFlagRoute.EMERGENCY), inside[0])
                    number = route_number(flag.route, org)
                    if says_number(sentence, number) or says_number(sentence, org.emergency_number):
                        break
                    yield self.in_segment(
                        doc,
                        segment,
                        start + match.start(),
                        start + match.end(),
                        f'"{match.group(0)}" is unsafe advice for the {flag.route} red flag '
                        f'"{flag.phrase}"; say "{say_number(flag.route, org)}" instead',
                    )
                    break


RULES = (
    RedFlagWithoutEmergencyGuidance(),
    RetiredCrisisLineNumber(),
    RoutineStepBeforeEmergencyGuidance(),
    EmergencyAdviceToWaitOrDrive(),
)
