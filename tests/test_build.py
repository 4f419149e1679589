"""The demo site, built for real: next steps from intake data, triage first, theme promises."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from tests.conftest import BIN, EPOCH, ROOT, BuiltSite, run, tree_digest

pytestmark = pytest.mark.build

SITE_URL = "https://www.riverbend-health.example/"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def front_matter(md: Path) -> dict:
    """Front matter read independently of carewheel's reader (PyYAML reads YAML 1.1, where the
    key ``on`` means ``True``: put it back)."""
    meta = yaml.safe_load(md.read_text("utf-8").split("---", 2)[1]) or {}
    if isinstance(meta.get("reviewed"), dict) and True in meta["reviewed"]:
        meta["reviewed"]["on"] = meta["reviewed"].pop(True)
    return meta


def intake(name: str, root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "intake" / f"{name}.yml").read_text("utf-8"))


def question_pages(root: Path = ROOT) -> list[tuple[Path, dict]]:
    pages = []
    for md in sorted((root / "content").rglob("*.md")):
        meta = front_matter(md)
        if meta.get("type") == "question":
            pages.append((md, meta))
    return pages


def html_for(md: Path, project: Path) -> Path:
    rel = md.relative_to(project / "content")
    if rel.name == "index.md":
        return project / "site" / rel.parent / "index.html"
    return project / "site" / rel.with_suffix("") / "index.html"


def expected_wait(wait: dict) -> str:
    unit = wait["unit"].replace("-", " ")
    if (wait["min"], wait["max"], unit) == (0, 1, "days"):
        return "the same day or the next day"
    return f"{wait['min']} to {wait['max']} {unit}"


def tel(phone: str) -> str:
    return "tel:+1" + re.sub(r"\D", "", phone)


def main_children(page: BeautifulSoup) -> list[Tag]:
    main = page.find("main")
    assert isinstance(main, Tag)
    return [c for c in main.children if isinstance(c, Tag)]


def test_strict_build_has_no_warnings(built: BuiltSite) -> None:
    assert "WARNING" not in built.run.output
    assert (built.site / "index.html").is_file()


def test_demo_has_the_promised_shape() -> None:
    questions = question_pages()
    by_cluster: dict[str, int] = {}
    for _, meta in questions:
        by_cluster[meta["cluster"]] = by_cluster.get(meta["cluster"], 0) + 1
    lines = {meta["service_line"] for _, meta in questions}
    assert lines == {"cardiology", "primary-care", "behavioral-health"}
    assert len(by_cluster) >= 6
    assert min(by_cluster.values()) >= 6, by_cluster
    assert "chest-pain" in by_cluster
    assert intake("behavioral-health")["sensitive"] is True


def test_every_question_has_one_next_step_matching_intake(built: BuiltSite) -> None:
    checked = 0
    for md, meta in question_pages(built.project):
        page = soup(html_for(md, built.project))
        blocks = page.select("section.next-step")
        assert len(blocks) == 1, md
        block = blocks[0]
        route = meta["next_step"]
        assert block["data-next-step"] == route
        script = intake(meta["service_line"], built.project)
        if route in ("emergency", "crisis", "nurse-line"):
            continue
        pathway = script["pathways"][route]
        phone = pathway.get("schedule", {}).get("phone") or script["phone"]
        assert block.select_one('[data-fact="appointment-type"]').get_text() == pathway["appointment_type"]
        assert block.select_one('[data-fact="wait"]').get_text() == expected_wait(pathway["wait"])
        phone_link = block.select_one('[data-fact="phone"]')
        assert phone_link["href"] == tel(phone)
        assert phone in phone_link.get_text()
        checked += 1
    assert checked >= 30


def test_chest_pain_pages_show_911_before_anything_else(built: BuiltSite) -> None:
    pages = [md for md, meta in question_pages(built.project) if meta["cluster"] == "chest-pain"]
    pages.append(built.project / "content/cardiology/chest-pain/index.md")
    assert len(pages) >= 7
    for md in pages:
        first = main_children(soup(html_for(md, built.project)))[0]
        assert "urgent--emergency" in first["class"], md
        assert first.select_one('a[href="tel:911"]') is not None
        assert "call 911" in first.get_text(" ").lower()


def test_crisis_page_shows_988(built: BuiltSite) -> None:
    crisis = [
        md
        for md, meta in question_pages(built.project)
        if meta["service_line"] == "behavioral-health" and meta["next_step"] == "crisis"
    ]
    assert crisis
    for md in crisis:
        first = main_children(soup(html_for(md, built.project)))[0]
        assert first["data-route"] in ("crisis", "emergency")
        page = soup(html_for(md, built.project))
        block = page.select_one("section.urgent--crisis")
        assert block is not None
        assert "call or text 988" in block.get_text(" ").lower()
        assert block.select_one('a[href="tel:988"]')
        assert block.select_one('a[href="sms:988"]')


def test_red_flag_phrase_in_text_adds_routing(built: BuiltSite) -> None:
    """A primary-care page naming an intake red-flag phrase shows that route first."""
    page = soup(built.site / "primary-care/sick-visits/when-is-a-fever-too-high/index.html")
    routes = [c["data-route"] for c in main_children(page) if c.get("data-route")]
    assert "nurse-line" in routes
    nurse = intake("primary-care")["triage"]["nurse_line"]
    assert page.select_one(f'section.urgent--nurse-line a[href="{tel(nurse)}"]') is not None


def test_pages_without_red_flags_have_no_urgent_block(built: BuiltSite) -> None:
    page = soup(built.site / "cardiology/heart-tests/what-is-an-echocardiogram/index.html")
    assert page.select("section.urgent") == []


def test_changing_intake_changes_every_affected_page(built_copy: BuiltSite) -> None:
    project = built_copy.project
    script = project / "intake/cardiology.yml"
    text = script.read_text("utf-8")
    text = text.replace(
        "wait: {min: 5, max: 10, unit: business-days}", "wait: {min: 15, max: 20, unit: business-days}"
    )
    text = text.replace('phone: "(555) 010-2200"', 'phone: "(555) 010-2288"')
    script.write_text(text, "utf-8")
    before = {p: p.read_text("utf-8") for p in (project / "content").rglob("*.md")}
    result = run(["carewheel", "build"], project)
    assert result.code == 0, result.output
    # The linter notices the campaign copy that still promises the old wait.
    assert re.search(r"campaigns/chest-pain-search\.yml:\d+:\d+: CP002 ", result.output), result.output
    assert before == {p: p.read_text("utf-8") for p in (project / "content").rglob("*.md")}
    affected = 0
    for md, meta in question_pages(project):
        if meta["service_line"] != "cardiology" or meta["next_step"] != "new-patient-consult":
            continue
        block = soup(html_for(md, project)).select_one("section.next-step")
        assert block.select_one('[data-fact="wait"]').get_text() == "15 to 20 business days"
        assert block.select_one('[data-fact="phone"]')["href"] == "tel:+15550102288"
        affected += 1
    assert affected >= 5
    assert "(555) 010-2200" not in (project / "site/cardiology/index.html").read_text("utf-8")


def test_two_builds_are_byte_identical(built: BuiltSite, tmp_path: Path) -> None:
    other = tmp_path / "again"
    result = run(["carewheel", "build", "--strict", "--site-dir", str(other)], built.project)
    assert result.code == 0, result.output
    assert tree_digest(other) == tree_digest(built.site)


def test_plain_mkdocs_and_properdocs_build_the_same_site(built: BuiltSite, tmp_path: Path) -> None:
    outputs = {}
    for engine in ("mkdocs", "properdocs"):
        dest = tmp_path / engine
        result = run([engine, "build", "--strict", "-f", "mkdocs.yml", "-d", str(dest)], built.project)
        assert result.code == 0, result.output
        assert "WARNING" not in result.output
        outputs[engine] = tree_digest(dest)
    assert outputs["mkdocs"] == outputs["properdocs"]
    assert outputs["mkdocs"] == tree_digest(built.site)


def test_theme_basics(built: BuiltSite) -> None:
    page = soup(built.site / "cardiology/chest-pain/what-is-angina/index.html")
    assert page.html["lang"] == "en"
    skip = page.select_one("a.skip-link")
    assert skip is not None
    assert skip["href"] == "#main"
    assert page.find(id="main") is not None
    assert page.select_one('header a[href="tel:+15550101000"]') is not None
    footer = page.select_one("footer").get_text(" ")
    assert "Privacy policy" in footer
    assert "Consumer health data privacy policy" in footer
    canonical = page.select_one('link[rel="canonical"]')["href"]
    assert canonical == SITE_URL + "cardiology/chest-pain/what-is-angina/"
    assert page.select("script[src]") == []
    reviewed = page.select_one("p.reviewed").get_text(" ")
    meta = front_matter(built.project / "content/cardiology/chest-pain/what-is-angina.md")
    assert reviewed.startswith(f"Medically reviewed by {meta['reviewed']['by']} on")
    assert (built.site / "404.html").is_file()
    assert (built.site / "assets/favicon.svg").is_file()
    css = (built.site / "assets/carewheel.css").stat().st_size
    assert css < 10_000


def test_navigation_is_local_to_the_cluster(built: BuiltSite) -> None:
    page = soup(built.site / "cardiology/chest-pain/what-is-angina/index.html")
    crumbs = [a.get_text() for a in page.select("nav.breadcrumbs a")]
    assert crumbs == ["Home", "Cardiology", "Chest pain", "What is angina?"]
    listed = page.select("nav.cluster-nav li a")
    questions = [md for md, meta in question_pages(built.project) if meta["cluster"] == "chest-pain"]
    assert len(listed) == len(questions)
    assert all("/heart-tests/" not in a["href"] for a in listed)


def test_no_third_party_resources_anywhere(built: BuiltSite) -> None:
    for html in built.site.rglob("*.html"):
        page = soup(html)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for el in page.find_all(tag):
                value = el.get(attr)
                if not value or (tag == "link" and el.get("rel") == ["canonical"]):
                    continue
                assert not urlparse(value).netloc, f"{html}: {tag} {value}"
        for form in page.find_all("form"):
            assert form["method"].lower() == "post", html


def test_structured_data(built: BuiltSite) -> None:
    md = built.project / "content/cardiology/chest-pain/when-is-chest-pain-an-emergency.md"
    meta = front_matter(md)
    page = soup(html_for(md, built.project))
    graph = json.loads(page.select_one('script[type="application/ld+json"]').string)["@graph"]
    types = {node["@type"]: node for node in graph}
    webpage = types["MedicalWebPage"]
    assert webpage["lastReviewed"] == meta["reviewed"]["on"].isoformat()
    assert webpage["reviewedBy"]["name"] == meta["reviewed"]["by"]
    assert types["MedicalClinic"]["telephone"] == "+15550101000"


def test_sitemap_lastmod_comes_from_content_dates(built: BuiltSite) -> None:
    sitemap = (built.site / "sitemap.xml").read_text("utf-8")
    md = built.project / "content/cardiology/chest-pain/what-is-angina.md"
    reviewed = front_matter(md)["reviewed"]["on"].isoformat()
    entry = re.search(r"<url><loc>[^<]*/what-is-angina/</loc><lastmod>([^<]+)</lastmod></url>", sitemap)
    assert entry is not None
    assert entry.group(1) == reviewed
    assert sitemap.count("<url>") == len(list((built.project / "content").rglob("*.md")))


def test_failed_strict_build_leaves_site_untouched(built_copy: BuiltSite) -> None:
    project = built_copy.project
    before = tree_digest(built_copy.site)
    page = project / "content/cardiology/chest-pain/what-is-angina.md"
    page.write_text(page.read_text("utf-8") + "\nSee [a missing page](missing.md).\n", "utf-8")
    result = run(["carewheel", "build", "--strict"], project)
    assert result.code == 1
    assert "missing.md" in result.output
    assert "Traceback" not in result.output
    assert tree_digest(built_copy.site) == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]


def test_drafts_are_not_published(built_copy: BuiltSite) -> None:
    project = built_copy.project
    result = run(
        ["carewheel", "new", "question", "Can coffee cause chest pain?", "--cluster", "chest-pain"], project
    )
    assert result.code == 0, result.output
    draft = project / "content/cardiology/chest-pain/can-coffee-cause-chest-pain.md"
    assert "draft: true" in draft.read_text("utf-8")
    result = run(["carewheel", "build", "--strict"], project)
    assert result.code == 0, result.output
    assert not (project / "site/cardiology/chest-pain/can-coffee-cause-chest-pain").exists()
    shutil.rmtree(project / "site")


def test_a_body_starting_with_key_value_text_keeps_its_first_line(built_copy: BuiltSite) -> None:
    """MkDocs reads leading ``key: value`` lines as MultiMarkdown metadata; carewheel has
    already taken the front matter, so such a first line is text and must stay."""
    page = built_copy.project / "content/privacy.md"
    head, _, body = page.read_text("utf-8").partition("\n---\n\n")
    page.write_text(f"{head}\n---\nNote: call us first.\nSecond line.\n\n{body}", "utf-8")
    result = run(["carewheel", "build"], built_copy.project)
    assert result.code == 0, result.output
    main = soup(built_copy.site / "privacy/index.html").select_one("main")
    assert "Note: call us first." in main.get_text()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_during_a_build_leaves_site_and_no_temporary_folder(
    built_copy: BuiltSite, stop: signal.Signals
) -> None:
    """Ctrl-C (SIGINT) or SIGTERM (a cancelled CI job) while MkDocs writes pages into its
    temporary folder (a hook holds the build there): the build stops with exit 1, no
    traceback, the old site/ as it was, and no .site.building-* left."""
    project = built_copy.project
    before = tree_digest(built_copy.site)
    (project / "hold.py").write_text(
        "import time\nfrom pathlib import Path\n\n\n"
        "def on_post_page(output, page, config):\n"
        "    if any(Path(config.site_dir).rglob('*.html')):  # pages are being written\n"
        "        Path('rendering').touch()\n        time.sleep(120)\n    return output\n",
        "utf-8",
    )
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - hold.py\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CAREWHEEL_NO_CACHE": "1"}
    # Ctrl-C must reach the build even when the test runner runs in the background (where the
    # shell sets SIGINT to "ignore", which children inherit and Python then keeps).
    command = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from generator.cli import run; sys.argv = ['carewheel', 'build']; run()"
    )
    process = subprocess.Popen(
        [str(BIN / "python"), "-c", command],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not (project / "rendering").exists():
            assert process.poll() is None, "the build ended before it wrote a page"
            assert time.monotonic() < deadline, "the build wrote no page within 60 s"
            time.sleep(0.01)
        assert [p for p in project.iterdir() if p.name.startswith(".site.building-")]
        process.send_signal(stop)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    text = output.decode("utf-8", "replace")
    assert process.returncode == 1, text
    assert "Traceback" not in text
    assert tree_digest(built_copy.site) == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]
