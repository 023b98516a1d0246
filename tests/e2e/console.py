"""Running a scripted console session: the script piped into `nudgebot console` on a fresh
SQLite file, with no chat credentials in the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_console(script: Path, workdir: Path, *, config: str = "", timeout: float = 240) -> str:
    """What the console printed for ``script`` (it must end cleanly)."""
    (workdir / "config.toml").write_text(config)
    env = {
        **os.environ,
        "NUDGEBOT_DATABASE_URL": f"sqlite:///{workdir / 'fresh.db'}",
        "PYTHONPATH": str(ROOT),
    }
    for secret in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "TEAMS_APP_ID"):
        env.pop(secret, None)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=script.read_text(),
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
