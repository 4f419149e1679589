"""Where a carewheel project's parts are: ``mkdocs.yml``, content, intake, campaigns, site.

Read without importing MkDocs, so ``carewheel check`` and ``carewheel lint`` run fast and
the same settings apply whether MkDocs or the CLI drives the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.errors import SourceError, UsageError
from generator.schemas import PluginSettings
from generator.sources import Located, parse_yaml, read_text, validate

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml")


@dataclass(frozen=True)
class Project:
    """Paths and settings of one project, all absolute."""

    root: Path
    config_file: Path
    docs_dir: Path
    site_dir: Path
    intake_dir: Path
    campaigns_dir: Path
    manifest_dir: Path
    claims_file: Path
    site_url: str
    site_name: str
    settings: PluginSettings

    @cached_property
    def docs_display(self) -> str:
        """``docs_dir`` as shown in messages, with a slash (``content/``; "" at the root)."""
        shown = self.display(self.docs_dir)
        return "" if shown == "." else shown + "/"

    def display(self, path: Path) -> str:
        """``path`` as shown in messages: relative to the project root when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def project_relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when inside it, for messages."""
    try:
        return path.relative_to(root).as_posix() + "/"
    except ValueError:
        return str(path)


def find_config(start: Path | None = None) -> Path:
    """The project's ``mkdocs.yml``: in ``start`` (default: the working folder) or above it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    raise UsageError(
        f"no mkdocs.yml in {here} or any folder above it; run carewheel inside a project "
        "or pass --config-file"
    )


def plugin_options(located: Located) -> tuple[dict[str, Any], tuple[str | int, ...]] | None:
    """The ``carewheel`` plugin's options in a parsed ``mkdocs.yml`` and their location, or
    ``None`` when the plugin is not enabled."""
    plugins = located.get(("plugins",))
    if isinstance(plugins, dict):
        if "carewheel" in plugins:
            options = plugins["carewheel"]
            return (options if isinstance(options, dict) else {}), ("plugins", "carewheel")
        return None
    if isinstance(plugins, list):
        for i, item in enumerate(plugins):
            if item == "carewheel":
                return {}, ("plugins", i)
            if isinstance(item, dict) and "carewheel" in item:
                options = item["carewheel"]
                return (options if isinstance(options, dict) else {}), ("plugins", i, "carewheel")
    return None


def validate_settings(
    options: dict[str, Any], located: Located, loc: tuple[str | int, ...]
) -> PluginSettings:
    """Validate the plugin's options, with errors positioned in ``mkdocs.yml``."""
    sub = Located(located.path, options)
    for key, value in located.values.items():
        if key[: len(loc)] == loc:
            sub.values[key[len(loc) :]] = value
    for key, value in located.keys.items():
        if key[: len(loc)] == loc:
            sub.keys[key[len(loc) :]] = value
    return validate(PluginSettings, sub)


def load_project(config_file: Path | None = None) -> Project:
    """Read ``mkdocs.yml`` and resolve every folder the project uses."""
    path = (config_file or find_config()).resolve()
    if not path.is_file():
        raise UsageError(f"config file {path} does not exist")
    root = path.parent
    shown = path.name
    located = parse_yaml(read_text(path, shown), shown, lenient_tags=True)
    if not isinstance(located.data, dict):
        raise SourceError(shown, "expected a YAML mapping")
    found = plugin_options(located)
    if found is None:
        raise SourceError(
            shown,
            "the carewheel plugin is not enabled; add `- carewheel` under `plugins:`",
            line=located.position(("plugins",))[0],
            field="plugins",
        )
    settings = validate_settings(*found[:1], located, found[1])

    def where(loc: tuple[str | int, ...]) -> tuple[int, int]:
        return located.position(loc, key=True)

    def folder(name: str, value: Any, default: str, loc: tuple[str | int, ...]) -> Path:
        """A folder of the project: it must stay inside the project folder."""
        resolved = (root / (value if isinstance(value, str) and value else default)).resolve()
        if resolved == root or root not in resolved.parents:
            line, col = where(loc)
            raise SourceError(
                shown,
                f"{resolved} is not inside the project folder {root}; carewheel reads and writes "
                "only inside it",
                line=line,
                col=col,
                field=name,
            )
        return resolved

    plugin = found[1]
    docs_dir = folder("docs_dir", located.get(("docs_dir",)), "docs", ("docs_dir",))
    site_dir = folder("site_dir", located.get(("site_dir",)), "site", ("site_dir",))
    intake_dir = folder("intake_dir", settings.intake_dir, "intake", (*plugin, "intake_dir"))
    campaigns_dir = folder("campaigns_dir", settings.campaigns_dir, "campaigns", (*plugin, "campaigns_dir"))
    manifest_dir = folder("manifest_dir", settings.manifest_dir, "build/campaigns", (*plugin, "manifest_dir"))
    claims_file = (
        folder("claims_file", settings.claims_file, "", (*plugin, "claims_file"))
        if settings.claims_file
        else intake_dir / "claims.yml"
    )
    custom = located.get(("theme", "custom_dir"))
    sources = {"docs_dir": docs_dir, "intake_dir": intake_dir, "campaigns_dir": campaigns_dir}
    if isinstance(custom, str) and custom:
        sources["theme custom_dir"] = (root / custom).resolve()
    outputs = {
        "site_dir": (site_dir, ("site_dir",)),
        "manifest_dir": (manifest_dir, (*plugin, "manifest_dir")),
    }
    for name, (target, loc) in outputs.items():
        for source_name, source in sources.items():
            if target == source or source in target.parents or target in source.parents:
                line, col = where(loc)
                raise SourceError(
                    shown,
                    f"{name} ({project_relative(target, root)}) overlaps {source_name} "
                    f"({project_relative(source, root)}); a build replaces {name} as a whole, so it "
                    "must be a folder of its own",
                    line=line,
                    col=col,
                    field=name,
                )
    if manifest_dir == site_dir or site_dir in manifest_dir.parents or manifest_dir in site_dir.parents:
        line, col = where((*plugin, "manifest_dir"))
        raise SourceError(
            shown,
            "manifest_dir must be outside site_dir: the manifest is internal, never published",
            line=line,
            col=col,
            field="manifest_dir",
        )
    for name, folder_path, loc in (
        ("docs_dir", docs_dir, ("docs_dir",)),
        ("intake_dir", intake_dir, (*plugin, "intake_dir")),
    ):
        if not folder_path.is_dir():
            line, col = where(loc)
            raise SourceError(shown, f"folder {folder_path} does not exist", line=line, col=col, field=name)
    site_url = located.get(("site_url",))
    site_name = located.get(("site_name",))
    return Project(
        root=root,
        config_file=path,
        docs_dir=docs_dir,
        site_dir=site_dir,
        intake_dir=intake_dir,
        campaigns_dir=campaigns_dir,
        manifest_dir=manifest_dir,
        claims_file=claims_file,
        site_url=site_url if isinstance(site_url, str) else "",
        site_name=site_name if isinstance(site_name, str) else "",
        settings=settings,
    )
