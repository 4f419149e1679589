"""The one reader of user files: YAML 1.2 scalars, positions, front matter, encodings, and
pydantic errors mapped back to ``line:col``."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

from generator import sources
from generator.errors import SourceError, SourceErrors
from generator.schemas import Intake, Pathway, PlainPage, QuestionPage, Triage, Wait
from generator.sources import (
    dotted,
    parse_yaml,
    read_document,
    read_text,
    read_yaml,
    split_front_matter,
    validate,
)


def value_of(scalar: str) -> Any:
    return parse_yaml(f"key: {scalar}\n", "x.yml").data["key"]


def errors_of(model: type[Any], text: str, *, offset: int = 0) -> list[SourceError]:
    located = parse_yaml(text, "x.yml", line_offset=offset)
    with pytest.raises(SourceErrors) as info:
        validate(model, located)
    return info.value.errors


def one_error(model: type[Any], text: str) -> SourceError:
    errors = errors_of(model, text)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


# --- YAML 1.2 scalars ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        # YAML 1.1 booleans are plain strings in YAML 1.2.
        ("on", "on"),
        ("off", "off"),
        ("no", "no"),
        ("yes", "yes"),
        ("y", "y"),
        ("No", "No"),
        # YAML 1.1 sexagesimal numbers are strings.
        ("07:30", "07:30"),
        ("1:20", "1:20"),
        # YAML 1.2 core booleans.
        ("true", True),
        ("True", True),
        ("FALSE", False),
        # Integers.
        ("12", 12),
        ("-3", -3),
        ("+5", 5),
        ("0x1F", 31),
        ("0o17", 15),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        # Floats.
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1e3", 1000.0),
        (".5", 0.5),
        # Nulls.
        ("~", None),
        ("null", None),
        ("", None),
        # Quoting keeps strings.
        ("'12'", "12"),
        ('"true"', "true"),
        ("'2026-09-12'", "2026-09-12"),
        # Dates.
        ("2026-09-12", dt.date(2026, 9, 12)),
        ("2026-02-28", dt.date(2026, 2, 28)),
    ],
)
def test_yaml_12_scalars(scalar: str, expected: Any) -> None:
    value = value_of(scalar)
    assert value == expected
    assert type(value) is type(expected)


def test_infinity_and_not_a_number() -> None:
    assert value_of(".inf") == math.inf
    assert value_of("-.inf") == -math.inf
    assert math.isnan(value_of(".nan"))


def test_yaml_11_boolean_words_work_as_keys() -> None:
    data = parse_yaml("on: 2026-09-12\nno: 1\nyes: 2\n", "x.yml").data
    assert data == {"on": dt.date(2026, 9, 12), "no": 1, "yes": 2}


def test_impossible_date_is_an_error_at_its_value() -> None:
    with pytest.raises(SourceError) as info:
        parse_yaml("title: x\nupdated: 2026-13-45\n", "x.yml")
    error = info.value
    assert (error.line, error.col, error.field) == (2, 10, "updated")
    assert "invalid value" in error.message


# --- Positions -------------------------------------------------------------------------------

NESTED = """\
name: Cardiology
hours:
  monday: closed
  sunday: "24h"
bring:
  - Photo ID
  -   Insurance card
wait: {min: 5, max: 10}
"""


def test_positions_of_keys_and_values() -> None:
    located = parse_yaml(NESTED, "x.yml")
    assert located.keys[("name",)] == (1, 1)
    assert located.values[("name",)] == (1, 7)
    assert located.keys[("hours",)] == (2, 1)
    assert located.values[("hours",)] == (3, 3)  # a block mapping starts at its first key
    assert located.keys[("hours", "monday")] == (3, 3)
    assert located.values[("hours", "monday")] == (3, 11)
    assert located.keys[("hours", "sunday")] == (4, 3)
    assert located.values[("hours", "sunday")] == (4, 11)
    assert located.values[("bring", 0)] == (6, 5)
    assert located.values[("bring", 1)] == (7, 7)
    assert located.keys[("wait", "min")] == (8, 8)
    assert located.values[("wait", "min")] == (8, 13)
    assert located.keys[("wait", "max")] == (8, 16)
    assert located.values[("wait", "max")] == (8, 21)
    assert located.values[()] == (1, 1)


def test_line_offset_moves_lines_but_not_columns() -> None:
    plain = parse_yaml(NESTED, "x.yml")
    moved = parse_yaml(NESTED, "x.yml", line_offset=5)
    assert moved.data == plain.data
    assert moved.keys == {loc: (line + 5, col) for loc, (line, col) in plain.keys.items()}
    assert moved.values == {loc: (line + 5, col) for loc, (line, col) in plain.values.items()}


def test_line_offset_applies_to_syntax_errors() -> None:
    with pytest.raises(SourceError) as plain:
        parse_yaml("a: 1\nb: c: d\n", "x.yml")
    with pytest.raises(SourceError) as moved:
        parse_yaml("a: 1\nb: c: d\n", "x.yml", line_offset=3)
    assert (plain.value.line, plain.value.col) == (2, 5)
    assert (moved.value.line, moved.value.col) == (5, 5)
    assert "invalid YAML" in moved.value.message


def test_position_falls_back_to_the_nearest_ancestor() -> None:
    located = parse_yaml(NESTED, "x.yml")
    assert located.position(("hours", "tuesday")) == located.values[("hours",)]
    assert located.position(("bring", 7)) == located.values[("bring",)]
    assert located.position(("hours", "monday"), key=True) == (3, 3)
    assert located.position(("nothing", "here")) == (1, 1)


def test_dotted_field_names() -> None:
    assert dotted(("pathways", "consult", "bring", 0)) == "pathways.consult.bring[0]"
    assert dotted(("red_flags", 2, "phrases", 1)) == "red_flags[2].phrases[1]"
    assert dotted(()) == ""


# --- Duplicate keys, aliases, tags, merge keys -----------------------------------------------


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    with pytest.raises(SourceError) as info:
        parse_yaml("title: A\norder: 1\ntitle: B\n", "x.yml")
    error = info.value
    assert (error.line, error.col, error.field) == (3, 1, "title")
    assert "duplicate key 'title'" in error.message
    assert "first given on line 1" in error.message


def test_nested_duplicate_key_in_front_matter_names_file_lines() -> None:
    text = "---\ntitle: A\nreviewed:\n  by: X\n  by: Y\n---\nBody\n"
    with pytest.raises(SourceError) as info:
        split_front_matter(text, "p.md")
    error = info.value
    assert (error.path, error.line, error.col, error.field) == ("p.md", 5, 3, "reviewed.by")
    assert "first given on line 4" in error.message


def test_duplicate_key_in_flow_mapping() -> None:
    with pytest.raises(SourceError) as info:
        parse_yaml("wait: {min: 1, max: 2, min: 3}\n", "x.yml")
    assert (info.value.line, info.value.col, info.value.field) == (1, 24, "wait.min")


@pytest.mark.parametrize(
    ("text", "field"),
    [("a: &x [1, *x]\n", "a[1]"), ("a: &x {b: *x}\n", "a.b"), ("a:\n  b: &x\n    c: [*x]\n", "a.b.c[0]")],
)
def test_recursive_alias_is_an_error(text: str, field: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_yaml(text, "x.yml")
    assert "recursive YAML alias" in info.value.message
    assert info.value.field == field


def test_an_alias_used_twice_is_not_recursive() -> None:
    data = parse_yaml("base: &b [Photo ID]\none: *b\ntwo: [*b, *b]\n", "x.yml").data
    assert data == {"base": ["Photo ID"], "one": ["Photo ID"], "two": [["Photo ID"], ["Photo ID"]]}


@pytest.mark.parametrize("tag", ["!ENV", "!foo", "!include"])
def test_unknown_tag_is_an_error(tag: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_yaml(f"name: X\nvalue: {tag} something\n", "x.yml")
    error = info.value
    assert (error.line, error.col, error.field) == (2, 8, "value")
    assert f"unsupported YAML tag {tag!r}" in error.message


def test_lenient_tags_keep_the_plain_value() -> None:
    located = parse_yaml(
        "a: !ENV SITE_URL\nb: !relative $config_dir\nc: 3\n", "mkdocs.yml", lenient_tags=True
    )
    assert located.data == {"a": "SITE_URL", "b": "$config_dir", "c": 3}
    assert located.values[("b",)] == (2, 4)


def test_standard_tags_are_allowed() -> None:
    data = parse_yaml("a: !!str 12\nb: !!int '7'\n", "x.yml").data
    assert data == {"a": "12", "b": 7}


def test_merge_keys() -> None:
    text = (
        "base: &base {referral: required, telehealth: false}\n"
        "extra: &extra {summary: S}\n"
        "one:\n  <<: *base\n  wait: 3\n"
        "two:\n  <<: [*base, *extra]\n"
    )
    data = parse_yaml(text, "x.yml").data
    assert data["one"] == {"referral": "required", "telehealth": False, "wait": 3}
    assert data["two"] == {"referral": "required", "telehealth": False, "summary": "S"}
    assert "<<" not in data["one"]


def test_merge_of_a_scalar_is_an_error() -> None:
    with pytest.raises(SourceError) as info:
        parse_yaml("a: 1\nb:\n  <<: 5\n", "x.yml")
    assert "invalid merge key" in info.value.message
    assert info.value.field == "b"
    assert info.value.line == 3


def test_non_scalar_key_is_an_error() -> None:
    with pytest.raises(SourceError) as info:
        parse_yaml("a: 1\n? [x, y]\n: 2\n", "x.yml")
    assert info.value.line == 2
    assert "a key must be a plain value" in info.value.message


# --- Reading files ---------------------------------------------------------------------------


def test_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"\xef\xbb\xbf---\ntitle: Hi\n---\nBody\n")
    assert read_text(path) == "---\ntitle: Hi\n---\nBody\n"
    doc = read_document(path, "content/page.md")
    assert doc.front_matter.data == {"title": "Hi"}
    assert doc.front_matter.keys[("title",)] == (2, 1)


def test_crlf_and_cr_are_normalized(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.md"
    crlf.write_bytes(b"---\r\ntitle: Hi\r\norder: 3\r\n---\r\nBody\r\nMore\r\n")
    lf = tmp_path / "lf.md"
    lf.write_bytes(b"---\ntitle: Hi\norder: 3\n---\nBody\nMore\n")
    assert read_text(crlf) == read_text(lf) == "---\ntitle: Hi\norder: 3\n---\nBody\nMore\n"
    a, b = read_document(crlf, "crlf.md"), read_document(lf, "lf.md")
    assert a.front_matter.data == {"title": "Hi", "order": 3}
    assert a.front_matter.keys == b.front_matter.keys
    assert a.front_matter.values == b.front_matter.values
    assert a.body == "Body\nMore\n"
    cr = tmp_path / "cr.yml"
    cr.write_bytes(b"a: 1\rb: 2\r")
    assert read_text(cr) == "a: 1\nb: 2\n"


@pytest.mark.parametrize(
    ("data", "line", "col"),
    [
        (b"---\ntitle: Caf\xe9\n---\n", 2, 11),
        (b"\xff", 1, 1),
        (b"a: 1\nb: 2\nc: ok \x80 here\n", 3, 7),
        (b"\xef\xbb\xbfab\xc3", 1, 3),  # after a BOM; a truncated sequence at the end
        (b"a: 1\r\nb: x\xfe\r\n", 2, 5),
    ],
)
def test_non_utf8_error_names_line_and_column(tmp_path: Path, data: bytes, line: int, col: int) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    with pytest.raises(SourceError) as info:
        read_text(path, "content/bad.md")
    error = info.value
    assert (error.path, error.line, error.col) == ("content/bad.md", line, col)
    assert "not valid UTF-8" in error.message
    bad = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace").split("\n")[line - 1]
    assert bad[col - 1] == "\ufffd"
    assert "save the file as UTF-8" in error.message


def test_non_utf8_message_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_bytes(b"name: Caf\xe9\n")
    with pytest.raises(SourceError, match="byte 0xe9"):
        read_text(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(SourceError) as info:
        read_text(path, "content/image.md")
    assert "binary file" in info.value.message
    assert (info.value.line, info.value.col) == (1, 1)


def test_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"a" * sources.MAX_SOURCE_BYTES)
    assert len(read_text(path)) == sources.MAX_SOURCE_BYTES
    path.write_bytes(b"a" * (sources.MAX_SOURCE_BYTES + 1))
    with pytest.raises(SourceError) as info:
        read_text(path, "content/big.md")
    assert info.value.path == "content/big.md"
    assert f"{sources.MAX_SOURCE_BYTES + 1:,} bytes" in info.value.message
    assert f"limit is {sources.MAX_SOURCE_BYTES:,}" in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read file"):
        read_text(tmp_path / "nowhere.md", "content/nowhere.md")


def test_read_yaml_needs_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yml"
    path.write_text("- a\n- b\n", "utf-8")
    with pytest.raises(SourceError, match="expected a YAML mapping"):
        read_yaml(path, "intake/list.yml")
    path.write_text("  \n\n", "utf-8")
    with pytest.raises(SourceError, match="file is empty"):
        read_yaml(path, "intake/list.yml")


# --- Front matter ----------------------------------------------------------------------------

PAGE = """\
---
title: Hi
reviewed:
  by: Dana Cole, MD
  on: 2026-09-12
---

Body line one.
Body line two.
"""


def test_front_matter_positions_are_file_lines() -> None:
    doc = split_front_matter(PAGE, "content/p.md")
    fm = doc.front_matter
    assert fm.data == {"title": "Hi", "reviewed": {"by": "Dana Cole, MD", "on": dt.date(2026, 9, 12)}}
    assert fm.keys[("title",)] == (2, 1)
    assert fm.values[("title",)] == (2, 8)
    assert fm.keys[("reviewed", "by")] == (4, 3)
    assert fm.keys[("reviewed", "on")] == (5, 3)
    assert fm.values[("reviewed", "on")] == (5, 7)
    assert doc.body == "\nBody line one.\nBody line two.\n"
    assert doc.body_line == 7
    lines = dict(doc.body_lines())
    assert lines[8] == "Body line one."
    assert PAGE.split("\n")[8 - 1] == "Body line one."


@pytest.mark.parametrize("text", ["---\n---\nBody\n", "---\n\n---\nBody\n", "---\n# a comment\n---\nBody\n"])
def test_empty_front_matter(text: str) -> None:
    doc = split_front_matter(text, "p.md")
    assert doc.front_matter.data == {}
    assert doc.body == "Body\n"
    assert doc.body_line == text.count("\n", 0, text.index("Body")) + 1


def test_no_front_matter() -> None:
    text = "# Title\n\n---\n\nText\n"
    doc = split_front_matter(text, "p.md")
    assert doc.front_matter.data == {}
    assert doc.body == text
    assert doc.body_line == 1


def test_dots_close_front_matter() -> None:
    doc = split_front_matter("---\ntitle: Hi\n...\nBody\n", "p.md")
    assert doc.front_matter.data == {"title": "Hi"}
    assert doc.body == "Body\n"


def test_missing_closing_fence() -> None:
    with pytest.raises(SourceError) as info:
        split_front_matter("---\ntitle: Hi\n\nBody text\n", "content/p.md")
    error = info.value
    assert (error.path, error.line, error.col) == ("content/p.md", 1, 1)
    assert "no closing '---'" in error.message


def test_front_matter_that_is_not_a_mapping() -> None:
    with pytest.raises(SourceError) as info:
        split_front_matter("---\njust a sentence\n---\nBody\n", "p.md")
    assert info.value.line == 2
    assert "must be a mapping" in info.value.message


def test_front_matter_syntax_error_is_on_the_file_line() -> None:
    with pytest.raises(SourceError) as info:
        split_front_matter("---\ntitle: Hi\norder: [1\nnext: x\n---\n", "p.md")
    assert (info.value.line, info.value.col) == (4, 5)
    assert "flow sequence started on line 3" in info.value.message


# --- Pydantic errors mapped to positions -----------------------------------------------------


def test_wrong_type_points_at_the_value() -> None:
    error = one_error(Wait, "min: one\nmax: 3\nunit: days\n")
    assert (error.line, error.col, error.field) == (1, 6, "min")
    assert "valid integer" in error.message


def test_wrong_type_says_what_it_got() -> None:
    error = one_error(
        Pathway, "appointment_type: [a, b]\nreferral: required\nwait: {min: 1, max: 2, unit: days}\n"
    )
    assert (error.line, error.col, error.field) == (1, 19, "appointment_type")
    assert "(got a list)" in error.message


def test_unknown_key_points_at_the_key() -> None:
    error = one_error(Wait, "min: 1\nmax: 3\nunit: days\ncolour: red\n")
    assert (error.line, error.col, error.field, error.message) == (4, 1, "colour", "unknown key")


def test_nested_unknown_key_points_at_the_key() -> None:
    text = (
        "appointment_type: A\nreferral: required\nwait: {min: 1, max: 2, unit: days}\nschedule:\n  fax: 1\n"
    )
    error = one_error(Pathway, text)
    assert (error.line, error.col, error.field) == (5, 3, "schedule.fax")


def test_missing_key_points_at_its_parent() -> None:
    error = one_error(Pathway, "appointment_type: A\nreferral: required\nwait:\n  min: 1\n  unit: days\n")
    assert (error.line, error.col, error.field) == (3, 1, "wait.max")
    assert error.message == "required, but missing"


def test_missing_top_level_key_in_front_matter_points_at_the_front_matter() -> None:
    doc = split_front_matter(
        "---\ntype: question\nquestion: Q\nservice_line: cardiology\ncluster: c\nnext_step: s\n---\n", "p.md"
    )
    with pytest.raises(SourceErrors) as info:
        validate(QuestionPage, doc.front_matter)
    [error] = info.value.errors
    assert (error.line, error.col, error.field) == (2, 1, "description")


def test_nested_list_index() -> None:
    text = (
        "appointment_type: A\nreferral: required\nwait: {min: 1, max: 2, unit: days}\nbring:\n  - ok\n  - 3\n"
    )
    error = one_error(Pathway, text)
    assert (error.line, error.col, error.field) == (6, 5, "bring[1]")
    assert "(got 3)" in error.message


def test_list_of_mappings() -> None:
    text = (
        "red_flags:\n"
        "  - route: emergency\n"
        "    phrases: [fainting]\n"
        "  - route: nowhere\n"
        "    phrases: [a, '']\n"
    )
    errors = errors_of(Triage, text)
    assert [(e.line, e.col, e.field) for e in errors] == [
        (4, 12, "red_flags[1].route"),
        (5, 18, "red_flags[1].phrases[1]"),
    ]


def test_every_error_of_a_document_is_reported_with_offset() -> None:
    text = "service_line: x\nname: X\nphone: '(555) 010-2200'\nhours: {monday: closed}\ncolour: red\n"
    errors = errors_of(Intake, text, offset=10)
    where = {e.field: (e.line, e.col) for e in errors}
    assert where == {"colour": (15, 1), "pathways": (11, 1)}


def test_model_validator_error_is_positioned_on_its_mapping() -> None:
    text = "appointment_type: A\nreferral: required\nwait:\n  min: 5\n  max: 3\n  unit: days\n"
    error = one_error(Pathway, text)
    assert (error.line, error.col, error.field) == (4, 3, "wait")
    assert "min (5) is larger than max (3)" in error.message


def test_validate_a_part_of_the_document() -> None:
    located = parse_yaml("title: x\ntemplate: y\norder: many\n", "x.yml")
    data = {k: v for k, v in located.data.items() if k != "template"}
    with pytest.raises(SourceErrors) as info:
        validate(PlainPage, located, data=data)
    assert [(e.line, e.col, e.field) for e in info.value.errors] == [(3, 8, "order")]
