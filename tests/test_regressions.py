"""Regression tests for bugs found in review, one test (or table) per bug."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import SourceError, SourceErrors
from generator.intake import RedFlagMatcher, tel_uri
from generator.scaffold import slugify
from generator.schemas import Intake, Organization
from generator.sources import parse_yaml, read_text, validate
from tests.conftest import run


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


# --- found by the reliability review (docs/security.md) ----------------------------------------


def _settings_line(project: Path, extra: str) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "      campaigns_dir: campaigns\n", f"      campaigns_dir: campaigns\n{extra}"
        ),
        "utf-8",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("      manifest_dir: .\n", "is not inside the project folder"),
        ("      manifest_dir: intake\n", "manifest_dir (intake/) overlaps intake_dir"),
        ("      intake_dir: ../elsewhere\n", "is not inside the project folder"),
    ],
)
def test_output_and_source_folders_are_guarded(project: Path, extra: str, message: str) -> None:
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    if "intake_dir" in extra:
        _settings_line(project, "")
        config = project / "mkdocs.yml"
        config.write_text(config.read_text("utf-8").replace("      intake_dir: intake\n", extra), "utf-8")
    else:
        _settings_line(project, extra)
    result = CliRunner().invoke(main, ["build", "-f", str(project / "mkdocs.yml")])
    assert result.exit_code == 1
    assert message in result.output
    assert re.match(r"^mkdocs\.yml:\d+:\d+: \w+: ", result.output), result.output
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before


def test_site_dir_may_not_be_a_source_folder(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("site_dir: site", "site_dir: campaigns"), "utf-8")
    result = CliRunner().invoke(main, ["build", "-f", str(config)])
    assert result.exit_code == 1
    assert "site_dir (campaigns/) overlaps campaigns_dir" in result.output
    assert (project / "campaigns/chest-pain-search.yml").is_file()


def test_manifest_writes_only_its_own_files(project: Path, tmp_path: Path) -> None:
    keep = tmp_path / "out" / "notes.txt"
    keep.parent.mkdir()
    keep.write_text("mine", "utf-8")
    result = CliRunner().invoke(
        main, ["campaign", "manifest", "-o", str(keep.parent), "-f", str(project / "mkdocs.yml")]
    )
    assert result.exit_code == 0, result.output
    assert keep.read_text("utf-8") == "mine"
    assert (keep.parent / "manifest.csv").is_file()


def test_json_ld_cannot_be_closed_by_content(project: Path) -> None:
    page = project / "content/cardiology/chest-pain/what-is-angina.md"
    page.write_text(
        page.read_text("utf-8").replace(
            "question: What is angina?", 'question: "What is angina?</script><script>alert(1)</script>"'
        ),
        "utf-8",
    )
    result = run(["carewheel", "build"], project)
    assert result.code == 0, result.output
    html = (project / "site/cardiology/chest-pain/what-is-angina/index.html").read_text("utf-8")
    head = html.split("</head>")[0]
    assert head.count("<script") == head.count("</script>") == 1
    assert "\\u003c/script\\u003e" in head


def test_faq_titles_are_text_on_landing_pages(project: Path) -> None:
    page = project / "content/cardiology/chest-pain/what-is-angina.md"
    page.write_text(
        page.read_text("utf-8").replace(
            "question: What is angina?", 'question: "Angina *really* \\"><img src=x onerror=alert(1)>"'
        ),
        "utf-8",
    )
    result = run(["carewheel", "build"], project)
    assert result.code == 0, result.output
    html = (project / "site/lp/heart-check/a/index.html").read_text("utf-8")
    assert "<img" not in html
    assert 'Angina *really* "&gt;&lt;img src=x onerror=alert(1)&gt;' in html


@pytest.mark.parametrize("text", ["on: !!timestamp yesterday", "x: !!bool maybe", "x: !!int ten"])
def test_tagged_values_give_an_error_not_a_crash(text: str) -> None:
    with pytest.raises(SourceError, match="invalid value for its tag"):
        parse_yaml(text + "\n", "x.yml")


def test_unicode_line_separators_do_not_shift_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text("a: 'one\u2028two'\nb: plain\u2029text\nc: [\n", "utf-8")
    with pytest.raises(SourceError) as info:
        parse_yaml(read_text(path, "x.yml"), "x.yml")
    assert info.value.line == 4


def test_slugify_never_joins_a_banned_compound() -> None:
    slug = slugify("eating anxiety disorder", sensitive=True)
    assert slug == ""
    assert slugify("Tips for eating well and anxiety", sensitive=True) == slugify(
        slugify("Tips for eating well and anxiety", sensitive=True), sensitive=True
    )


def test_compound_terms_match_whole_words_only() -> None:
    from generator.privacy import condition_words

    assert condition_words("treating-disorders-of-sleep") == []
    assert condition_words("help-with-eating-disorder") == ["eating-disorder"]


def test_urls_are_percent_encoded() -> None:
    from generator.content import url_for

    assert url_for("cardiology/angina #2.md") == "cardiology/angina%20%232/"


def test_claims_file_follows_the_intake_folder(project: Path) -> None:
    (project / "intake").rename(project / "facts")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("intake_dir: intake", "intake_dir: facts"), "utf-8")
    result = CliRunner().invoke(main, ["check", "-f", str(config)])
    assert result.exit_code == 0, result.output


def test_bad_slug_is_named_in_the_message(project: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "new",
            "question",
            "Is this safe?",
            "-c",
            "chest-pain",
            "--slug",
            "../../etc/x",
            "-f",
            str(project / "mkdocs.yml"),
        ],
    )
    assert result.exit_code == 1
    assert "--slug '../../etc/x' must be lowercase words joined by hyphens" in result.output


def test_variant_id_errors_say_what_is_expected(project: Path) -> None:
    campaign = project / "campaigns/chest-pain-search.yml"
    campaign.write_text(
        campaign.read_text("utf-8").replace("  a: {weight: 50}", "  A1: {weight: 50}"), "utf-8"
    )
    result = CliRunner().invoke(main, ["check", "-f", str(project / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "1 to 12 lowercase letters or digits" in result.output


@pytest.mark.parametrize("text", ["Press [`Book to start.", "See [a` note", "![`x", "[``"])
def test_unclosed_backticks_after_a_bracket_do_not_crash_the_linter(
    text: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """markdown-it-pyrs 0.4.0 panics on these (a Rust panic, a BaseException). The linter
    reads them again with backticks as apostrophes: positions stay right, nothing is printed."""
    from tests.lint_harness import page_doc, rule, run_rule

    doc = page_doc(f"Our team is caring.\n\n{text} We are the best clinic in the state.\n")
    found = run_rule(rule("CL004"), doc)
    column = len(text) + len(" We are the ") + 1
    assert [(f.line, f.col) for f in found] == [(3, column)]
    assert capfd.readouterr().err == ""
