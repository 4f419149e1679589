"""PV: privacy: nothing loads from other hosts, forms POST, and URLs carry no health words or
contact details.

Content is checked per document (its raw HTML, images and links); the theme's templates and
stylesheets once per run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from generator.content import Page
from generator.errors import SourceError
from generator.lint.context import Context
from generator.lint.document import Html, LintDocument, Position, line_positions, offset_to_line_col
from generator.lint.rule import Diagnostic, Rule, Severity
from generator.privacy import condition_words
from generator.project import Project
from generator.sources import packaged_yaml, parse_yaml, read_text

DEFAULT_THEME_DIR = "themes/carewheel"

_COMMENT = re.compile(r"<!--.*?-->|\{#.*?#\}", re.S)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_ATTR = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_SCRIPT_BODY = re.compile(r"<script\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</script\s*>", re.S | re.I)
_QUOTED_URL = re.compile(r"[\"'`]((?:https?:)?//[^\"'`\s]+)")
_CSS_URL = re.compile(r"url\(\s*([\"']?)([^\"')\s]+)\1\s*\)|@import\s+([\"'])([^\"']+)\3", re.I)
_FONT_FILE = re.compile(r"\.(?:woff2?|ttf|otf|eot)(?:[?#]|$)", re.I)
_NOT_LOADED_SCRIPT = re.compile(r"json|template", re.I)

_RESOURCE_ATTRS: dict[str, dict[str, str]] = {
    "script": {"src": "script"},
    "img": {"src": "image", "srcset": "image"},
    "iframe": {"src": "iframe"},
    "frame": {"src": "iframe"},
    "embed": {"src": "embedded object"},
    "object": {"data": "embedded object"},
    "audio": {"src": "media file"},
    "video": {"src": "media file", "poster": "image"},
    "source": {"src": "media file", "srcset": "image"},
    "track": {"src": "media file"},
    "image": {"href": "image", "xlink:href": "image"},
    "use": {"href": "image", "xlink:href": "image"},
    "input": {"src": "image"},
    "body": {"background": "image"},
    "table": {"background": "image"},
    "td": {"background": "image"},
}
"""Attributes that make a browser fetch something, by tag, and what they fetch."""

_LINK_RELS = {
    "stylesheet": "stylesheet",
    "icon": "image",
    "apple-touch-icon": "image",
    "preload": "resource",
    "prefetch": "resource",
    "modulepreload": "script",
    "prerender": "page",
    "preconnect": "connection",
    "dns-prefetch": "connection",
    "manifest": "resource",
}
"""``<link rel>`` values that make a browser connect somewhere."""


@dataclass(frozen=True)
class Tracker:
    """A known tracking host (``data/trackers.yml``)."""

    host: str
    name: str
    path: str = ""

    def matches(self, host: str, path: str) -> bool:
        """Is a resource at ``host`` and ``path`` this tracker?"""
        on_host = host == self.host or host.endswith("." + self.host)
        return on_host and path.startswith(self.path)


@cache
def trackers() -> tuple[Tracker, ...]:
    """Known trackers, from ``generator/data/trackers.yml``."""
    text = resources.files("generator").joinpath("data/trackers.yml").read_text("utf-8")
    return tuple(Tracker(**entry) for entry in packaged_yaml(text)["trackers"])


def tracker_name(host: str, path: str) -> str | None:
    """The name of the known tracker at ``host`` and ``path``, if any."""
    for tracker in trackers():
        if tracker.matches(host, path):
            return tracker.name
    return None


@dataclass(frozen=True)
class Resource:
    """Something a piece of HTML or CSS makes the browser fetch from another origin."""

    offset: int
    """Where the URL starts in the scanned text."""
    kind: str
    url: str


def _absolute(url: str) -> tuple[str, str] | None:
    """(host, path) of an absolute http(s) or protocol-relative URL; ``None`` otherwise."""
    url = url.strip()
    if "{{" in url or "{%" in url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname.rstrip("."), parts.path or "/"


def _masked(text: str) -> str:
    """``text`` with HTML and Jinja comments blanked out (offsets and newlines kept)."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _attributes(tag: re.Match[str]) -> Iterator[tuple[str, str, int]]:
    """(lowercase name, value, offset of the value) of each attribute of a tag match."""
    base = tag.start(2)
    for attr in _ATTR.finditer(tag.group(2)):
        for group in (2, 3, 4):
            if attr.group(group) is not None:
                yield attr.group(1).lower(), attr.group(group), base + attr.start(group)
                break


def html_resources(text: str) -> Iterator[Resource]:
    """Every absolute URL the HTML (or CSS) ``text`` makes a browser fetch."""
    text = _masked(text)
    for tag in _TAG.finditer(text):
        name = tag.group(1).lower()
        attrs = list(_attributes(tag))
        wanted = _RESOURCE_ATTRS.get(name, {})
        if name == "link":
            rels = next((v.lower().split() for n, v, _ in attrs if n == "rel"), [])
            kinds = [_LINK_RELS[r] for r in rels if r in _LINK_RELS]
            if kinds:
                wanted = {"href": kinds[0]}
        for attr, value, offset in attrs:
            kind = wanted.get(attr)
            if kind is None:
                continue
            if attr.endswith("srcset"):  # "a.png 1x, https://cdn.example/b.png 2x"
                start = 0
                for candidate in value.split(","):
                    url = candidate.split()[0] if candidate.split() else ""
                    at = value.find(url, start) if url else -1
                    if at >= 0:
                        yield Resource(offset + at, kind, url)
                        start = at + len(url)
            else:
                yield Resource(offset, kind, value)
    for css in _CSS_URL.finditer(text):
        group = 2 if css.group(2) is not None else 4
        url = css.group(group)
        kind = "stylesheet" if group == 4 else ("font" if _FONT_FILE.search(url) else "image")
        yield Resource(css.start(group), kind, url)
    for script in _SCRIPT_BODY.finditer(text):
        types = [v for n, v, _ in _attributes_of(script.group(1)) if n == "type"]
        if types and _NOT_LOADED_SCRIPT.search(types[0]):
            continue
        for quoted in _QUOTED_URL.finditer(script.group(2)):
            yield Resource(script.start(2) + quoted.start(1), "script", quoted.group(1))


def _attributes_of(source: str) -> Iterator[tuple[str, str, int]]:
    for attr in _ATTR.finditer(source):
        value = next((attr.group(g) for g in (2, 3, 4) if attr.group(g) is not None), "")
        yield attr.group(1).lower(), value, attr.start()


@dataclass(frozen=True)
class Form:
    """A ``<form>`` tag whose method is GET (explicitly or by default)."""

    offset: int
    method: str | None


def get_forms(text: str) -> Iterator[Form]:
    """``<form>`` tags in ``text`` that send with GET."""
    for tag in _TAG.finditer(_masked(text)):
        if tag.group(1).lower() != "form":
            continue
        method = next((v for n, v, _ in _attributes(tag) if n == "method"), None)
        if method is None or method.strip().lower() == "get":
            yield Form(tag.start(), method)


def _own_host(ctx: Context) -> str:
    return (urlsplit(ctx.site.project.site_url).hostname or "").lower()


def _third_party(ctx: Context, host: str) -> bool:
    host = host.lower()
    if host == _own_host(ctx):
        return False
    return not any(host == v or host.endswith("." + v) for v in ctx.site.organization.allowed_vendors)


def _resource_message(ctx: Context, kind: str, host: str, path: str) -> str:
    kind = ("an " if kind[0] in "aeiou" else "a ") + kind
    name = tracker_name(host, path)
    if name:
        return (
            f"loads {kind} from {host}: {name}, a known tracker; on a health site it can tell the "
            "vendor who is a patient, so remove it"
        )
    own = _own_host(ctx) or "this site"
    return (
        f"loads {kind} from {host}, a third-party host; serve it from {own} "
        "or list the vendor in organization.yml allowed_vendors"
    )


def _raw_line(doc: LintDocument, line: int) -> str:
    for number, text in doc.raw_lines:
        if number == line:
            return text
    return ""


def html_position(doc: LintDocument, html: Html, offset: int) -> Position:
    """The file position of character ``offset`` of a piece of raw HTML of ``doc``.

    The HTML's lines are looked up in the file, since a block nested in a list or a YAML
    block scalar starts to the right of where its token says."""
    before = html.content[:offset]
    row = before.count("\n")
    col = offset - (before.rfind("\n") + 1)
    line = html.position.line + row
    content_line = html.content.split("\n")[row]
    start = html.position.col - 1 if row == 0 else 0
    lead = _raw_line(doc, line).find(content_line, start) if content_line else -1
    if lead < 0:
        lead = start
    return Position(line, lead + col + 1)


@dataclass(frozen=True)
class ThemeFile:
    """A theme template or stylesheet: its shown path and text."""

    path: str
    text: str

    def position(self, offset: int) -> Position:
        """1-based line and column of ``offset``."""
        line, col = offset_to_line_col(line_positions(self.text), offset)
        return Position(line + 1, col + 1)


def theme_dir(project: Project) -> Path:
    """The theme folder: ``theme.custom_dir`` of ``mkdocs.yml`` (default ``themes/carewheel``)."""
    folder = DEFAULT_THEME_DIR
    try:
        located = parse_yaml(read_text(project.config_file), project.config_file.name, lenient_tags=True)
    except SourceError:
        return project.root / folder
    custom = located.get(("theme", "custom_dir"))
    if isinstance(custom, str) and custom.strip():
        folder = custom.strip()
    return project.root / folder


def theme_files(ctx: Context) -> list[ThemeFile]:
    """The theme's HTML templates and CSS files (read once per lint run)."""
    return ctx.once("theme_files", lambda: _theme_files(ctx))


def _theme_files(ctx: Context) -> list[ThemeFile]:
    project = ctx.site.project
    folder = theme_dir(project)
    files = []
    if folder.is_dir():
        for path in sorted([*folder.rglob("*.html"), *folder.rglob("*.css")]):
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            files.append(ThemeFile(project.display(path), text.replace("\r\n", "\n")))
    return files


def _finding(rule: Rule, path: str, where: Position, message: str) -> Diagnostic:
    return Diagnostic(path, where.line, where.col, rule.code, message, rule.severity, rule.name)


class ThirdPartyResource(Rule):
    """Resource loaded from a third-party host.

    ## What it does
    Flags raw HTML in pages and campaign copy, and the theme's templates and stylesheets
    (`custom_dir` of `mkdocs.yml`), that load a script, image, iframe, stylesheet, font,
    media file or tracking pixel from a host other than the site's own (`site_url`) and not
    listed in `allowed_vendors` of `organization.yml`; and Markdown images at an absolute
    address on another host. Known trackers (`generator/data/trackers.yml`) are named.

    ## Why is this bad?
    Every request to another host tells that host which page the patient is reading. On a
    provider's site, that can disclose who is a patient and of what: HHS's guidance on
    tracking technologies treats it as a possible HIPAA disclosure, and the FTC has fined
    health companies for pixels. Vendors under a business associate agreement go in
    `allowed_vendors`.

    ## Example
    ```markdown
    <img src="https://www.facebook.com/tr?id=123&ev=PageView" width="1" height="1" alt="">

    ![Map to the clinic](https://maps.example.com/static/clinic.png)
    ```

    Use instead:
    ```markdown
    ![Map to the clinic](clinic-map.png)
    ```
    """

    code = "PV001"
    name = "third-party-resource"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for html in doc.html:
            for found in html_resources(html.content):
                target = _absolute(found.url)
                if target and _third_party(ctx, target[0]):
                    message = _resource_message(ctx, found.kind, *target)
                    yield self.at(doc, html_position(doc, html, found.offset), message)
        for image in doc.images:
            target = _absolute(image.src)
            if target and _third_party(ctx, target[0]):
                yield self.at(doc, image.position, _resource_message(ctx, "image", *target))

    def check_site(self, ctx: Context) -> Iterable[Diagnostic]:
        for file in theme_files(ctx):
            for found in html_resources(file.text):
                target = _absolute(found.url)
                if target and _third_party(ctx, target[0]):
                    message = _resource_message(ctx, found.kind, *target)
                    yield _finding(self, file.path, file.position(found.offset), message)


_GET_MESSAGE = (
    "form sends with GET{how}: what patients type lands in the URL, browser history and "
    'server logs; use method="post"'
)


class FormSendsWithGet(Rule):
    """Form that sends with GET.

    ## What it does
    Flags a `<form>` in page HTML, campaign copy or the theme's templates whose `method` is
    `get` or missing (a form without a method sends with GET).

    ## Why is this bad?
    A GET form puts every field into the address: name, phone, symptoms. Addresses are kept
    in browser history, server and CDN logs and analytics, and are sent on to other sites as
    the referrer. carewheel's own request form POSTs.

    ## Example
    ```markdown
    <form action="https://forms.riverbend-health.example/appointment-requests">
      <label>Your phone <input name="phone"></label>
      <button>Call me back</button>
    </form>
    ```

    Use instead:
    ```markdown
    <form method="post" action="https://forms.riverbend-health.example/appointment-requests">
      <label>Your phone <input name="phone"></label>
      <button>Call me back</button>
    </form>
    ```
    """

    code = "PV002"
    name = "form-sends-with-get"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    @staticmethod
    def _message(form: Form) -> str:
        return _GET_MESSAGE.format(how=" (it has no method)" if form.method is None else "")

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for html in doc.html:
            for form in get_forms(html.content):
                yield self.at(doc, html_position(doc, html, form.offset), self._message(form))

    def check_site(self, ctx: Context) -> Iterable[Diagnostic]:
        for file in theme_files(ctx):
            if file.path.endswith(".html"):
                for form in get_forms(file.text):
                    yield _finding(self, file.path, file.position(form.offset), self._message(form))


def _query(href: str) -> list[tuple[str, str]]:
    """The query parameters of a link (none for ``mailto:``, ``tel:`` and ``sms:`` links)."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return []
    if parts.scheme in ("mailto", "tel", "sms") or not parts.query:
        return []
    return parse_qsl(parts.query, keep_blank_values=True)


class ConditionWordInUrl(Rule):
    """Condition word in a URL of a sensitive service line.

    ## What it does
    On pages of a sensitive service line (`sensitive: true` in its intake script), flags a
    file path (the page's URL) that names a condition from `generator/data/sensitive_terms.yml`,
    and links whose query string names one.

    ## Why is this bad?
    A URL is not private. It is kept in browser history, sent to other sites as the referrer,
    and written to server, CDN and analytics logs. `/behavioral-health/depression-treatment/`
    next to a visitor's IP address says more than the visitor chose to share.

    ## Example
    ```markdown
    ---
    service_line: behavioral-health
    cluster: first-steps
    next_step: intake-assessment
    ---
    Find a [support group](https://groups.example.org/search?topic=depression) near you.
    ```

    Use instead:
    ```markdown
    ---
    service_line: behavioral-health
    cluster: first-steps
    next_step: intake-assessment
    ---
    Find a [support group](https://groups.example.org/search) near you.
    ```
    """

    code = "PV003"
    name = "condition-word-in-url"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        intake = ctx.intake(doc)
        if intake is None or not intake.sensitive:
            return
        line = intake.service_line
        if isinstance(doc.page, Page):
            found = condition_words(doc.page.src)
            if found:
                yield self.at(
                    doc,
                    Position(1, 1),
                    f"the page's URL /{doc.page.url} names a condition ({', '.join(found)}); {line} is "
                    "sensitive, so rename the file with neutral words",
                )
        for link in doc.links:
            for key, value in _query(link.href):
                found = condition_words(f"{key} {value}")
                if found:
                    yield self.at(
                        doc,
                        link.position,
                        f"link query {key}= names a condition ({', '.join(found)}); {line} is sensitive, "
                        "so query strings must stay neutral",
                    )
                    break


_CONTACT_KEYS = {
    "email": "an email address",
    "emailaddress": "an email address",
    "mail": "an email address",
    "phone": "a phone number",
    "phonenumber": "a phone number",
    "tel": "a phone number",
    "telephone": "a phone number",
    "mobile": "a phone number",
    "cell": "a phone number",
    "name": "a name",
    "firstname": "a name",
    "lastname": "a name",
    "fullname": "a name",
    "fname": "a name",
    "lname": "a name",
    "surname": "a name",
    "dob": "a date of birth",
    "dateofbirth": "a date of birth",
    "birthdate": "a date of birth",
    "birthday": "a date of birth",
    "address": "an address",
    "streetaddress": "an address",
    "ssn": "a Social Security number",
    "mrn": "a medical record number",
    "zip": "a ZIP code",
    "zipcode": "a ZIP code",
    "postalcode": "a ZIP code",
}
"""Query keys (lowercase, letters and digits only) that carry contact details."""

_KEY_PARTS = re.compile(r"[^a-z0-9]+")
_EMAIL_VALUE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE_VALUE = re.compile(r"^\+?[\d\s().-]{10,20}$")


def contact_detail(key: str, value: str) -> str | None:
    """What contact detail a query parameter carries, if any."""
    lowered = key.lower()
    if not lowered.startswith("utm_"):
        parts = [p for p in _KEY_PARTS.split(lowered) if p]
        for candidate in ("".join(parts), parts[-1] if parts else ""):
            if candidate in _CONTACT_KEYS:
                return _CONTACT_KEYS[candidate]
    value = value.strip()
    if _EMAIL_VALUE.match(value):
        return "an email address"
    if _PHONE_VALUE.match(value) and 10 <= sum(c.isdigit() for c in value) <= 15:
        return "a phone number"
    return None


class ContactDetailsInQuery(Rule):
    """Contact details in a link's query string.

    ## What it does
    Flags links in pages and campaign copy whose query string has a contact-detail key
    (`email`, `phone`, `name`, `dob`, `birthdate`, `address`, `ssn`, `mrn`, `zip` and their
    usual spellings) or a value that looks like an email address or a phone number.

    ## Why is this bad?
    Query strings are logged by every server and analytics tool on the way and passed on as
    the referrer. Contact details next to a health page are protected health information;
    ad platforms forbid them in URLs too.

    ## Example
    ```markdown
    [Confirm your visit](https://forms.riverbend-health.example/confirm?email=pat@example.com)
    ```

    Use instead:
    ```markdown
    [Confirm your visit](https://forms.riverbend-health.example/confirm)
    ```
    """

    code = "PV004"
    name = "contact-details-in-query"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for link in doc.links:
            for key, value in _query(link.href):
                what = contact_detail(key, value)
                if what:
                    yield self.at(
                        doc,
                        link.position,
                        f"link puts {what} in its query string ({key}=); URLs are logged and passed on, "
                        "so send contact details only in a POST form",
                    )
                    break


class UtmOnInternalLink(Rule):
    """UTM tags on a link within the site.

    ## What it does
    Flags a link to this site (a relative link, or an absolute one to `site_url`'s host) that
    carries `utm_*` parameters.

    ## Why is this bad?
    UTM tags say where a visitor came from. On a link inside the site they start a new
    session in analytics and overwrite the real source (the ad, email or search that brought
    the patient), so campaign reports credit the site itself. Tag only links that other
    sites, emails, ads and print point at (`carewheel campaign links`).

    ## Example
    ```markdown
    See [what happens at a first visit](what-happens-at-a-first-cardiology-visit.md?utm_source=faq).
    ```

    Use instead:
    ```markdown
    See [what happens at a first visit](what-happens-at-a-first-cardiology-visit.md).
    ```
    """

    code = "PV005"
    name = "utm-on-internal-link"
    severity = Severity.WARNING
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        own = _own_host(ctx)
        for link in doc.links:
            try:
                parts = urlsplit(link.href)
            except ValueError:
                continue
            internal = (not parts.scheme and not parts.netloc) or (
                parts.scheme in ("http", "https") and (parts.hostname or "") == own
            )
            if not internal:
                continue
            keys = [key for key, _ in _query(link.href) if key.lower().startswith("utm_")]
            if keys:
                yield self.at(
                    doc,
                    link.position,
                    f"link within the site carries {', '.join(dict.fromkeys(keys))}; UTM tags on internal "
                    "links start a new analytics session and overwrite the visit's real source",
                )


_HANDLER = re.compile(r"on[a-z]{3,}$")  # onclick, onload, onerror; not "one"
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster"})
_JAVASCRIPT_URL = re.compile(
    r"^[\x00-\x20]*j[\t\n\r]*a[\t\n\r]*v[\t\n\r]*a[\t\n\r]*s[\t\n\r]*c"
    r"[\t\n\r]*r[\t\n\r]*i[\t\n\r]*p[\t\n\r]*t[\t\n\r]*:",
    re.I,
)


_MARKDOWN_JAVASCRIPT = re.compile(
    r"(?:\]\(\s*<?|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?)[\x00-\x20]*(javascript:)", re.I | re.M
)


@dataclass(frozen=True)
class Code:
    """Script in HTML: an inline ``<script>``, an ``on…`` handler or a ``javascript:`` URL."""

    offset: int
    what: str


def html_code(text: str) -> Iterator[Code]:
    """Every place the HTML ``text`` would run script (data blocks such as JSON-LD do not)."""
    for tag in _TAG.finditer(_masked(text)):
        name = tag.group(1).lower()
        if name == "script":  # inline code; a src= file is PV001's when it is third-party
            attrs = {n: v for n, v, _ in _attributes(tag)}
            if "src" not in attrs and not _NOT_LOADED_SCRIPT.search(attrs.get("type", "")):
                yield Code(tag.start(), "an inline <script>")
        base = tag.start(2)
        for attr in _ATTR.finditer(tag.group(2)):
            attribute = attr.group(1).lower()
            value = next((attr.group(g) for g in (2, 3, 4) if attr.group(g) is not None), None)
            if _HANDLER.match(attribute) and value is not None:
                yield Code(base + attr.start(), f"an event handler ({attribute}=)")
            elif attribute in _URL_ATTRIBUTES and value and _JAVASCRIPT_URL.match(value):
                yield Code(base + attr.start(), f"a javascript: URL ({attribute}=)")


_CODE_MESSAGE = (
    "content runs script: {what}. The site's Content Security Policy blocks it, so it does not "
    "work, and where it did it could send what patients read to others; scripts belong in the "
    "theme, where they are reviewed"
)


class ScriptInContent(Rule):
    """Script in page or campaign copy.

    ## What it does
    Flags an inline `<script>` (one without `src`, other than a data block such as JSON-LD),
    an event-handler attribute (`onclick`, `onload`, `onerror` ...) or a `javascript:` URL
    in page HTML, Markdown links, campaign copy or the theme's templates.

    ## Why is this bad?
    Every carewheel page has a Content Security Policy that runs only the site's own script
    files, so script pasted into content silently does nothing. Where it did run (a page
    copied elsewhere, a host that drops the policy), it would be code no one reviewed,
    running next to health information: the usual way trackers and injected code reach
    patients. The theme's own scripts live in files under `assets/`.

    ## Example
    ```markdown
    <button onclick="window.location='/contact'">Ask a question</button>

    Or [book now](javascript:openScheduler()).
    ```

    Use instead:
    ```markdown
    <a href="../contact/">Ask a question</a>

    Or [book now](https://www.riverbend-health.example/schedule/).
    ```
    """

    code = "PV006"
    name = "script-in-content"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for html in doc.html:
            for code in html_code(html.content):
                yield self.at(
                    doc, html_position(doc, html, code.offset), _CODE_MESSAGE.format(what=code.what)
                )
        if "avascript" not in doc.lower:
            return
        # CommonMark parsers refuse javascript: link targets (so doc.links lacks them), but
        # Python-Markdown, which renders the page, makes them links: read the text itself.
        for match in _MARKDOWN_JAVASCRIPT.finditer(doc.body):
            at = match.start(1)
            line = doc.body.count("\n", 0, at)
            position = doc.file_position(line, at - (doc.body.rfind("\n", 0, at) + 1))
            if position.line not in doc.code_lines:
                yield self.at(doc, position, _CODE_MESSAGE.format(what="a javascript: link"))

    def check_site(self, ctx: Context) -> Iterable[Diagnostic]:
        for file in theme_files(ctx):
            if file.path.endswith(".html"):
                for code in html_code(file.text):
                    yield _finding(
                        self, file.path, file.position(code.offset), _CODE_MESSAGE.format(what=code.what)
                    )


RULES = (
    ThirdPartyResource(),
    FormSendsWithGet(),
    ConditionWordInUrl(),
    ContactDetailsInQuery(),
    UtmOnInternalLink(),
    ScriptInContent(),
)
