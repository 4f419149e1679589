"""What every command module shares: help options, ``--config-file``, and the one way a
carewheel error becomes output and exit code 1 (never a traceback)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.errors import CarewheelError, SourceError, SourceErrors

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
"""``-h`` as well as ``--help``, for ``carewheel`` and for a command run on its own."""

config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The project's mkdocs.yml (default: found in this folder or above).",
)


def _reporting(
    line: Callable[[SourceError], str], summary: Callable[[SourceErrors], str]
) -> Callable[[F], F]:
    """A decorator printing each ``SourceError`` as ``line(error)``, then ``summary``, or
    ``Error: ...`` for any other carewheel error; either way exit 1."""

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except (SourceErrors, SourceError) as exc:
                errors = exc if isinstance(exc, SourceErrors) else SourceErrors([exc])
                for error in errors.errors:
                    click.echo(line(error), err=True)
                click.secho(summary(errors), fg="red", err=True)
                sys.exit(1)
            except CarewheelError as exc:
                click.secho(f"Error: {exc}", fg="red", err=True)
                sys.exit(1)

        return wrapper  # type: ignore[return-value]

    return decorate


reports_errors = _reporting(str, lambda errors: f"Found {errors}. Nothing was written.")
"""Source files: ``path:line:col: field: message`` per error."""

reports_row_errors = _reporting(
    lambda e: f"{e.path}:{e.line}: {e.field + ': ' if e.field else ''}{e.message}",
    lambda errors: "Nothing was written.",
)
"""Data exports (CSV, SQLite), whose problems are whole rows: ``path:line: message``."""
