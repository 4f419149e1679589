"""Shared helpers for benchmark scripts: timing whole commands side by side.

Commands of one comparison run alternately (A, B, A, B, ...) after a warm-up each, so a
noisy machine slows both alike; results are medians. Peak memory is each process's own
maximum resident set size, read with ``os.wait4``.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Timing:
    """Wall times (s) and peak RSS (MiB) of repeated runs of one command."""

    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peak_mib)


def run_once(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, ok_codes: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS MiB). Fails loudly on another exit code."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in ok_codes:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-3000:]
            raise SystemExit(f"{' '.join(args)} failed in {cwd} (exit {process.returncode}):\n{tail}")
    return elapsed, usage.ru_maxrss / 1024


def compare(
    commands: dict[str, tuple[list[str], Path]],
    runs: int,
    env: dict[str, str] | None = None,
    ok_codes: dict[str, tuple[int, ...]] | None = None,
) -> dict[str, Timing]:
    """Time every command ``runs`` times, alternating, after one warm-up each. A command's
    exit code must be 0 unless ``ok_codes`` allows others for it."""
    timings = {name: Timing(name) for name in commands}
    allowed = ok_codes or {}
    for name, (args, cwd) in commands.items():
        print(f"  warm-up: {name}", flush=True)
        run_once(args, cwd, env, allowed.get(name, (0,)))
    for i in range(runs):
        for name, (args, cwd) in commands.items():
            seconds, peak = run_once(args, cwd, env, allowed.get(name, (0,)))
            timings[name].seconds.append(seconds)
            timings[name].peak_mib.append(peak)
            print(f"  run {i + 1}/{runs}: {name}: {seconds:.2f} s, {peak:.0f} MiB", flush=True)
    return timings


def machine() -> str:
    """One line describing this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, {interpreter()}, {platform.system()}; code {code_version()}"


INTERPRETER = (
    "import os, platform, sys; "
    "maps = open('/proc/self/maps').read() if os.path.exists('/proc/self/maps') else ''; "
    "linked = ', libpython shared' if 'libpython' in maps else ', libpython static' if maps else ''; "
    "print(f'{platform.python_implementation()} {platform.python_version()} "
    "({os.path.realpath(sys._base_executable)}{linked})')"
)
"""Prints what an interpreter is: version, executable and (on Linux) whether it runs on a
shared libpython. A shared one, as pyenv builds by default, runs Python code slower than
Debian's statically linked, PGO-built interpreter."""


def interpreter(python: str | None = None) -> str:
    """A description of ``python`` (default: the one running the benchmark)."""
    command = [python or sys.executable, "-c", INTERPRETER]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def publish(report: str, output: Path, title: str, script: str) -> None:
    """Print ``report`` and append it to ``output`` (created with a ``# title`` heading)."""
    print(report)
    if not output.exists():
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(f"# {title}\n\nAppended by `benchmarks/{script}`.\n", "utf-8")
    with output.open("a", encoding="utf-8") as handle:
        handle.write(report if report.endswith("\n") else report + "\n")


def compile_sources() -> None:
    """Write carewheel's bytecode (``__pycache__``), as installing a package does, so no timed
    run compiles it (the anchors' installed packages ship theirs). An editable install only
    writes it on first import, and never where ``PYTHONDONTWRITEBYTECODE`` is set."""
    import compileall

    compileall.compile_dir(ROOT / "generator", quiet=1)


def code_version() -> str:
    """The commit benchmarked (``-dirty`` with uncommitted changes), or ``unknown``."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def fresh(folder: Path) -> Path:
    """An empty folder (removed first if it exists)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder
