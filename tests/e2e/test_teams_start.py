"""`nudgebot run` with a Teams set-up that cannot work or is unsafe stops at once, naming what
to change; `check-config` says which registration the credentials describe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("TEAMS_", "SLACK_"))}


def nudgebot(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env={**CLEAN_ENV, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            '[teams]\nenabled = true\nallow_anonymous = true\n[server]\nhost = "0.0.0.0"\n',
            "allow_anonymous = true accepts Teams requests without a token",
        ),
        ("[teams]\nenabled = true\n", "TEAMS_APP_ID and TEAMS_APP_PASSWORD are not set"),
    ],
)
def test_run_refuses_a_teams_set_up_that_cannot_work(
    tmp_path: Path, toml: str, expected: str
) -> None:
    (tmp_path / "config.toml").write_text(toml)
    done = nudgebot(tmp_path, "run")
    assert done.returncode == 2, done.stderr
    assert "Configuration error" in done.stderr
    assert expected in done.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"TEAMS_APP_ID": "x", "TEAMS_APP_PASSWORD": "s3cr3t-value"},
            "multi-tenant (no TEAMS_TENANT_ID",
        ),
        (
            {"TEAMS_APP_ID": "x", "TEAMS_APP_PASSWORD": "s3cr3t-value", "TEAMS_TENANT_ID": "z"},
            "single-tenant",
        ),
    ],
)
def test_check_config_names_the_teams_registration(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    done = nudgebot(tmp_path, "check-config", env=env)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert "s3cr3t-value" not in done.stdout
