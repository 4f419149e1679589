"""Lint on a second core while MkDocs renders: the linter runs in a forked process.

``mkdocs build`` renders pages one after another on one core; the linter only reads the site
that ``on_config`` already loaded. A forked child shares that site without copying or
re-reading it, lints it, and sends its findings back through a pipe; the build logs them before
it decides whether ``--strict`` fails. Where ``fork`` is unsafe or missing (macOS, Windows) and
in a process that runs threads (``serve``, a test runner), the linter runs in the build's own
process instead.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from generator.errors import CarewheelError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")


def can_fork() -> bool:
    """Forking is safe on Linux in a process that has not started threads (a test runner's
    worker or ``serve`` has; they lint in their own process)."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


class BackgroundLint(Generic[T]):
    """A lint job run in a forked child; ``findings()`` waits for its result."""

    def __init__(self, job: Callable[[], T]) -> None:
        import multiprocessing  # here, not at start-up: 20 ms that a run without a fork never needs

        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(job, sender), name="carewheel-lint")
        self._process.start()
        sender.close()

    def findings(self) -> T:
        """The child's result; its error, if it had one, raised here as ``CarewheelError``."""
        try:
            kind, payload = self._receiver.recv()
        except EOFError:
            self._process.join()
            raise CarewheelError(
                f"the linter stopped without reporting (exit code {self._process.exitcode})"
            ) from None
        finally:
            self._receiver.close()
        self._process.join()
        if kind == "error":
            raise CarewheelError(str(payload))
        result: T = payload
        return result

    def cancel(self) -> None:
        """Stop the child (the build failed; nobody will read its findings)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receiver.close()


def _child(job: Callable[[], Any], sender: Connection) -> None:
    """In the forked process: run the job, send ("ok", findings) or ("error", message)."""
    message: tuple[str, Any]
    try:
        message = ("ok", job())
    except CarewheelError as exc:
        message = ("error", str(exc))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the parent reports it
        os._exit(130)
    except Exception:  # a bug: the parent reports it with the child's traceback
        message = ("error", "the linter failed:\n" + traceback.format_exc())
    try:
        sender.send(message)
        sender.close()
    except OSError:  # the parent is gone: nobody to tell
        os._exit(1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no interpreter teardown: the parent owns every file and handler
