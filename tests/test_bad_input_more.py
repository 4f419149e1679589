"""More broken inputs, for what ``test_bad_input.py`` does not cover: huge files, odd encodings,
BOM and CRLF, emoji and right-to-left text, YAML alias cycles, tabs, a directory named like a
page, a missing plugin, paths that try to leave the project. Each broken input gives one
``path:line:col`` message, exit code 1, no traceback, and leaves ``site/`` as it was.

Valid input in the same unusual shapes (emoji and right-to-left text, BOM with CRLF) must build,
and its text must reach the pages."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.sources import MAX_SOURCE_BYTES
from tests.conftest import BuiltSite, run, tree_digest
from tests.test_bad_input import (
    ANGINA,
    CARDIO,
    CASES,
    CHEST,
    ORG,
    Case,
    check_broken_input,
    replace,
    write_bytes,
    write_text,
)

HUGE = MAX_SOURCE_BYTES + 1


def huge_comment(path: Path) -> None:
    """A YAML or Markdown file made larger than the limit by a comment at its end."""
    text = path.read_bytes()
    filler = b"#" + b"x" * 99 + b"\n"
    path.write_bytes(text + filler * (HUGE // len(filler) + 1))


def huge_page(path: Path) -> None:
    text = path.read_bytes()
    paragraph = b"Angina is chest pain. " * 40 + b"\n\n"
    path.write_bytes(text + paragraph * (HUGE // len(paragraph) + 1))


def bom_crlf(change: Callable[[Path], None]) -> Callable[[Path], None]:
    """Apply ``change``, then save the file with a BOM and CRLF line endings."""

    def wrapped(path: Path) -> None:
        change(path)
        text = path.read_text("utf-8").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    return wrapped


def make_directory(path: Path) -> None:
    path.mkdir(parents=True)
    (path / "index.md").write_text("---\ntitle: Inside a folder named like a page\n---\n\nText.\n", "utf-8")


def latin1_intake(path: Path) -> None:
    text = path.read_text("utf-8").replace("name: Cardiology", "name: Cardiologie générale")
    path.write_bytes(text.encode("latin-1"))


MORE_CASES = [
    # --- size and encoding -------------------------------------------------------------------
    Case("huge-page", ANGINA, huge_page, 1, f"the limit is {MAX_SOURCE_BYTES:,}"),
    Case("huge-intake", CARDIO, huge_comment, 1, f"the limit is {MAX_SOURCE_BYTES:,}"),
    Case("huge-campaign", CHEST, huge_comment, 1, f"the limit is {MAX_SOURCE_BYTES:,}"),
    Case(
        "page-utf16", ANGINA, lambda p: p.write_bytes(p.read_text("utf-8").encode("utf-16")), 1, "binary file"
    ),
    Case("intake-not-utf8", CARDIO, latin1_intake, "name: Cardiologie", "not valid UTF-8 (byte 0xe9)"),
    Case("intake-empty", CARDIO, write_bytes(b""), 1, "file is empty"),
    Case("intake-only-comments", CARDIO, write_text("# nothing here yet\n"), 1, "expected a YAML mapping"),
    Case("campaign-binary", CHEST, write_bytes(b"\x00\x01\x02campaign"), 1, "binary file"),
    Case(
        "page-bom-crlf-error-position",
        ANGINA,
        bom_crlf(replace("order: 20", "order: twenty")),
        "order: twenty",
        "order: input should be a valid integer",
    ),
    Case(
        "intake-bom-crlf-error-position",
        CARDIO,
        bom_crlf(replace("{min: 5, max: 10", "{min: 12, max: 10")),
        "min: 12",
        "min (12) is larger than max (10)",
    ),
    # --- emoji and right-to-left text where only ids are allowed ------------------------------
    Case(
        "emoji-service-line",
        ANGINA,
        replace("service_line: cardiology", "service_line: ❤️"),
        "service_line:",
        "service_line: '❤️' is not valid here",
    ),
    Case(
        "rtl-cluster",
        ANGINA,
        replace("cluster: chest-pain", "cluster: ألم-الصدر"),
        "cluster:",
        "is not valid here",
    ),
    Case(
        "emoji-campaign-source",
        CHEST,
        replace("source: bing", "source: 🔍bing"),
        "🔍bing",
        "channels[1].source",
    ),
    # --- YAML structure ------------------------------------------------------------------------
    Case(
        "intake-alias-cycle",
        CARDIO,
        replace("locations: [riverbend-heart-center]", "locations: &here [*here]"),
        "locations:",
        "recursive YAML alias",
    ),
    Case(
        "page-alias-cycle",
        ANGINA,
        replace("keywords: [angina]", "keywords: &k {more: *k}"),
        "keywords:",
        "recursive YAML alias",
    ),
    Case(
        "intake-undefined-alias",
        CARDIO,
        replace("locations: [riverbend-heart-center]", "locations: *nowhere"),
        "locations:",
        "found undefined alias",
    ),
    Case(
        "campaign-tab-indented",
        CHEST,
        replace("  headline: Chest pain", "\theadline: Chest pain"),
        "\theadline",
        "invalid YAML",
    ),
    Case(
        "campaign-variant-unknown-key",
        CHEST,
        replace("a: {weight: 50}", "a: {weight: 50, colour: red}"),
        "colour: red",
        "variants.a.colour: unknown key",
    ),
    Case(
        "campaign-variant-bad-id",
        CHEST,
        replace("b: {weight: 50,", "B!: {weight: 50,"),
        "B!:",
        "variants.B!:",
    ),
    # --- files and folders ---------------------------------------------------------------------
    Case(
        "question-is-a-directory",
        "content/cardiology/chest-pain/is-this-a-page.md",
        make_directory,
        1,
        "cannot read file: Is a directory",
    ),
    # --- paths that try to leave the project ---------------------------------------------------
    Case(
        "campaign-question-traversal",
        CHEST,
        replace("cardiology/chest-pain/what-is-angina.md", "../../../../etc/passwd.md"),
        "passwd.md",
        "no question page '../../../../etc/passwd.md' in content/",
    ),
    Case(
        "campaign-redirect-traversal",
        CHEST,
        replace("cluster: chest-pain", "cluster: chest-pain\nexpired_redirect: ../../etc/passwd.md"),
        "expired_redirect:",
        "expired_redirect: no page '../../etc/passwd.md' in content/",
    ),
    Case(
        "organization-link-traversal",
        ORG,
        replace("privacy_policy: privacy.md", "privacy_policy: ../../../etc/passwd.md"),
        "privacy_policy:",
        "privacy_policy: no page '../../../etc/passwd.md' in content/",
    ),
    # --- mkdocs.yml ----------------------------------------------------------------------------
    Case(
        "mkdocs-plugin-missing",
        "mkdocs.yml",
        replace("  - carewheel:\n      intake_dir: intake\n      campaigns_dir: campaigns\n", "  - search\n"),
        "- search",
        "the carewheel plugin is not enabled",
    ),
    Case(
        "mkdocs-yaml-syntax",
        "mkdocs.yml",
        replace("intake_dir: intake", "intake_dir: [intake"),
        "campaigns_dir:",
        "invalid YAML",
    ),
    Case(
        "mkdocs-intake-dir-missing",
        "mkdocs.yml",
        replace("intake_dir: intake", "intake_dir: no-such-folder"),
        "intake_dir:",
        "no-such-folder does not exist",
    ),
    Case(
        "mkdocs-manifest-in-site",
        "mkdocs.yml",
        replace("intake_dir: intake", "manifest_dir: site/tracking\n      intake_dir: intake"),
        "manifest_dir:",
        "manifest_dir must be outside site_dir",
    ),
]


def test_the_two_tables_have_at_least_64_inputs() -> None:
    assert len(MORE_CASES) >= 15
    ids = [c.id for c in CASES + MORE_CASES]
    assert len(ids) >= 64
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", MORE_CASES, ids=[c.id for c in MORE_CASES])
def test_more_broken_input(case: Case, built_copy: BuiltSite) -> None:
    # Errors in mkdocs.yml itself come out as "Error: mkdocs.yml:L:C: ..." (docs/security.md,
    # open items); every other error starts with its path.
    check_broken_input(case, built_copy, error_prefix="(?:Error: )?" if case.file == "mkdocs.yml" else "")


# --- Links that leave the content folder ------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "warning"),
    [
        ("../../../../outside.md", "is not found among documentation files"),
        ("../../../etc/passwd.md", "is not found among documentation files"),
        ("/cardiology/index.md", "contains an absolute link '/cardiology/index.md'"),
        ("/etc/passwd", "contains an absolute link '/etc/passwd'"),
    ],
)
def test_links_out_of_the_content_folder_fail_a_strict_build(
    link: str, warning: str, built_copy: BuiltSite
) -> None:
    """MkDocs warns about ``..`` past the content folder and absolute paths (mkdocs.yml sets
    ``validation.links`` to warn); ``--strict`` turns the warning into exit 1, naming the file."""
    project = built_copy.project
    page = project / ANGINA
    page.write_text(page.read_text("utf-8") + f"\nSee [this page]({link}).\n", "utf-8")
    before = tree_digest(built_copy.site)

    result = run(["carewheel", "build", "--strict"], project)

    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    warnings = [ln for ln in result.output.splitlines() if ln.startswith("WARNING") and link in ln]
    assert len(warnings) == 1, result.output
    assert "Doc file 'cardiology/chest-pain/what-is-angina.md'" in warnings[0]
    assert warning in warnings[0]
    assert tree_digest(built_copy.site) == before


# --- Path traversal in scaffolded names -------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["new", "question", "Is this safe?", "-c", "chest-pain", "--slug", "../../etc/x"],
        ["new", "question", "Is this safe?", "-c", "chest-pain", "--slug", "/etc/x"],
        ["new", "question", "Is this safe?", "-c", "chest-pain", "--slug", ".."],
        ["new", "question", "Is this safe?", "-c", "chest-pain", "--slug", "a/../../b"],
        ["new", "cluster", "../../etc", "-l", "cardiology"],
        ["new", "service-line", "../cardiology"],
        ["campaign", "new", "../../etc/x", "-l", "cardiology"],
        ["lint", "/etc/hostname"],
        ["lint", "../"],
    ],
    ids=lambda a: "-".join(a[:2]) + ":" + next((x for x in a if "/" in x or x == ".."), "?"),
)
def test_path_traversal_in_names_is_refused(args: list[str], project: Path) -> None:
    """Scaffolded names must be lowercase words joined by hyphens, and lint reads only inside the
    project: nothing is written, and the refusal is one line, exit code 1."""
    before = tree_digest(project.parent)

    result = run(["carewheel", *args], project)

    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: "), result.output
    assert tree_digest(project.parent) == before, "nothing may be written"


# --- Valid input in unusual shapes builds -----------------------------------------------------

EMOJI_RTL_TITLE = "Angina 💓: שאלות ותשובות — أسئلة شائعة"
EMOJI_RTL_DESCRIPTION = (
    "Angina explained 🫀 in plain words; also in Hebrew (אנגינה) and Arabic (الذبحة الصدرية)."
)
EMOJI_RTL_BODY = "We are here for you 🩺 שלום مرحبا 👨‍👩‍👧."


def test_emoji_and_right_to_left_text_build_and_reach_the_page(built_copy: BuiltSite) -> None:
    project = built_copy.project
    page = project / ANGINA
    text = page.read_text("utf-8")
    description = re.search(r"^description: .*$", text, re.M)
    assert description is not None
    text = text.replace("question: What is angina?", f'question: "{EMOJI_RTL_TITLE}"', 1)
    text = text.replace(description.group(0), f'description: "{EMOJI_RTL_DESCRIPTION}"', 1)
    page.write_text(text + f"\n{EMOJI_RTL_BODY}\n", "utf-8")
    campaign = project / CHEST
    campaign.write_text(
        campaign.read_text("utf-8").replace(
            'headline: "Worried about your heart? See a cardiologist soon."',
            'headline: "Worried about your heart 💓? See a cardiologist soon. نحن هنا"',
        ),
        "utf-8",
    )

    result = run(["carewheel", "build", "--strict"], project)

    assert result.code == 0, result.output
    html = (built_copy.site / "cardiology/chest-pain/what-is-angina/index.html").read_text("utf-8")
    assert f"<h1>{EMOJI_RTL_TITLE}</h1>" in html
    assert f"<title>{EMOJI_RTL_TITLE} | Riverbend Health</title>" in html
    assert f'<meta name="description" content="{EMOJI_RTL_DESCRIPTION}">' in html
    assert EMOJI_RTL_BODY in html
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json_ld is not None
    assert json.loads(json_ld.group(1))["@graph"][0]["name"] == EMOJI_RTL_TITLE
    landing = (built_copy.site / "lp/heart-check/b/index.html").read_text("utf-8")
    assert "Worried about your heart 💓? See a cardiologist soon. نحن هنا" in landing


def test_bom_and_crlf_files_build_the_same_site(built_copy: BuiltSite, built: BuiltSite) -> None:
    """A page, an intake script, a campaign and mkdocs.yml saved with a BOM and CRLF line
    endings (as some Windows editors do) build exactly the site they build without."""
    project = built_copy.project
    for rel in (ANGINA, CARDIO, CHEST, ORG, "mkdocs.yml"):
        path = project / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_text("utf-8").replace("\n", "\r\n").encode("utf-8"))
    shutil.rmtree(built_copy.site)

    result = run(["carewheel", "build", "--strict"], project)

    assert result.code == 0, result.output
    assert tree_digest(built_copy.site) == tree_digest(built.site)
