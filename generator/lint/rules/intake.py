"""IN: intake facts. Phones, waits, referral rules, insurance, hours, telehealth, appointment
types and what to bring, as pages and landing copy state them, checked against intake.

The facts of a page are its service line's intake script and its ``next_step`` pathway. A
sentence that names another pathway of the same service line (by its ``appointment_type`` or
an ``alias``) is about that pathway; a sentence that names none but points back ("for this
visit", "it") is about the last pathway named shortly before in its paragraph; otherwise a sentence
under a heading that names a pathway is about that one. A table cell is read together with the
first cell of its row and the header of its column (``| New patient visit | 2 to 3 days |``).

The extractors (``referral_claims``, ``wait_promises``, ``telehealth_claims``, ...) read one
sentence; ``claims`` walks a document and tells which pathway each claim is about. The campaign
rules (CP) reuse them. On campaign copy, a claim about the campaign's own pathway is reported
by the CP rule (CP001, CP002, CP003) when that rule is selected, and by the IN rule otherwise.

Speed: a rule reads only the sentences that contain one of its keywords. Whether a keyword
occurs at all is a lookup in the document's set of words (for a phrase, a search of its
``vocabulary``, a third as long as the text); only then is the text searched for it, with
``str.find`` (no regular expression scans a whole document: per character, one costs some
fifty times what a plain search does). Phrases that begin with the same word share one
search. A segment is split into sentences only when it may hold a candidate. The patterns
run on lowercase text and start with a literal, without ``\\b``, so that the regular
expression engine skips ahead by first character; word starts are checked in Python.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Generic, TypeVar

import phonenumbers

from generator.intake import day_hours, hours_lines, normalize_phone, wait_in_days, wait_text, words
from generator.lint.context import Context
from generator.lint.document import LintDocument, Segment, break_words
from generator.lint.engine import is_selected
from generator.lint.rule import Diagnostic, Rule, Severity
from generator.schemas import Intake, Pathway, Referral
from generator.sources import packaged_yaml

T = TypeVar("T")
PathwayRef = tuple[str, Pathway]
"""A pathway id and its intake entry."""

# --- Reading one sentence ----------------------------------------------------------------------

_NEGATORS = frozenset({"not", "no", "never", "cannot", "without"})
_CLAUSE_BREAK = re.compile(r"[,;:()—]| [-–] | (?:but|and|so|because|while|although|though|then) ")
_TRIAGE = re.compile(
    r"911|9-1-1|988|nurse(?! practitioner)|crisis|lifeline|emergency (?:room|department)|(?:the|an) er\b"
)
_ANAPHOR = re.compile(r"(?:it|this|that|these|those|they|them)\b")
_TRAILING_QUOTES = "\"”')]* \n"
_UNAVAILABLE_AFTER = re.compile(  # "same-day visits are not available"
    r"\s*(?:[\w-]+\s+){0,2}?(?:(?:is|are)(?:\s+not|n['’]t)\s+(?:available|offered|possible|an\s+option)"
    r"|unavailable)\b"
)


def lowercase(text: str) -> str:
    """``text`` in lowercase, with every character where it was (unchanged if lowercasing
    would move characters, as for "İ")."""
    low = text.lower()
    return low if len(low) == len(text) else text


def tokens(text: str) -> list[str]:
    """The words of lowercase ``text``, "n't" read as "not"."""
    return break_words(text.replace("n't", " not").replace("n’t", " not")).split()


def _word_start(text: str, index: int) -> int | None:
    """Where the word of ``text[index]`` starts when a match may begin there (a match that
    begins inside a word is no match, except at "n't": "do|n't" starts at "do"); else ``None``."""
    if index == 0 or not text[index - 1].isalnum():
        return index
    if text.startswith(("n't", "n’t"), index) or text[index] in "'’":
        while index > 0 and text[index - 1].isalnum():
            index -= 1
        return index
    return None


class Sentence:
    """One sentence in lowercase, with its clauses worked out once."""

    __slots__ = ("_breaks", "low")

    def __init__(self, text: str) -> None:
        self.low = lowercase(text)
        self._breaks: list[tuple[int, int]] | None = None

    def find(self, pattern: re.Pattern[str], start: int = 0) -> Iterator[tuple[int, re.Match[str]]]:
        """Matches of a lowercase pattern that begin at a word: (start of the word, match)."""
        for match in pattern.finditer(self.low, start):
            begin = _word_start(self.low, match.start())
            if begin is not None:
                yield begin, match

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the clause around ``[start, end)`` (split at commas, colons, semicolons,
        dashes and conjunctions)."""
        if self._breaks is None:
            self._breaks = [m.span() for m in _CLAUSE_BREAK.finditer(self.low)]
        begin, finish = 0, len(self.low)
        for s, e in self._breaks:
            if e <= start:
                begin = e
            elif s >= end:
                finish = s
                break
        return begin, finish

    def before(self, start: int, end: int) -> str:
        """The clause's text before ``start``."""
        return self.low[self.clause(start, end)[0] : start]

    def negated(self, start: int, end: int) -> bool:
        """Is ``[start, end)`` negated by one of the four words before it in its clause ("not
        by video", "we cannot promise same-day visits")?"""
        begin = max(self.clause(start, end)[0], start - 48)
        return any(word in _NEGATORS for word in tokens(self.low[begin:start])[-4:])


def is_question(sentence: str) -> bool:
    """Questions ask; they do not claim ("Do you need a referral?")."""
    return sentence.rstrip(_TRAILING_QUOTES).endswith("?")


def _wordset(text: str) -> frozenset[str]:
    """The space-separated words of ``text``."""
    return frozenset(text.split())


def _literal_pattern(keys: Iterable[str], separator: str, tail: str = "") -> re.Pattern[str]:
    """A lowercase pattern for whole phrases (each a space-separated key), longest first."""
    pieces = [
        separator.join(re.escape(w) for w in key.split()) for key in sorted(keys, key=len, reverse=True)
    ]
    return re.compile("(?:" + "|".join(pieces) + ")" + tail + r"(?![a-z0-9])")


# --- Which pathway a sentence is about ----------------------------------------------------------


@dataclass(frozen=True)
class PathwayNames:
    """The names an intake script gives its pathways, found in text as whole words."""

    pattern: re.Pattern[str] | None
    by_key: dict[str, str]
    """Normalized name (lowercase words) → pathway id."""

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Every pathway named in ``text``: (start, end, pathway id), in order."""
        if self.pattern is None:
            return []
        out = []
        for start, match in Sentence(text).find(self.pattern):
            pid = self.lookup(match.group(0))
            if pid:
                out.append((start, match.end(), pid))
        return out

    def lookup(self, name: str) -> str | None:
        """The pathway a name (singular or plural) belongs to."""
        key = " ".join(words(name))
        for candidate in (key, key[:-1], key[:-2]):
            if candidate in self.by_key:
                return self.by_key[candidate]
        return None


def _names_of(pathway: Pathway) -> list[str]:
    """What pages call a pathway: its appointment type (also without its parenthesis or the
    part after a comma), the words in the parenthesis, and its aliases."""
    kind = pathway.appointment_type
    return [
        kind,
        re.sub(r"\s*\(.*?\)", "", kind),
        kind.split(",")[0],
        *re.findall(r"\((.*?)\)", kind),
        *pathway.aliases,
    ]


_NAMES: dict[int, tuple[Intake, PathwayNames]] = {}


def pathway_names(intake: Intake) -> PathwayNames:
    """The pathway names of an intake script (built once per script)."""
    cached = _NAMES.get(id(intake))
    if cached and cached[0] is intake:
        return cached[1]
    by_key: dict[str, str] = {}
    for pid, pathway in intake.pathways.items():
        for name in _names_of(pathway):
            key = " ".join(words(name))
            if key:
                by_key.setdefault(key, pid)
    pattern = _literal_pattern(by_key, r"\W+", r"(?:e?s)?") if by_key else None
    names = PathwayNames(pattern, by_key)
    if len(_NAMES) > 64:
        _NAMES.clear()
    _NAMES[id(intake)] = (intake, names)
    return names


@dataclass
class Facts:
    """What a document's claims are checked against."""

    intake: Intake | None
    default: PathwayRef | None
    """The page's ``next_step`` pathway, or the campaign's ``pathway``."""
    names: PathwayNames | None
    headings: list[Segment]
    _sections: dict[int, str] | None = field(default=None, repr=False)

    @property
    def sections(self) -> dict[int, str]:
        """Section index → the one pathway its heading names."""
        if self._sections is None:
            self._sections = {}
            if self.names is not None:
                for heading in self.headings:
                    named = {pid for _, _, pid in self.names.find(heading.text)}
                    if len(named) == 1:
                        self._sections[heading.section] = named.pop()
        return self._sections

    def about(
        self, sentences: list[tuple[int, str]], k: int, start: int, end: int, section: int = -1
    ) -> PathwayRef | None:
        """The pathway that ``sentences[k][1][start:end]`` is about: the nearest pathway the
        sentence names; else, when it points back ("it", "this visit"), the last one named in
        the three sentences before it in the paragraph; else the one its section's heading
        names; else the document's."""
        if self.intake is None or self.names is None:
            return self.default
        pathways = self.intake.pathways
        mentions = self.names.find(sentences[k][1])
        if mentions:
            best = min(mentions, key=lambda m: _distance(m[0], m[1], start, end))
            return best[2], pathways[best[2]]
        if any(True for _ in Sentence(sentences[k][1]).find(_ANAPHOR)):
            for j in range(k - 1, max(k - 4, -1), -1):
                earlier = self.names.find(sentences[j][1])
                if earlier:
                    return earlier[-1][2], pathways[earlier[-1][2]]
        if section in self.sections:
            return self.sections[section], pathways[self.sections[section]]
        return self.default


def _distance(m_start: int, m_end: int, start: int, end: int) -> int:
    if m_end <= start:
        return start - m_end
    if m_start >= end:
        return m_start - end
    return 0


def _needed_words(phrase: str) -> frozenset[str]:
    """The whole words a phrase cannot occur without: "house" for "house call" (its last word
    may go on: "house calls"), "24" for "24 hours"; none for "a.m" or "n't"."""
    pieces = break_words(phrase).split()
    if pieces and phrase[-1:].isalnum():
        pieces = pieces[:-1]
    if pieces and phrase[:1].isalnum() and len(pieces[0]) == 1:
        pieces = pieces[1:]
    return frozenset(pieces)


@dataclass(frozen=True)
class Keywords:
    """What a rule's claims cannot do without: whole words, and other text (phrases, stems),
    each phrase with the words it needs (looked up before the text is searched)."""

    words: frozenset[str]
    phrases: tuple[tuple[str, frozenset[str]], ...]

    @classmethod
    def of(cls, *keywords: str) -> Keywords:
        """Lowercase keywords, sorted into words and other text. (None starts or ends with a
        space: ``candidate_sentences`` relies on it.)"""
        if any(k != k.strip() for k in keywords):
            raise ValueError(f"keywords with spaces around them: {keywords}")
        whole = frozenset(k for k in keywords if k.replace("/", "").isalnum())
        phrases = tuple((k, _needed_words(k)) for k in keywords if k not in whole)
        return cls(whole, phrases)


class Reading:
    """One document as the IN and CP rules read it: its facts, its words and its sentences,
    each worked out once and shared by every rule of both families."""

    def __init__(self, doc: LintDocument, ctx: Context) -> None:
        self.doc = doc
        self._ctx = weakref.ref(ctx)  # the last reading outlives its run: let the run go
        self.lower = doc.lower
        self.words = doc.words
        self._starts = doc.segment_starts
        self._exact = len(self.lower) == len(doc.text)
        self._hits: dict[str, dict[int, list[int]]] = {}
        self._found: dict[str, list[int]] = {}
        self._starts_of: dict[int, list[int]] = {}
        self._sentences: dict[int, list[tuple[int, str]]] = {}
        self._facts: Facts | None = None
        self._tables: dict[int, str] | None = None

    @property
    def ctx(self) -> Context:
        """The lint run."""
        ctx = self._ctx()
        assert ctx is not None, "a reading is used only during its lint run"
        return ctx

    @property
    def facts(self) -> Facts:
        """The intake facts of the document."""
        if self._facts is None:
            intake = self.ctx.intake(self.doc)
            names = pathway_names(intake) if intake else None
            self._facts = Facts(intake, self.ctx.pathway(self.doc), names, self.doc.headings)
        return self._facts

    def sentences(self, index: int) -> list[tuple[int, str]]:
        """The sentences of segment ``index``: (start in its text, sentence)."""
        found = self._sentences.get(index)
        if found is None:
            found = self._sentences[index] = self.doc.segments[index].sentences()
        return found

    def table_context(self, index: int) -> str:
        """For a table cell: the first cell of its row and the header of its column (what a
        cell like "2 to 3 days" is about); else ""."""
        if self._tables is None:
            self._tables = {}
            segments = self.doc.segments
            rows: list[list[int]] = []
            for i, segment in enumerate(segments):
                if segment.kind != "table_cell":
                    rows = []
                    continue
                line = segment.position(0).line
                if rows and segments[rows[-1][0]].position(0).line == line:
                    rows[-1].append(i)
                else:
                    rows.append([i])
                row, column = rows[-1], len(rows[-1]) - 1
                parts = []
                if column > 0:
                    parts.append(segments[row[0]].text)
                if len(rows) > 1 and column < len(rows[0]):
                    parts.append(segments[rows[0][column]].text)
                self._tables[i] = " ".join(parts)
        return self._tables.get(index, "")

    def digit_segments(self) -> list[int]:
        """The segments with a digit (found with plain text search, much faster than a pattern
        over the whole document)."""
        found: set[int] = set()
        count = len(self._starts)
        for digit in "0123456789":
            at = self.lower.find(digit)
            while at >= 0:
                index = min(self.segment_at(at), count - 1)
                found.add(index)
                at = self.lower.find(digit, self._starts[index + 1]) if index + 1 < count else -1
        return sorted(found)

    def segment_at(self, position: int) -> int:
        """The segment that position ``position`` of ``lower`` is in."""
        return bisect_right(self._starts, position) - 1

    def _positions(self, keyword: str) -> dict[int, list[int]]:
        """Where ``keyword`` occurs (as a whole word when it is one): segment index → positions
        in the segment's text."""
        if keyword not in self._hits:
            found: dict[int, list[int]] = {}
            lower, starts, whole, size = self.lower, self._starts, keyword in self.words, len(keyword)
            if whole or " " not in keyword:
                at = -1 if not whole and self.doc.lacks(keyword) else lower.find(keyword)
                ats = []
                while at >= 0:
                    end = at + size
                    if not whole or (
                        (at == 0 or not lower[at - 1].isalnum())
                        and (end == len(lower) or not lower[end].isalnum())
                    ):
                        ats.append(at)
                    at = lower.find(keyword, end)
            else:  # a phrase: where its first word is, as phrases that begin alike share that search
                ats, allowed = [], 0
                if not self.doc.lacks(keyword):
                    for at in self._occurrences(keyword[: keyword.index(" ") + 1]):
                        if at >= allowed and lower.startswith(keyword, at):
                            ats.append(at)
                            allowed = at + size  # as a search goes on: after this one
            for at in ats:
                index = bisect_right(starts, at) - 1
                if index in found:
                    found[index].append(at - starts[index])
                else:
                    found[index] = [at - starts[index]]
            self._hits[keyword] = found
        return self._hits[keyword]

    def _occurrences(self, text: str) -> list[int]:
        """Every place ``text`` starts in ``lower``, overlapping ones too (cached)."""
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = []
            at = self.lower.find(text)
            while at >= 0:
                found.append(at)
                at = self.lower.find(text, at + 1)
        return found

    def present(self, keywords: Keywords) -> list[str]:
        """The keywords the document contains (phrases are searched for only when the document
        has their words)."""
        found = list(keywords.words & self.words)
        found += [p for p, needs in keywords.phrases if needs <= self.words and self._has(p)]
        return found

    def _maybe(self, keywords: Keywords) -> tuple[list[str], list[str]]:
        """The words of ``keywords`` the text has, and the phrases whose words it has (which
        the text may or may not contain: they are not searched for here)."""
        return list(keywords.words & self.words), [p for p, needs in keywords.phrases if needs <= self.words]

    def _has(self, phrase: str) -> bool:
        """Is ``phrase`` in the text (known without a search once its positions are)?"""
        if phrase in self.words:
            return True
        if phrase in self._hits:  # every occurrence, as the phrase is not a word of the text
            return bool(self._hits[phrase])
        return not self.doc.lacks(phrase) and phrase in self.lower

    def _sentence_ids(
        self, keywords: Keywords, keep: Callable[[int], bool] | None = None
    ) -> list[tuple[int, int]]:
        """(segment index, sentence number) of the sentences containing one of ``keywords``
        (only in the segments ``keep`` keeps, when given), in document order."""
        # Phrases are located without first testing whether the text has them: locating one
        # finds nothing when it does not.
        words, phrases = self._maybe(keywords)
        if not words and not phrases:
            return []
        if not self._exact:  # lowercasing moved characters: positions are unknown
            if not self.present(keywords):
                return []
            return [(i, k) for i in range(len(self.doc.segments)) for k in range(len(self.sentences(i)))]
        by_segment: dict[int, list[int]] = {}
        for keyword in (*words, *phrases):
            for index, positions in self._positions(keyword).items():
                by_segment.setdefault(index, []).extend(positions)
        out = []
        for index in sorted(by_segment):
            if keep is not None and not keep(index):
                continue
            starts = self._sentence_starts(index)
            count = len(self.sentences(index))
            for k in sorted({bisect_right(starts, p) - 1 for p in by_segment[index]}):
                if 0 <= k < count:
                    out.append((index, k))
        return out

    def _sentence_starts(self, index: int) -> list[int]:
        starts = self._starts_of.get(index)
        if starts is None:
            starts = self._starts_of[index] = [offset for offset, _ in self.sentences(index)] or [0]
        return starts

    def candidate_sentences(self, keywords: Keywords, also: Keywords | None = None) -> list[tuple[int, int]]:
        """(segment index, sentence number) of every sentence containing one of ``keywords``
        (and, when given, one of ``also``), in document order. Pass the rarer words as
        ``keywords``: they are located in the text, ``also`` only looked up in the sentences
        found."""
        if also is None:
            return self._sentence_ids(keywords)
        words, phrases = self._maybe(also)
        whole = frozenset(words).union(p for p in phrases if p in self.words)
        phrases = [p for p in phrases if p not in whole]
        either = [*whole, *phrases]
        segments, verdicts = self.doc.segments, {}

        def keep(index: int) -> bool:
            """Can a sentence of this segment have one of ``either``? (Told once per segment
            by its whole text, so that most segments are never split into sentences. A table
            cell's sentences are read with its row and column, so those are all kept.)"""
            if index not in verdicts:
                segment = segments[index]
                lower = segment.text.lower()
                verdicts[index] = segment.kind == "table_cell" or any(w in lower for w in either)
            return verdicts[index]

        found = self._sentence_ids(keywords, keep)
        if not found:
            return found
        out = []
        for index, k in found:
            context = self.table_context(index) if self.doc.segments[index].kind == "table_cell" else ""
            lower = (context + " " + self.sentences(index)[k][1]).lower()
            if not any(w in lower for w in either):
                continue  # a plain search first: most sentences fail it
            # A phrase counts when the document has it too (searched for only now).
            if any(p in lower and self._has(p) for p in phrases) or not whole.isdisjoint(
                break_words(lower).split()
            ):
                out.append((index, k))
        return out


_LAST: list[Reading] = []


def reading(doc: LintDocument, ctx: Context) -> Reading:
    """The shared reading of ``doc`` (the engine runs every rule on a document before the
    next, so one is kept)."""
    if _LAST and _LAST[0].doc is doc and _LAST[0]._ctx() is ctx:
        return _LAST[0]
    _LAST[:] = [Reading(doc, ctx)]
    return _LAST[0]


def facts(doc: LintDocument, ctx: Context) -> Facts:
    """The intake facts of ``doc``."""
    return reading(doc, ctx).facts


def organization_intakes(doc: LintDocument, ctx: Context) -> list[Intake]:
    """The intake scripts a document answers to: its service line's, or every service line's
    for a page of the organization as a whole."""
    intake = ctx.intake(doc)
    if intake is not None:
        return [intake]
    return [line.intake for line in ctx.site.service_lines.values()]


@dataclass(frozen=True)
class Found(Generic[T]):
    """A claim in a document and the pathway it is about."""

    segment: Segment
    start: int
    """Start in ``segment.text``."""
    end: int
    value: T
    pathway: PathwayRef | None

    @property
    def text(self) -> str:
        """The words of the claim."""
        return self.segment.text[self.start : self.end]


Extractor = Callable[[str], list[tuple[int, int, T]]]
"""Finds claims in one sentence: (start, end, value)."""


def claims(
    doc: LintDocument,
    ctx: Context,
    extract: Extractor[T],
    keywords: Keywords,
    *,
    also: Keywords | None = None,
    questions: bool = False,
    triage: bool = True,
) -> Iterator[Found[T]]:
    """Every claim ``extract`` finds in the document's prose (headings included), with the
    pathway it is about. Only sentences containing one of ``keywords`` (lowercase), and one of
    ``also`` when given, are read: ``extract`` must find nothing elsewhere. Questions are
    skipped unless ``questions``; sentences about 911, 988, a crisis or the nurse line are
    skipped unless ``triage``."""
    read = reading(doc, ctx)
    for index, k in read.candidate_sentences(keywords, also):
        segment = doc.segments[index]
        sentences = read.sentences(index)
        offset, sentence = sentences[k]
        if not questions and is_question(sentence):
            continue
        if not triage and _TRIAGE.search(sentence.lower()):
            continue
        context = read.table_context(index) if segment.kind == "table_cell" else ""
        if context:  # "| New patient visit | 2 to 3 days |": the row and the column say what about
            context = context.rstrip(" ?.!:") + " "
            within = [*sentences[:k], (offset, context + sentence), *sentences[k + 1 :]]
            for start, end, value in extract(context + sentence):
                if start >= len(context):
                    pathway = read.facts.about(within, k, start, end, segment.section)
                    yield Found(
                        segment, offset + start - len(context), offset + end - len(context), value, pathway
                    )
            continue
        for start, end, value in extract(sentence):
            pathway = read.facts.about(sentences, k, start, end, segment.section)
            yield Found(segment, offset + start, offset + end, value, pathway)


def campaign_pathway(doc: LintDocument, ctx: Context) -> str | None:
    """The pathway id a campaign's landing copy sells (``None`` for content pages)."""
    if doc.kind != "campaign":
        return None
    own = ctx.pathway(doc)
    return own[0] if own else None


CAMPAIGN_COUNTERPART = {"IN002": "CP002", "IN003": "CP001", "IN006": "CP003"}
"""IN rules whose findings on a campaign's own pathway a CP rule reports instead."""


def left_to_campaign_rule(code: str, doc: LintDocument, ctx: Context, found: Found[T]) -> bool:
    """Is this finding the CP counterpart's to report (campaign copy, the campaign's own
    pathway, and the counterpart selected)?"""
    own = campaign_pathway(doc, ctx)
    return (
        own is not None
        and found.pathway is not None
        and found.pathway[0] == own
        and is_selected(CAMPAIGN_COUNTERPART[code], ctx.settings)
    )


def says(doc: LintDocument) -> str:
    """Who makes the claim, for messages."""
    return "landing copy says" if doc.kind == "campaign" else "page says"


# --- Referral claims ---------------------------------------------------------------------------

_NOT_REQUIRED = re.compile(
    r"no\s+(?:[\w'’]+\s+)?referrals?\s+(?:is\s+|are\s+)?(?:needed|required|necessary)\b"
    r"|no\s+need\s+(?:for|of)\s+(?:a\s+)?referral\b"
    r"|(?:(?:do|does|did|will|would)\s+not|n['’]t|not|never)\s+(?:even\s+)?(?:needs?|requires?"
    r"|need\s+to\s+(?:get|have)|have\s+to\s+(?:get|have))\s+(?:a\s+|any\s+)?(?:[\w'’]+\s+)?referrals?\b"
    r"|referrals?\s+(?:is|are)(?:\s+not|n['’]t)\s+(?:needed|required|necessary)\b"
    r"|without\s+(?:a\s+|any\s+)?(?:[\w'’]+\s+)?referral\b"
    r"|refer\s+yourself\b|self[\s-]refer(?:r(?:al|ed))?\b"
)
_REQUIRED = re.compile(
    r"(?:needs?|requires?|required|must\s+(?:have|get|bring)|['’]ll\s+need)\s+(?:a|an)\s+"
    r"(?:[\w'’]+\s+){0,2}?referral\b"
    r"|referrals?\s+(?:is\s+|are\s+)?(?:needed|required|necessary)\b"
    r"|ask\s+(?:your|a|the)\s+(?:[\w'’]+\s+){0,3}?for\s+(?:a\s+)?referral\b"
    r"|by\s+referral\s+only\b|only\s+(?:with|by)\s+(?:a\s+)?referral\b|with\s+a\s+referral\s+only\b"
    r"|(?:must|needs?\s+to)\s+be\s+referred\b"
    r"|(?:get|have)\s+a\s+referral\s+(?:first|before)\b"
)
_SOME_PLANS = re.compile(
    r"some\s+(?:insurance\s+|health\s+)?(?:plans|insurers|insurance\s+companies)\s+(?:may\s+|might\s+|also\s+)?"
    r"(?:need|require|want|ask\s+for)s?\s+(?:you\s+to\s+(?:get|have)\s+)?(?:a\s+)?referrals?\b"
    r"|(?:your|some)\s+(?:insurance(?:\s+plan)?|(?:health\s+)?plan)\s+(?:may|might|could)\s+"
    r"(?:need|require|want)\s+(?:you\s+to\s+(?:get|have)\s+)?(?:a\s+)?referral\b"
)
_PLAN_QUALIFIER = re.compile(
    r"depend\w*\s+on\s+(?:your|the)\s+(?:insurance|(?:health\s+)?plan)\b|some\s+(?:insurance\s+|health\s+)?plans\b"
)
_ASKING = frozenset({"do", "does", "will", "would", "can"})
_ASKED = frozenset({"i", "you", "we", "they", "patient", "patients"})
REFERRAL_WORDS = Keywords.of("referral", "referrals", "referred", "refer")


def _conditional(before: str) -> bool:
    return bool({"if", "whether"} & set(tokens(before)))


def referral_claims(sentence: str) -> list[tuple[int, int, Referral]]:
    """What a sentence says about referrals: not needed, needed, or needed by some plans."""
    text = Sentence(sentence)
    out: list[tuple[int, int, Referral]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in out)

    if "plan" in text.low or "insur" in text.low:
        out.extend((start, m.end(), Referral.SOME_PLANS) for start, m in text.find(_SOME_PLANS))
    for start, match in text.find(_NOT_REQUIRED):
        before = text.before(start, match.end())
        if not free(start, match.end()) or _conditional(before):
            continue
        kind = Referral.NOT_REQUIRED
        if match.group(0).startswith("without"):
            if not before.strip():
                continue  # "Without a referral, your plan may not pay": a condition
            if _NEGATORS & set(tokens(before)):
                kind = Referral.REQUIRED  # "you cannot book it without a referral"
        out.append((start, match.end(), kind))
    for start, match in text.find(_REQUIRED):
        before = text.before(start, match.end())
        last = tokens(before)[-2:]
        if not free(start, match.end()) or _conditional(before) or text.negated(start, match.end()):
            continue
        if len(last) == 2 and last[0] in _ASKING and last[1] in _ASKED:
            continue  # "do I need a referral for counseling" (a title inside a link)
        out.append((start, match.end(), Referral.REQUIRED))
    if out and ("plan" in text.low or "insurance" in text.low) and _PLAN_QUALIFIER.search(text.low):
        out = [(s, e, Referral.SOME_PLANS) for s, e, _ in out]
    return sorted(out)


_CLAIM_WORDS = {
    Referral.NOT_REQUIRED: "no referral is needed",
    Referral.REQUIRED: "a referral is needed",
    Referral.SOME_PLANS: "some plans need a referral",
}


def referral_problem(doc: LintDocument, claim: Referral, pathway: Pathway) -> str | None:
    """The message when a referral claim contradicts the pathway's rule, else ``None``."""
    rule, kind = pathway.referral, pathway.appointment_type
    if claim is Referral.NOT_REQUIRED and rule is Referral.REQUIRED:
        return f"{says(doc)} {_CLAIM_WORDS[claim]}; intake says {kind} requires a referral"
    if claim is Referral.NOT_REQUIRED and rule is Referral.SOME_PLANS:
        return f"{says(doc)} {_CLAIM_WORDS[claim]}; intake says some insurance plans require one for {kind}"
    if claim is Referral.REQUIRED and rule is Referral.NOT_REQUIRED:
        return f"{says(doc)} {_CLAIM_WORDS[claim]}; intake says {kind} needs no referral"
    return None


# --- Wait promises -----------------------------------------------------------------------------

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
}
_UNIT = re.compile(r"(?:business day|working day|weekday|day|week|hour|hr|month)s?\b")
_UNIT_DAYS = {"hour": 1 / 24, "hr": 1 / 24, "day": 1.0, "weekday": 7 / 5, "week": 7.0, "month": 30.0}
_WORD = re.compile(r"[a-z0-9.]+|[–—-]")
_RANGE_WORDS = frozenset({"to", "-", "–", "—", "or", "and"})
_LEAD_WORDS = frozenset({"within", "in", "under", "about", "around", "only", "just", "between"})
_NOT_A_WAIT_BEFORE = _wordset(
    "for every each least more than over after last past per take takes took taking lasts lasted lasting "
    "spend spends spent age aged"
)
_NOT_A_WAIT_AFTER = re.compile(
    r"\s*\+|\s+(?:before|after|ago|earlier|later|apart|of|old|long|ahead|in\s+advance|or\s+(?:more|longer)"
    r"|and\s+(?:up|older|over))\b"
)
_WHEN = re.compile(
    r"(?:same|next)[\s-]+(?:day|week)\b|this\s+week\b|today\b|tonight\b|tomorrow\b|right\s+(?:away|now)\b"
    r"|immediately\b|straight\s+away\b|no[\s-]+wait(?:ing)?(?:[\s-]*list)?\b|without\s+(?:a\s+)?wait(?:ing)?\b"
    r"|zero\s+wait\b"
)
_WHEN_DAYS = {
    "same day": 0.0,
    "next day": 1.0,
    "same week": 7.0,
    "next week": 14.0,
    "this week": 7.0,
    "today": 0.0,
    "tonight": 0.0,
    "tomorrow": 1.0,
    "right away": 0.0,
    "right now": 0.0,
    "immediately": 0.0,
    "straight away": 0.0,
}
_CALL_TO_ACTION = re.compile(
    r"(?:call|phone|text|book|schedule|contact|request|ask|register|sign\s+up|reach\s+out)"
    r"(?:\s+(?:us|now|online|ahead|(?:a|an|your|our|the)\s+[\w-]+(?:\s+[\w-]+)?))?\s+$"
)
_APPOINTMENT_CUE = _wordset(
    "appointment appointments visit visits seen book booked booking books schedule scheduled schedules "
    "scheduling wait waits waiting waitlist opening openings slot slots available availability consult "
    "consults consultation consultations checkup checkups physical physicals"
)
_APPOINTMENT_PHRASE = re.compile(
    r"see\s+(?:you|a|an|our|your|the|one)\b|get\s+in\b|come\s+in\b|(?:talk|meet)\s+(?:with|to)\s+"
    r"(?:a|an|our|your|the|one)\s+(?:counselor|doctor|cardiologist|psychiatrist|therapist|provider|clinician"
    r"|nurse\s+practitioner)\b"
)
_CALL_BACK = re.compile(
    r"call(?:s|ed)?\s+(?:you\s+)?back\b|get\s+back\s+to\s+you\b|hear\s+(?:back\s+)?from\s+us\b|reply\b|respond\b"
    r"|answer\s+(?:your\s+)?(?:message|call|question)s?\b"
)
_INTERVAL = frozenset({"again", "back", "return", "returns", "repeat", "recheck", "every"})
_ADVICE = frozenset({"should", "need", "needs", "must", "have"})
_MERGE_GAP = re.compile(r"\s*(?:or|to|and|-|–|—)\s*(?:the\s+)?$")
APPOINTMENT_WORDS = Keywords.of(
    *_APPOINTMENT_CUE,
    "see you",
    "see a",
    "see an",
    "see our",
    "see your",
    "see the",
    "see one",
    "get in",
    "come in",
    "talk with",
    "talk to",
    "meet with",
)
"""Words every sentence about getting an appointment has (what ``_appointment_cue`` needs)."""
WAIT_WORDS = Keywords.of(
    "day",
    "days",
    "today",
    "week",
    "weeks",
    "weekday",
    "weekdays",
    "hour",
    "hours",
    "hr",
    "hrs",
    "month",
    "months",
    "tonight",
    "tomorrow",
    "right away",
    "right now",
    "straight away",
    "immediately",
    "wait",
    "waiting",
    "waitlist",
)


def _appointment_cue(text: str) -> bool:
    """Is lowercase ``text`` about getting an appointment?"""
    return bool(_APPOINTMENT_CUE & set(tokens(text))) or bool(_APPOINTMENT_PHRASE.search(text))


def _number_before(parts: list[tuple[int, str]], i: int) -> tuple[float, int] | None:
    """The number that ends at ``parts[i - 1]``, and where it starts: "10", "two", "a few"."""
    if i < 1:
        return None
    word = parts[i - 1][1]
    if word == "few" and i >= 2 and parts[i - 2][1] == "a":
        return 3.0, i - 2
    if word == "of" and i >= 3 and parts[i - 2][1] == "couple" and parts[i - 3][1] == "a":
        return 2.0, i - 3
    if word in _NUMBERS:
        return float(_NUMBERS[word]), i - 1
    try:
        return float(word), i - 1
    except ValueError:
        return None


def _durations(text: Sentence) -> Iterator[tuple[int, int, float]]:
    """Durations ("within 5 to 10 business days", "in 2–3 weeks", "a day or two"): (start, end,
    longest in calendar days), unless they are not waits ("for 24 hours", "2 weeks before")."""
    low = text.low
    for begin, unit in text.find(_UNIT):
        name = unit.group(0).removesuffix("s")
        per = 7 / 5 if name in ("business day", "working day") else _UNIT_DAYS[name]
        parts = [(m.start(), m.group(0)) for m in _WORD.finditer(low, max(0, begin - 48), begin)]
        i = len(parts)
        if i and parts[i - 1][1] == "-":
            i -= 1  # "48-hour"
        if low.startswith(" or two", unit.end()) and i and parts[i - 1][1] in ("a", "one"):
            if i < 2 or parts[i - 2][1] not in _NOT_A_WAIT_BEFORE:
                yield parts[i - 1][0], unit.end() + 7, 2 * per  # "a day or two"
            continue
        number = _number_before(parts, i)
        if number is None or _NOT_A_WAIT_AFTER.match(low, unit.end()):
            continue
        longest, i = number
        if i and parts[i - 1][1] in _RANGE_WORDS:
            lower = _number_before(parts, i - 1)
            if lower is not None:
                i = lower[1]
        for _ in range(2):
            if i and parts[i - 1][1] in _LEAD_WORDS:
                i -= 1
            elif i >= 2 and (parts[i - 2][1], parts[i - 1][1]) in (("less", "than"), ("up", "to")):
                i -= 2
        if i and parts[i - 1][1] in _NOT_A_WAIT_BEFORE:
            continue
        yield parts[i][0], unit.end(), longest * per


def wait_promises(sentence: str) -> list[tuple[int, int, float]]:
    """Promises of a short wait for an appointment: (start, end, longest wait promised in
    calendar days). "Seen within 5 to 10 business days" promises 14; "same-day visits" 0."""
    text = Sentence(sentence)
    low = text.low
    hits = list(_durations(text))
    for start, match in text.find(_WHEN):
        if any(s <= start < e for s, e, _ in hits):
            continue
        key = " ".join(words(match.group(0)))
        if key in _WHEN_DAYS and _CALL_TO_ACTION.search(low, max(0, start - 40), start):
            continue  # "call us today", "book your visit this week"
        hits.append((start, match.end(), _WHEN_DAYS.get(key, 0.0)))
    hits.sort()
    merged: list[tuple[int, int, float]] = []
    for start, end, days in hits:  # "today or tomorrow", "same-day and next-day"
        if merged and _MERGE_GAP.match(low, merged[-1][1], start):
            first, _, longest = merged.pop()
            merged.append((first, end, max(longest, days)))
        else:
            merged.append((start, end, days))
    out = []
    for start, end, days in merged:
        begin, finish = text.clause(start, end)
        if not _appointment_cue(low[begin:finish]) or _CALL_BACK.search(low, begin, finish):
            continue  # "we will call you back within 1 business day to set up your visit"
        if _INTERVAL & set(tokens(low[begin:finish])):
            continue  # "come back in 2 weeks", "we will check again in 3 months": a plan, not a wait
        if text.negated(start, end) or _UNAVAILABLE_AFTER.match(low, end):
            continue
        before = tokens(low[begin:start])
        if ("if" in before or "whether" in before) and _ADVICE & set(before):
            continue  # "they can tell you if you should be seen today"
        out.append((start, end, days))
    return out


def wait_problem(doc: LintDocument, promise: Found[float], pathway: Pathway) -> str | None:
    """The message when a promise is shorter than the pathway's longest typical wait."""
    if promise.value >= wait_in_days(pathway.wait, longest=True) - 1e-9:
        return None
    return (
        f'{says(doc).replace("says", "promises")} "{promise.text}"; intake says the wait for '
        f"{pathway.appointment_type} is typically {wait_text(pathway.wait)}"
    )


# --- Telehealth claims -------------------------------------------------------------------------

_TELEHEALTH = re.compile(
    r"video[\s-]+(?:[\w-]+\s+)?(?:visits?|appointments?|calls?|chats?|care|sessions?|counseling|therapy)\b"
    r"|(?:by|via|over|on)\s+video\b"
    r"|tele(?:health|medicine|visits?|therapy)\b"
    r"|virtual\s+(?:visits?|appointments?|care|sessions?|counseling|therapy)\b"
    r"|online\s+(?:visits?|appointments?|sessions?|counseling|therapy|care)\b"
    r"|(?P<cued>from\s+(?:your\s+)?home\b|on\s+(?:a\s+)?screen\b|online\b)"
)
_VISIT_CUE = _wordset(
    "visit visits appointment appointments see seen meet talk join session sessions therapy care physical "
    "physicals checkup checkups exam exams counseling counselor consult consults consultation"
)
_NOT_A_VISIT_ONLINE = _wordset(
    "book booking schedule scheduling pay bill bills fill form forms register sign check portal order "
    "request find read learn watch results records"
)
_ONLINE_TASK = re.compile(
    r"\s+(?:to\s+)?(?:book|schedule|request|pay|fill|sign|register|forms?|portal|account|bill)"
)
TELEHEALTH_WORDS = Keywords.of(
    "video",
    "videos",
    "telehealth",
    "telemedicine",
    "televisit",
    "televisits",
    "teletherapy",
    "virtual",
    "online",
    "from home",
    "from your home",
    "screen",
)


def telehealth_claims(sentence: str) -> list[tuple[int, int, str]]:
    """The first offer of a video (telehealth) visit in a sentence, unless it is negated ("not
    by video", "video visits are not available")."""
    text = Sentence(sentence)
    for start, match in text.find(_TELEHEALTH):
        begin, finish = text.clause(start, match.end())
        if match.group("cued") and not _VISIT_CUE & set(tokens(text.low[begin:finish])):
            continue
        if match.group(0) == "online" and (
            _NOT_A_VISIT_ONLINE & set(tokens(text.low[begin:start])[-4:])
            or _ONLINE_TASK.match(text.low, match.end())
        ):
            continue  # "fill out your forms online", "visit us online to book"
        if text.negated(start, match.end()) or _UNAVAILABLE_AFTER.match(text.low, match.end()):
            continue
        return [(start, match.end(), match.group(0))]
    return []


def is_label(found: Found[T]) -> bool:
    """A table cell or heading that only names the thing ("| Video visit | No |") labels it;
    it claims nothing."""
    if found.segment.kind not in ("table_cell", "heading"):
        return False
    return len(words(found.segment.text)) <= len(words(found.text)) + 1


def telehealth_problem(doc: LintDocument, found: Found[str], pathway: Pathway) -> str | None:
    """The message when a telehealth claim is about a pathway without telehealth."""
    if pathway.telehealth:
        return None
    return f'{says(doc)} "{found.text}"; intake says {pathway.appointment_type} is in person only'


# --- Insurance ---------------------------------------------------------------------------------

_BLANKET = re.compile(
    r"(?:all|any|every|most)\s+(?:major\s+|kinds?\s+of\s+|types?\s+of\s+)?(?:health\s+)?"
    r"(?:insurances?|insurance\s+(?:plans?|companies|carriers|providers)|insurers|plans?|carriers)\b"
    r"|whatever\s+insurance\b"
)
_ACCEPT_WORDS = _wordset(
    "accept accepts accepted accepting welcome welcomes welcomed participate participates participating"
)
_WE_ACCEPT_WORDS = frozenset({"take", "bill", "work"})
ACCEPT_WORDS = Keywords.of(*_ACCEPT_WORDS, "in network", "in-network")
WE_ACCEPT_WORDS = Keywords.of("take", "takes", "taking", "bill", "bills", "work")
WE = Keywords.of("we")
"""A sentence that says plans are accepted has one of ``ACCEPT_WORDS``, or ``WE_ACCEPT_WORDS``
and ``WE`` ("we take", "we bill")."""


def accepting(sentence: str) -> bool:
    """Does a sentence say that plans are accepted ("we accept", "we take", "in network")?"""
    low = lowercase(sentence)
    said = set(tokens(low))
    if said & _ACCEPT_WORDS or "in network" in low or "in-network" in low:
        return True
    return "we" in said and bool(said & _WE_ACCEPT_WORDS)


@dataclass(frozen=True)
class PlanNames:
    """Known health plan names (``data/insurance_plans.yml``) and the pattern finding them."""

    canonical: dict[str, str]
    """Normalized way of writing → plan name."""
    pattern: re.Pattern[str]

    def canon(self, name: str) -> str:
        """The plan a name stands for (unknown names stand for themselves)."""
        key = " ".join(words(name))
        return self.canonical.get(key, key)


@cache
def _plan_table() -> dict[str, list[str]]:
    text = resources.files("generator").joinpath("data/insurance_plans.yml").read_text("utf-8")
    plans: dict[str, list[str]] = packaged_yaml(text)["plans"]
    return plans


_PLANS: dict[frozenset[str], PlanNames] = {}


def plan_names(extra: Iterable[str]) -> PlanNames:
    """Known plan names plus ``extra`` (the plans intake lists)."""
    extra_set = frozenset(extra)
    if extra_set in _PLANS:
        return _PLANS[extra_set]
    canonical: dict[str, str] = {}
    for plan, spellings in _plan_table().items():
        for spelling in [plan, *spellings]:
            canonical[" ".join(words(spelling))] = " ".join(words(plan))
    for plan in extra_set:
        canonical.setdefault(" ".join(words(plan)), " ".join(words(plan)))
    names = PlanNames(canonical, _literal_pattern(canonical, r"\W*"))
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[extra_set] = names
    return names


def insurance_claims(sentence: str, plans: PlanNames) -> list[tuple[int, int, str | None]]:
    """Insurance claims of a sentence that says plans are accepted: (start, end, the plan
    named), or ``None`` for "all insurance" and the like. Negated ones ("we do not take
    Kaiser") are left out."""
    text = Sentence(sentence)
    out: list[tuple[int, int, str | None]] = []
    for start, match in text.find(_BLANKET):
        if not text.negated(start, match.end()):
            out.append((start, match.end(), None))
    for start, match in text.find(plans.pattern):
        if not text.negated(start, match.end()):
            out.append((start, match.end(), plans.canon(match.group(0))))
    return sorted(out, key=lambda hit: hit[0])


def accepted_plans(pathway: PathwayRef | None, intakes: list[Intake]) -> tuple[str, list[str]]:
    """The plans a claim is checked against, and how a message names them: the pathway's, or
    (organization pages) every pathway's."""
    if pathway is not None:
        plans = pathway[1].insurance
        kind = pathway[1].appointment_type
        return (f"for {kind}: {', '.join(plans)}" if plans else f"no plans for {kind}"), plans
    every = list(dict.fromkeys(p for i in intakes for pw in i.pathways.values() for p in pw.insurance))
    return f"for any service: {', '.join(every) or 'none'}", every


# --- Hours -------------------------------------------------------------------------------------

_TIME = r"\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}:\d{2}|noon|midnight"
_HOURS_CLAIMS = (
    (
        ("saturday", "sunday", "weekend"),
        re.compile(r"(?P<saturday>saturdays?\b)|(?P<sunday>sundays?\b)|(?P<weekend>weekends?\b)"),
    ),
    (("days a week",), re.compile(r"(?P<week>(?:seven|7)\s+days\s+a\s+week\b)")),
    (
        ("24", "clock", "night"),
        re.compile(
            r"(?P<always>24/7|24\s*(?:hours|hrs)\s+(?:a|per|each)\s+day\b|open\s+24\s+hours\b"
            r"|around[\s-]+the[\s-]+clock\b|day\s+(?:or|and)\s+night\b)"
        ),
    ),
    (
        ("evening", "late", "work"),
        re.compile(
            r"(?P<evening>evenings?\b|open\s+late\b|late[\s-]+(?:hours|appointments?|visits?)\b|after[\s-]+work\b)"
        ),
    ),
    (
        ("am", "pm", "a.m", "p.m", ":", "noon", "midnight"),
        re.compile(
            rf"(?P<range>(?P<range_open>{_TIME})\s*(?:to|-|–|until)\s*(?P<range_close>{_TIME}))"
            rf"|(?P<until>(?:until|till|til)\s+(?P<close>{_TIME}))"
            rf"|(?P<opens>opens?\s+(?:at|from)\s+(?P<open>{_TIME}))"
        ),
    ),
)
"""Hours claims by kind (the group name), each pattern run only on sentences with one of its
words."""
_HOURS_CUE = _wordset(
    "open opens hours appointment appointments visit visits available availability book booking books "
    "schedule scheduled scheduling seen clinic office center centre staff"
)
_HOURS_PHRASE = re.compile(
    r"see\s+(?:you|patients)\b|call\s+us\b|reach\s+us\b|come\s+in\b|walk\s+in\b|front\s+desk\b|we(?:['’]re|\s+are)\s+here\b"
)
HOURS_WORDS = Keywords.of(
    "saturday",
    "saturdays",
    "sunday",
    "sundays",
    "weekend",
    "weekends",
    "days a week",
    "24/7",
    "24 hours",
    "24 hrs",
    "around the clock",
    "around-the-clock",
    "day or night",
    "day and night",
    "evening",
    "evenings",
    "open late",
    "late hours",
    "late appointment",
    "late visit",
    "late-",
    "after work",
    "after-work",
    "until",
    "till",
    "til",
    "am",
    "pm",
    "a.m",
    "p.m",
    "noon",
    "midnight",
    "opens at",
    "open at",
    "open from",
    "opens from",
)


def _minutes(text: str) -> int:
    """``8 p.m.`` → 1200; ``noon`` → 720; ``20:00`` → 1200."""
    value = text.lower().replace(".", "").replace(" ", "")
    if value == "noon":
        return 720
    if value == "midnight":
        return 1440
    pm, am = value.endswith("pm"), value.endswith("am")
    hours, _, minutes = value.removesuffix("pm").removesuffix("am").partition(":")
    hour = int(hours) % 12 + (12 if pm else 0) if (pm or am) else int(hours)
    return hour * 60 + int(minutes or 0)


def _day_spans(intake: Intake) -> dict[str, tuple[int, int] | None]:
    """Opening and closing minute per day (``None``: closed; past midnight closes above 1440)."""
    out: dict[str, tuple[int, int] | None] = {}
    for day, value in day_hours(intake).items():
        if value == "closed":
            out[day] = None
        elif value == "24h":
            out[day] = (0, 1440)
        else:
            start, end = (_minutes(v) for v in value.split("-"))
            out[day] = (start, end if end > start else end + 1440)
    return out


def hours_claims(sentence: str) -> list[tuple[int, int, re.Match[str]]]:
    """Claims about opening hours ("open Saturdays", "24/7", "open until 8 p.m.") in a sentence
    about the clinic (not "go to bed on time, even on weekends"); "closed" and negated ones are
    left out."""
    text = Sentence(sentence)
    out = []
    found = [
        hit
        for words, pattern in _HOURS_CLAIMS
        if any(w in text.low for w in words)
        for hit in text.find(pattern)
    ]
    for start, match in sorted(found, key=lambda hit: hit[0]):
        begin, finish = text.clause(start, match.end())
        rest = text.low[:start] + " " + text.low[match.end() :]
        cued = "open" in match.group(0) or _HOURS_CUE & set(tokens(rest)) or _HOURS_PHRASE.search(rest)
        if not cued or "closed" in text.low[begin:finish] or text.negated(start, match.end()):
            continue
        out.append((start, match.end(), match))
    return out


def hours_hold(match: re.Match[str], intake: Intake) -> bool:
    """Does the intake script's ``hours`` bear out an hours claim?"""
    spans = _day_spans(intake)
    open_days = [s for s in spans.values() if s]
    kind = match.lastgroup
    if kind in ("saturday", "sunday"):
        return spans[kind] is not None
    if kind == "weekend":
        return spans["saturday"] is not None or spans["sunday"] is not None
    if kind == "week":
        return len(open_days) == 7
    if kind == "always":
        return len(open_days) == 7 and all(s == (0, 1440) for s in open_days)
    if kind == "evening":
        return any(end >= 18 * 60 for _, end in open_days)
    if kind == "until":
        return any(end >= _minutes(match.group("close")) for _, end in open_days)
    if kind == "opens":
        return any(start <= _minutes(match.group("open")) for start, _ in open_days)
    opening, closing = _minutes(match.group("range_open")), _minutes(match.group("range_close"))
    return any(start <= opening and end >= closing for start, end in open_days)


# --- Appointment types ---------------------------------------------------------------------------


@cache
def _appointment_types() -> tuple[dict[str, str], re.Pattern[str]]:
    """(normalized way of writing → kind, pattern) from ``data/appointment_types.yml``."""
    text = resources.files("generator").joinpath("data/appointment_types.yml").read_text("utf-8")
    table: dict[str, list[str]] = packaged_yaml(text)["types"]
    kinds = {" ".join(words(s)): kind for kind, spellings in table.items() for s in [kind, *spellings]}
    return kinds, _literal_pattern(kinds, r"[\s-]*")


_OFFER_CUE = _wordset(
    "we our us offer offers offered offering provide provides provided available welcome welcomes welcomed "
    "book booking schedule request"
)
_WALK_IN_VERB_END = re.compile(
    r"\s*(?:$|[.,;!:)]|any\s*time|without|with\s+no|during|today|for\s+(?:care|help|a\s+visit))"
)
TYPES_WORDS = Keywords.of(
    "walk",
    "walks",
    "urgent care",
    "urgent-care",
    "house call",
    "home visit",
    "home health",
    "evisit",
    "evisits",
    "e-visit",
    "opinion",
    "opinions",
)


def appointment_type_offers(sentence: str) -> list[tuple[int, int, str]]:
    """Kinds of appointment the sentence offers as the organization's ("walk-ins welcome",
    "our urgent care"): (start, end, kind)."""
    kinds, pattern = _appointment_types()
    text = Sentence(sentence)
    out = []
    for start, match in text.find(pattern):
        written = match.group(0)
        if written.startswith("walk ") and not _WALK_IN_VERB_END.match(text.low, match.end()):
            continue  # "a walk in the park"
        begin, finish = text.clause(start, match.end())
        said = set(tokens(text.low[begin:finish]))
        offered = said & _OFFER_CUE or "no appointment" in text.low or "without an appointment" in text.low
        if not offered or text.negated(start, match.end()) or _conditional(text.low[begin:start]):
            continue  # "we do not take walk-ins", "tell us if you got a second opinion'
        out.append((start, match.end(), kinds[" ".join(words(written))]))
    return out


def intake_has_type(kind: str, intakes: Iterable[Intake]) -> bool:
    """Does any pathway's appointment type or alias contain the kind (or a way of writing it)?"""
    kinds, _ = _appointment_types()
    spellings = [key for key, k in kinds.items() if k == kind]
    for intake in intakes:
        for pathway in intake.pathways.values():
            for name in (pathway.appointment_type, *pathway.aliases):
                haystack = " " + " ".join(words(name)) + " "
                if any(f" {s} " in haystack for s in spellings):
                    return True
    return False


# --- What to bring -----------------------------------------------------------------------------

_NOTHING_TO_BRING = re.compile(
    r"(?:not|n['’]t|never)\s+(?:need|have)\s+to\s+bring\s+anything\b|no\s+need\s+to\s+bring\s+anything\b"
    r"|nothing\s+(?:to|you\s+(?:need|have)\s+to)\s+bring\b|bring\s+nothing\b|empty[\s-]handed\b"
    r"|just\s+bring\s+yourself\b"
)
_EXCEPT = re.compile(r"\s*,?\s*(?:but|except|other\s+than|besides|apart\s+from)\b")
_ITEM_CLAIMS = re.compile(
    r"(?:(?:not|n['’]t|never)\s+(?:(?:need|have)\s+to\s+)?|no\s+need\s+to\s+)bring\s+(?P<a>[^.;:!?]+)"
    r"|leave\s+(?P<b>(?:[\w'’-]+\s+){1,8}?)at\s+home\b"
    r"|(?:not|n['’]t|never|no\s+longer)\s+need\s+(?P<c>(?:your|a|an|the|any)\s+[^.;:!?]+)"
)
_NOT_NEEDED = re.compile(r"(?:is|are)(?:\s+not|n['’]t)\s+(?:needed|required|necessary)\b")
_NOT_NEEDED_THING = re.compile(r"(?:your|a|an|the)\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+\s+$")
_OBJECT_END = re.compile(r"\s(?:but|because|since|unless|if|when|as|so)\s")
_BRING_STOP = _wordset(
    "a an the your all of any if you have them take it and or to for with recent list want ask doctor "
    "home card cards bring need visit"
)
_SYNONYMS = {
    "identification": "id",
    "license": "id",
    "licence": "id",
    "passport": "id",
    "medication": "medicine",
    "med": "medicine",
    "pill": "medicine",
    "drug": "medicine",
    "prescription": "medicine",
    "ekg": "ecg",
    "vaccine": "shot",
    "immunization": "shot",
    "vaccination": "shot",
}
BRING_WORDS = Keywords.of(
    "bring",
    "leave",
    "empty",
    "needed",
    "required",
    "necessary",
    "need your",
    "need the",
    "need any",
    "need an",
    "need a photo",
    "need a list",
    "need a copy",
)
BRING_NEGATIONS = Keywords.of("not", "no", "never", "nothing", "n't", "n’t", "leave", "empty", "just")
"""What a sentence saying not to bring something has besides ``BRING_WORDS``."""


def _key_words(text: str) -> set[str]:
    out = set()
    for word in words(text):
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        word = _SYNONYMS.get(word, word)
        if word not in _BRING_STOP:
            out.add(word)
    return out


def bring_claims(sentence: str) -> list[tuple[int, int, str | None]]:
    """Claims that something need not be brought: (start, end, the things named), or ``None``
    for "nothing to bring"."""
    text = Sentence(sentence)
    low = text.low
    out: list[tuple[int, int, str | None]] = []
    for start, match in text.find(_NOTHING_TO_BRING):
        if not _EXCEPT.match(low, match.end()):
            out.append((start, match.end(), None))
    for start, match in text.find(_ITEM_CLAIMS):
        if any(s <= start < e for s, e, _ in out):
            continue
        group = next(g for g in ("a", "b", "c") if match.group(g) is not None)
        thing = match.group(group)
        cut = _OBJECT_END.search(thing)
        thing = (thing[: cut.start()] if cut else thing).rstrip(" ,")
        if "anything" in thing:
            continue
        end = match.start(group) + len(thing) if group in ("a", "c") else match.end()
        out.append((start, end, sentence[match.start(group) : match.start(group) + len(thing)].strip()))
    for _, match in text.find(_NOT_NEEDED):
        thing_match = _NOT_NEEDED_THING.search(low, max(0, match.start() - 48), match.start())
        if thing_match is not None and not any(s <= thing_match.start() < e for s, e, _ in out):
            thing = sentence[thing_match.start() : thing_match.end()].strip()
            out.append((thing_match.start(), match.end(), thing))
    return out


def bring_items(thing: str | None, pathway: Pathway) -> list[str]:
    """The pathway's ``bring`` items a claim names (all of them for "nothing to bring")."""
    if thing is None:
        return list(pathway.bring)
    named = _key_words(thing)
    return [item for item in pathway.bring if named & _key_words(item)]


# --- Rules -------------------------------------------------------------------------------------

CRISIS_NUMBERS = frozenset({"+18002738255"})
"""The retired 10-digit Lifeline number: SF002 reports it, as crisis guidance."""
_PHONE_DIGITS = re.compile(r"\d(?:[^\d\n]{0,3}\d){6}")


def _national(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164.split(";")[0], "US")
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))


class UnknownPhoneNumber(Rule):
    """Phone number that is not in intake.

    ## What it does
    Flags a phone number in the text (any format: `(555) 010-2200`, `555.010.2200`,
    `+1 555 010 2200`, a `tel:` link) that is not a number of the page's service line
    (intake phone, booking lines, nurse line), of the organization and its locations, or one of
    the campaign's call-tracking numbers. 911, 988 and the retired Lifeline number (SF002
    reports that one) are not checked here.

    ## Why is this bad?
    Intake numbers change. A number typed into a page is not updated with intake, so patients
    call a line that is closed, wrong or no longer ours. The next-step block shows the right
    numbers from intake.

    ## Example
    ```markdown
    To book, call (555) 010-9999.
    ```

    Use instead:
    ```markdown
    To book, call (555) 010-2200.
    ```
    """

    code = "IN001"
    name = "unknown-phone-number"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        tel_links = [link for link in doc.links if link.href.lower().startswith("tel:")]
        allowed: set[str] = set()
        shown = ""
        for index in reading(doc, ctx).digit_segments():
            segment = doc.segments[index]
            if not _PHONE_DIGITS.search(segment.text):
                continue
            for match in phonenumbers.PhoneNumberMatcher(
                segment.text, "US", leniency=phonenumbers.Leniency.POSSIBLE
            ):
                if not allowed:
                    allowed = {n.split(";")[0] for n in ctx.phones(doc)}
                    shown = ", ".join(sorted(_national(n) for n in allowed))
                number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
                if number not in allowed and number not in CRISIS_NUMBERS:
                    message = f'"{match.raw_string}" is not an intake number; this page may show {shown}'
                    yield self.in_segment(doc, segment, match.start, match.end, message)
        if tel_links and not allowed:
            allowed = {n.split(";")[0] for n in ctx.phones(doc)}
            shown = ", ".join(sorted(_national(n) for n in allowed))
        for link in tel_links:
            raw = link.href[4:].split(";")[0]
            if len(re.sub(r"\D", "", raw)) <= 4:
                continue  # tel:911, tel:988
            try:
                number = normalize_phone(raw)
            except phonenumbers.NumberParseException:
                number = raw
            if number not in allowed and number not in CRISIS_NUMBERS:
                message = f'link to "{link.href}" is not an intake number; use one of {shown}'
                yield self.at(doc, link.position, message)


class WaitPromiseShorterThanIntake(Rule):
    """Wait promise shorter than intake's typical wait.

    ## What it does
    Flags a promise about getting an appointment ("same-day appointments", "seen tomorrow",
    "within 48 hours", "no waiting", "in 2 to 3 weeks") whose longest wait is shorter than the
    typical longest wait of the pathway the sentence is about (business days count 7/5).
    Sentences about 911, 988 or the nurse line, and times that are not waits ("results in 2
    days", "call us today"), are not promises.

    ## Why is this bad?
    A patient who was promised a visit this week and is offered one in three weeks loses
    trust, or delays care elsewhere. Intake sets the waits; the next-step block shows them.

    ## Example
    ```markdown
    Same-day appointments are available with our heart doctors.
    ```

    Use instead:
    ```markdown
    New patients are usually seen within 5 to 10 business days.
    ```
    """

    code = "IN002"
    name = "wait-promise-shorter-than-intake"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for found in claims(doc, ctx, wait_promises, WAIT_WORDS, also=APPOINTMENT_WORDS, triage=False):
            if found.pathway is None or left_to_campaign_rule(self.code, doc, ctx, found):
                continue
            message = wait_problem(doc, found, found.pathway[1])
            if message:
                yield self.in_segment(doc, found.segment, found.start, found.end, message)


class ReferralClaimContradictsIntake(Rule):
    """Referral claim that contradicts intake.

    ## What it does
    Reads what a sentence says about referrals, negation included ("you don't need a
    referral", "a referral is required", "you cannot book it without a referral", "some plans
    require a referral") and compares it with the referral rule of the pathway the sentence is
    about. Saying none is needed when intake says `required` or `required-by-some-plans`, or
    saying one is needed when intake says `not-required`, is flagged.

    ## Why is this bad?
    Patients who come without a required referral are turned away or billed; patients told
    they need one when they do not may never book.

    ## Example
    ```markdown
    ---
    next_step: stress-test
    ---
    You do not need a referral for this test.
    ```

    Use instead:
    ```markdown
    ---
    next_step: stress-test
    ---
    You need a referral from your doctor for this test.
    ```
    """

    code = "IN003"
    name = "referral-claim-contradicts-intake"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for found in claims(doc, ctx, referral_claims, REFERRAL_WORDS):
            if found.pathway is None or left_to_campaign_rule(self.code, doc, ctx, found):
                continue
            message = referral_problem(doc, found.value, found.pathway[1])
            if message:
                yield self.in_segment(doc, found.segment, found.start, found.end, message)


class InsuranceClaimNotInIntake(Rule):
    """Insurance claim that intake does not back.

    ## What it does
    Flags "we accept all insurance", "all major insurance", "any insurance", "every plan"
    (intake lists the plans, so these are never right), and a named plan in a sentence that
    says it is accepted ("we accept Humana", "in network with Kaiser") when the plan is not in
    the `insurance` list of the pathway the sentence is about. A list after "We accept:" counts
    as that sentence. Plan names come from `generator/data/insurance_plans.yml`.

    ## Why is this bad?
    Patients choose care by coverage. A wrong plan on a page means surprise bills and
    complaints to the state insurance regulator.

    ## Example
    ```markdown
    We accept all major insurance plans, including Kaiser.
    ```

    Use instead:
    ```markdown
    For this visit, we accept Medicare, Medicaid, Aetna and Cigna.
    ```
    """

    code = "IN004"
    name = "insurance-claim-not-in-intake"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        read = reading(doc, ctx)
        candidates = {i for i, _ in read.candidate_sentences(ACCEPT_WORDS)}
        candidates |= {i for i, _ in read.candidate_sentences(WE_ACCEPT_WORDS, also=WE)}
        if not candidates:
            return
        intakes = organization_intakes(doc, ctx)
        plans = plan_names(p for i in intakes for pw in i.pathways.values() for p in pw.insurance)
        intro: PathwayRef | None = None
        list_open = False
        for index, segment in enumerate(doc.segments):
            in_list = list_open and segment.kind == "list_item"
            list_open = in_list
            if not in_list and index not in candidates:
                continue
            sentences = read.sentences(index)
            for k, (offset, sentence) in enumerate(sentences):
                if not in_list and (is_question(sentence) or not accepting(sentence)):
                    continue
                for start, end, plan in insurance_claims(sentence, plans):
                    about = intro if in_list else read.facts.about(sentences, k, start, end, segment.section)
                    if plan is not None and about is None and read.facts.intake is not None:
                        continue  # a triage page: no pathway, no plans to compare a plan with
                    listed, accepted = accepted_plans(about, intakes)
                    if plan is None:
                        message = (
                            f'{says(doc)} "{sentence[start:end]}"; intake accepts only the plans it lists '
                            f"({listed})"
                        )
                    elif plan in {plans.canon(p) for p in accepted}:
                        continue
                    else:
                        message = f"{says(doc)} {sentence[start:end]} is accepted; intake lists {listed}"
                    yield self.in_segment(doc, segment, offset + start, offset + end, message)
            last = sentences[-1][1].rstrip() if sentences else ""
            if segment.kind == "paragraph" and last.endswith(":") and accepting(last):
                list_open = True  # "We accept these plans:" and a list
                intro = read.facts.about(sentences, len(sentences) - 1, 0, len(last), segment.section)


class HoursClaimContradictsIntake(Rule):
    """Hours claim that contradicts intake.

    ## What it does
    Flags claims about opening hours ("open Saturdays", "on weekends", "Sunday hours", "24/7",
    "around the clock", "evening appointments", "open late", "open until 8 p.m.") that the
    service line's `hours` in intake do not bear out. Sentences about the nurse line, 988, 911
    or a crisis line are not about intake hours: those answer day and night.

    ## Why is this bad?
    A patient who drives in on a Saturday to a closed clinic loses a day of care, and may not
    come back.

    ## Example
    ```markdown
    Our heart center is open Saturdays for new patient visits.
    ```

    Use instead:
    ```markdown
    Our heart center is open Monday to Friday. Not sure if it can wait? Our nurse line answers 24/7.
    ```
    """

    code = "IN005"
    name = "hours-claim-contradicts-intake"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        intakes = organization_intakes(doc, ctx)
        for found in claims(doc, ctx, hours_claims, HOURS_WORDS, triage=False):
            if any(hours_hold(found.value, intake) for intake in intakes):
                continue
            hours = "; ".join(f"{intake.name}: " + ", ".join(hours_lines(intake)) for intake in intakes)
            message = f'{says(doc)} "{found.text}"; intake hours are {hours}'
            yield self.in_segment(doc, found.segment, found.start, found.end, message)


class TelehealthClaimContradictsIntake(Rule):
    """Telehealth claim for an in-person-only visit.

    ## What it does
    Flags "video visit", "by video", "telehealth", "virtual visit", "online visit" or a visit
    "from home" when the pathway the sentence is about has `telehealth: false` in intake.
    Negated mentions ("not by video") and labels (a table cell "Video visit") are not claims.

    ## Why is this bad?
    Patients who expect a video visit may not arrange time off, transport or child care, and
    miss the visit they actually get.

    ## Example
    ```markdown
    Your first visit can be a video visit from home.
    ```

    Use instead:
    ```markdown
    Your first visit is in person. Follow-up visits can be done by video.
    ```
    """

    code = "IN006"
    name = "telehealth-claim-contradicts-intake"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for found in claims(doc, ctx, telehealth_claims, TELEHEALTH_WORDS):
            if found.pathway is None or is_label(found) or left_to_campaign_rule(self.code, doc, ctx, found):
                continue
            message = telehealth_problem(doc, found, found.pathway[1])
            if message:
                yield self.in_segment(doc, found.segment, found.start, found.end, message)


class AppointmentTypeUnknownToIntake(Rule):
    """Appointment type that intake does not book.

    ## What it does
    Flags a kind of appointment offered as ours ("walk-ins welcome", "our urgent care",
    "we make house calls", "book a second opinion") when no pathway of the service line (or of
    any service line, on organization pages) has it in its appointment type or aliases. The
    kinds are listed in `generator/data/appointment_types.yml`.

    ## Why is this bad?
    Patients come for a service intake cannot book: a walk-in at a clinic that only sees
    scheduled patients is sent home.

    ## Example
    ```markdown
    Walk-ins are welcome at our heart center.
    ```

    Use instead:
    ```markdown
    Call to book a new patient visit at our heart center.
    ```
    """

    code = "IN007"
    name = "appointment-type-unknown-to-intake"
    severity = Severity.WARNING
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        intakes = organization_intakes(doc, ctx)
        for found in claims(doc, ctx, appointment_type_offers, TYPES_WORDS, triage=False):
            if intake_has_type(found.value, intakes):
                continue
            where = intakes[0].name if len(intakes) == 1 else "any service line"
            message = f'{says(doc)} "{found.text}"; intake books no {found.value} for {where}'
            yield self.in_segment(doc, found.segment, found.start, found.end, message)


class WhatToBringContradictsIntake(Rule):
    """What-to-bring claim that contradicts intake.

    ## What it does
    Flags "nothing to bring", "you don't need to bring anything", and a negated bring ("no need
    to bring your insurance card", "leave your ID at home", "your medicine list is not needed")
    of something on the `bring` list of the pathway the sentence is about, matched by its key
    words.

    ## Why is this bad?
    Patients who leave their ID or insurance card at home may not be seen, or are billed as
    uninsured.

    ## Example
    ```markdown
    There is no need to bring your insurance card to your first visit.
    ```

    Use instead:
    ```markdown
    Bring your photo ID, your insurance card and a list of all your medicines.
    ```
    """

    code = "IN008"
    name = "what-to-bring-contradicts-intake"
    severity = Severity.WARNING
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for found in claims(doc, ctx, bring_claims, BRING_WORDS, also=BRING_NEGATIONS):
            if found.pathway is None:
                continue
            items = bring_items(found.value, found.pathway[1])
            if not items:
                continue
            kind = found.pathway[1].appointment_type
            message = f'{says(doc)} "{found.text.strip()}"; intake says to bring {", ".join(items)} to {kind}'
            yield self.in_segment(doc, found.segment, found.start, found.end, message)


RULES = (
    UnknownPhoneNumber(),
    WaitPromiseShorterThanIntake(),
    ReferralClaimContradictsIntake(),
    InsuranceClaimNotInIntake(),
    HoursClaimContradictsIntake(),
    TelehealthClaimContradictsIntake(),
    AppointmentTypeUnknownToIntake(),
    WhatToBringContradictsIntake(),
)
