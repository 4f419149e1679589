"""AX: accessibility problems visible in the text itself (WCAG 2.1 A/AA), before a browser."""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.lint.context import Context
from generator.lint.document import LintDocument
from generator.lint.rule import Diagnostic, Rule, Severity

VAGUE_LINK_TEXT = re.compile(
    r"^(?:click here|here|click|read more|more|learn more|more info(?:rmation)?|this link|link|"
    r"this page|go|see more|details|find out more)$",
    re.IGNORECASE,
)
URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


class ImageWithoutAlt(Rule):
    """Image without alt text.

    ## What it does
    Flags a Markdown image whose alt text (the words in `![...]`) is empty.

    ## Why is this bad?
    Screen-reader users hear nothing, or the file name (WCAG 2.1 success criterion 1.1.1,
    level A). The HHS Section 504 rule makes WCAG 2.1 AA a legal duty for most providers.

    ## Example
    ```markdown
    ![](heart-monitor.png)
    ```

    Use instead:
    ```markdown
    ![A small heart monitor taped to the chest](heart-monitor.png)
    ```
    """

    code = "AX001"
    name = "image-without-alt"
    severity = Severity.ERROR

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for image in doc.images:
            if not image.alt.strip():
                yield self.at(doc, image.position, f"image {image.src!r} has no alt text")


class VagueLinkText(Rule):
    """Link text that does not say where it goes.

    ## What it does
    Flags links whose whole text is "click here", "here", "read more", "learn more" and the like.

    ## Why is this bad?
    Screen-reader users often list a page's links out of context; "here" five times tells
    them nothing (WCAG 2.1 success criterion 2.4.4, level A). Descriptive links also help
    everyone scan the page.

    ## Example
    ```markdown
    To get ready for your test, [click here](how-do-i-prepare-for-a-stress-test.md).
    ```

    Use instead:
    ```markdown
    Read [how to get ready for a stress test](how-do-i-prepare-for-a-stress-test.md).
    ```
    """

    code = "AX002"
    name = "vague-link-text"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for link in doc.links:
            text = link.text.strip().rstrip(".")
            if VAGUE_LINK_TEXT.match(text):
                yield self.at(
                    doc, link.position, f'link text "{link.text.strip()}" does not say where it goes'
                )


class LinkTextIsUrl(Rule):
    """Link text that is a bare web address.

    ## What it does
    Flags links whose visible text is a URL.

    ## Why is this bad?
    Screen readers read addresses character by character, and an address says little about
    what the patient will find (WCAG 2.1 success criterion 2.4.4).

    ## Example
    ```markdown
    See [https://www.heart.example/warning-signs](https://www.heart.example/warning-signs).
    ```

    Use instead:
    ```markdown
    See the [warning signs of a heart attack](https://www.heart.example/warning-signs).
    ```
    """

    code = "AX003"
    name = "link-text-is-url"
    severity = Severity.WARNING
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for link in doc.links:
            if URL_TEXT.match(link.text.strip()):
                yield self.at(doc, link.position, "link text is a web address; say what the page is")


class EmptyLinkText(Rule):
    """Link with no text.

    ## What it does
    Flags a link whose text is empty, like `[](page.md)`.

    ## Why is this bad?
    The link has no accessible name: screen readers announce only "link" (WCAG 2.1 success
    criteria 2.4.4 and 4.1.2).

    ## Example
    ```markdown
    Read about angina [](what-is-angina.md).
    ```

    Use instead:
    ```markdown
    Read [what angina is](what-is-angina.md).
    ```
    """

    code = "AX004"
    name = "empty-link-text"
    severity = Severity.ERROR
    kinds = frozenset({"page", "campaign"})

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        for link in doc.links:
            if not link.text.strip():
                yield self.at(doc, link.position, f"link to {link.href!r} has no text")


class SkippedHeadingLevel(Rule):
    """Heading that skips a level.

    ## What it does
    Flags a heading more than one level below the one before it (`##` then `####`). The page
    title is the H1, so the body starts at `##`.

    ## Why is this bad?
    Screen-reader users move through a page by its headings; a skipped level breaks the
    outline (WCAG 2.1 success criteria 1.3.1 and 2.4.6).

    ## Example
    ```markdown
    ## Before your visit

    #### What to bring
    ```

    Use instead:
    ```markdown
    ## Before your visit

    ### What to bring
    ```
    """

    code = "AX005"
    name = "skipped-heading-level"
    severity = Severity.WARNING

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        previous = 1
        for heading in doc.headings:
            level = heading.heading_level
            if level > previous + 1:
                yield self.at(
                    doc,
                    heading.start or heading.position(0),
                    f"heading level {level} follows level {previous}; use level {previous + 1}",
                )
            previous = level


class MoreThanOneH1(Rule):
    """More than one top-level heading.

    ## What it does
    Flags a second `#` heading in a page body. The theme prints the page title as the H1; a
    body may bring its own single H1 (adopted content), but never two.

    ## Why is this bad?
    Two H1s make the page's main topic ambiguous for screen readers and search engines
    (WCAG 2.1 success criterion 1.3.1).

    ## Example
    ```markdown
    # Chest pain

    # When to call 911
    ```

    Use instead:
    ```markdown
    # Chest pain

    ## When to call 911
    ```
    """

    code = "AX006"
    name = "more-than-one-h1"
    severity = Severity.ERROR

    def check(self, doc: LintDocument, ctx: Context) -> Iterable[Diagnostic]:
        h1 = [h for h in doc.headings if h.heading_level == 1]
        for extra in h1[1:]:
            yield self.at(doc, extra.start or extra.position(0), "a second H1; a page has one main heading")


RULES = (
    ImageWithoutAlt(),
    VagueLinkText(),
    LinkTextIsUrl(),
    EmptyLinkText(),
    SkippedHeadingLevel(),
    MoreThanOneH1(),
)
