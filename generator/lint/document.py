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

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Any

from markdown_it_pyrs import MarkdownIt, Node

_PARSER = MarkdownIt("commonmark").enable("table")
_BLOCKS = frozenset(
    {
        "root",
        "paragraph",
        "heading",
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

_SENTENCE_END = re.compile(r"[.!?][\"”')\]]*\s+(?=[\"“(\[]?[A-Z0-9])")
_ABBREVIATIONS = re.compile(r"\b(?:a\.m|p\.m|Dr|Mr|Mrs|Ms|e\.g|i\.e|vs|etc|St|No)\.$", re.IGNORECASE)


@dataclass(frozen=True)
class Position:
    """1-based line and column in the source file."""

    line: int
    col: int


@dataclass
class BodyIndex:
    """Turns a character offset in a document's body into a file position."""

    starts: list[int]
    """Offset at which each body line starts."""
    line_map: list[tuple[int, int]]

    def position(self, offset: int) -> Position:
        k = max(bisect_right(self.starts, offset) - 1, 0)
        if k < len(self.line_map):
            line, extra = self.line_map[k]
        else:
            last, extra = self.line_map[-1] if self.line_map else (1, 0)
            line = last + k - len(self.line_map) + 1
        return Position(line, offset - self.starts[k] + extra + 1)


@dataclass
class Segment:
    """One piece of prose: plain text, and where each character is in the file.

    ``chunks`` holds (start in ``text``, offset in the body) for each run of characters copied
    from the source; ``index`` turns body offsets into file positions.
    """

    kind: str
    """``paragraph``, ``heading``, ``list_item``, ``table_cell`` or ``quote``."""
    text: str
    chunks: list[tuple[int, int]] = field(default_factory=list, repr=False)
    index: BodyIndex | None = field(default=None, repr=False)
    section: int = 0
    """Index of the section (text under one heading) the segment belongs to."""
    heading_level: int = 0
    """For headings: 1 to 6."""
    start: Position | None = None
    """For headings: where the line's first ``#`` is."""
    _sentences: list[tuple[int, str]] | None = field(default=None, repr=False, compare=False)

    def position(self, index: int) -> Position:
        """Where character ``index`` of ``text`` is in the file."""
        if self.index is None or not self.chunks:
            return Position(1, 1)
        k = max(bisect_right(self.chunks, (index, 1 << 62)) - 1, 0)
        plain, raw = self.chunks[k]
        return self.index.position(raw + max(index - plain, 0))

    def sentences(self) -> list[tuple[int, str]]:
        """Sentences of the segment with their start index in ``text`` (split once, cached)."""
        if self._sentences is None:
            self._sentences = list(self._split())
        return self._sentences

    def _split(self) -> Iterator[tuple[int, str]]:
        text = self.text
        start = 0
        for match in _SENTENCE_END.finditer(text):
            cut = match.start() + 1
            if _ABBREVIATIONS.search(text, max(start, cut - 6), cut):
                continue
            if text[start:cut].strip():
                yield start, text[start:cut]
            start = match.end()
        if text[start:].strip():
            yield start, text[start:]


@dataclass(frozen=True)
class Link:
    """A Markdown link: its visible text, its target, where it starts."""

    text: str
    href: str
    position: Position
    segment: Segment | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Image:
    """A Markdown image."""

    alt: str
    src: str
    position: Position


@dataclass(frozen=True)
class Html:
    """Raw HTML in the Markdown (a block or an inline tag)."""

    content: str
    position: Position


@dataclass
class LintDocument:
    """Everything a rule may look at in one document."""

    path: str
    body: str
    line_map: list[tuple[int, int]]
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
        cls, path: str, body: str, line_map: list[tuple[int, int]] | None = None, **kw: Any
    ) -> LintDocument:
        """Parse ``body``; ``line_map`` defaults to body line i at file line i + 1."""
        lines = body.split("\n")
        mapping = line_map or [(i + 1, 0) for i in range(len(lines))]
        doc = cls(path, body, mapping, **kw)
        _Walker(doc, lines).walk(_PARSER.tree(body))
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
        return "\n".join(s.text for s in self.segments)

    @cached_property
    def segment_starts(self) -> list[int]:
        """Where each segment starts in ``text``."""
        starts, at = [], 0
        for segment in self.segments:
            starts.append(at)
            at += len(segment.text) + 1
        return starts

    def segment_at(self, offset: int) -> int:
        """Index of the segment that holds ``text[offset]``."""
        return max(bisect_right(self.segment_starts, offset) - 1, 0)

    @cached_property
    def lower(self) -> str:
        """``text`` in lowercase (for cheap keyword tests before a regular expression)."""
        return self.text.lower()

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


class _Walker:
    """Turns the parser's node tree into segments, links, images and HTML with positions."""

    def __init__(self, doc: LintDocument, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines
        self.section = 0
        starts = [0, *accumulate(len(line) + 1 for line in lines[:-1])]
        self.index = BodyIndex(starts, doc.line_map)
        body = doc.body
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
        self.block(root, "paragraph")

    def block(self, node: Node, context: str) -> None:
        name = node.name
        if name in ("fence", "code_block"):
            start, end = node.srcmap or (0, 0)
            first = self.index.position(self.offset(start)).line
            last = self.index.position(self.offset(max(end - 1, start))).line
            self.doc.code_lines.update(range(first, last + 1))
            return
        if name == "html_block":
            start = self.offset((node.srcmap or (0, 0))[0])
            self.doc.html.append(Html(str(node.meta.get("content", "")), self.index.position(start)))
            return
        if name == "heading":
            self.section += 1
            segment = self.inline(node.children, "heading")
            segment.heading_level = int(node.meta.get("level", 1))
            line = self._body_line(self.offset((node.srcmap or (0, 0))[0]))
            text = self.lines[line] if line < len(self.lines) else ""
            segment.start = self.index.position(self.index.starts[line] + len(text) - len(text.lstrip()))
            self.doc.headings.append(segment)
            return
        if name == "paragraph":
            self.inline(node.children, context)
            return
        if name == "tcell":
            self.inline(node.children, "table_cell")
            return
        inner = {"list_item": "list_item", "blockquote": "quote"}.get(name, context)
        pending: list[Node] = []
        for child in node.children:
            if child.name in _BLOCKS:
                if pending:
                    self.inline(pending, inner)
                    pending = []
                self.block(child, inner)
            else:
                pending.append(child)
        if pending:
            self.inline(pending, inner)

    def _body_line(self, offset: int) -> int:
        return max(bisect_right(self.index.starts, offset) - 1, 0)

    def inline(self, nodes: Sequence[Node], kind: str) -> Segment:
        """Plain text of inline nodes, with their map back to the file."""
        if len(nodes) == 1 and nodes[0].name == "text":  # the common case: plain words
            node = nodes[0]
            content = str(node.meta.get("content", ""))
            at = self.offset(node.srcmap[0]) if node.srcmap else 0
            plain = Segment(kind, content, [(0, at)], self.index, self.section)
            if content.strip():
                self.doc.segments.append(plain)
            return plain
        text: list[str] = []
        chunks: list[tuple[int, int]] = []
        segment = Segment(kind, "", chunks, self.index, self.section)
        length = 0

        def emit(content: str, at: int) -> None:
            nonlocal length
            chunks.append((length, at))
            text.append(content)
            length += len(content)

        def visit(node: Node) -> None:
            name = node.name
            start = self.offset(node.srcmap[0]) if node.srcmap else 0
            if name in ("text", "text_special"):
                emit(str(node.meta.get("content", "")), start)
            elif name in ("softbreak", "hardbreak"):
                emit(" ", start)
            elif name == "code_inline":
                return
            elif name == "html_inline":
                self.doc.html.append(Html(str(node.meta.get("content", "")), self.index.position(start)))
            elif name in ("link", "autolink"):
                begin = length
                for child in node.children:
                    visit(child)
                label = "".join(text)[begin:]
                href = str(node.meta.get("url", ""))
                self.doc.links.append(Link(label, href, self.index.position(start), segment))
            elif name == "image":
                alt = "".join(str(c.meta.get("content", "")) for c in _descendants(node))
                src = str(node.meta.get("url", ""))
                self.doc.images.append(Image(alt, src, self.index.position(start)))
            else:
                for child in node.children:
                    visit(child)

        for node in nodes:
            visit(node)
        segment.text = "".join(text)
        if segment.text.strip():
            self.doc.segments.append(segment)
        return segment


def _descendants(node: Node) -> list[Node]:
    out = []
    for child in node.children:
        out.append(child)
        out.extend(_descendants(child))
    return out


def line_positions(text: str) -> list[int]:
    """Start offsets of each line of ``text`` (for offset → line lookups)."""
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    return starts


def offset_to_line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """0-based line and column of ``offset`` given ``line_positions``."""
    line = bisect_right(starts, offset) - 1
    return line, offset - starts[line]
