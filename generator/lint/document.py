"""A Markdown document as the linter sees it: prose with exact file positions.

The body is parsed once with markdown-it-py (CommonMark + tables). Every piece of prose a
patient reads (paragraphs, headings, list items, table cells, block quotes, link text) becomes
a ``Segment``: its plain text (markup, link targets, inline code and HTML removed) plus, for
each character, where it sits in the source file. Code blocks and front matter are not prose.
Links, images, raw HTML and headings are listed with their positions too.

A document's lines need not start at column 1 of line 1 of its file: ``line_map`` says where
each body line is (front matter above it, or a YAML block scalar indented in a campaign file).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark").enable("table")

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')\]]*\s+(?=[\"“(\[]?[A-Z0-9])")
_ABBREVIATIONS = re.compile(r"\b(?:a\.m|p\.m|Dr|Mr|Mrs|Ms|e\.g|i\.e|vs|etc|St|No)\.$", re.IGNORECASE)


@dataclass(frozen=True)
class Position:
    """1-based line and column in the source file."""

    line: int
    col: int


@dataclass
class SourceMap:
    """Where an inline token's raw source sits in the file: per raw line, its start offset in
    the raw text and the file line and column it starts at."""

    starts: list[int]
    places: list[tuple[int, int]]

    def position(self, raw: int) -> Position:
        k = bisect_right(self.starts, raw) - 1 if self.starts else -1
        if k < 0:
            return Position(1, 1)
        line, col = self.places[k]
        return Position(line, col + raw - self.starts[k])


@dataclass
class Segment:
    """One piece of prose: plain text, and where each character is in the file.

    ``chunks`` holds (start in ``text``, offset in the raw inline source) for each run of
    characters copied from the source; ``source`` maps raw offsets to file positions.
    """

    kind: str
    """``paragraph``, ``heading``, ``list_item``, ``table_cell`` or ``quote``."""
    text: str
    chunks: list[tuple[int, int]] = field(default_factory=list, repr=False)
    source: SourceMap | None = field(default=None, repr=False)
    section: int = 0
    """Index of the section (text under one heading) the segment belongs to."""
    heading_level: int = 0
    """For headings: 1 to 6."""
    start: Position | None = None
    """For headings: where the line's first ``#`` is."""

    def position(self, index: int) -> Position:
        """Where character ``index`` of ``text`` is in the file."""
        if self.source is None or not self.chunks:
            return Position(1, 1)
        k = max(bisect_right(self.chunks, (index, 1 << 62)) - 1, 0)
        plain, raw = self.chunks[k]
        return self.source.position(raw + max(index - plain, 0))

    def sentences(self) -> Iterator[tuple[int, str]]:
        """Sentences of the segment with their start index in ``text``."""
        start = 0
        for match in _SENTENCE_END.finditer(self.text):
            candidate = self.text[start : match.start()].rstrip()
            if _ABBREVIATIONS.search(candidate):
                continue
            if candidate.strip():
                yield start, self.text[start : match.start()]
            start = match.end()
        if self.text[start:].strip():
            yield start, self.text[start:]


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
    raw_lines: list[tuple[int, str]] = field(default_factory=list)
    """(file line, text) of the lines where suppression comments may be: the body of a page,
    the whole file of a campaign."""

    @classmethod
    def parse(
        cls, path: str, body: str, line_map: list[tuple[int, int]] | None = None, **kw: Any
    ) -> LintDocument:
        """Parse ``body``; ``line_map`` defaults to body line i at file line i + 1."""
        lines = body.split("\n")
        mapping = line_map or [(i + 1, 0) for i in range(len(lines))]
        doc = cls(path, body, mapping, **kw)
        if not doc.raw_lines:
            doc.raw_lines = [
                (mapping[i][0] if i < len(mapping) else i + 1, text) for i, text in enumerate(lines)
            ]
        _Walker(doc, lines).walk(_PARSER.parse(body))
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


class _Walker:
    """Turns markdown-it tokens into segments, links, images and HTML with positions."""

    def __init__(self, doc: LintDocument, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines
        self.section = 0
        self.context: list[str] = []
        self.row_cursor: dict[int, int] = {}

    def walk(self, tokens: list[Token]) -> None:
        heading_level = 0
        for token in tokens:
            kind = token.type
            if kind in ("fence", "code_block") and token.map:
                start, end = token.map
                self.doc.code_lines.update(self.doc.file_position(i, 0).line for i in range(start, end))
            elif kind == "html_block" and token.map:
                self.doc.html.append(Html(token.content, self._pos(token.map[0], 0)))
            elif kind == "heading_open":
                heading_level = int(token.tag[1])
                self.section += 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.context.append("list_item")
            elif kind == "blockquote_open":
                self.context.append("quote")
            elif kind in ("th_open", "td_open"):
                self.context.append("table_cell")
            elif kind in (
                "bullet_list_close",
                "ordered_list_close",
                "blockquote_close",
                "th_close",
                "td_close",
            ):
                self.context.pop()
            elif kind == "inline" and token.map:
                if heading_level:
                    segment = self._segment(token, "heading")
                    segment.heading_level = heading_level
                    source = self.lines[token.map[0]] if token.map[0] < len(self.lines) else ""
                    segment.start = self._pos(token.map[0], len(source) - len(source.lstrip()))
                    self.doc.headings.append(segment)
                    heading_level = 0
                else:
                    self._segment(token, self.context[-1] if self.context else "paragraph")

    def _pos(self, body_line: int, body_col: int) -> Position:
        return self.doc.file_position(body_line, body_col)

    def _segment(self, token: Token, kind: str) -> Segment:
        """Plain text of an inline token, with its map back to the file."""
        assert token.map is not None
        raw = token.content
        source = self._source_map(token, kind)
        text: list[str] = []
        chunks: list[tuple[int, int]] = []
        length = 0
        cursor = 0
        link: tuple[str, int, int] | None = None  # (href, start in text, raw offset)
        segment = Segment(kind, "", chunks, source, self.section)

        def emit(content: str, at: int) -> None:
            nonlocal length
            chunks.append((length, at))
            text.append(content)
            length += len(content)

        for child in token.children or []:
            ctype = child.type
            if ctype == "text":
                found = raw.find(child.content, cursor)
                at = found if found >= 0 else cursor
                emit(child.content, at)
                if found >= 0:
                    cursor = at + len(child.content)
            elif ctype in ("softbreak", "hardbreak"):
                newline = raw.find("\n", cursor)
                at = newline if newline >= 0 else cursor
                emit(" ", at)
                if newline >= 0:
                    cursor = at + 1
            elif ctype == "code_inline":
                found = raw.find(child.content, cursor)
                if found >= 0:
                    cursor = found + len(child.content)
            elif ctype == "html_inline":
                found = raw.find(child.content, cursor)
                at = found if found >= 0 else cursor
                self.doc.html.append(Html(child.content, source.position(at)))
                if found >= 0:
                    cursor = at + len(child.content)
            elif ctype == "link_open":
                start = raw.find("[", cursor)
                link = (str(child.attrs.get("href", "")), length, start if start >= 0 else cursor)
                cursor = start + 1 if start >= 0 else cursor
            elif ctype == "link_close" and link is not None:
                href, begin, raw_start = link
                label = "".join(text)[begin:]
                self.doc.links.append(Link(label, href, source.position(raw_start), segment))
                close = raw.find(")", cursor)
                cursor = close + 1 if close >= 0 else cursor
                link = None
            elif ctype == "image":
                start = raw.find("![", cursor)
                at = start if start >= 0 else cursor
                self.doc.images.append(
                    Image(child.content, str(child.attrs.get("src", "")), source.position(at))
                )
                close = raw.find(")", at)
                cursor = close + 1 if close >= 0 else cursor
        segment.text = "".join(text)
        if segment.text.strip():
            self.doc.segments.append(segment)
        return segment

    def _source_map(self, token: Token, kind: str) -> SourceMap:
        """Where each line of the token's raw inline source starts in the file."""
        assert token.map is not None
        start, end = token.map
        content = token.content
        if kind == "table_cell":
            row = self.lines[start] if start < len(self.lines) else ""
            cursor = self.row_cursor.get(start, 0)
            found = row.find(content, cursor) if content else -1
            at = found if found >= 0 else cursor
            self.row_cursor[start] = at + len(content) if found >= 0 else cursor
            pos = self._pos(start, at)
            return SourceMap([0], [(pos.line, pos.col)])
        starts: list[int] = []
        places: list[tuple[int, int]] = []
        offset = 0
        for k, part in enumerate(content.split("\n")):
            body_line = min(start + k, end - 1)
            source = self.lines[body_line] if body_line < len(self.lines) else ""
            found = source.find(part) if part else len(source) - len(source.lstrip())
            pos = self._pos(body_line, found if found >= 0 else 0)
            starts.append(offset)
            places.append((pos.line, pos.col))
            offset += len(part) + 1
        return SourceMap(starts, places)


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
