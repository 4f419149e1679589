"""The one exception tree of carewheel.

::

    CarewheelError               base; never raised directly
    ├── SourceError              one problem in a user's file: "path:line:col: field: message"
    ├── SourceErrors             every SourceError of a run, raised once after all were collected
    └── UsageError               a command was called wrongly (unknown slug, file exists, ...)

Core code raises these and never prints. ``cli.py`` turns them into messages and exit
code 1; ``plugin.py`` logs each one and aborts the MkDocs build once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class CarewheelError(Exception):
    """Base class of every error carewheel raises on purpose."""


class SourceError(CarewheelError):
    """A user's file is wrong. ``str()`` is ``path:line:col: field: message``."""

    def __init__(
        self, path: str | Path, message: str, *, line: int = 1, col: int = 1, field: str = ""
    ) -> None:
        self.path = str(path)
        self.line = line
        self.col = col
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        """Errors are reported by file, then position."""
        return (self.path, self.line, self.col, self.message)


class SourceErrors(CarewheelError):
    """Several ``SourceError``s, collected over a whole run and reported together."""

    def __init__(self, errors: Iterable[SourceError]) -> None:
        unique = {(e.sort_key, e.field): e for e in errors}
        self.errors = sorted(unique.values(), key=lambda e: e.sort_key)
        files = len({e.path for e in self.errors})
        noun = "error" if len(self.errors) == 1 else "errors"
        where = "file" if files == 1 else "files"
        super().__init__(f"{len(self.errors)} {noun} in {files} {where}")


class UsageError(CarewheelError):
    """A command was asked for something impossible (unknown service line, file exists)."""


class ErrorCollector:
    """Collects ``SourceError``s so one run can report all of them, then raise once."""

    def __init__(self) -> None:
        self.errors: list[SourceError] = []

    def add(self, error: SourceError | SourceErrors) -> None:
        """Record one error, or every error of a ``SourceErrors``."""
        if isinstance(error, SourceErrors):
            self.errors.extend(error.errors)
        else:
            self.errors.append(error)

    def extend(self, errors: Iterable[SourceError]) -> None:
        """Record several errors."""
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        """Raise ``SourceErrors`` if anything was collected."""
        if self.errors:
            raise SourceErrors(self.errors)
