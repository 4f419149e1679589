"""``carewheel leads``: the local lead endpoint and the leads it stored. Thin, like ``cli.py``:
parse options, call ``generator.leads``, print, set the exit code."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click

from generator.cli_common import CONTEXT
from generator.leads import COLUMNS, LeadStore, LeadStoreError, serve_leads

DEFAULT_DB = Path("build/leads.sqlite")

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="The SQLite file of leads (personal data: keep it out of site/ and out of git).",
)

TABLE_COLUMNS = (
    ("id", "ID"),
    ("received_at", "RECEIVED (UTC)"),
    ("tracking_id", "TRACKING ID"),
    ("variant", "VARIANT"),
    ("channel", "CHANNEL"),
    ("service_line", "SERVICE LINE"),
    ("pathway", "PATHWAY"),
    ("best_time", "BEST TIME"),
    ("name", "NAME"),
    ("phone", "PHONE"),
)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@click.group(context_settings=CONTEXT)
def leads() -> None:
    """Local lead capture: accept the landing-page form on loopback, list what arrived.

    \b
    For a preview, set form_endpoint to the endpoint's URL path (/leads) and serve the site
    and the endpoint from one origin; production points the form at the organization's
    endpoint, which takes the same fields (docs/lead-form.schema.json).
    """


@leads.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8700, show_default=True, help="0 picks a free port."
)
@db_option
@click.option(
    "--allow-origin",
    "origins",
    multiple=True,
    metavar="ORIGIN",
    help="A site origin (http://127.0.0.1:8000) whose pages may post here from script (CORS). Repeatable.",
)
def serve(host: str, port: int, db: Path, origins: tuple[str, ...]) -> None:
    """Accept the request form's posts on loopback; store them in the SQLite file."""
    try:
        serve_leads(host, port, db, origins, say=click.echo)
    except (LeadStoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from None


@leads.command("list")
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def list_leads(db: Path, fmt: str) -> None:
    """Every stored lead, oldest first (CSV and JSON carry every field)."""
    if not db.is_file():
        raise click.ClickException(f"no lead store at {db}; `leads serve` creates it")
    try:
        rows = [lead.row() for lead in LeadStore(db).all()]
    except LeadStoreError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "name": _csv_safe(row["name"])} for row in rows)
        click.echo(out.getvalue(), nl=False)
    else:
        table = [tuple(title for _, title in TABLE_COLUMNS)]
        table += [tuple(_printable(row[key]) for key, _ in TABLE_COLUMNS) for row in rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        for line in table:
            click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        click.echo(f"\n{len(rows)} leads in {db}.")


def _printable(value: object) -> str:
    """A table cell: empty for unset, control characters (terminal escapes) removed."""
    return "" if value is None else _UNPRINTABLE.sub("", str(value))


def _csv_safe(value: str) -> str:
    """A name that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
