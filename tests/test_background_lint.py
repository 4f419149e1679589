"""The build's linter in a forked process: findings, errors and crashes come back to the build.

The whole path (``carewheel build --strict`` failing on a finding the child reported) is
tested in ``test_lint_cli.py``; the build there runs in a fresh process, which forks.
"""

from __future__ import annotations

import os
import threading

import pytest

from generator.errors import CarewheelError
from generator.lint.background import BackgroundLint, can_fork
from generator.lint.rule import Diagnostic, Severity

FINDING = Diagnostic("content/a.md", 3, 7, "AX002", "vague link text", Severity.WARNING, "vague-link-text")


def _findings() -> list[Diagnostic]:
    return [FINDING, FINDING.with_severity(Severity.ERROR)]


def _user_error() -> list[Diagnostic]:
    raise CarewheelError("intake/cardiology.yml:4:3: phone: not a phone number")


def _bug() -> list[Diagnostic]:
    raise ValueError("a bug in a rule")


def _crash() -> list[Diagnostic]:
    os._exit(3)


def test_findings_come_back_from_the_child() -> None:
    found = BackgroundLint(_findings).findings()
    assert found == _findings()
    assert [f.severity for f in found] == [Severity.WARNING, Severity.ERROR]
    assert found[0].name == "vague-link-text"


def test_a_user_error_in_the_child_is_raised_in_the_build() -> None:
    with pytest.raises(CarewheelError, match=r"intake/cardiology.yml:4:3: phone"):
        BackgroundLint(_user_error).findings()


def test_a_bug_in_the_child_is_reported_with_its_traceback() -> None:
    with pytest.raises(CarewheelError, match=r"(?s)the linter failed:.*ValueError: a bug in a rule"):
        BackgroundLint(_bug).findings()


def test_a_child_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(CarewheelError, match=r"stopped without reporting \(exit code 3\)"):
        BackgroundLint(_crash).findings()


def test_cancel_stops_the_child() -> None:
    stop = threading.Event()
    lint = BackgroundLint(lambda: [FINDING] if stop.wait(60) else [])
    lint.cancel()
    exitcode = lint._process.exitcode
    assert exitcode is not None
    assert exitcode < 0  # killed by a signal


def test_no_fork_while_threads_run() -> None:
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert not can_fork()
    finally:
        release.set()
        worker.join()


def _interrupted() -> list[Diagnostic]:
    raise KeyboardInterrupt


def test_ctrl_c_in_the_child_prints_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CarewheelError, match=r"exit code 130"):
        BackgroundLint(_interrupted).findings()
    assert "Traceback" not in capfd.readouterr().err
