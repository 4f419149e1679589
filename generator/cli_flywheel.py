"""The flywheel's commands: ``report``, ``gaps``, ``review`` and ``campaign close``.

Thin, like ``cli.py``: parse options, call the core, print, set the exit code. ``cli.py``
imports this module only when one of them runs (``LazyGroup``).

Errors print as ``path:line: message`` (one per line) and exit 1 without a traceback; nothing
is written then. Counted warnings about input rows print as ``path:line: warning: ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.cli_common import CONTEXT, F, config_option, reports_row_errors
from generator.errors import UsageError
from generator.funnel import format_hours
from generator.tables import DataWarnings

DEFAULT_OUTPUT = Path("build/reports")
"""Where reports go, relative to the project: outside the site, never published."""
LEAD_STORE = Path("build/leads.sqlite")
"""The lead store ``carewheel serve`` fills, relative to the project: ``report``'s default leads."""

timezone_option = click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    help="Time zone of times without one in the inputs (an IANA name like America/Chicago).",
)


def _file_option(name: str, help_text: str, *, required: bool = False) -> Callable[[F], F]:
    return click.option(
        name, type=click.Path(dir_okay=False, path_type=Path), required=required, help=help_text
    )


LEADS_HELP = "Leads: the lead store (SQLite) or a CRM export (CSV)."
APPOINTMENTS_HELP = "Appointments export (CSV): lead or tracking id, status, first contact, follow-up."
QUESTIONS_HELP = "Questions patients asked intake (CSV: asked_at, service_line, question)."


def _pct(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"


def _warn(warnings: DataWarnings) -> None:
    for line in warnings.lines():
        click.echo(line, err=True)


def _both_or_neither(leads: Path | None, appointments: Path | None) -> bool:
    if (leads is None) != (appointments is None):
        raise UsageError("give --leads and --appointments together (or neither)")
    return leads is not None


@click.command(context_settings=CONTEXT)
@_file_option("--leads", LEADS_HELP + " Default: the project's build/leads.sqlite.")
@_file_option("--appointments", APPOINTMENTS_HELP, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for report.html, report.csv, weekly.csv and monthly.csv (default: build/reports).",
)
@timezone_option
@config_option
def report(
    leads: Path | None, appointments: Path, output: Path | None, timezone: str, config_file: Path | None
) -> None:
    """Funnel report: leads, response time, bookings, show rate and follow-up per campaign,
    channel, variant and service line, weekly and monthly. Written outside the site."""
    _report(leads, appointments, output, timezone, config_file)


@reports_row_errors
def _report(
    leads: Path | None, appointments: Path, output: Path | None, timezone: str, config_file: Path | None
) -> None:
    from generator import funnel
    from generator.content import load_site
    from generator.funnel_output import check_output_dir, write_report
    from generator.project import load_project

    project = load_project(config_file)
    if leads is None:
        leads = project.root / LEAD_STORE
        if not leads.is_file():
            raise UsageError(f"no --leads given and no lead store at {project.display(leads)}; pass --leads")
    folder = check_output_dir(project, output or project.root / DEFAULT_OUTPUT)
    site = load_site(project)
    result = funnel.load_report(site, leads, appointments, timezone)
    written = write_report(result, folder)
    _warn(result.warnings)
    total = result.total()
    click.echo(f"Wrote {', '.join(project.display(p) for p in written)}.")
    click.echo(
        f"{total.leads} leads, median response {format_hours(total.median_response_hours)}, "
        f"{_pct(total.booking_rate)} booked, show rate {_pct(total.show_rate)}; "
        f"{result.warnings.total} warning{'s' if result.warnings.total != 1 else ''}."
    )


@click.command(context_settings=CONTEXT)
@_file_option("--questions", QUESTIONS_HELP, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for gaps.md and gaps.csv (default: build/reports).",
)
@click.option(
    "--scaffold", "group", type=int, metavar="N", help="Scaffold a draft question page for group N."
)
@click.option("-c", "--cluster", help="With --scaffold: the cluster of the page (default: the closest).")
@timezone_option
@config_option
def gaps(
    questions: Path,
    output: Path | None,
    group: int | None,
    cluster: str | None,
    timezone: str,
    config_file: Path | None,
) -> None:
    """Patient questions no page answers, grouped by service line and theme; --scaffold N
    drafts a question page for group N."""
    _gaps(questions, output, group, cluster, timezone, config_file)


@reports_row_errors
def _gaps(
    questions: Path,
    output: Path | None,
    group: int | None,
    cluster: str | None,
    timezone: str,
    config_file: Path | None,
) -> None:
    from generator import gaps as core
    from generator.content import load_site
    from generator.funnel_output import check_output_dir, write_files
    from generator.project import load_project

    if cluster and group is None:
        raise UsageError("--cluster goes with --scaffold N")
    project = load_project(config_file)
    folder = check_output_dir(project, output or project.root / DEFAULT_OUTPUT)
    site = load_site(project, include_drafts=True)
    result = core.load_gaps(site, questions, timezone)
    _warn(result.warnings)
    if group is not None:
        chosen = result.group(group)
        path = core.scaffold_group(site, result, group, cluster)
        click.echo(
            f"Wrote {project.display(path)} for group {group} ({', '.join(chosen.theme)}): "
            f"{core.question_text(chosen.representative().text)}"
        )
        click.echo("It is a draft: write the answer, get a clinical review, then run `carewheel check`.")
        return
    written = write_files(
        folder, {"gaps.md": core.render_markdown(result, site), "gaps.csv": core.render_csv(result)}
    )
    click.echo(f"Wrote {', '.join(project.display(p) for p in written)}.")
    click.echo(
        f"{len(result.matches)} questions: {len(result.answered)} answered by a page, "
        f"{len(result.unanswered)} not, in {len(result.groups)} groups."
    )
    for g in result.top(3):
        click.echo(f"  group {g.number}: {', '.join(g.theme)} ({g.service_line}, asked {g.count}×)")


@click.command(context_settings=CONTEXT)
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Review date (default: today); its ISO week names the file.",
)
@_file_option("--leads", LEADS_HELP)
@_file_option("--appointments", APPOINTMENTS_HELP)
@_file_option("--questions", QUESTIONS_HELP)
@timezone_option
@config_option
def review(
    day: Any,
    leads: Path | None,
    appointments: Path | None,
    questions: Path | None,
    timezone: str,
    config_file: Path | None,
) -> None:
    """Write reviews/<year>-W<week>.md, the agenda of the weekly marketing, intake and clinical
    meeting, and read back last week's "Changes to test next"."""
    _review(day, leads, appointments, questions, timezone, config_file)


@reports_row_errors
def _review(
    day: Any,
    leads: Path | None,
    appointments: Path | None,
    questions: Path | None,
    timezone: str,
    config_file: Path | None,
) -> None:
    from generator import campaigns, funnel
    from generator import review as core
    from generator.content import load_site
    from generator.gaps import load_gaps
    from generator.project import load_project

    with_funnel = _both_or_neither(leads, appointments)
    project = load_project(config_file)
    date = day.date() if day else campaigns.today()
    site = load_site(project, today=date)
    result = (
        funnel.load_report(site, leads, appointments, timezone)
        if with_funnel and leads and appointments
        else None
    )
    asked = load_gaps(site, questions, timezone) if questions else None
    for warnings in (result.warnings if result else None, asked.warnings if asked else None):
        if warnings:
            _warn(warnings)
    shown = project.display(questions.resolve()) if questions else "QUESTIONS"
    written = core.write_review(site, date, result, asked, shown)
    click.echo(f"Wrote {project.display(written.review)} (and {project.display(written.snapshot)}).")
    if written.carried:
        click.echo(f"{written.carried} unshipped change(s) from the last review are carried over.")
    click.echo("Before the meeting: fill in 'Changes to test next'; tick each one (- [x]) once it ships.")


@click.command("close", context_settings=CONTEXT)
@click.argument("slug")
@_file_option("--leads", LEADS_HELP)
@_file_option("--appointments", APPOINTMENTS_HELP)
@timezone_option
@config_option
def close(
    slug: str, leads: Path | None, appointments: Path | None, timezone: str, config_file: Path | None
) -> None:
    """Close campaign SLUG: write campaigns/SLUG.postmortem.md with its funnel numbers, and end
    the campaign yesterday if it ends later."""
    _close(slug, leads, appointments, timezone, config_file)


@reports_row_errors
def _close(
    slug: str, leads: Path | None, appointments: Path | None, timezone: str, config_file: Path | None
) -> None:
    from generator import campaigns, funnel, postmortem
    from generator.content import load_site
    from generator.project import load_project

    with_funnel = _both_or_neither(leads, appointments)
    project = load_project(config_file)
    site = load_site(project, include_drafts=True)
    result = (
        funnel.load_report(site, leads, appointments, timezone)
        if with_funnel and leads and appointments
        else None
    )
    if result:
        _warn(result.warnings)
    closed = postmortem.close_campaign(site, slug, campaigns.today(), result)
    click.echo(
        f"Wrote {project.display(closed.postmortem)}: fill in what worked, what failed, what changes next."
    )
    if closed.new_end:
        shown = project.display(closed.campaign_file)
        click.echo(
            f"Set `end:` of {shown} from {closed.old_end} to {closed.new_end}: "
            "the next build turns its pages into redirects."
        )
    else:
        click.echo(f"The campaign ended on {closed.old_end} already; its file is unchanged.")
