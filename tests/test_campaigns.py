"""Campaigns: golden landing pages and manifest rows, expiry and scheduling, tagged links,
the campaign commands."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli import main
from generator.content import load_site
from generator.project import load_project
from tests.conftest import ROOT, BuiltSite, run

GOLDEN_CAMPAIGNS = ["chest-pain-search", "counseling-first-visit", "summer-checkup-2026"]
UTM_VALUE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")


def demo_site():  # type: ignore[no-untyped-def]
    return load_site(load_project(ROOT / "mkdocs.yml"))


def main_html(path: Path) -> str:
    soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    return soup.find("main").prettify()


@pytest.mark.parametrize("slug", GOLDEN_CAMPAIGNS)
def test_golden_landing_markdown_and_manifest(slug: str, golden: Callable[[str, str], None]) -> None:
    site = demo_site()
    pages = list(site.landing[slug])
    markdown = "".join(f"<!-- {spec.src} -->\n{site.pages[spec.src].doc.body}\n" for spec in pages)
    golden(f"campaigns/{slug}.md", markdown)
    rows = [r.values for r in site.manifest() if r.values["campaign"] == slug]
    golden(f"campaigns/{slug}.manifest.json", json.dumps(rows, indent=2) + "\n")


@pytest.mark.parametrize("slug", GOLDEN_CAMPAIGNS)
def test_golden_landing_html(slug: str, built: BuiltSite, golden: Callable[[str, str], None]) -> None:
    site = demo_site()
    first = site.landing[slug][0]
    golden(f"campaigns/{slug}.main.html", main_html(built.site / first.url / "index.html"))


def test_landing_pages_are_virtual_noindex_and_outside_the_sitemap(built: BuiltSite) -> None:
    assert not (built.project / "content/lp").exists()
    sitemap = (built.site / "sitemap.xml").read_text("utf-8")
    assert "/lp/" not in sitemap
    for html in (built.site / "lp").rglob("index.html"):
        soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
        assert soup.select_one('meta[name="robots"]')["content"] == "noindex", html
        assert soup.select_one('link[rel="canonical"]') is None


def test_landing_page_carries_tracking_and_urgent_route_first(built: BuiltSite) -> None:
    soup = BeautifulSoup(
        (built.site / "lp/heart-check/b/google-cpc/index.html").read_text("utf-8"), "html.parser"
    )
    main = soup.find("main")
    first = next(c for c in main.children if getattr(c, "name", None))
    assert first["data-route"] == "emergency"
    article = soup.select_one("article[data-tracking-id]")
    assert (article["data-tracking-id"], article["data-variant"], article["data-pathway"]) == (
        "cmp-0001",
        "b",
        "new-patient-consult",
    )
    assert soup.find("h1").get_text() == "Worried about your heart? See a cardiologist soon."
    # The channel's call-tracking number, not the intake line, on this channel's view.
    assert soup.select_one('section.next-step [data-fact="phone"]')["href"] == "tel:+15550103101"
    form = soup.select_one("form[data-campaign-form]")
    assert form["method"] == "post"
    hidden = {i["name"]: i["value"] for i in form.select('input[type="hidden"]')}
    assert hidden["tracking_id"] == "cmp-0001"
    assert hidden["variant"] == "b"
    assert {f"ft_utm_{k}" for k in ("source", "medium", "campaign", "content", "term", "id")} <= hidden.keys()
    faq = [a["href"] for a in soup.select("article li a")]
    assert "../../../../cardiology/chest-pain/when-is-chest-pain-an-emergency/" in faq
    # The plain variant page (no channel) shows the pathway's own booking number.
    plain = BeautifulSoup((built.site / "lp/heart-check/b/index.html").read_text("utf-8"), "html.parser")
    assert plain.select_one('section.next-step [data-fact="phone"]')["href"] == "tel:+15550102200"


def test_sensitive_campaign_has_neutral_urls_and_crisis_first(built: BuiltSite) -> None:
    site = demo_site()
    rows = [r.values for r in site.manifest() if r.values["service_line"] == "behavioral-health"]
    assert rows
    for row in rows:
        path = urlparse(row["url"]).path
        assert not re.search(r"anxiety|depress|suicid|mental|behavioral", row["url"]), row["url"]
        assert path.startswith("/lp/talk-with-someone/")
    page = BeautifulSoup((built.site / "lp/talk-with-someone/a/index.html").read_text("utf-8"), "html.parser")
    first = next(c for c in page.find("main").children if getattr(c, "name", None))
    assert first["data-route"] == "crisis"


def test_expired_campaign_redirects_to_its_hub(built: BuiltSite) -> None:
    html = (built.site / "lp/summer-checkup/a/index.html").read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    refresh = soup.select_one('meta[http-equiv="refresh"]')["content"]
    assert refresh == "0; url=../../../primary-care/checkups/"
    assert soup.select_one("main a")["href"] == "../../../primary-care/checkups/"
    assert soup.select("form") == []
    assert soup.select("script[src]") == []


def test_scheduled_campaign_is_not_published(built: BuiltSite) -> None:
    assert not (built.site / "lp/heart-month").exists()
    assert "heart-month" not in "".join(p.as_posix() for p in built.site.rglob("*"))


def test_campaign_states_follow_the_build_date(built_copy: BuiltSite) -> None:
    """On 2027-03-15 the chest-pain campaign has ended: its URLs redirect, its QR never 404s."""
    epoch = "1789387200"  # 2026-09-15 12:00 UTC
    result = run(["carewheel", "build", "--strict"], built_copy.project, env={"SOURCE_DATE_EPOCH": epoch})
    assert result.code == 0, result.output
    assert not (built_copy.site / "lp/heart-check").exists()  # not started yet on 2026-09-15
    epoch = "1805112000"  # 2027-03-15 12:00 UTC
    result = run(["carewheel", "build", "--strict"], built_copy.project, env={"SOURCE_DATE_EPOCH": epoch})
    assert result.code == 0, result.output
    for html in (built_copy.site / "lp/heart-check").rglob("index.html"):
        assert 'http-equiv="refresh"' in html.read_text("utf-8"), html
    assert (built_copy.site / "lp/heart-month/a/index.html").is_file()


def test_tagged_links_are_lowercase_and_complete() -> None:
    site = demo_site()
    rows = site.manifest()
    assert len(rows) >= 10
    for row in rows:
        url = urlparse(row.values["url"])
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert set(params) == {"utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_id"}
        assert all(UTM_VALUE.match(v) for v in params.values()), params
        assert params["utm_content"] == row.values["variant"]
        assert params["utm_id"] == row.values["tracking_id"]
        assert url.path == url.path.lower()


def test_manifest_and_qr_are_written_outside_site(built: BuiltSite) -> None:
    folder = built.project / "build/campaigns"
    rows = list(csv.DictReader((folder / "manifest.csv").read_text("utf-8").splitlines()))
    assert rows == json.loads((folder / "manifest.json").read_text("utf-8"))
    campaigns = {p.stem for p in (built.project / "campaigns").glob("*.yml")} - {"tracking-ids"}
    expected = 0
    for slug in campaigns:
        data = yaml.safe_load((built.project / "campaigns" / f"{slug}.yml").read_text("utf-8"))
        expected += len(data["variants"]) * len(data["channels"])
    assert len(rows) == expected
    statuses = {r["campaign"]: r["status"] for r in rows}
    assert statuses["heart-month-2027"] == "scheduled"
    assert statuses["summer-checkup-2026"] == "expired"
    assert statuses["chest-pain-search"] == "live"
    qr_rows = [r for r in rows if r["qr_file"]]
    assert qr_rows
    for row in qr_rows:
        svg = (folder / row["qr_file"]).read_text("utf-8")
        assert svg.startswith("<?xml")
        assert "<svg" in svg
    assert not list(built.site.rglob("manifest.*"))


def test_qr_code_encodes_the_tagged_url(tmp_path: Path) -> None:
    """Decode-free check: segno re-encodes the same URL to the same matrix we wrote."""
    import segno

    from generator.campaigns import qr_svg

    url = "https://www.riverbend-health.example/lp/family-doctor/a/mailer-print/?utm_source=mailer"
    svg = qr_svg(url, "t").decode("utf-8")
    expected = segno.make(url, error="m", micro=False)
    assert f'width="{(expected.symbol_size(scale=4, border=4))[0]}"' in svg


def test_campaign_commands(project: Path) -> None:
    runner = CliRunner()
    config = str(project / "mkdocs.yml")
    listed = runner.invoke(main, ["campaign", "list", "-f", config])
    assert listed.exit_code == 0, listed.output
    assert re.search(r"^scheduled\s+cmp-0006\s+heart-month-2027", listed.output, re.M)
    assert re.search(r"^expired\s+cmp-0005\s+summer-checkup-2026", listed.output, re.M)
    links = runner.invoke(main, ["campaign", "links", "chest-pain-search", "--format", "json", "-f", config])
    assert links.exit_code == 0, links.output
    data = json.loads(links.output)
    assert len(data) == 4
    assert {d["phone"] for d in data} == {"(555) 010-3101", "(555) 010-3102"}
    made = runner.invoke(
        main,
        ["campaign", "new", "spring-checkups", "-l", "primary-care", "-p", "annual-physical", "-f", config],
    )
    assert made.exit_code == 0, made.output
    assert "cmp-0007" in made.output
    ledger = yaml.safe_load((project / "campaigns/tracking-ids.yml").read_text("utf-8"))
    assert ledger["issued"]["cmp-0007"] == "spring-checkups"
    text = (project / "campaigns/spring-checkups.yml").read_text("utf-8")
    assert "tracking_id: cmp-0007" in text
    refused = runner.invoke(
        main, ["campaign", "new", "anxiety-help", "-l", "behavioral-health", "-f", config]
    )
    assert refused.exit_code == 1
    assert "names a condition (anxiety)" in refused.output
    missing = runner.invoke(main, ["campaign", "links", "nope", "-f", config])
    assert missing.exit_code == 1
    assert "no campaign 'nope'" in missing.output
