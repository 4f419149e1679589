"""The page index: what a run needs to know about each page, kept between runs, so that a
run over a few files (a pre-commit hook) does not read and parse every page of the site.

``.carewheel-cache/pages.json`` holds, for each Markdown file that was valid when last read:
its stamp (modification time in ns and size), its validated front matter, its title and the
pages its body links to. ``load_site`` takes a page whose stamp is unchanged from the index.
Its front matter is validated again by its page model (the index is JSON data, never code),
and its file is read only when something asks for its text or a position
(``sources.LazyDocument``): every finding and error still points at the file as it is.
Everything between pages (clusters, next steps, campaigns) is checked again on every run.

Not indexed: pages with adoption warnings, pages that failed, and pages changed less than
two seconds before the run began (a second change within the file system's timestamp
granularity could leave the stamp as it was: git calls these entries "racy"). The index is
keyed on carewheel's own code and on ``directory_urls``. ``carewheel lint`` uses it; builds,
``check`` and ``serve`` read every file (``serve`` keeps its pages in memory instead).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, ValidationError

from generator.cache_files import cache_path, code_digest, digest, write_atomically
from generator.content import Page
from generator.schemas import ClusterPage, LandingMeta, PlainPage, QuestionPage, ServiceLinePage
from generator.sources import LazyDocument

VERSION = 1
FILE = "pages.json"
RACY_NS = 2_000_000_000
"""Pages changed this close (ns) before the run began are not indexed."""


def _page_type(meta: Any) -> str:
    """The page type of front matter in the index (a plain page's is left out: the default)."""
    return str(meta.get("type", "page") if isinstance(meta, dict) else meta.type)


class Entry(BaseModel):
    """One indexed page. Stored without default values (a third smaller, faster to read)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stamp: tuple[int, int]
    meta: Annotated[
        Annotated[ServiceLinePage, Tag("service-line")]
        | Annotated[ClusterPage, Tag("cluster")]
        | Annotated[QuestionPage, Tag("question")]
        | Annotated[PlainPage, Tag("page")],
        Discriminator(_page_type),
    ]
    url: str
    title: str | None = None
    """The page's title when its front matter does not give it (from its H1 or file name)."""
    linked_pages: list[str] = []

    @classmethod
    def of(cls, page: Page) -> Entry:
        """The entry of a page read from its file."""
        meta = page.meta
        assert not isinstance(meta, LandingMeta)
        given = meta.title or getattr(meta, "question", None)
        title = None if page.title == given else page.title
        return cls(stamp=page.stamp, meta=meta, url=page.url, title=title, linked_pages=page.linked_pages)


class IndexFile(BaseModel):
    """The whole index file: validated in one pass, from the file's bytes."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    key: str
    pages: dict[str, Entry]

    def dump(self) -> str:
        """The index as its file holds it."""
        return self.model_dump_json(exclude_defaults=True)


def index_file(root: Path, *, disabled: bool = False) -> Path | None:
    """Where the page index of the project at ``root`` is (``None``: no index)."""
    return cache_path(root, FILE, disabled=disabled)


class PageIndex:
    """Indexed pages by path inside ``content/``, loaded from and saved to one JSON file."""

    def __init__(self, path: Path | None, *, directory_urls: bool = True) -> None:
        self.path = path
        self.started = time.time_ns()
        self.key = digest(code_digest(), f"directory_urls={directory_urls}") if path else ""
        self.entries: dict[str, Entry] = {}
        self.hits: set[str] = set()
        if path is None:
            return
        try:
            data = IndexFile.model_validate_json(path.read_bytes())
        except (OSError, ValidationError):
            return  # no index, or a damaged or older one: an empty index
        if data.key == self.key:
            self.entries = data.pages

    def page(self, file: str, src: str, shown: str, stamp: tuple[int, int]) -> Page | None:
        """The page ``src`` from the index when its file's stamp is unchanged, else ``None``."""
        entry = self.entries.get(src)
        if entry is None or entry.stamp != stamp:
            return None
        page = Page(src, shown, LazyDocument(file, shown), entry.meta, entry.url, stamp)
        if entry.title is not None:  # the cached properties, as they were worked out
            page.__dict__["title"] = entry.title
        page.__dict__["linked_pages"] = entry.linked_pages
        self.hits.add(src)
        return page

    def save(self, pages: Iterable[Page]) -> None:
        """Index ``pages`` (every Markdown page that was read without error) and write the
        file when an entry changed."""
        if self.path is None:
            return
        new: dict[str, Entry] = {}
        for page in pages:
            if page.warnings or isinstance(page.meta, LandingMeta) or page.stamp[0] >= self.started - RACY_NS:
                continue
            if page.src in self.hits:
                new[page.src] = self.entries[page.src]
                continue
            new[page.src] = Entry.of(page)
        if len(self.hits) != len(new) or new.keys() != self.entries.keys():  # read anew, or gone
            write_atomically(self.path, IndexFile(version=VERSION, key=self.key, pages=new).dump())
