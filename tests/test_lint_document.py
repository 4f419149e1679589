"""The lint document: headings (ATX and setext), and positions of headings, links, images
and HTML, worked out when asked.

Parsing a document records body offsets only; a file position (line and column) is computed
from them when a rule asks for one. These tests pin the positions, including non-ASCII text
(the parser reports byte offsets), indented and setext headings, and a body that starts
below front matter, and check that parsing alone builds no table of line starts."""

from __future__ import annotations

from generator.lint.document import ConsecutiveLines, LintDocument, Position

BODY = (
    "# Café hours\n"  # line 1
    "\n"
    "Call [our désk](/contact/) or see ![a map](map.png).\n"  # line 3
    "\n"
    "   ## Indented heading\n"  # line 5
    "\n"
    "Setext heading\n"  # line 7
    "--------------\n"
    "\n"
    '<div class="note">Raw</div>\n'  # line 10
    "\n"
    "Text with <b>inline</b> HTML.\n"  # line 12
    "### Last"  # line 13, no newline at the end
)


def test_positions_of_headings_links_images_and_html() -> None:
    doc = LintDocument.parse("p.md", BODY)
    assert [(h.text, h.start) for h in doc.headings] == [
        ("Café hours", Position(1, 1)),
        ("Indented heading", Position(5, 4)),
        ("Setext heading", Position(7, 1)),
        ("Last", Position(13, 1)),
    ]
    assert [h.heading_level for h in doc.headings] == [1, 2, 2, 3]
    assert "Setext heading" not in [s.text for s in doc.prose]  # a heading, not a paragraph
    assert [(link.text, link.href, link.position) for link in doc.links] == [
        ("our désk", "/contact/", Position(3, 6))
    ]
    assert [(image.alt, image.src, image.position) for image in doc.images] == [
        ("a map", "map.png", Position(3, 35))
    ]
    assert [(html.content.strip(), html.position) for html in doc.html] == [
        ('<div class="note">Raw</div>', Position(10, 1)),
        ("<b>", Position(12, 11)),
        ("</b>", Position(12, 20)),
    ]


def test_positions_below_front_matter_follow_the_line_map() -> None:
    doc = LintDocument.parse("p.md", BODY, ConsecutiveLines(6, BODY.count("\n") + 1))
    assert doc.headings[1].start == Position(10, 4)
    assert doc.links[0].position == Position(8, 6)


def test_parsing_alone_builds_no_line_table() -> None:
    doc = LintDocument.parse("p.md", BODY)
    index = doc.headings[0].index
    assert index is not None
    assert index._starts is None  # nothing has asked for a line number yet
    assert doc.headings[0].start == Position(1, 1)
    assert index._starts is not None
    assert doc.segments[1].position(0) == Position(3, 1)


def test_text_and_segment_starts_agree() -> None:
    for body in ("", "One.\n\nTwo two.\n\n- a\n- b\n", BODY):
        doc = LintDocument.parse("p.md", body)
        assert [doc.text[start:].split("\n", 1)[0] for start in doc.segment_starts] == [
            s.text.split("\n", 1)[0] for s in doc.segments
        ]
        assert len(doc.segment_starts) == len(doc.segments)


def test_line_positions() -> None:
    from generator.lint.document import line_positions

    assert line_positions("") == [0]
    assert line_positions("a") == [0]
    assert line_positions("ab\n\nc\n") == [0, 3, 4, 6]
