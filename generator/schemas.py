"""Pydantic models for every file format a carewheel user writes.

One model per format, unknown keys forbidden, one docstring per field. ``carewheel schema``
prints them as JSON Schema for editor autocompletion.

Formats: page front matter (``content/**.md``), intake scripts (``intake/<line>.yml``), the
organization (``intake/organization.yml``), and the plugin's options in ``mkdocs.yml``.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
"""Lowercase words joined by hyphens: ``new-patient-consult``."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Non-empty text."""

TRIAGE_ROUTES = ("emergency", "crisis", "nurse-line")
"""Next steps that are not intake pathways: 911, 988, and the service line's nurse line."""


def _check_phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} is not a phone number; write it like (555) 010-2200") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"{value!r} has the wrong number of digits for a phone number")
    return value


Phone = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_phone)]
"""A phone number as patients should read it: ``(555) 010-2200``."""


def _check_link(value: str) -> str:
    if value.startswith("https://") or value.endswith(".md"):
        return value
    raise ValueError(f"{value!r} must be an https:// address or a page in content/ ending in .md")


Link = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_link)]
"""An ``https://`` address, or a Markdown file in ``content/`` (``privacy.md``)."""


class Strict(BaseModel):
    """Base: unknown keys are errors; values are immutable once read."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


# --- Organization -----------------------------------------------------------------------------


class Address(Strict):
    """A postal address."""

    street: Text
    """Street and number."""
    city: Text
    """City."""
    region: Text
    """State or region, e.g. ``OH``."""
    postal_code: Text
    """ZIP or postal code."""
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "US"
    """ISO 3166 two-letter country code."""


class Location(Strict):
    """A place patients go."""

    name: Text
    """Name shown to patients."""
    address: Address
    """Where it is."""
    phone: Phone | None = None
    """Front desk, if it differs from the service line's intake phone."""


def _check_crisis_number(value: str) -> str:
    if value != "988":
        raise ValueError(
            f"{value!r} is not the crisis line; use 988 (the 988 Suicide & Crisis Lifeline "
            "replaced the 10-digit National Suicide Prevention Lifeline number in July 2022)"
        )
    return value


class CrisisLine(Strict):
    """The mental-health crisis line shown on crisis routing."""

    number: Annotated[str, AfterValidator(_check_crisis_number)] = "988"
    """Only 988 is accepted: the 10-digit Lifeline number was retired in 2022."""
    name: Text = "988 Suicide & Crisis Lifeline"
    """Name shown to patients."""
    text: bool = True
    """The line also answers text messages."""


class Organization(Strict):
    """``intake/organization.yml``: the provider organization."""

    name: Text
    """Organization name, shown in the header and in structured data."""
    example: bool = False
    """True for a fictional demo organization; every page then says so."""
    phone: Phone
    """Main phone number, shown in the header of every page."""
    address: Address
    """Main postal address."""
    emergency_number: Literal["911"] = "911"
    """Emergency number shown on red-flag pages."""
    crisis_line: CrisisLine = CrisisLine()
    """Crisis line shown on mental-health crisis routing."""
    privacy_policy: Link
    """The general privacy policy (footer of every page)."""
    health_data_privacy: Link
    """The consumer health data privacy policy, a separate link (Washington MHMDA)."""
    form_endpoint: Annotated[str, StringConstraints(pattern=r"^(https://|/)\S+$")]
    """Where appointment-request forms POST (``https://`` or a path on this site)."""
    allowed_vendors: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+$")]] = []
    """Third-party hosts pages may load anything from. Empty: none."""
    locations: dict[Slug, Location] = {}
    """Places, by id; intake scripts refer to these ids."""


# --- Intake scripts ---------------------------------------------------------------------------


class Referral(StrEnum):
    """Whether a pathway needs a referral from another clinician."""

    REQUIRED = "required"
    NOT_REQUIRED = "not-required"
    SOME_PLANS = "required-by-some-plans"


class WaitUnit(StrEnum):
    """Unit of a typical wait."""

    HOURS = "hours"
    DAYS = "days"
    BUSINESS_DAYS = "business-days"
    WEEKS = "weeks"


class Wait(Strict):
    """Typical time from first contact to the appointment."""

    min: Annotated[int, Field(ge=0, le=365)]
    """Shortest typical wait."""
    max: Annotated[int, Field(ge=0, le=365)]
    """Longest typical wait."""
    unit: WaitUnit
    """``hours``, ``days``, ``business-days`` or ``weeks``."""

    @model_validator(mode="after")
    def _ordered(self) -> Wait:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


class Schedule(Strict):
    """How a patient books this pathway. The phone is always shown."""

    phone: Phone | None = None
    """Booking line, if it differs from the service line's intake phone."""
    online: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    """Online self-scheduling address."""
    form: bool = False
    """Show an appointment-request form (POSTs to the organization's form endpoint)."""


class Pathway(Strict):
    """One care pathway: an appointment type intake can book."""

    appointment_type: Text
    """What intake books, in patients' words: ``New patient cardiology consultation``."""
    summary: Text | None = None
    """One sentence: who this is for."""
    aliases: list[Text] = []
    """Other words pages use for this appointment (``stress test``, ``medicine visit``); the
    linter uses them to tell which pathway a sentence is about."""
    referral: Referral
    """``required``, ``not-required`` or ``required-by-some-plans``."""
    telehealth: bool = False
    """The visit can be done by video."""
    wait: Wait
    """Typical wait for a first appointment."""
    insurance: list[Text] = []
    """Plans accepted for this pathway (empty: not stated on pages)."""
    bring: list[Text] = []
    """What to bring to the visit."""
    prep: list[Text] = []
    """How to prepare."""
    schedule: Schedule = Schedule()
    """How to book."""


class RedFlagRoute(StrEnum):
    """Where a red-flag symptom sends a patient."""

    EMERGENCY = "emergency"
    CRISIS = "crisis"
    NURSE_LINE = "nurse-line"


class RedFlag(Strict):
    """Symptom phrases that, on a page or in a caller's words, route to triage."""

    route: RedFlagRoute
    """``emergency`` (911), ``crisis`` (988) or ``nurse-line``."""
    phrases: Annotated[list[Text], Field(min_length=1)]
    """Phrases as patients say them; matched in page text, ignoring case and punctuation."""


class Triage(Strict):
    """Triage facts of a service line."""

    nurse_line: Phone | None = None
    """24/7 nurse advice line."""
    red_flags: list[RedFlag] = []
    """Red-flag symptom phrases and their routes."""


class ApprovedWording(Strict):
    """Wording the clinical team approved for triage routing."""

    emergency: Text | None = None
    """Shown on emergency routing."""
    crisis: Text | None = None
    """Shown on crisis routing."""
    nurse_line: Text | None = None
    """Shown on nurse-line routing."""


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HOURS = re.compile(
    r"^(?:closed|24h|([01][0-9]|2[0-3]):([0-5][0-9])-(?:([01][0-9]|2[0-3]):([0-5][0-9])|(24):(00)))$"
)


def _check_hours(hours: dict[str, str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    for key, value in hours.items():
        parts = key.split("-")
        if len(parts) > 2 or any(p not in _DAYS for p in parts):
            raise ValueError(f"{key!r} is not a day or day range like monday-friday")
        first, last = _DAYS.index(parts[0]), _DAYS.index(parts[-1])
        if first > last:
            raise ValueError(f"{key!r} runs backwards; write the earlier day first")
        match = _HOURS.match(value)
        if not match:
            raise ValueError(f"{key}: {value!r} is not HH:MM-HH:MM, closed or 24h")
        closes = match.group(3, 4) if match.group(3) else match.group(5, 6)
        if match.group(1) and match.group(1, 2) >= closes:
            raise ValueError(f"{key}: {value!r} closes before it opens")
        for day in _DAYS[first : last + 1]:
            if day in seen:
                raise ValueError(f"{day} is given twice ({seen[day]!r} and {key!r})")
            seen[day] = key
    return hours


class Intake(Strict):
    """``intake/<service-line>.yml``: what intake can deliver for one service line."""

    service_line: Slug
    """The service line's id; equals the file name."""
    name: Text
    """Name shown to patients: ``Cardiology``."""
    sensitive: bool = False
    """Behavioral health, reproductive health, HIV, substance use: stricter privacy."""
    phone: Phone
    """The intake line patients call to schedule."""
    hours: Annotated[dict[str, str], AfterValidator(_check_hours)]
    """When the intake line answers, by day or day range: ``monday-friday: 07:30-17:30``."""
    locations: list[Slug] = []
    """Location ids from ``organization.yml``."""
    pathways: Annotated[dict[Slug, Pathway], Field(min_length=1)]
    """Care pathways by id. Pages name one as their ``next_step``."""
    triage: Triage = Triage()
    """Nurse line and red flags."""
    approved_wording: ApprovedWording = ApprovedWording()
    """Approved triage wording."""


# --- Page front matter ------------------------------------------------------------------------


class Reviewed(Strict):
    """Who medically reviewed a page, and when."""

    by: Text
    """Reviewer with credentials: ``Dana Cole, MD``."""
    on: dt.date
    """Date of the review (YYYY-MM-DD)."""


class PageBase(Strict):
    """Front matter every page type accepts."""

    title: Text | None = None
    """Page title (the ``<title>`` and the H1 in navigation)."""
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    """One or two sentences for search results and link previews."""
    draft: bool = False
    """Drafts are shown by ``carewheel serve`` only; they need no review yet."""
    updated: dt.date | None = None
    """Date the content last changed in substance (sitemap ``lastmod``)."""
    keywords: list[Text] = []
    """Search phrases; the first is the page's primary keyword (one page per keyword)."""
    order: int = 100
    """Position among its siblings; lower first, then by title."""
    red_flags: bool = False
    """True: the page always shows its service line's triage routing first. Text that names a
    red-flag phrase shows it too; ``false`` cannot hide it."""
    reviewed: Reviewed | None = None
    """Clinical review."""
    testimonial_authorization: Text | None = None
    """Reference of the signed HIPAA authorization (45 CFR 164.508) for a patient story or
    quote on this page."""


class ServiceLinePage(PageBase):
    """``type: service-line``: the home page of one service line."""

    type: Literal["service-line"]
    title: Text
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    service_line: Slug
    """Service line id (an ``intake/<id>.yml`` file)."""
    next_step: Slug
    """Pathway id or triage route shown as this page's next step."""


class ClusterPage(PageBase):
    """``type: cluster``: a topic hub that links to every question in it."""

    type: Literal["cluster"]
    id: Slug
    """Cluster id that questions name in their ``cluster``."""
    title: Text
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    service_line: Slug
    """Service line id."""
    next_step: Slug
    """Pathway id or triage route."""


class QuestionPage(PageBase):
    """``type: question``: one patient question, one intent."""

    type: Literal["question"]
    question: Text
    """The question as a patient asks it."""
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    service_line: Slug
    """Service line id."""
    cluster: Slug
    """Id of the cluster this question belongs to."""
    next_step: Slug
    """Pathway id or triage route for patients whose answer is "see us"."""
    # ``reviewed`` is required unless ``draft: true``; content.py checks it with a position.


class PlainPage(PageBase):
    """``type: page`` (the default): anything else, such as the privacy policy."""

    type: Literal["page"] = "page"
    service_line: Slug | None = None
    """Service line this page belongs to, if any."""
    next_step: Slug | None = None
    """Optional next step (needs ``service_line`` for a pathway)."""


class LandingMeta(PageBase):
    """A generated campaign landing page (never written by hand: ``type: landing`` is refused
    in ``content/``)."""

    type: Literal["landing"] = "landing"
    title: Text
    service_line: Slug
    next_step: Slug
    campaign: Slug
    tracking_id: str
    variant: str
    channel: str | None = None
    """Channel key (``google-cpc``) of a call-tracking view."""
    phone: str | None = None
    """Call-tracking number of that channel."""
    urgent_route: RedFlagRoute | None = None
    redirect_to: str | None = None
    """Expired campaign: the content page (``src``) every URL redirects to."""
    noindex: bool = True


PageMeta = ServiceLinePage | ClusterPage | QuestionPage | PlainPage | LandingMeta
PAGE_MODELS: dict[str, type[PageMeta]] = {
    "service-line": ServiceLinePage,
    "cluster": ClusterPage,
    "question": QuestionPage,
    "page": PlainPage,
}
"""Front-matter model by ``type``; a page without ``type`` is a plain ``page``."""

RESERVED_KEYS = {
    "template": "`template` is reserved: MkDocs would use it to bypass carewheel's page "
    "templates; the template follows from `type`",
}
"""Front-matter keys MkDocs itself interprets; carewheel refuses them with a reason."""


# --- Plugin options (mkdocs.yml) --------------------------------------------------------------


class ReadabilitySettings(Strict):
    """Limits of the readability rules (RD)."""

    max_grade: Annotated[float, Field(gt=0, le=20)] = 8.0
    """Highest Flesch-Kincaid grade a page may have."""
    max_smog: Annotated[float, Field(gt=0, le=20)] = 8.0
    """Highest SMOG grade a page may have."""
    min_sentences: Annotated[int, Field(ge=1)] = 10
    """Pages with fewer sentences are not scored: the formulas are unreliable on them."""


SeverityName = Literal["error", "warning", "info"]


class LintSettings(Strict):
    """Options of ``carewheel lint`` (and of the lint run inside ``mkdocs build``)."""

    select: list[Annotated[str, StringConstraints(pattern=r"^(ALL|[A-Z]{2}[0-9]{0,3})$")]] = ["ALL"]
    """Rules to run, by code prefix (``IN``, ``CL0``, ``CL001``) or ``ALL``."""
    ignore: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9]{0,3}$")]] = []
    """Rules not to run, by code prefix. The longer of a matching select and ignore wins."""
    severity: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9]{0,3}$")], SeverityName] = {}
    """Severity overrides by code prefix: ``{RD: info, CL004: error}``."""
    readability: ReadabilitySettings = ReadabilitySettings()
    """Reading-level limits."""
    review_max_age_days: Annotated[int, Field(ge=1)] = 365
    """A clinical review older than this many days is stale (RV002)."""
    exclude: list[Text] = []
    """Paths (globs, relative to the project) that are never linted."""
    in_build: bool = True
    """Lint during ``mkdocs build``/``serve`` too (findings logged; ``--strict`` fails on them)."""


class ClaimEntry(Strict):
    """One approved marketing claim and the evidence behind it."""

    claim: Text
    """The phrase as pages write it: ``top-rated``; matched ignoring case."""
    citation: Text
    """Where the evidence is: a URL or a document reference."""
    approved_by: Text
    """Who approved the claim (compliance)."""
    expires: dt.date | None = None
    """After this date the claim is no longer covered."""
    pages: list[Text] = []
    """Content paths the claim may appear on (empty: any page)."""


class ClaimsRegistry(Strict):
    """``intake/claims.yml``: claims compliance has substantiated (CL rules skip them)."""

    claims: list[ClaimEntry] = []
    """Approved claims."""


class PluginSettings(Strict):
    """Options of the ``carewheel`` plugin in ``mkdocs.yml``."""

    intake_dir: Text = "intake"
    """Folder with intake scripts and ``organization.yml``, relative to ``mkdocs.yml``."""
    campaigns_dir: Text = "campaigns"
    """Folder with campaign files, relative to ``mkdocs.yml``."""
    landing_prefix: Slug = "lp"
    """URL folder of campaign landing pages: ``/lp/<path>/<variant>/``."""
    manifest_dir: Text = "build/campaigns"
    """Where the tracking manifest and QR codes go, relative to ``mkdocs.yml``; never
    inside the site folder (it is not published)."""
    claims_file: Text | None = None
    """The claims registry, relative to ``mkdocs.yml`` (optional file; default: ``claims.yml``
    in the intake folder)."""
    lint: LintSettings = LintSettings()
    """The messaging linter's options."""


# --- Campaigns --------------------------------------------------------------------------------

TRACKING_ID_PATTERN = r"^cmp-[0-9]{4,6}$"
VARIANT_ID_PATTERN = r"^[a-z0-9]{1,12}$"
UTM_VALUE_PATTERN = r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$"
UtmValue = Annotated[str, StringConstraints(pattern=UTM_VALUE_PATTERN, max_length=100)]
"""A UTM value: lowercase letters and digits joined by ``.``, ``_`` or ``-`` (at most 100)."""

PATTERN_HELP = {
    SLUG_PATTERN: "lowercase words joined by hyphens, like new-patient-consult",
    UTM_VALUE_PATTERN: "lowercase letters and digits joined by . _ or -, like google or spring-2027",
    TRACKING_ID_PATTERN: "cmp- and 4 to 6 digits, like cmp-0042",
    VARIANT_ID_PATTERN: "1 to 12 lowercase letters or digits, like a, b or short",
}
"""Plain-words descriptions of the patterns above, for error messages."""

MEDIUMS: dict[str, str] = {
    "cpc": "Paid Search (search engines) or Paid Social (social sources)",
    "ppc": "Paid Search or Paid Social",
    "paidsearch": "Paid Search",
    "paid": "Paid Social (social sources) or Paid Other",
    "display": "Display",
    "banner": "Display",
    "cpm": "Display",
    "email": "Email",
    "social": "Organic Social",
    "organic": "Organic Search",
    "referral": "Referral",
    "affiliate": "Affiliates",
    "sms": "SMS",
    "audio": "Audio",
    "print": "Unassigned in GA4's default grouping: map it in a custom channel group",
}
"""``utm_medium`` values carewheel accepts, with the GA4 default channel group each lands in."""


VariantId = Annotated[str, StringConstraints(pattern=VARIANT_ID_PATTERN)]
"""A variant id: ``a``, ``b``, ``short`` (lowercase letters and digits)."""


class Variant(Strict):
    """One landing-page variant; its copy overrides the campaign's."""

    weight: Annotated[int, Field(ge=0, le=100)]
    """Share of traffic, in percent; the weights of a campaign sum to 100."""
    headline: Text | None = None
    """Headline of this variant (default: the campaign's)."""
    body: Text | None = None
    """Body of this variant, Markdown (default: the campaign's)."""


class Channel(Strict):
    """Where a campaign runs: one tagged link per variant."""

    source: UtmValue
    """``utm_source``: who sends the visitor (``google``, ``newsletter``, ``mailer``)."""
    medium: UtmValue
    """``utm_medium``: one of carewheel's GA4-compatible mediums."""
    phone: Phone | None = None
    """Call-tracking number shown on this channel's view of the page."""
    qr: bool = False
    """Make a QR code (SVG) of this channel's links, for print."""

    @field_validator("medium")
    @classmethod
    def _known_medium(cls, value: str) -> str:
        if value not in MEDIUMS:
            raise ValueError(f"{value!r} is not a medium carewheel knows; use one of: {', '.join(MEDIUMS)}")
        return value

    @property
    def key(self) -> str:
        """``google-cpc``: the channel's id inside its campaign and its view's URL segment."""
        return f"{self.source}-{self.medium}"


class Landing(Strict):
    """The landing page's copy."""

    path: Slug | None = None
    """URL segment under the landing prefix (default: the campaign file name; the tracking id
    for sensitive service lines)."""
    headline: Text
    """The page's H1."""
    body: Text
    """Markdown under the headline."""
    questions: list[Annotated[str, StringConstraints(pattern=r"^[^/].*\.md$")]] = []
    """Question pages of the campaign's cluster, as paths inside ``content/``."""


class Campaign(Strict):
    """``campaigns/<slug>.yml``: one campaign, matched to one care pathway."""

    tracking_id: Annotated[str, StringConstraints(pattern=TRACKING_ID_PATTERN)]
    """Opaque id, ``cmp-0042``: unique, never reused; it becomes ``utm_id`` and a form field."""
    name: Text
    """Internal name; never shown to patients, never in a URL."""
    service_line: Slug
    """Service line id."""
    pathway: Slug
    """The standard route: a pathway id of the service line; the page's next step."""
    urgent_route: RedFlagRoute | None = None
    """Triage route shown first (default: the service line's first red-flag route, if any)."""
    cluster: Slug
    """The topic cluster the campaign belongs to; FAQ links point into it and an expired
    campaign redirects to its hub."""
    start: dt.date
    """First day the landing page is published."""
    end: dt.date
    """Last day; afterwards every URL of the campaign redirects."""
    expired_redirect: Annotated[str, StringConstraints(pattern=r"^[^/].*\.md$")] | None = None
    """Page an expired campaign redirects to, as a path in ``content/`` (default: the hub)."""
    landing: Landing
    """The landing page's copy."""
    variants: Annotated[dict[VariantId, Variant], Field(min_length=1)]
    """Variants by id (``a``, ``b``); each gets its own page and ``utm_content``."""
    channels: Annotated[list[Channel], Field(min_length=1)]
    """Where the campaign runs."""
    # Cross-field checks (dates, weights, duplicate channels) are in campaigns.py, with positions.


class TrackingLedger(Strict):
    """``campaigns/tracking-ids.yml``: every tracking id ever issued, and to which campaign."""

    issued: dict[Annotated[str, StringConstraints(pattern=TRACKING_ID_PATTERN)], Slug] = {}
    """Tracking id → campaign slug. Append only: an id is never reused, even after the
    campaign file is deleted."""

    @field_validator("issued", mode="before")
    @classmethod
    def _empty_is_none_yet(cls, value: object) -> object:
        return {} if value is None else value
