"""A database URL that cannot work ends the command with one clear line naming
``[database] url`` / ``NUDGEBOT_DATABASE_URL`` and the reason: no traceback, no password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(url: str, cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NUDGEBOT_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *(command or ("tick", "--dry-run"))],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _refused(done: subprocess.CompletedProcess[str], *reasons: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert "[database] url" in line and "NUDGEBOT_DATABASE_URL" in line
    assert any(reason in line for reason in reasons), line
    return line


@pytest.mark.parametrize(
    ("url", "reasons"),
    [
        ("mysql://bot@db.example/nudgebot", ("mysql is not supported",)),
        (
            "sqlite:////nonexistent/nudgebot/x.db",
            ("directory /nonexistent/nudgebot does not exist",),
        ),
        ("postgresql://postgres:s3cret@127.0.0.1:1/test", ("refused",)),
        ("postgresql://postgres@no-such-host.invalid/test", ("unknown host", "resolve")),
        ("postgresql://postgres@127.0.0.1:5432/no_such_database_here", ("does not exist",)),
    ],
)
def test_a_database_that_cannot_work_is_one_clear_line(
    url: str, reasons: tuple[str, ...], tmp_path: Path
) -> None:
    line = _refused(_run(url, tmp_path), *reasons)
    assert "s3cret" not in line


def test_sqlite_in_a_read_only_directory_says_so(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere: no read-only directory to test with")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        _refused(_run(f"sqlite:///{locked}/x.db", tmp_path), "not writable")
    finally:
        locked.chmod(0o755)


def test_a_read_only_sqlite_file_says_so(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere: no read-only file to test with")
    path = tmp_path / "x.db"
    path.write_bytes(b"")
    path.chmod(0o444)
    _refused(_run(f"sqlite:///{path}", tmp_path), "read-only")
