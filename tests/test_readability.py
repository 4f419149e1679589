"""The readability module (RD rules) against hand counts and against textstat 0.7.8.

textstat is a test-only reference: carewheel scores pages with its own counter, which is fast
and reads no data files. textstat counts syllables with the CMU dictionary (pyphen for words
it lacks) and counts a "sentence" of two words or fewer as no sentence; carewheel counts a
two-word list item ("Heart disease") as one. So on real pages the grades differ a little; on
plain fixed texts they agree to the rounding.
"""

from __future__ import annotations

import pytest
import textstat

from generator.lint import readability as rd
from generator.lint.document import LintDocument
from generator.lint.engine import page_document
from generator.schemas import LandingMeta, QuestionPage
from tests.lint_harness import demo_site

SYLLABLES = {
    # plain vowel groups, silent final e, -le, y as a vowel
    "heart": 1,
    "take": 1,
    "table": 2,
    "people": 2,
    "simple": 2,
    "family": 3,
    "every": 3,
    "you": 1,
    "year": 1,
    "any": 2,
    "ago": 2,
    "the": 1,
    "are": 1,
    # -es and -ed endings
    "homes": 1,
    "changes": 2,
    "places": 2,
    "boxes": 2,
    "tables": 2,
    "helped": 1,
    "needed": 2,
    "started": 2,
    "called": 1,
    "troubled": 2,
    "played": 1,
    "worried": 2,
    # vowel pairs said as two syllables
    "media": 3,
    "period": 3,
    "video": 3,
    "actual": 3,
    "fluid": 2,
    "diet": 2,
    "anxiety": 4,
    "client": 2,
    "experience": 4,
    "going": 2,
    "trying": 2,
    "player": 2,
    "earlier": 3,
    "autism": 3,
    # not split: -tion, -cial, -tient, -ious after c/t/x
    "emotion": 3,
    "special": 2,
    "patient": 2,
    "anxious": 2,
    "serious": 3,
    "friend": 1,
    "liquid": 2,
    # silent e before a suffix or inside a compound
    "likely": 2,
    "movement": 2,
    "supplement": 3,
    "careful": 2,
    "sometimes": 2,
    "lakeside": 2,
    # exceptions, contractions, numbers, abbreviations, compounds
    "business": 2,
    "someone": 2,
    "didn't": 2,
    "don't": 1,
    "can't": 1,
    "you're": 1,
    "911": 1,
    "a.m.": 2,
    "e.g": 2,
    "www.heart.org": 3,
    "1.5": 1,
    "follow-up": 3,
    "cardiologist": 5,
    "echocardiogram": 6,
    "medicine": 3,
    "unique": 2,
    "fatigue": 2,
}


@pytest.mark.parametrize(("word", "count"), SYLLABLES.items())
def test_syllables(word: str, count: int) -> None:
    assert rd.syllables(word) == count


def test_words_keep_compounds_contractions_and_abbreviations_whole() -> None:
    text = "Don't skip your follow-up at 8 a.m., e.g. on Monday (2–3 weeks)."  # final periods dropped
    assert rd.words(text) == [
        "Don't",
        "skip",
        "your",
        "follow-up",
        "at",
        "8",
        "a.m",
        "e.g",
        "on",
        "Monday",
        "2",
        "3",
        "weeks",
    ]


def test_only_running_prose_is_scored_and_abbreviations_do_not_end_sentences() -> None:
    doc = LintDocument.parse(
        "t.md",
        "## A heading is not a sentence\n\n"
        "Come at 7 a.m. Dr. Ortega will see you. Bring your pills, e.g. the heart ones.\n\n"
        "- A list item\n- Another item\n\n"
        "> A quote.\n\n"
        "| Cell | Cell |\n| --- | --- |\n| Not prose. | Not prose. |\n\n"
        "```\nNot prose either.\n```\n",
    )
    found = rd.sentences(doc)
    assert [s.text for s in found] == [
        "Come at 7 a.m. Dr. Ortega will see you.",
        "Bring your pills, e.g. the heart ones.",
        "A list item",
        "Another item",
        "A quote.",
    ]
    assert [s.line for s in found] == [3, 3, 5, 6, 8]
    assert rd.score(doc).sentence_count == 5


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("One. Two. Three.", 3),
        ('She said "Stop." Then she left.', 2),
        ("Is it bad? (It can be.) Call us!", 3),
        ("Open 8 a.m. to 5 p.m. Monday to Friday.", 1),
        ("Take 1.5 tablets. Then rest.", 2),
        ("A list item without a period", 1),
        ("... Then more.", 1),
    ],
)
def test_sentence_count(text: str, count: int) -> None:
    assert rd.score_markdown(text + "\n").sentence_count == count
    assert len(rd.sentences(LintDocument.parse("t.md", text + "\n"))) == count


def test_formulas_on_a_hand_counted_text() -> None:
    # 2 sentences, 11 words, 17 syllables; polysyllables: "cardiologist", "family".
    scores = rd.score_markdown("See a cardiologist soon. Bring your family if you like it.\n")
    assert (scores.sentence_count, scores.word_count) == (2, 11)
    assert scores.syllable_count == 17
    assert scores.polysyllable_count == 2
    assert scores.flesch_kincaid == pytest.approx(0.39 * 11 / 2 + 11.8 * 17 / 11 - 15.59)
    assert scores.smog == pytest.approx(1.0430 * (2 * 30 / 2) ** 0.5 + 3.1291)


def test_empty_text_scores_zero() -> None:
    scores = rd.score_markdown("## Only a heading\n")
    assert (scores.sentence_count, scores.flesch_kincaid, scores.smog) == (0, 0.0, 0.0)


def test_longest_sentences_in_document_order() -> None:
    scores = rd.score_markdown(
        "Short one.\nThis one is the longest sentence of them all by far.\nTiny.\n"
        "This one is long too, but not the longest.\nA middle sized sentence.\n"
    )
    assert [s.line for s in scores.longest(3)] == [2, 4, 5]


def test_scores_are_cached_for_the_same_document_only() -> None:
    first = LintDocument.parse("a.md", "One sentence here.\n")
    second = LintDocument.parse("b.md", "Two. Sentences.\n")
    assert rd.scores(first) is rd.scores(first)
    assert rd.scores(second).sentence_count == 2
    assert rd.scores(first).sentence_count == 1


FIXED_TEXTS = [
    "The cat sat on the mat. The dog ran to the park and back. We all had a good time.",
    "Your heart is a muscle that pumps blood. It beats about seventy times a minute when you "
    "rest. When you walk fast, it beats faster to send more blood to your legs.",
    "A cardiologist treats problems of the heart and blood vessels. Many people see one after "
    "a family doctor finds something unusual. The first visit usually takes most of a morning.",
]


@pytest.mark.parametrize("text", FIXED_TEXTS)
def test_matches_textstat_on_plain_text(text: str) -> None:
    scores = rd.score_markdown(text + "\n")
    assert scores.flesch_kincaid == pytest.approx(textstat.flesch_kincaid_grade(text), abs=0.05)
    assert scores.smog == pytest.approx(textstat.smog_index(text), abs=0.05)


def _question_pages() -> list[str]:
    site = demo_site()
    return sorted(src for src, page in site.pages.items() if isinstance(page.meta, QuestionPage))


@pytest.mark.parametrize(
    "src", sorted(src for src, page in demo_site().pages.items() if not isinstance(page.meta, LandingMeta))
)
def test_fast_counts_equal_sentence_by_sentence_counts(src: str) -> None:
    doc = page_document(demo_site(), src)
    found = rd.sentences(doc)
    totals = (len(found), sum(s.words for s in found), sum(s.syllables for s in found))
    scores = rd.score(doc)
    assert (scores.sentence_count, scores.word_count, scores.syllable_count) == totals
    assert scores.polysyllable_count == sum(s.polysyllables for s in found)


@pytest.mark.parametrize("src", _question_pages())
def test_within_one_grade_of_textstat_on_demo_questions(src: str) -> None:
    doc = page_document(demo_site(), src)
    # textstat gets the same prose; each paragraph or list item ends a sentence (textstat
    # would otherwise run the items of a list into one sentence).
    units = [s.text.strip() for s in doc.segments if s.kind in rd.PROSE_KINDS]
    text = "\n".join(u if u[-1] in ".!?" else u + "." for u in units)
    scores = rd.scores(doc)
    assert scores.sentence_count >= 10
    assert abs(scores.flesch_kincaid - textstat.flesch_kincaid_grade(text)) <= 1.0
    assert abs(scores.smog - textstat.smog_index(text)) <= 1.0
