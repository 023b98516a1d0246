"""Leaving the console while the first sweep runs: the sweep is let finish (or stops between
batches), the scheduler stops cleanly, and nothing like a ``CancelledError`` traceback shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SWEEP_RUNNING = 'Running job "build_scheduler.<locals>.run_sweep'


def nudgebot(*args: str, cwd: Path, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        **popen,  # type: ignore[call-overload]
    )


def test_quitting_during_the_first_sweep_leaves_cleanly(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/book.db"
    demo = nudgebot(
        "demo",
        "--customers",
        "1000",
        "--db",
        db,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, err = demo.communicate(timeout=300)
    assert demo.returncode == 0, err

    run = nudgebot(
        "run",
        "--db",
        db,
        "-v",
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdin is not None and run.stderr is not None
    seen: list[str] = []
    while not any(SWEEP_RUNNING in line for line in seen):
        line = run.stderr.readline()
        assert line, "".join(seen[-20:])  # the process ended before its first sweep
        seen.append(line)
    _, err = run.communicate(":quit\n", timeout=120)
    logged = "".join(seen) + err

    assert run.returncode == 0, logged[-3000:]
    assert "Traceback" not in logged
    assert "CancelledError" not in logged
    assert "raised an exception" not in logged
    assert "Scheduler has been shut down" in logged
