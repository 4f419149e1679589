"""Reading level without third-party data: sentences, words, syllables, Flesch-Kincaid, SMOG.

Only running prose is scored: paragraphs, list items and block quotes (not headings, table
cells or code). A sentence ends at ., ! or ? followed by a capital letter or a digit, except
after abbreviations such as a.m., Dr. and e.g. Syllables are counted by vowel groups with
the usual English corrections (silent final e, -le, -es and -ed endings, y as a vowel, vowel
pairs said as two syllables) and a small dictionary of exceptions. Numbers count as one
syllable, and abbreviations written with periods (a.m., e.g.) are said letter by letter.

The formulas:

- Flesch-Kincaid grade = 0.39 × words/sentence + 11.8 × syllables/word − 15.59
- SMOG grade = 1.0430 × √(polysyllables × 30 / sentences) + 3.1291

where a polysyllable is a word of three or more syllables.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from generator.lint.document import LintDocument, Segment

PROSE_KINDS = frozenset({"paragraph", "list_item", "quote"})
"""Segment kinds that are running text."""

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
"""A word: letters and digits, with inner apostrophes, hyphens and periods (don't, follow-up,
a.m; a sentence's final period is not part of its last word)."""
_ASCII_TOKENS = bytes(b if chr(b).isalnum() or chr(b) in "'.-" else 32 for b in range(128)) + b" " * 128
"""For ASCII text (as bytes): every character a word cannot have becomes a space, so that
``split()`` cuts the text into tokens, each holding the words ``_WORD`` finds there."""
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_LETTERS = re.compile(r"[^a-z]")

_EXCEPTIONS = {
    "acne": 2,
    "any": 2,
    "anyone": 3,
    "area": 3,
    "areas": 3,
    "argue": 2,
    "behavior": 3,
    "behavioral": 4,
    "behaviors": 3,
    "business": 2,
    "businesses": 3,
    "create": 2,
    "created": 3,
    "creates": 2,
    "diabetes": 4,
    "diarrhea": 4,
    "evening": 2,
    "everyday": 3,
    "everything": 3,
    "eye": 1,
    "eyes": 1,
    "hour": 1,
    "hours": 1,
    "hundred": 2,
    "hundreds": 2,
    "idea": 3,
    "ideas": 3,
    "maybe": 2,
    "nausea": 3,
    "ninety": 2,
    "our": 1,
    "ours": 1,
    "pancreas": 3,
    "people": 2,
    "peoples": 2,
    "react": 2,
    "reaction": 3,
    "recipe": 3,
    "rhythm": 2,
    "rhythms": 2,
    "safety": 2,
    "science": 2,
    "someone": 2,
    "suicidal": 4,
    "suicide": 3,
    "sure": 1,
    "tired": 2,
    "wednesday": 2,
    "whole": 1,
}
"""Words the rules below get wrong, with their syllable count."""

_ADD = re.compile(
    r"(?<![cstx])ia"  # media, trial (not special, initial, Asia)
    r"|io(?!n)(?!us)"  # radio, biology, period (not emotion, anxious)
    r"|(?<![ctsxg])ious"  # serious, various (not precious, anxious, religious)
    r"|(?<![mpg])eo"  # video, geology (not someone, people, gorgeous)
    r"|(?<![qg])ua"  # actual, usual (not quality, language)
    r"|(?<![qg])ue(?=[lnt])"  # cruel, fluent, influence
    r"|iet"  # diet, quiet, anxiety
    r"|(?<![cts])(?<!fr)ien"  # client, experience (not patient, ancient, friend)
    r"|iu"  # calcium, sodium
    r"|(?<![qg])uid"  # fluid (not liquid)
    r"|[aeiou]y(?:[aiou]|e(?!d$))"  # beyond, player (not played)
    r"|(?<=[a-z]{3})ie(?:r|rs|st)$"  # earlier, easiest
    r"|[aeiouy]ing$"  # going, seeing, trying
    r"|[aeiouy]sm$"  # spasm, autism
)
"""Vowel pairs said as two syllables; each match adds one."""

_SUFFIX_AFTER_SILENT_E = re.compile(r"[aeiouy][^aeiouy]e(?:ly|ment|ments|ful|fully|less|ness)$")
_COMPOUND_WITH_SILENT_E = re.compile(
    r"^(?:some|home|life|care|safe|lake|time|whole|side|wide|love|hope|base|make|take|like)"
    r"(?=[^aeiouyrsd]|s[a-z]{2})"  # sometimes, homework, lakeside (not homes, makers)
)


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables in one word (at least one)."""
    word = word.replace("’", "'")
    if "-" in word:
        return sum(syllables(part) for part in word.split("-") if part) or 1
    if "." in word:
        parts = [part for part in word.split(".") if part]
        if all(len(part) == 1 for part in parts):  # a.m, e.g: said letter by letter
            return sum(3 if c in "wW" else 1 for c in parts if c.isalpha()) or 1
        return sum(syllables(part) for part in parts)  # 1.5, www.heart.org
    lower = word.lower()
    if not any(c.isalpha() for c in lower):
        return 1
    base, apostrophe, tail = lower.partition("'")
    if apostrophe and tail == "t" and base.endswith("n") and len(base) > 1:
        stem = base[:-1]  # didn't → did + n't: one more syllable after a consonant
        return _count(_LETTERS.sub("", stem)) + (0 if stem[-1] in "aeiouy" else 1)
    return _count(_LETTERS.sub("", base))


def _count(word: str) -> int:
    """Syllables of a lowercase word of letters only."""
    if not word:
        return 1
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if len(word) <= 3:  # ago, any, icy; the, are, one
        silent_e = len(word) > 1 and word.endswith("e") and word[-2] not in "aeiouy"
        return max(len(_VOWEL_GROUPS.findall(word[:-1] if silent_e else word)), 1)
    if word[0] == "y" and word[1] in "aeiou":
        word = "j" + word[1:]  # an initial y before a vowel is a consonant: you, year
    count = len(_VOWEL_GROUPS.findall(word)) + len(_ADD.findall(word))
    if _silent_ending(word):
        count -= 1
    if _SUFFIX_AFTER_SILENT_E.search(word) or (_COMPOUND_WITH_SILENT_E.match(word) and len(word) > 5):
        count -= 1  # likely, movement; sometimes, lakeside
    if word.endswith(("que", "gue")):  # unique, fatigue
        count -= 1
    return max(count, 1)


def _silent_ending(word: str) -> bool:
    """Does the word end in a silent e, -es or -ed (take, homes, helped)?"""
    syllabic_l = len(word) > 3 and word[-4] not in "aeiouyl"  # table(s), troubled: -le is said
    if word.endswith("e") and word[-2] not in "aeiouy":
        return not (word.endswith("le") and word[-3] not in "aeiouyl")
    if word.endswith("es") and word[-3] not in "aeiouysxzgc" and not word.endswith(("ches", "shes")):
        return not (word.endswith("les") and syllabic_l)
    if word.endswith("ed") and word[-3] not in "aeiouytd":
        return not (word.endswith("led") and syllabic_l)
    return False


def words(text: str) -> list[str]:
    """The words of ``text`` (hyphenated compounds and contractions are one word)."""
    return _WORD.findall(text)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One scored sentence."""

    text: str
    segment: Segment
    start: int
    """Index of the sentence in ``segment.text``."""
    words: int
    syllables: int
    polysyllables: int

    @property
    def line(self) -> int:
        """File line where the sentence starts."""
        return self.segment.position(self.start).line


@dataclass(frozen=True)
class Scores:
    """Counts and grades of a document."""

    sentence_count: int
    """Sentences with at least one word."""
    word_count: int
    syllable_count: int
    polysyllable_count: int
    """Words of three or more syllables."""
    doc: LintDocument | None = field(default=None, compare=False, repr=False)

    @property
    def flesch_kincaid(self) -> float:
        """Flesch-Kincaid grade (0.0 without words)."""
        if not self.word_count:
            return 0.0
        return (
            0.39 * self.word_count / self.sentence_count
            + 11.8 * self.syllable_count / self.word_count
            - 15.59
        )

    @property
    def smog(self) -> float:
        """SMOG grade (0.0 without sentences)."""
        if not self.sentence_count:
            return 0.0
        return 1.0430 * math.sqrt(self.polysyllable_count * 30 / self.sentence_count) + 3.1291

    def longest(self, count: int = 3) -> list[Sentence]:
        """The ``count`` longest sentences (by words), in document order."""
        ranked = sorted(self._sentences, key=lambda s: (-s.words, s.line))[:count]
        return sorted(ranked, key=lambda s: s.line)

    @cached_property
    def _sentences(self) -> list[Sentence]:
        """The scored sentences (worked out once: RD001 and RD002 may both name the longest)."""
        return sentences(self.doc) if self.doc is not None else []


_BOUNDARY = re.compile(
    r"[.!?]"
    r"(?<!(?i:\b(?:a\.m|p\.m|e\.g|i\.e|etc))\.)(?<!\b(?:Dr|Mr|Ms|St|No|vs)\.)(?<!\bMrs\.)"
    r"[\"”')\]]*\s+(?=[\"“(\[]?[A-Z0-9])"
)
"""Where a sentence ends: . ! or ? (then closing quotes), space, and a capital or a digit next;
not after a.m., p.m., e.g., i.e., etc., Dr., Mr., Mrs., Ms., St., No. or vs. A match starts at
the mark (a leading literal set lets the regular expression engine skip ahead to the marks)."""


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Sentences of a piece of prose, with their start index."""
    out = []
    start = 0
    for end in _BOUNDARY.finditer(text):
        out.append((start, text[start : end.start() + 1]))
        start = end.end()
    out.append((start, text[start:]))
    return out


def sentences(doc: LintDocument) -> list[Sentence]:
    """Scored sentences of the document's running prose, in order."""
    out = []
    count = syllables
    for segment in doc.segments:
        if segment.kind not in PROSE_KINDS:
            continue
        for start, text in split_sentences(segment.text):
            found = _WORD.findall(text)
            if not found:
                continue
            counts = list(map(count, found))
            poly = len([c for c in counts if c > 2])
            out.append(Sentence(text.strip(), segment, start, len(found), sum(counts), poly))
    return out


_FIELD = 21
"""Bits of each count in a packed token count (see ``_TokenCounts``)."""
_MASK = (1 << _FIELD) - 1
_PACKED_TEXT_LIMIT = 1 << 19
"""Texts shorter than this cannot overflow a field: a word of n characters has at most 3n
syllables ("w.w.w")."""


class _TokenCounts(dict[str, int]):
    """Token → its words, syllables and polysyllables, packed into one int (words in the low
    ``_FIELD`` bits, then syllables, then polysyllables), filled on first use. Packed counts
    add up field by field, so one ``sum`` in C totals a whole document."""

    def __missing__(self, token: str) -> int:
        counts = [syllables(word) for word in _WORD.findall(token)]
        poly = len([c for c in counts if c > 2])
        value = self[token] = len(counts) | sum(counts) << _FIELD | poly << 2 * _FIELD
        if len(self) > 1 << 18:  # a bound on memory for very large sites
            self.clear()
        return value


_COUNTS = _TokenCounts()


def _unpack(packed: int) -> tuple[int, int, int]:
    """(words, syllables, polysyllables) of a packed count."""
    return packed & _MASK, packed >> _FIELD & _MASK, packed >> 2 * _FIELD


def score(doc: LintDocument) -> Scores:
    """Counts and grades of the document's running prose.

    The fast path of ``sentences``, over all prose at once (pieces joined by NUL, which no
    word, sentence end or abbreviation contains, so nothing runs from one piece into the
    next). Words: ASCII text is cut into tokens with ``bytes.translate`` and ``split`` (no
    regular expression), and each distinct token is counted once (``_TokenCounts``).
    Sentences: a sentence starts after each sentence end (the capital or digit after it is a
    word) and at the start of each piece whose text before its first sentence end has a word.
    """
    prose = [segment.text for segment in doc.segments if segment.kind in PROSE_KINDS]
    text = "\0".join(prose)
    if text.isascii():
        tokens = text.encode("ascii").translate(_ASCII_TOKENS).decode("ascii").split()
    else:
        tokens = _WORD.findall(text)
    counts = map(_COUNTS.__getitem__, tokens)
    if len(text) < _PACKED_TEXT_LIMIT:
        word_count, syllable_count, polysyllable_count = _unpack(sum(counts))
    else:  # a huge page, whose totals could overflow a field: add up each count on its own
        totals = [0, 0, 0]
        for packed in counts:
            for field_index, count in enumerate(_unpack(packed)):
                totals[field_index] += count
        word_count, syllable_count, polysyllable_count = totals
    sentence_count = len(_BOUNDARY.findall(text))
    for piece in prose:
        if piece[:1].isalnum():
            sentence_count += 1
        else:  # "... Then more.": is there a word before the first sentence end?
            end = _BOUNDARY.search(piece)
            sentence_count += _WORD.search(piece, 0, end.start() if end else len(piece)) is not None
    return Scores(sentence_count, word_count, syllable_count, polysyllable_count, doc)


_LAST: list[tuple[LintDocument, Scores]] = []


def scores(doc: LintDocument) -> Scores:
    """``score(doc)``, kept for the last document: RD001 and RD002 read the same one."""
    if _LAST and _LAST[0][0] is doc:
        return _LAST[0][1]
    result = score(doc)
    _LAST[:] = [(doc, result)]
    return result


def score_markdown(text: str) -> Scores:
    """Scores of a Markdown text (for tests and tools)."""
    return score(LintDocument.parse("text.md", text))
