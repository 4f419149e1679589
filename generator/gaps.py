"""``carewheel gaps``: questions patients asked intake that no question page answers.

Input: a CSV log with ``asked_at``, ``question`` and (optional) ``service_line`` columns.

Matching
    Each question is reduced to its *content words*: lowercase words without stop words
    (``STOP_WORDS``: question words, pronouns, auxiliaries ...), with a plural ``s`` and an
    ``-ing``/``-ed`` ending taken off. A page offers several phrases: its question, its title
    and each keyword. The score of a page is the best Jaccard overlap (shared words ÷ all
    words of both) between the asked question and one of its phrases. The question is
    *answered* when the best page scores at least ``MATCH_THRESHOLD`` (0.5) and shares at
    least ``MIN_SHARED`` (2) words with that phrase (or all words of a one-word question).

Grouping
    Unanswered questions are grouped by service line (the row's, else the best-scoring page's,
    else ``(unknown)``). Within a line, two questions are similar when their content words
    overlap by at least ``SIMILAR`` (0.3, Jaccard); a group is a set of questions linked by
    similarity. Its *theme* is the words most of its questions share (by how many questions
    use them, then alphabetically; at most three). Everything is sorted, so the same log always
    gives the same groups and numbers, and ``--scaffold N`` finds group N again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import UsageError
from generator.tables import BAD_DATE, DATE_FORMATS, Column, DataWarnings, parse_datetime, read_table

if TYPE_CHECKING:
    from generator.content import Page, Site

MATCH_THRESHOLD = 0.5
"""Lowest Jaccard overlap of content words at which a page answers a question."""
MIN_SHARED = 2
"""Content words a question must share with the page's phrase (fewer only for shorter questions)."""
SIMILAR = 0.3
"""Lowest Jaccard overlap at which two unanswered questions belong to the same group."""
THEME_WORDS = 3
UNKNOWN_LINE = "(unknown)"
NO_WORDS = "no words to match"

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing done down during each else ever few find for from
    further get gets getting give go goes going got had has have having he happen her here hers him his
    how i if in into is it its just know let lets like make may me might more most much must my myself
    need needs no nor not now of off offer on once only or other our ours out over own please really
    same say says see should so some still such take tell than that the their them then there these
    they this those through to too under until up us use very want was way we well were what when
    where which while who whom why will with without would yes yet you your yours yourself
    s t m d ll re ve im dont cant isnt
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
"""Words that carry no topic: they are ignored when matching and grouping."""

QUESTION_COLUMNS = (
    Column("asked_at", "asked asked_on date time timestamp created_at received_at", True),
    Column("service_line", "serviceline service department specialty line"),
    Column("question", "question_text text patient_question asked_question query", True),
)
"""Columns of the intake question log."""

_WORD = re.compile(r"[a-z0-9]+")


KEEP_ENDINGS = frozenset(
    "anything bring ceiling during evening everything morning nothing something spring string thing".split()  # noqa: SIM905
)
"""Words whose ``-ing`` or ``-ed`` is not an ending."""


def stem(word: str) -> str:
    """A light, deterministic stem: ``tests`` → ``test``, ``counseling`` → ``counsel``."""
    if word in KEEP_ENDINGS:
        return word
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    """The stemmed words of ``text`` that are not stop words (``What's`` → nothing)."""
    tokens = _WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))
    stems = (stem(t) for t in tokens if t not in STOP_WORDS and (len(t) > 1 or t.isdigit()))
    return frozenset(w for w in stems if w not in STOP_WORDS)


def ordered_words(text: str) -> list[str]:
    """``content_words`` in the order they appear, without repeats (for readable themes)."""
    wanted = content_words(text)
    seen: dict[str, None] = {}
    for token in _WORD.findall(text.lower().replace("'", "").replace("\u2019", "")):
        word = stem(token)
        if word in wanted:
            seen.setdefault(word, None)
    return list(seen)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words ÷ all words of both (0 when both are empty)."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


@dataclass(frozen=True)
class PagePhrases:
    """A question page and the phrases it is matched on."""

    src: str
    path: str
    question: str
    service_line: str
    cluster: str
    phrases: tuple[frozenset[str], ...]


def page_index(site: Site) -> list[PagePhrases]:
    """Every question page (drafts too: a drafted answer is on its way), sorted by path."""
    out = []
    for src, page in sorted(site.pages.items()):
        meta = page.meta
        if page.type != "question":
            continue
        texts = [getattr(meta, "question", ""), page.title, *meta.keywords]
        phrases = tuple(dict.fromkeys(w for w in (content_words(t) for t in texts) if w))
        out.append(
            PagePhrases(
                src,
                page.path,
                getattr(meta, "question", page.title),
                page.service_line_id or "",
                getattr(meta, "cluster", ""),
                phrases,
            )
        )
    return out


@dataclass(frozen=True)
class Asked:
    """One row of the question log."""

    where: str
    asked_at: dt.datetime
    service_line: str
    text: str
    words: frozenset[str]


@dataclass(frozen=True)
class Match:
    """A question, its best page and the score."""

    asked: Asked
    page: PagePhrases | None
    score: float
    shared: int

    @property
    def answered(self) -> bool:
        """Does the best page answer the question?"""
        need = min(MIN_SHARED, len(self.asked.words))
        return self.page is not None and self.score >= MATCH_THRESHOLD and self.shared >= need


def best_match(asked: Asked, pages: list[PagePhrases]) -> Match:
    """The best-scoring page for ``asked``: highest score, then most shared words, then
    a page of the question's own service line, then path order."""
    best = Match(asked, None, 0.0, 0)
    best_key: tuple[float, int, bool] = (0.0, 0, False)
    for page in pages:
        for phrase in page.phrases:
            score = jaccard(asked.words, phrase)
            key = (score, len(asked.words & phrase), page.service_line == asked.service_line)
            if key > best_key:
                best_key, best = key, Match(asked, page, score, key[1])
    return best


@dataclass(frozen=True)
class Variant:
    """One distinct question (same words, any punctuation or case) and how often it was asked."""

    text: str
    words: frozenset[str]
    asked: tuple[Asked, ...]

    @property
    def count(self) -> int:
        """Times asked."""
        return len(self.asked)


@dataclass(frozen=True)
class Group:
    """Similar unanswered questions of one service line."""

    number: int
    service_line: str
    theme: tuple[str, ...]
    questions: tuple[Variant, ...]

    @property
    def count(self) -> int:
        """Times any of its questions was asked."""
        return sum(q.count for q in self.questions)

    @property
    def words(self) -> Counter[str]:
        """Content words of its questions, weighted by how often each was asked."""
        out: Counter[str] = Counter()
        for question in self.questions:
            for word in question.words:
                out[word] += question.count
        return out

    def representative(self) -> Variant:
        """The question to scaffold: the most asked, then the one with most theme words, then first."""
        return min(
            self.questions,
            key=lambda q: (-q.count, -len(q.words & set(self.theme)), q.asked[0].asked_at, q.text),
        )


@dataclass
class GapsReport:
    """Every question matched, and the unanswered ones grouped."""

    source: str
    matches: list[Match]
    groups: list[Group]
    warnings: DataWarnings

    @property
    def answered(self) -> list[Match]:
        """Questions a page answers."""
        return [m for m in self.matches if m.answered]

    @property
    def unanswered(self) -> list[Match]:
        """Questions no page answers."""
        return [m for m in self.matches if not m.answered]

    def top(self, count: int) -> list[Group]:
        """The most asked groups, then by number."""
        return sorted(self.groups, key=lambda g: (-g.count, g.number))[:count]

    def group(self, number: int) -> Group:
        """Group ``number`` (from 1)."""
        for group in self.groups:
            if group.number == number:
                return group
        raise UsageError(
            f"no unanswered group {number}; there are {len(self.groups)} (run `carewheel gaps` to list them)"
        )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


def read_questions(path: Path, shown: str, tz: dt.tzinfo, warnings: DataWarnings) -> list[Asked]:
    """The question log; rows without a date or without content words are counted warnings."""
    table = read_table(path, shown, QUESTION_COLUMNS, warnings)
    out = []
    for line, row in table.rows:
        where = f"{shown}:{line}"
        try:
            asked_at = parse_datetime(row["asked_at"], tz)
        except ValueError:
            warnings.add(BAD_DATE, where, f"asked_at {row['asked_at']!r} is not a date ({DATE_FORMATS})")
            continue
        text = " ".join(row["question"].split())
        words = content_words(text)
        if not words:
            warnings.add(NO_WORDS, where, f"{text!r} has no words to match a page on")
            continue
        out.append(Asked(where, asked_at, _slug(row["service_line"]), text, words))
    return out


def _components(items: list[Variant]) -> list[list[Variant]]:
    """Groups of items linked by similarity (union-find over every pair)."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if jaccard(items[i].words, items[j].words) >= SIMILAR:
                parent[root(j)] = root(i)
    groups: dict[int, list[Variant]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[root(i)].append(item)
    return list(groups.values())


def theme(questions: list[Variant]) -> tuple[str, ...]:
    """The words most questions of a group share; for a single question, its first words."""
    if len(questions) == 1:
        return tuple(ordered_words(questions[0].text)[:THEME_WORDS])
    used = Counter(word for q in questions for word in q.words)
    shared = sorted((w for w, n in used.items() if n > 1), key=lambda w: (-used[w], w))
    return tuple(shared[:THEME_WORDS])


def find_gaps(site: Site, asked: list[Asked], source: str, warnings: DataWarnings) -> GapsReport:
    """Match every question, then group the unanswered ones."""
    pages = page_index(site)
    matches = [best_match(a, pages) for a in asked]
    by_line: dict[str, dict[tuple[str, ...], list[Asked]]] = defaultdict(lambda: defaultdict(list))
    for match in matches:
        if match.answered:
            continue
        a = match.asked
        line = a.service_line or (match.page.service_line if match.page and match.score > 0 else "")
        key = tuple(w.lower() for w in _WORD.findall(a.text.lower()))
        by_line[line or UNKNOWN_LINE][key].append(a)
    drafts: list[tuple[str, int, tuple[str, ...], tuple[Variant, ...]]] = []
    for line, distinct in by_line.items():
        variants = sorted(
            (
                Variant(rows[0].text, rows[0].words, tuple(sorted(rows, key=lambda r: r.asked_at)))
                for rows in distinct.values()
            ),
            key=lambda v: (v.asked[0].asked_at, v.text),
        )
        for members in _components(variants):
            ordered = tuple(sorted(members, key=lambda v: (-v.count, v.asked[0].asked_at, v.text)))
            drafts.append((line, sum(v.count for v in ordered), theme(list(ordered)), ordered))
    drafts.sort(key=lambda d: (d[0] == UNKNOWN_LINE, d[0], -d[1], d[2], d[3][0].text))
    groups = [Group(n, line, words, qs) for n, (line, _, words, qs) in enumerate(drafts, start=1)]
    return GapsReport(source, matches, groups, warnings)


def load_gaps(site: Site, questions_path: Path, timezone: str = "UTC") -> GapsReport:
    """Read the question log of a project and find the gaps (nothing is written)."""
    from generator.tables import resolve_timezone

    warnings = DataWarnings()
    shown = site.project.display(questions_path.resolve())
    asked = read_questions(questions_path, shown, resolve_timezone(timezone), warnings)
    return find_gaps(site, asked, shown, warnings)


# --- Scaffolding -----------------------------------------------------------------------------------


def cluster_words(site: Site, cluster_id: str) -> Counter[str]:
    """Content words of a cluster: its hub and every question in it."""
    cluster = site.clusters[cluster_id]
    pages: list[Page] = [cluster.hub, *cluster.questions]
    out: Counter[str] = Counter()
    for page in pages:
        texts = [page.title, getattr(page.meta, "question", "") or "", *page.meta.keywords]
        for text in texts:
            out.update(content_words(text))
    return out


def closest_cluster(site: Site, group: Group) -> str | None:
    """The cluster of the group's service line whose words overlap the group's most (ties: the
    line's cluster order); any line's clusters when the line is unknown. ``None`` when no
    cluster shares a word with the group."""
    line = site.service_lines.get(group.service_line)
    candidates = [c.id for c in line.clusters] if line else sorted(site.clusters)
    wanted = group.words
    best, best_score = None, 0
    for cluster_id in candidates:
        words = cluster_words(site, cluster_id)
        score = sum(count for word, count in wanted.items() if word in words)
        if score > best_score:
            best, best_score = cluster_id, score
    if best is None and line and candidates:
        return candidates[0]
    return best


def question_text(text: str) -> str:
    """A patient's question as a page question: capitalized, ending in ``?``."""
    text = " ".join(text.split()).rstrip(" .!")
    text = text[:1].upper() + text[1:]
    return text if text.endswith("?") else text + "?"


def scaffold_group(site: Site, report: GapsReport, number: int, cluster_id: str | None = None) -> Path:
    """Scaffold a draft question page for unanswered group ``number`` with ``new_question``."""
    from generator.scaffold import new_question

    group = report.group(number)
    target = cluster_id or closest_cluster(site, group)
    if target is None:
        raise UsageError(
            f"group {number} shares no words with any cluster; pass --cluster to choose one "
            f"(clusters: {', '.join(sorted(site.clusters))})"
        )
    return new_question(site, question_text(group.representative().text), target, None, None)


# --- Output ----------------------------------------------------------------------------------------


def _span(report: GapsReport) -> str:
    dates = sorted(m.asked.asked_at.date() for m in report.matches)
    return f"from {dates[0].isoformat()} to {dates[-1].isoformat()}" if dates else "(none)"


def render_markdown(report: GapsReport, site: Site) -> str:
    """The gaps as Markdown: unanswered groups by service line, then the pages that answered."""
    total, answered = len(report.matches), len(report.answered)
    out = [
        "# Unanswered patient questions",
        "",
        f"From `{report.source}`: {total} questions asked {_span(report)}; {answered} are answered by a "
        f"question page, {total - answered} are not ({len(report.groups)} groups).",
        "",
        f"A page answers a question when they share at least {MATCH_THRESHOLD:.0%} of their content "
        f"words (Jaccard overlap with the page's question, title or one keyword, and at least {MIN_SHARED} "
        "shared words). Scaffold a draft page for group N with `carewheel gaps --scaffold N`.",
    ]
    line = None
    for group in report.groups:
        if group.service_line != line:
            line = group.service_line
            out += ["", f"## {line}"]
        cluster = closest_cluster(site, group)
        theme_text = ", ".join(group.theme) or "(no shared words)"
        times = "time" if group.count == 1 else "times"
        out += ["", f"### {group.number}. {theme_text} (asked {group.count} {times})", ""]
        if cluster:
            out += [f"Closest cluster: `{cluster}`.", ""]
        for question in group.questions:
            last = question.asked[-1].asked_at.date().isoformat()
            suffix = f" ({question.count}×, last {last})" if question.count > 1 else f" ({last})"
            out.append(f"- {_markdown_text(question.text)}{suffix}")
    if not report.groups:
        out += ["", "Every question is answered by a page."]
    counts = Counter(m.page.path for m in report.answered if m.page)
    if counts:
        out += ["", "## Answered by a page", "", "| page | times asked |", "| --- | ---: |"]
        out += [f"| `{path}` | {n} |" for path, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
    if report.warnings.total:
        out += ["", "## Rows left out", ""]
        out += [f"- `{line_text}`" for line_text in report.warnings.lines()]
    return "\n".join(out) + "\n"


def _markdown_text(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


CSV_FIELDS = (
    "status",
    "group",
    "service_line",
    "theme",
    "question",
    "asked_at",
    "best_page",
    "score",
    "where",
)


def render_csv(report: GapsReport) -> str:
    """One row per question asked: answered or its group, the best page and its score."""
    group_of = {a.where: g for g in report.groups for q in g.questions for a in q.asked}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for match in sorted(report.matches, key=lambda m: (m.asked.asked_at, m.asked.where)):
        group = group_of.get(match.asked.where)
        text = match.asked.text
        writer.writerow(
            {
                "status": "answered" if match.answered else "unanswered",
                "group": str(group.number) if group else "",
                "service_line": group.service_line if group else match.asked.service_line,
                "theme": " ".join(group.theme) if group else "",
                "question": "'" + text if text[:1] in ("=", "+", "-", "@") else text,
                "asked_at": match.asked.asked_at.isoformat(timespec="minutes"),
                "best_page": match.page.path if match.page else "",
                "score": f"{match.score:.2f}",
                "where": match.asked.where,
            }
        )
    return out.getvalue()
