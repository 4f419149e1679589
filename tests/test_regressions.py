"""Regression tests for bugs found in review, one test (or table) per bug."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import SourceError, SourceErrors
from generator.intake import RedFlagMatcher, tel_uri
from generator.scaffold import slugify
from generator.schemas import Intake, Organization
from generator.sources import parse_yaml, read_text, validate


def test_new_service_line_works_when_the_page_is_missing(project: Path) -> None:
    (project / "content/cardiology/index.md").unlink()
    result = CliRunner().invoke(
        main, ["new", "service-line", "cardiology", "-f", str(project / "mkdocs.yml")]
    )
    assert result.exit_code == 0, result.output
    written = project / "content/cardiology/index.md"
    assert "type: service-line" in written.read_text("utf-8")
    check = CliRunner().invoke(main, ["check", "-f", str(project / "mkdocs.yml")])
    assert check.exit_code == 0, check.output


def test_explicit_key_overrides_a_merged_one() -> None:
    data = parse_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", "x.yml").data
    assert data["c"] == {"x": 1, "y": 3}


def test_duplicate_explicit_key_next_to_a_merge_is_still_an_error() -> None:
    with pytest.raises(SourceError, match="duplicate key 'y'"):
        parse_yaml("base: &b {x: 1}\nc:\n  <<: *b\n  y: 3\n  y: 4\n", "x.yml")


def test_lenient_tags_accept_python_name_tags() -> None:
    text = "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.twemoji\n"
    data = parse_yaml(text, "mkdocs.yml", lenient_tags=True).data
    assert "material.twemoji" in data["markdown_extensions"][0]["pymdownx.emoji"]["emoji_index"]
    with pytest.raises(SourceError, match="unsupported YAML tag"):
        parse_yaml(text, "mkdocs.yml")


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {a, b}"])
def test_unusual_standard_tags_are_refused(tag: str) -> None:
    with pytest.raises(SourceError, match="unsupported YAML tag"):
        parse_yaml(f"key: {tag}\n", "x.yml")


@pytest.mark.parametrize(
    ("text", "value"), [("012", 12), ("0o12", 10), ("0x1F", 31), ("-7", -7), ("1_000", "1_000")]
)
def test_integers_follow_yaml_1_2(text: str, value: int | str) -> None:
    assert parse_yaml(f"n: {text}\n", "x.yml").data["n"] == value


def test_keys_equal_in_python_but_different_in_yaml_collide_loudly() -> None:
    with pytest.raises(SourceError, match="collide"):
        parse_yaml("1: a\ntrue: b\n", "x.yml")


def test_non_utf8_column_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes("title: Café ".encode() + b"\xe9\n")
    with pytest.raises(SourceError) as info:
        read_text(path)
    assert (info.value.line, info.value.col) == (1, 13)


def test_non_utf8_line_counts_bare_carriage_returns(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(b"a\rb\rc \xff")
    with pytest.raises(SourceError) as info:
        read_text(path)
    assert (info.value.line, info.value.col) == (3, 3)


def test_invalid_mapping_key_is_reported_at_the_key() -> None:
    text = (
        "name: X\nphone: '(555) 010-1000'\naddress: {street: a, city: b, region: c, postal_code: d}\n"
        "privacy_policy: p.md\nhealth_data_privacy: h.md\nform_endpoint: /f\nlocations:\n"
        "  Main_Street:\n    name: M\n    address: {street: a, city: b, region: c, postal_code: d}\n"
    )
    with pytest.raises(SourceErrors) as info:
        validate(Organization, parse_yaml(text, "org.yml"))
    error = info.value.errors[0]
    assert (error.line, error.col) == (8, 3)
    assert "lowercase words joined by hyphens" in error.message


@pytest.mark.parametrize("hours", ["08:00-24:30", "08:00-25:00", "24:00-24:00"])
def test_hours_past_midnight_are_refused(hours: str) -> None:
    text = (
        f"service_line: x\nname: X\nphone: '(555) 010-2200'\nhours: {{monday-friday: '{hours}'}}\n"
        "pathways:\n  p:\n    appointment_type: A\n    referral: required\n"
        "    wait: {min: 1, max: 2, unit: days}\n"
    )
    with pytest.raises(SourceErrors):
        validate(Intake, parse_yaml(text, "x.yml"))


def test_hours_may_end_at_midnight() -> None:
    text = (
        "service_line: x\nname: X\nphone: '(555) 010-2200'\nhours: {monday-friday: '08:00-24:00'}\n"
        "pathways:\n  p:\n    appointment_type: A\n    referral: required\n"
        "    wait: {min: 1, max: 2, unit: days}\n"
    )
    assert validate(Intake, parse_yaml(text, "x.yml")).hours == {"monday-friday": "08:00-24:00"}


def cardiology() -> RedFlagMatcher:
    text = Path(__file__).resolve().parent.parent.joinpath("intake/cardiology.yml").read_text("utf-8")
    return RedFlagMatcher(validate(Intake, parse_yaml(text, "cardiology.yml")))


def test_red_flag_phrase_split_by_a_link_still_matches() -> None:
    hits = cardiology().find("If you have [chest pain](angina.md) or pressure right now, call.")
    assert [h.phrase for h in hits] == ["chest pain or pressure right now"]


def test_link_targets_are_not_matched_as_words() -> None:
    assert cardiology().find("See [this page](fainting.md).") == []


def test_contraction_does_not_hide_a_phrase() -> None:
    assert [h.phrase for h in cardiology().find("Fainting's a warning sign.")] == ["fainting"]


def test_slugify_drops_hyphenated_sensitive_terms() -> None:
    assert slugify("How do I stop self-harm?", sensitive=True) == "how-do-i-stop"
    assert slugify("Living with an eating disorder", sensitive=True) == "living-with-an"


def test_scaffolded_titles_read_back_as_strings(project: Path) -> None:
    config = str(project / "mkdocs.yml")
    result = CliRunner().invoke(
        main, ["new", "cluster", "abc", "-l", "cardiology", "-t", "1e3", "-f", config]
    )
    assert result.exit_code == 0, result.output
    check = CliRunner().invoke(main, ["check", "-f", config])
    assert check.exit_code == 0, check.output


def test_phone_extension_is_kept() -> None:
    assert tel_uri("(555) 010-2200 ext. 12") == "tel:+15550102200;ext=12"
