"""Configuration mistakes stop the command line with a message that names the problem."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[workspace]\ntimezon = "UTC"\n', "unknown key 'timezon' in [workspace] (did you mean"),
        ('[workspace]\ntimezone = "Mars/Olympus"\n', "an IANA time zone name"),
        ('[slack]\nbot_token = "xoxb-1-2"\n', "set the environment variable SLACK_BOT_TOKEN"),
    ],
)
def test_a_bad_config_file_stops_every_command_with_a_clear_message(
    tmp_path: Path, toml: str, expected: str
) -> None:
    (tmp_path / "config.toml").write_text(toml)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check-config"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Configuration error" in done.stderr
    assert expected in done.stderr
    assert "xoxb-1-2" not in done.stderr  # a secret is never echoed back
