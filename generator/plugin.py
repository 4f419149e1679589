"""The MkDocs adapter: the only module that imports ``mkdocs``.

Each MkDocs event calls into the core and does nothing else:

- ``load_config``: validate the plugin's options (positions in ``mkdocs.yml``).
- ``on_config``: read and validate every source (``load_site``); on errors log each one and
  abort before ``site/`` is touched. Redirect the build to a temporary folder.
- ``on_files``: drafts become MkDocs drafts (shown by ``serve`` only).
- ``on_page_read_source``: hand MkDocs the body we already read (each file is read once).
- ``on_page_markdown``: the validated front matter becomes ``page.meta``.
- ``on_env``: the theme's filters and globals.
- ``on_page_context``: ``care``, the page's ``PageView``.
- ``on_post_build``: swap the finished build into ``site/``, unless ``--strict`` counted
  warnings; a failed build leaves the previous ``site/`` as it was.

It also offers ``build`` and ``serve`` for the CLI.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Any, Literal

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config as mkdocs_load_config
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.utils import CountHandler
from mkdocs.utils.templates import TemplateContext

from generator.campaigns import write_manifest
from generator.content import Site, load_site
from generator.errors import CarewheelError, SourceError, SourceErrors
from generator.images import add_sizes
from generator.lint.background import BackgroundLint, can_fork
from generator.lint.rule import Diagnostic, Severity
from generator.project import Project, load_project
from generator.schemas import LandingMeta
from generator.theme import page_view, register

log = get_plugin_logger("carewheel")

LOCAL_LEADS_PATH = "/_carewheel/leads"
"""Where ``serve`` takes the preview's form posts (the real endpoint is for the published site)."""
LOCAL_LEADS_DB = "build/leads.sqlite"

_preloaded: Site | None = None
"""A site the CLI already read and validated, handed to the next ``on_config`` (one read)."""


class _Options(Config):  # type: ignore[no-untyped-call]
    """Options are validated by pydantic (``schemas.PluginSettings``), not by MkDocs."""


class CarewheelPlugin(BasePlugin[_Options]):  # type: ignore[no-untyped-call]
    """``plugins: [carewheel]`` in ``mkdocs.yml``."""

    def __init__(self) -> None:
        self.project: Project | None = None
        self.site: Site | None = None
        self.command: str = "build"
        self.dirty = False
        self.facts_stamp = ""
        self.outline: dict[str, tuple[object, ...]] = {}
        self.final_site_dir: Path | None = None
        self.building_dir: Path | None = None
        self.warnings: CountHandler | None = None
        self.has_h1: set[str] = set()
        self.background_lint: BackgroundLint[list[Diagnostic]] | None = None

    # --- configuration -------------------------------------------------------------------

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Validate options with pydantic; positioned messages for every error."""
        self.config = _Options(config_file_path=config_file_path)
        if config_file_path is None:
            return [("carewheel", ValidationError("carewheel needs a mkdocs.yml file"))], []
        try:
            self.project = load_project(Path(config_file_path))
        except SourceErrors as exc:
            return [("carewheel", ValidationError("\n" + "\n".join(map(str, exc.errors))))], []
        except CarewheelError as exc:
            return [("carewheel", ValidationError(str(exc)))], []
        return [], []

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Remember the command: ``serve`` shows drafts, builds in place and, with dirty
        reloads, rebuilds only the pages a change touches."""
        self.command = command
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Read and validate every source before anything is written."""
        assert self.project is not None
        global _preloaded
        serving = self.command == "serve"
        directory_urls = bool(config.use_directory_urls)
        preloaded, _preloaded = _preloaded, None
        try:
            if preloaded is not None and preloaded.project.config_file == self.project.config_file:
                self.site = preloaded
            else:
                previous = self.site if serving else None
                self.site = load_site(
                    self.project, include_drafts=serving, directory_urls=directory_urls, previous=previous
                )
        except SourceErrors as exc:
            for error in exc.errors:
                log.error(str(error))
            raise PluginError(f"Aborted: {exc}. Nothing was written.") from None
        except CarewheelError as exc:
            raise PluginError(str(exc)) from None
        self.has_h1.clear()
        for warning in self.site.warnings:
            log.warning(str(warning))
        if self.project.settings.lint.in_build:
            if serving or not can_fork():
                self._log_findings(self._lint())
            else:  # on a second core, while MkDocs renders; logged in on_post_build
                self.background_lint = BackgroundLint(self._lint)
        if not serving:
            self.site.forget_positions()  # serve keeps them: it re-validates what changed
            self._build_in_temporary_folder(config)
        return config

    def _lint(self) -> list[Diagnostic]:
        """Run the messaging linter over the loaded site (with the lint cache)."""
        from generator.lint.cache import cache_file
        from generator.lint.engine import lint

        assert self.site is not None
        assert self.project is not None
        cache = cache_file(self.project.root)
        return lint(self.site, self.project.settings.lint, cache=cache)

    def _log_findings(self, findings: list[Diagnostic]) -> None:
        """Findings are logged at their severity, so ``--strict`` fails on warnings and
        errors alike."""
        for finding in findings:
            text = f"{finding} [{finding.name}]"
            if finding.severity is Severity.ERROR:
                log.error(text)
            elif finding.severity is Severity.WARNING:
                log.warning(text)
            else:
                log.info(text)

    def _build_in_temporary_folder(self, config: MkDocsConfig) -> None:
        final = Path(config.site_dir).resolve()
        building = final.with_name(f".{final.name}.building-{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        self.final_site_dir, self.building_dir = final, building
        config.site_dir = str(building)
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)

    # --- files and pages -----------------------------------------------------------------

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Campaign landing pages enter as generated files; drafts are shown by ``serve`` only."""
        assert self.site is not None
        for file in files.documentation_pages():
            page = self.site.pages.get(file.src_uri)
            if page is not None and page.meta.draft:
                file.inclusion = InclusionLevel.DRAFT
        for src, page in self.site.pages.items():
            if isinstance(page.meta, LandingMeta):
                generated = File.generated(
                    config, src, content=page.doc.body, inclusion=InclusionLevel.NOT_IN_NAV
                )
                generated.generated_by = "carewheel"
                files.append(generated)
        if self.command == "serve" and self.dirty:
            self._invalidate(files)
        return files

    def _invalidate(self, files: Files) -> None:
        """Dirty reloads rebuild only pages whose source changed. Pages also show facts from
        intake, campaigns and the theme, and their neighbours' titles (cluster navigation,
        breadcrumbs): remove the output of every page such a change touches, so MkDocs
        rebuilds it too."""
        assert self.site is not None
        assert self.project is not None
        project = self.project
        stamp = _stamp(
            [project.config_file, project.intake_dir, project.campaigns_dir, project.root / "themes"]
        )
        outline = {src: _outline(page) for src, page in self.site.pages.items()}
        stale: set[str] = set()
        if stamp != self.facts_stamp:
            stale = set(outline)
        else:
            for src, shape in outline.items():
                if self.outline.get(src) != shape:
                    stale |= _neighbours(self.site, src)
            for src in set(self.outline) - set(outline):  # a deleted page: its neighbours' lists changed
                stale |= _neighbours(self.site, src)
        self.facts_stamp, self.outline = stamp, outline
        for file in files.documentation_pages():
            if file.src_uri in stale:
                Path(file.abs_dest_path).unlink(missing_ok=True)

    def on_page_read_source(self, /, *, page: MkDocsPage, config: MkDocsConfig) -> str | None:
        """The body we already read and validated: each source file is read once."""
        assert self.site is not None
        core = self.site.pages.get(page.file.src_uri)
        if core is None:
            return None
        body = core.doc.body
        # MkDocs reads leading `key: value` lines as MultiMarkdown metadata unless the text
        # starts with a blank line: a body starting "Note: call first" would lose its line.
        return body if body.startswith("\n") else "\n" + body

    def on_page_markdown(
        self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Our validated front matter becomes ``page.meta``; content dates become the page's
        update date (sitemap ``lastmod``, reproducible ``sitemap.xml.gz``)."""
        assert self.site is not None
        core = self.site.pages.get(page.file.src_uri)
        if core is not None:
            page.meta = core.meta.model_dump(mode="json", exclude_none=True)
            page.meta["title"] = core.title
            page.update_date = core.lastmod.isoformat() if core.lastmod else "1980-01-01"
            if markdown == core.doc.body.lstrip("\n"):
                return core.doc.body  # MkDocs made a copy of the text: keep one copy, not two
        return markdown

    def on_page_content(
        self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Images get their sizes; pages whose body brings its own H1 are noted (the theme
        then prints none)."""
        if html.lstrip().startswith("<h1"):
            self.has_h1.add(page.file.src_uri)

        def find(url: str) -> Path | None:
            file = files.get_file_from_path(url)
            return Path(file.abs_src_path) if file is not None and file.abs_src_path else None

        return add_sizes(html, page.url, find)

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        """Filters and globals for the theme."""
        assert self.site is not None
        env.autoescape = True
        env.auto_reload = self.command == "serve"  # a build's templates do not change: no stat per include
        register(env, self.site)
        env.globals["has_own_h1"] = lambda page: page is not None and page.file.src_uri in self.has_h1
        if self.command == "serve":
            env.globals["form_endpoint"] = LOCAL_LEADS_PATH  # the preview never posts to production
        env.globals["lastmod"] = self._lastmod
        return env

    def _lastmod(self, page: MkDocsPage | None) -> str:
        assert self.site is not None
        core = self.site.pages.get(page.file.src_uri) if page is not None else None
        return core.lastmod.isoformat() if core is not None and core.lastmod else ""

    def on_page_context(
        self, context: TemplateContext, /, *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """``care``: the page's view (next step, triage, cluster navigation)."""
        assert self.site is not None
        core = self.site.pages.get(page.file.src_uri)
        view = page_view(self.site, core) if core is not None else None
        context["care"] = view  # type: ignore[typeddict-unknown-key]
        return context

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """``serve`` also rebuilds when intake scripts or campaigns change, and collects the
        preview's form posts in a local SQLite file (``carewheel leads list``)."""
        if self.project is not None:
            for folder in (self.project.intake_dir, self.project.campaigns_dir):
                if folder.is_dir():
                    server.watch(str(folder))
            from generator.leads import LeadStore, lead_app, mount

            store = LeadStore(self.project.root / LOCAL_LEADS_DB)
            server.set_app(mount(LOCAL_LEADS_PATH, lead_app(store), server.get_app()))
            log.info(f"Form posts of this preview are kept in {LOCAL_LEADS_DB} (carewheel leads list)")
        return server

    # --- atomic output -------------------------------------------------------------------

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Log the background linter's findings, then move the finished build into place,
        unless ``--strict`` will abort it."""
        if self.background_lint is not None:
            background, self.background_lint = self.background_lint, None
            try:
                self._log_findings(background.findings())
            except CarewheelError as exc:
                raise PluginError(str(exc)) from None
        if self.building_dir is None or self.final_site_dir is None:
            return
        building, final = self.building_dir, self.final_site_dir
        self._stop_counting()
        counted = self.warnings.get_counts() if self.warnings else []
        if config.strict and counted:
            shutil.rmtree(building, ignore_errors=True)
            log.info("The previous site folder was left unchanged.")
            return
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        if final.exists():
            final.rename(old)
        building.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        config.site_dir = str(final)
        self.building_dir = None
        self._write_manifest()

    def _write_manifest(self) -> None:
        assert self.site is not None
        assert self.project is not None
        if not self.site.campaigns:
            return
        written = write_manifest(self.site.manifest(), self.project.manifest_dir)
        log.info(
            f"Tracking manifest and {len(written) - 2} QR codes written to "
            f"{self.project.display(self.project.manifest_dir)}/"
        )

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves the previous ``site/`` untouched."""
        if self.background_lint is not None:
            self.background_lint.cancel()
            self.background_lint = None
        self._stop_counting()
        if self.building_dir is not None:
            shutil.rmtree(self.building_dir, ignore_errors=True)
            self.building_dir = None

    def _stop_counting(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)


def _stamp(paths: list[Path]) -> str:
    """Times and sizes of every file under ``paths``: changes when any of them changes."""
    parts = []
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                stat = file.stat()
                parts.append(f"{file}:{stat.st_mtime_ns}:{stat.st_size}")
    return "\n".join(parts)


def _outline(page: Any) -> tuple[object, ...]:
    """What other pages show of a page: its title, place and order."""
    meta = page.meta
    return (
        page.title,
        meta.type,
        getattr(meta, "service_line", None),
        getattr(meta, "cluster", None) or getattr(meta, "id", None),
        meta.order,
        meta.draft,
        meta.description,
    )


def _neighbours(site: Site, src: str) -> set[str]:
    """A page and every page that lists it: its cluster, its service line's page, the home page."""
    out = {src, "index.md"}
    page = site.pages.get(src)
    if page is None:
        return out
    line = site.service_line_of(page)
    if line is not None and line.page is not None:
        out.add(line.page.src)
    cluster = site.cluster_of(page)
    if cluster is not None:
        out.add(cluster.hub.src)
        out.update(q.src for q in cluster.questions)
    return out


# --- Entry points for the CLI -----------------------------------------------------------------


def _load(config_file: Path, **overrides: Any) -> MkDocsConfig:
    try:
        return mkdocs_load_config(str(config_file), **overrides)
    except Abort as exc:
        raise CarewheelError(str(exc.message)) from None


def build(
    config_file: Path, *, strict: bool = False, site_dir: Path | None = None, site: Site | None = None
) -> None:
    """``mkdocs build`` for the CLI; raises ``CarewheelError`` when the build is aborted.

    ``site``, already read and validated by the CLI, is reused instead of read again.
    """
    global _preloaded
    overrides: dict[str, Any] = {"strict": strict}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    config = _load(config_file, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    _preloaded = site if site is not None and bool(config.use_directory_urls) else None
    previous_sigterm = _interrupt_on_sigterm()
    try:
        mkdocs_build(config)
    except Abort as exc:
        raise CarewheelError(str(exc.message)) from None
    except KeyboardInterrupt:  # MkDocs reports only Exceptions to plugins: clean up here
        for instance in config.plugins.values():
            if isinstance(instance, CarewheelPlugin):
                instance.on_build_error(error=CarewheelError("interrupted"))
        raise
    finally:
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
        _preloaded = None
        config.plugins.on_shutdown()


def _interrupt_on_sigterm() -> Any:
    """Make SIGTERM (a cancelled CI job, ``kill``) stop a build the way Ctrl-C does, so it
    cleans up too. Returns the handler it replaced (``None`` outside the main thread, where
    handlers cannot be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def serve(config_file: Path, *, dev_addr: str | None = None, open_browser: bool = False) -> None:
    """``mkdocs serve`` with live reload, for the CLI."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    kwargs: dict[str, Any] = {"livereload": True, "open_in_browser": open_browser, "build_type": "dirty"}
    if dev_addr:
        kwargs["dev_addr"] = dev_addr
    try:
        mkdocs_serve(str(config_file), **kwargs)
    except Abort as exc:
        raise CarewheelError(str(exc.message)) from None


__all__ = ["CarewheelPlugin", "SourceError", "build", "serve"]
