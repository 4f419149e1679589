"""Campaigns: read and check ``campaigns/*.yml``, generate landing pages, tagged links, QR
codes and the tracking manifest.

A campaign matches one care pathway. Its landing pages are virtual: they enter the MkDocs
build as generated files and are never written into ``content/``. Each variant gets a page
(``lp/<path>/<variant>/``) and each channel with a call-tracking number gets its own view of
it (``lp/<path>/<variant>/<source>-<medium>/``) so the right number shows without JavaScript.
Before ``start`` nothing is published; after ``end`` every one of those URLs redirects to the
cluster hub (or ``expired_redirect``) so printed QR codes never 404.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from generator.errors import ErrorCollector, SourceError, SourceErrors
from generator.schemas import MEDIUMS, Campaign, Channel, QuestionPage, TrackingLedger
from generator.sources import Located, read_yaml, validate

LEDGER_FILE = "tracking-ids.yml"
TRACKING_PREFIX = "cmp-"


class Status(StrEnum):
    """Where a campaign is in its life."""

    SCHEDULED = "scheduled"
    LIVE = "live"
    EXPIRED = "expired"


def today() -> dt.date:
    """The build's today: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else UTC today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


@dataclass(eq=False)
class CampaignSource:
    """One campaign file, validated."""

    slug: str
    path: str
    located: Located
    campaign: Campaign

    def status(self, on: dt.date) -> Status:
        """Scheduled before ``start``, live through ``end``, expired after."""
        if on < self.campaign.start:
            return Status.SCHEDULED
        if on > self.campaign.end:
            return Status.EXPIRED
        return Status.LIVE


@dataclass(frozen=True)
class LandingSpec:
    """One generated landing URL: a campaign's variant, optionally one channel's view."""

    source: CampaignSource
    variant: str
    channel: Channel | None
    src: str
    """Generated file path inside the docs tree: ``lp/heart-check/a/index.md``."""

    @property
    def url(self) -> str:
        """Site-relative URL."""
        return self.src.removesuffix("index.md")


def read_campaigns(
    campaigns_dir: Path, display: Any, errors: ErrorCollector
) -> tuple[dict[str, CampaignSource], TrackingLedger, Located | None]:
    """Read every ``campaigns/*.yml`` and the tracking-id ledger; record every error."""
    campaigns: dict[str, CampaignSource] = {}
    ledger = TrackingLedger()
    ledger_located: Located | None = None
    if not campaigns_dir.is_dir():
        return campaigns, ledger, None
    ledger_path = campaigns_dir / LEDGER_FILE
    if ledger_path.is_file():
        try:
            ledger_located = read_yaml(ledger_path, display(ledger_path))
            ledger = validate(TrackingLedger, ledger_located)
        except (SourceError, SourceErrors) as exc:
            errors.add(exc)
    for path in sorted(campaigns_dir.glob("*.yml")):
        if path.name == LEDGER_FILE:
            continue
        shown = display(path)
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", path.stem):
            errors.add(SourceError(shown, "campaign file names are lowercase words joined by hyphens"))
            continue
        try:
            located = read_yaml(path, shown)
            campaign = validate(Campaign, located)
        except (SourceError, SourceErrors) as exc:
            errors.add(exc)
            continue
        campaigns[path.stem] = CampaignSource(path.stem, shown, located, campaign)
    return campaigns, ledger, ledger_located


def check_campaign(source: CampaignSource, errors: ErrorCollector) -> None:
    """Checks inside one campaign: dates, weights, channels."""
    c, at = source.campaign, source.located
    if c.end < c.start:
        errors.add(at.error(("end",), f"end ({c.end}) is before start ({c.start})"))
    total = sum(v.weight for v in c.variants.values())
    if total != 100:
        errors.add(at.error(("variants",), f"variant weights sum to {total}; they must sum to 100", key=True))
    seen: dict[str, int] = {}
    for i, channel in enumerate(c.channels):
        if channel.key in seen:
            errors.add(
                at.error(
                    ("channels", i),
                    f"channel {channel.source}/{channel.medium} is listed twice "
                    f"(also channels[{seen[channel.key]}])",
                )
            )
        seen.setdefault(channel.key, i)


def check_ledger(
    campaigns: dict[str, CampaignSource], ledger: TrackingLedger, ledger_path: str, errors: ErrorCollector
) -> None:
    """Tracking ids are unique, registered, and never reused for another campaign."""
    by_id: dict[str, CampaignSource] = {}
    for source in campaigns.values():
        tid = source.campaign.tracking_id
        if tid in by_id:
            errors.add(
                source.located.error(
                    ("tracking_id",), f"duplicate tracking id {tid!r}: {by_id[tid].path} uses it already"
                )
            )
            continue
        by_id[tid] = source
        owner = ledger.issued.get(tid)
        if owner is None:
            errors.add(
                source.located.error(
                    ("tracking_id",),
                    f"{tid!r} is not in {ledger_path}; ids come from `carewheel campaign new`, "
                    f"or add `{tid}: {source.slug}` under `issued:` there",
                )
            )
        elif owner != source.slug:
            errors.add(
                source.located.error(
                    ("tracking_id",),
                    f"{tid!r} was issued to campaign {owner!r}; tracking ids are never reused, "
                    "take the next free one with `carewheel campaign new`",
                )
            )


def next_tracking_id(ledger: TrackingLedger, campaigns: dict[str, CampaignSource]) -> str:
    """The next free tracking id: one above every id issued or used."""
    numbers = [int(t.removeprefix(TRACKING_PREFIX)) for t in ledger.issued]
    numbers += [int(s.campaign.tracking_id.removeprefix(TRACKING_PREFIX)) for s in campaigns.values()]
    return f"{TRACKING_PREFIX}{(max(numbers) + 1) if numbers else 1:04d}"


def landing_segment(source: CampaignSource, sensitive: bool) -> str:
    """The URL segment of a campaign: ``landing.path``, else the file name, else (sensitive
    service lines) the tracking id."""
    if source.campaign.landing.path:
        return source.campaign.landing.path
    return source.campaign.tracking_id if sensitive else source.slug


def landing_specs(source: CampaignSource, prefix: str, sensitive: bool) -> list[LandingSpec]:
    """Every URL a campaign publishes: each variant, and each call-tracking channel's view."""
    base = f"{prefix}/{landing_segment(source, sensitive)}"
    specs = []
    for variant in source.campaign.variants:
        specs.append(LandingSpec(source, variant, None, f"{base}/{variant}/index.md"))
        for channel in source.campaign.channels:
            if channel.phone:
                specs.append(
                    LandingSpec(source, variant, channel, f"{base}/{variant}/{channel.key}/index.md")
                )
    return specs


def spec_for(specs: list[LandingSpec], variant: str, channel: Channel) -> LandingSpec:
    """The URL a channel's link lands on: its own view if it has a phone, else the variant's."""
    for spec in specs:
        if spec.variant == variant and spec.channel is not None and spec.channel.key == channel.key:
            return spec
    return next(s for s in specs if s.variant == variant and s.channel is None)


def utm_parameters(source: CampaignSource, variant: str, channel: Channel) -> dict[str, str]:
    """The tags of one link: source, medium, campaign (the file name), content (the variant)
    and id (the tracking id). Every value is lowercase and URL-safe by construction."""
    return {
        "utm_source": channel.source,
        "utm_medium": channel.medium,
        "utm_campaign": source.slug,
        "utm_content": variant,
        "utm_id": source.campaign.tracking_id,
    }


def tagged_url(site_url: str, spec: LandingSpec, channel: Channel) -> str:
    """Absolute, tagged URL of a landing spec for a channel."""
    base = site_url.rstrip("/") + "/" + spec.url
    return base + "?" + urlencode(utm_parameters(spec.source, spec.variant, channel))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows exactly that text: HTML and Markdown characters escaped."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def relative_link(from_src: str, to_src: str) -> str:
    """A Markdown link target from one docs file to another (MkDocs resolves ``.md`` links)."""
    return posixpath.relpath(to_src, posixpath.dirname(from_src))


def landing_markdown(spec: LandingSpec, faq: list[tuple[str, str]]) -> str:
    """The Markdown body of a live landing page: the copy, then links to the FAQ questions.

    ``faq`` holds (question, content src) pairs.
    """
    c = spec.source.campaign
    variant = c.variants[spec.variant]
    body = (variant.body or c.landing.body).strip()
    parts = [body]
    if faq:
        parts.append("## Questions patients ask")
        parts.append("\n".join(f"- [{markdown_text(q)}]({relative_link(spec.src, src)})" for q, src in faq))
    return "\n\n".join(parts) + "\n"


def redirect_markdown(spec: LandingSpec, target_title: str, target_src: str) -> str:
    """Body of an expired campaign's page: where to go instead (the template also redirects)."""
    link = relative_link(spec.src, target_src)
    return (
        f"This offer has ended. You can find what you need here: [{markdown_text(target_title)}]({link}).\n"
    )


def faq_pairs(source: CampaignSource, questions: dict[str, QuestionPage]) -> list[tuple[str, str]]:
    """The campaign's FAQ questions as (question, src) pairs, in campaign order."""
    return [(questions[src].question, src) for src in source.campaign.landing.questions if src in questions]


# --- Manifest and QR codes -------------------------------------------------------------------

MANIFEST_FIELDS = (
    "tracking_id",
    "campaign",
    "name",
    "service_line",
    "pathway",
    "variant",
    "weight",
    "channel",
    "utm_source",
    "utm_medium",
    "ga4_channel_group",
    "url",
    "phone",
    "qr_file",
    "start",
    "end",
    "status",
)


@dataclass(frozen=True)
class ManifestRow:
    """One campaign × channel × variant: what an ad platform or the CRM needs."""

    values: dict[str, str]
    qr_url: str | None


def manifest_rows(
    sources: list[tuple[CampaignSource, list[LandingSpec], str]], site_url: str, on: dt.date
) -> list[ManifestRow]:
    """Every campaign × channel × variant, sorted by campaign, channel, variant.

    ``sources`` holds (campaign, its landing specs, the intake phone of its pathway).
    """
    rows = []
    for source, specs, default_phone in sorted(sources, key=lambda item: item[0].slug):
        c = source.campaign
        status = source.status(on)
        for channel in c.channels:
            for variant, details in c.variants.items():
                spec = spec_for(specs, variant, channel)
                url = tagged_url(site_url, spec, channel)
                qr_file = f"qr/{source.slug}-{variant}-{channel.key}.svg" if channel.qr else ""
                values = {
                    "tracking_id": c.tracking_id,
                    "campaign": source.slug,
                    "name": c.name,
                    "service_line": c.service_line,
                    "pathway": c.pathway,
                    "variant": variant,
                    "weight": str(details.weight),
                    "channel": channel.key,
                    "utm_source": channel.source,
                    "utm_medium": channel.medium,
                    "ga4_channel_group": MEDIUMS[channel.medium],
                    "url": url,
                    "phone": channel.phone or default_phone,
                    "qr_file": qr_file,
                    "start": c.start.isoformat(),
                    "end": c.end.isoformat(),
                    "status": status.value,
                }
                rows.append(ManifestRow(values, url if channel.qr else None))
    return rows


def qr_svg(url: str, title: str) -> bytes:
    """An SVG QR code of ``url`` (error correction M, quiet zone 4)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=4, border=4, title=title)
    return buffer.getvalue()


def write_manifest(rows: list[ManifestRow], out_dir: Path) -> list[Path]:
    """Write ``manifest.csv``, ``manifest.json`` and ``qr/*.svg`` into ``out_dir``.

    Only those three are replaced, each in one step (written beside, then renamed), so a
    reader never sees half a manifest and nothing else in ``out_dir`` is touched. A ``qr/``
    folder holding anything but SVG files is refused, never deleted.
    """
    from generator.errors import UsageError

    out_dir.mkdir(parents=True, exist_ok=True)
    old_qr = out_dir / "qr"
    if old_qr.exists() and any(p.suffix != ".svg" for p in old_qr.rglob("*") if p.is_file()):
        raise UsageError(
            f"{old_qr} holds files other than QR codes; move them, or choose another manifest_dir"
        )
    tmp = out_dir / f".manifest-writing-{os.getpid()}"
    _remove_tree(tmp)
    (tmp / "qr").mkdir(parents=True)
    try:
        records = [row.values for row in rows]
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        (tmp / "manifest.csv").write_text(text.getvalue(), "utf-8")
        (tmp / "manifest.json").write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", "utf-8")
        for row in rows:
            if row.qr_url:
                title = f"QR code for campaign {row.values['tracking_id']}, variant {row.values['variant']}"
                (tmp / row.values["qr_file"]).write_bytes(qr_svg(row.qr_url, title))
        for name in ("manifest.csv", "manifest.json"):
            (tmp / name).replace(out_dir / name)
        stale = out_dir / f".qr-old-{os.getpid()}"
        if old_qr.exists():
            old_qr.rename(stale)
        (tmp / "qr").rename(old_qr)
        _remove_tree(stale)
    finally:
        _remove_tree(tmp)
    written = [out_dir / "manifest.csv", out_dir / "manifest.json"]
    return written + sorted(p for p in old_qr.rglob("*.svg"))


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def iter_specs(items: dict[str, list[LandingSpec]]) -> Iterator[LandingSpec]:
    """Every landing spec of every campaign, in campaign order."""
    for slug in sorted(items):
        yield from items[slug]
