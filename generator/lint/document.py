"""A Markdown document as the linter sees it: prose with exact file positions.

The body is parsed once with markdown-it-pyrs (the Rust port of markdown-it by the author of
markdown-it-py: CommonMark + tables, with a source offset on every node, about ten times
faster than the Python parser). Every piece of prose a patient reads (paragraphs, headings,
list items, table cells, block quotes, link text) becomes
a ``Segment``: its plain text (markup, link targets, inline code and HTML removed) plus, for
each character, where it sits in the source file. Code blocks and front matter are not prose.
Links, images, raw HTML and headings are listed with their positions too.

A document's lines need not start at column 1 of line 1 of its file: ``line_map`` says where
each body line is (front matter above it, or a YAML block scalar indented in a campaign file).
"""

from __future__ import annotations

import os
import re
import sys
from bisect import bisect_right
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, repeat
from operator import eq
from typing import Any, overload

from markdown_it_pyrs import MarkdownIt, Node

_PARSER = MarkdownIt("commonmark").enable("table")


def markdown_tree(body: str) -> Node:
    """markdown-it-pyrs's syntax tree of ``body``.

    Version 0.4.0 panics when a ``[`` is followed by an unclosed run of backticks
    ("Press [`Book"): a bug in its code-span scanner, raised as pyo3's ``PanicException``
    (a ``BaseException``) after Rust prints the panic to standard error. Text with both
    characters is parsed with standard error silenced; on a panic it is parsed again with
    backticks read as apostrophes, which keeps every position (code spans become prose).
    """
    if "[" not in body or "`" not in body:
        return _PARSER.tree(body)
    with _stderr_silenced():
        try:
            return _PARSER.tree(body)
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":
                raise
    return _PARSER.tree(body.replace("`", "'"))


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the block (what Rust's panic hook writes to)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_BLOCKS = frozenset(
    {
        "root",
        "paragraph",
        "heading",
        "lheading",
        "bullet_list",
        "ordered_list",
        "list_item",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "trow",
        "tcell",
        "fence",
        "code_block",
        "html_block",
        "hr",
    }
)

_BREAK_CHARS = ".,;:!?()[]{}\"'*_“”‘’|#<>-–—"
WORD_BREAKS = str.maketrans(dict.fromkeys(_BREAK_CHARS, " "))
"""Characters between words (``/`` stays: ``24/7`` is one word); see ``LintDocument.words``."""
_ASCII_BREAKS = "".join(c for c in _BREAK_CHARS if c.isascii()).encode("ascii")
_ASCII_WORD_BREAKS = bytes.maketrans(_ASCII_BREAKS, b" " * len(_ASCII_BREAKS))


def break_words(text: str) -> str:
    """``text`` with each ``WORD_BREAKS`` character made a space. (ASCII text goes through
    ``bytes.translate``: ten times faster than ``str.translate`` with a dictionary.)"""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORD_BREAKS).decode("ascii")
    return text.translate(WORD_BREAKS)


def _pieces(needle: str) -> tuple[str, ...]:
    """What ``LintDocument.vocabulary`` has when ``lower`` has ``needle``: each piece of the
    needle (between spaces and word breaks) is inside one word wherever the needle is, and a
    piece with a space or break before it in the needle starts that word, one with a space or
    break after it ends that word ("day and night": "day ", " and ", " night")."""
    spaced = break_words(needle)
    return tuple(
        (" " if piece.start() else "") + piece.group() + (" " if piece.end() < len(spaced) else "")
        for piece in _PIECE.finditer(spaced)
    )


_PIECE = re.compile(r"\S+")
_PIECES: dict[str, tuple[str, ...]] = {}
"""``_pieces`` by needle (needles are the rules' keywords: a few hundred)."""


_INNER = {"list_item": "list_item", "blockquote": "quote"}
"""Block nodes whose inline text is of another kind than their parent's."""

_SENTENCE_END = re.compile(
    r"[.!?](?<!(?i:\b(?:a\.m|p\.m|e\.g|i\.e|etc|mrs))\.)(?<!(?i:\b(?:dr|mr|ms|vs|st|no))\.)"
    r"[\"”')\]]*\s+(?=[\"“(\[]?[A-Z0-9])"
)
"""A sentence end: . ! or ? (then closing quotes), space, and a capital or a digit next; not
the period of a.m., p.m., Dr., Mr., Mrs., Ms., e.g., i.e., vs., etc., St. or No. (any case)."""


@dataclass(frozen=True)
class Position:
    """1-based line and column in the source file."""

    line: int
    col: int


class ConsecutiveLines(Sequence[tuple[int, int]]):
    """The line map of body lines that follow each other in the file from column 1 on, the
    first at line ``first``: a page's body below its front matter. It is two numbers, where a
    list would hold a tuple per line for as long as the document lives (a cost to memory and
    to the garbage collector's pass over a large site)."""

    __slots__ = ("first", "size")

    def __init__(self, first: int, size: int) -> None:
        self.first = first
        self.size = size

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(index)
        return (self.first + index, 0)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"ConsecutiveLines(first={self.first}, size={self.size})"


def compact_line_map(line_map: Sequence[tuple[int, int]]) -> Sequence[tuple[int, int]]:
    """``line_map`` as ``ConsecutiveLines`` when it is one, else unchanged."""
    count = len(line_map)
    if not count or isinstance(line_map, ConsecutiveLines) or line_map[0][1] != 0:
        return line_map
    first = line_map[0][0]
    if all(map(eq, line_map, zip(range(first, first + count), repeat(0)))):
        return ConsecutiveLines(first, count)
    return line_map


class BodyIndex:
    """Turns a character offset in a document's body into a file position. (Its table of
    line starts is made on first use: most documents are checked without a finding, and
    nothing else needs a line number.)"""

    __slots__ = ("_starts", "body", "line_map")

    def __init__(self, body: str, line_map: Sequence[tuple[int, int]]) -> None:
        self.body = body
        self.line_map = line_map
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """Offset at which each body line starts."""
        if self._starts is None:
            self._starts = line_positions(self.body)
        return self._starts

    def position(self, offset: int) -> Position:
        starts = self.starts
        k = max(bisect_right(starts, offset) - 1, 0)
        if k < len(self.line_map):
            line, extra = self.line_map[k]
        else:
            last, extra = self.line_map[-1] if self.line_map else (1, 0)
            line = last + k - len(self.line_map) + 1
        return Position(line, offset - starts[k] + extra + 1)


@dataclass(slots=True)
class Segment:
    """One piece of prose: plain text, and where each character is in the file.

    ``chunks`` holds (start in ``text``, offset in the body) for each run of characters copied
    from the source; ``index`` turns body offsets into file positions. A segment copied from
    the source in one run (most are: text without markup) has no chunks but ``at``, the
    offset of its first character (two objects fewer for each of many segments).
    """

    kind: str
    """``paragraph``, ``heading``, ``list_item``, ``table_cell`` or ``quote``."""
    text: str
    chunks: Sequence[tuple[int, int]] = field(default=(), repr=False)
    index: BodyIndex | None = field(default=None, repr=False)
    section: int = 0
    """Index of the section (text under one heading) the segment belongs to."""
    heading_level: int = 0
    """For headings: 1 to 6."""
    start_at: int = field(default=-1, repr=False)
    """For headings: the body offset of the line's first ``#`` (else -1); see ``start``."""
    at: int = field(default=-1, repr=False)
    """For a segment copied in one run: the body offset of its first character (else -1)."""

    @property
    def start(self) -> Position | None:
        """For headings: where the line's first ``#`` is."""
        if self.start_at < 0 or self.index is None:
            return None
        return self.index.position(self.start_at)

    def position(self, index: int) -> Position:
        """Where character ``index`` of ``text`` is in the file."""
        if self.index is None:
            return Position(1, 1)
        if self.at >= 0:
            return self.index.position(self.at + max(index, 0))
        if not self.chunks:
            return Position(1, 1)
        k = max(bisect_right(self.chunks, (index, 1 << 62)) - 1, 0)
        plain, raw = self.chunks[k]
        return self.index.position(raw + max(index - plain, 0))

    def sentences(self) -> list[tuple[int, str]]:
        """Sentences of the segment with their start index in ``text``. (Split on each call, so
        that the segment does not keep them: the rules that read sentences keep those of the
        document they are checking; see ``rules/intake.py``'s ``Reading``.)"""
        text = self.text
        out = []
        start = 0
        for match in _SENTENCE_END.finditer(text):
            cut = match.start() + 1
            out.append((start, text[start:cut]))  # never blank: it ends with the . ! or ?
            start = match.end()
        rest = text[start:]
        if rest and not rest.isspace():
            out.append((start, rest))
        return out


@dataclass(frozen=True)
class BodyItem:
    """Something found in a document's body, at body offset ``at``: its ``position`` in the
    file is worked out when asked for (see ``BodyIndex``)."""

    at: int
    index: BodyIndex = field(repr=False, compare=False)

    @property
    def position(self) -> Position:
        """Where it starts in the file."""
        return self.index.position(self.at)


@dataclass(frozen=True)
class Link(BodyItem):
    """A Markdown link: its visible text, its target, where it starts."""

    text: str
    href: str
    segment: Segment | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Image(BodyItem):
    """A Markdown image."""

    alt: str
    src: str


@dataclass(frozen=True)
class Html(BodyItem):
    """Raw HTML in the Markdown (a block or an inline tag)."""

    content: str


@dataclass
class LintDocument:
    """Everything a rule may look at in one document."""

    path: str
    body: str
    line_map: Sequence[tuple[int, int]]
    """For each body line (0-based): (file line, columns before the body text on that line)."""
    meta: Any = None
    """The page's validated front matter (a ``schemas`` model), or ``None``."""
    kind: str = "page"
    """``page`` for content pages, ``campaign`` for a campaign's landing copy."""
    page: Any = None
    """The ``content.Page`` (pages) or ``campaigns.CampaignSource`` (campaign copy)."""
    segments: list[Segment] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    html: list[Html] = field(default_factory=list)
    headings: list[Segment] = field(default_factory=list)
    code_lines: set[int] = field(default_factory=set)
    """File lines inside fenced or indented code blocks."""
    file_lines: list[tuple[int, str]] | None = None
    """(file line, text) of the lines where suppression comments may be, when they are not the
    body's (a campaign's whole YAML file); see ``raw_lines``."""

    @classmethod
    def parse(
        cls, path: str, body: str, line_map: Sequence[tuple[int, int]] | None = None, **kw: Any
    ) -> LintDocument:
        """Parse ``body``; ``line_map`` defaults to body line i at file line i + 1."""
        mapping = compact_line_map(line_map) if line_map else ConsecutiveLines(1, body.count("\n") + 1)
        doc = cls(path, body, mapping, **kw)
        _Walker(doc).walk(markdown_tree(body))
        return doc

    def file_position(self, body_line: int, body_col: int) -> Position:
        """A 0-based body line and column as a file position."""
        if body_line < len(self.line_map):
            line, offset = self.line_map[body_line]
        else:
            last, offset = self.line_map[-1] if self.line_map else (1, 0)
            line = last + body_line - len(self.line_map) + 1
        return Position(line, body_col + offset + 1)

    @cached_property
    def prose(self) -> list[Segment]:
        """Segments patients read as running text (headings excluded)."""
        return [s for s in self.segments if s.kind != "heading"]

    def sections(self) -> dict[int, list[Segment]]:
        """Segments grouped by section (0 is the text before the first heading)."""
        out: dict[int, list[Segment]] = {}
        for segment in self.segments:
            out.setdefault(segment.section, []).append(segment)
        return out

    @cached_property
    def text(self) -> str:
        """All prose, one segment per line (for whole-document searches)."""
        _keep_recent(self)
        return "\n".join([s.text for s in self.segments])

    @cached_property
    def segment_starts(self) -> list[int]:
        """Where each segment starts in ``text``."""
        _keep_recent(self)
        if not self.segments:
            return []
        return list(accumulate([len(s.text) + 1 for s in self.segments[:-1]], initial=0))

    def segment_at(self, offset: int) -> int:
        """Index of the segment that holds ``text[offset]``."""
        return max(bisect_right(self.segment_starts, offset) - 1, 0)

    @cached_property
    def lower(self) -> str:
        """``text`` in lowercase (for cheap keyword tests before a regular expression)."""
        return self.text.lower()

    @cached_property
    def words(self) -> frozenset[str]:
        """The words of ``lower``: its pieces between spaces and ``WORD_BREAKS``."""
        return frozenset(break_words(self.lower).split())

    @cached_property
    def vocabulary(self) -> str:
        """``words``, each with a space before and after it: each word once, so about a third
        as long as ``lower`` and as much faster to search (see ``lacks``)."""
        return " " + " ".join(self.words) + " "

    def lacks(self, needle: str) -> bool:
        """Is ``needle`` certainly not in ``lower``? Told by searching ``vocabulary`` for the
        pieces of the needle: one that is in no word (at the start or end of a word where the
        needle puts it) rules it out. (``False`` means only that ``lower`` may have it.)"""
        pieces = _PIECES.get(needle)
        if pieces is None:
            if len(_PIECES) > 4096:
                _PIECES.clear()
            pieces = _PIECES[needle] = _pieces(needle)
        if len(pieces) == 1:  # most needles: one word
            return pieces[0] not in self.vocabulary
        return not all(map(self.vocabulary.__contains__, pieces))

    @cached_property
    def suppressions(self) -> Any:
        """The document's suppression comments (``suppress.Suppressions``), parsed once."""
        from generator.lint import suppress

        if self.file_lines is None and "carewheel:" not in self.body:
            return suppress.Suppressions()
        return suppress.parse(self.raw_lines)

    @cached_property
    def raw_lines(self) -> list[tuple[int, str]]:
        """(file line, text) of the lines where suppression comments may be: the body of a
        page, the whole file of a campaign."""
        if self.file_lines is not None:
            return self.file_lines
        mapping = self.line_map
        return [
            (mapping[i][0] if i < len(mapping) else i + 1, text)
            for i, text in enumerate(self.body.split("\n"))
        ]


_DERIVED = ("text", "segment_starts", "lower", "words", "vocabulary")
"""Properties worked out from a document's segments, each a few kilobytes."""
_RECENT: deque[LintDocument] = deque()
"""The documents that last worked out ``_DERIVED`` properties, most recent last."""


def _keep_recent(doc: LintDocument) -> None:
    """Keep ``_DERIVED`` properties for the few most recent documents only: rules read them
    while they check one document, and a whole site's worth would be most of a lint run's
    memory. An older document works them out again if asked."""
    if _RECENT and _RECENT[-1] is doc:
        return
    _RECENT.append(doc)
    if len(_RECENT) > 8:
        old = _RECENT.popleft()
        if all(other is not old for other in _RECENT):
            for name in _DERIVED:
                old.__dict__.pop(name, None)


class _Walker:
    """Turns the parser's node tree into segments, links, images and HTML with positions."""

    def __init__(self, doc: LintDocument) -> None:
        self.doc = doc
        self.section = 0
        body = doc.body
        self.index = BodyIndex(body, doc.line_map)
        self.chars: list[int] | None = None
        if not body.isascii():
            # The parser reports UTF-8 byte offsets; map them to character offsets.
            table = []
            for i, char in enumerate(body):
                table.extend([i] * len(char.encode("utf-8")))
            table.append(len(body))
            self.chars = table

    def offset(self, byte: int) -> int:
        """A character offset in the body, from the parser's byte offset."""
        if self.chars is None:
            return byte
        return self.chars[min(byte, len(self.chars) - 1)]

    def walk(self, root: Node) -> None:
        self.block(root, "paragraph", root.name)

    def block(self, node: Node, context: str, name: str) -> None:
        """Segments, code lines and HTML of a block node (``name`` is ``node.name``: each
        attribute of a parser node is built anew on every read, so each is read once)."""
        if name == "paragraph":
            self.paragraph(node.children, context)
            return
        if name in ("fence", "code_block"):
            start, end = node.srcmap or (0, 0)
            first = self.index.position(self.offset(start)).line
            last = self.index.position(self.offset(max(end - 1, start))).line
            self.doc.code_lines.update(range(first, last + 1))
            return
        if name == "html_block":
            start = self.offset((node.srcmap or (0, 0))[0])
            self.doc.html.append(Html(start, self.index, str(node.meta.get("content", ""))))
            return
        if name in ("heading", "lheading"):  # ATX (``## Title``) and setext (underlined)
            self.section += 1
            segment = self.paragraph(node.children, "heading")
            segment.heading_level = int(node.meta.get("level", 1))
            body = self.doc.body
            at = min(self.offset((node.srcmap or (0, 0))[0]), len(body))
            line_start = body.rfind("\n", 0, at) + 1
            line_end = body.find("\n", at)
            text = body[line_start : len(body) if line_end < 0 else line_end]
            segment.start_at = line_start + len(text) - len(text.lstrip())
            self.doc.headings.append(segment)
            return
        if name == "tcell":
            self.paragraph(node.children, "table_cell")
            return
        inner = _INNER.get(name, context)
        pending: list[Node] = []
        for child in node.children:
            child_name = child.name
            if child_name not in _BLOCKS:
                pending.append(child)
                continue
            if pending:
                self.paragraph(pending, inner)
                pending = []
            if child_name == "paragraph":
                self.paragraph(child.children, inner)
            else:
                self.block(child, inner, child_name)
        if pending:
            self.paragraph(pending, inner)

    def paragraph(self, nodes: Sequence[Node], kind: str) -> Segment:
        """The segment of a run of inline nodes (added to the document unless blank)."""
        if len(nodes) == 1:
            node = nodes[0]
            if node.name == "text":  # the common case: plain words
                content = str(node.meta.get("content", ""))
                srcmap = node.srcmap
                at = (srcmap[0] if self.chars is None else self.offset(srcmap[0])) if srcmap else 0
                plain = Segment(kind, content, (), self.index, self.section, at=at)
                if content and not content.isspace():
                    self.doc.segments.append(plain)
                return plain
        return self.inline(nodes, kind)

    def inline(self, nodes: Sequence[Node], kind: str) -> Segment:
        """Plain text of inline nodes, with their map back to the file."""
        run = _Inline(self, kind)
        for node in nodes:
            run.visit(node)
        segment = run.segment
        segment.text = "".join(run.text)
        if segment.text.strip():
            self.doc.segments.append(segment)
        return segment


class _Inline:
    """One run of inline nodes becoming a segment (links, images and HTML go to the document)."""

    def __init__(self, walker: _Walker, kind: str) -> None:
        self.walker = walker
        self.chunks: list[tuple[int, int]] = []
        self.segment = Segment(kind, "", self.chunks, walker.index, walker.section)
        self.text: list[str] = []
        self.length = 0

    def emit(self, content: str, at: int) -> None:
        self.chunks.append((self.length, at))
        self.text.append(content)
        self.length += len(content)

    def visit(self, node: Node) -> None:
        walker, doc = self.walker, self.walker.doc
        name = node.name
        srcmap = node.srcmap
        start = walker.offset(srcmap[0]) if srcmap else 0
        if name in ("text", "text_special"):
            self.emit(str(node.meta.get("content", "")), start)
        elif name in ("softbreak", "hardbreak"):
            self.emit(" ", start)
        elif name == "code_inline":
            return
        elif name == "html_inline":
            doc.html.append(Html(start, walker.index, str(node.meta.get("content", ""))))
        elif name in ("link", "autolink"):
            begin = self.length
            for child in node.children:
                self.visit(child)
            label = "".join(self.text)[begin:]
            href = str(node.meta.get("url", ""))
            doc.links.append(Link(start, walker.index, label, href, self.segment))
        elif name == "image":
            alt = "".join(str(c.meta.get("content", "")) for c in _descendants(node))
            src = str(node.meta.get("url", ""))
            doc.images.append(Image(start, walker.index, alt, src))
        else:
            for child in node.children:
                self.visit(child)


def _descendants(node: Node) -> list[Node]:
    out = []
    for child in node.children:
        out.append(child)
        out.extend(_descendants(child))
    return out


def line_positions(text: str) -> list[int]:
    """Start offsets of each line of ``text`` (for offset → line lookups)."""
    return list(accumulate([len(line) + 1 for line in text.split("\n")[:-1]], initial=0))


def offset_to_line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """0-based line and column of ``offset`` given ``line_positions``."""
    line = bisect_right(starts, offset) - 1
    return line, offset - starts[line]
