"""The grammar is documented, with examples, wherever someone looks for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, stdin: str = "", cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        cwd=cwd,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "NUDGEBOT_DATABASE_URL": f"sqlite:///{cwd}/h.db",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_nudgebot_help_documents_the_grammar_with_examples(tmp_path: Path) -> None:
    text = _run("--help", cwd=tmp_path)
    for fragment in ("touch <customer>", "customer add", "snooze", "digest", "e.g. touch acme"):
        assert fragment in text
    for command in ("run", "console", "tick", "migrate", "demo", "teams-package"):
        assert command in text


def test_console_help_documents_console_commands_and_examples(tmp_path: Path) -> None:
    text = _run("console", "--help", cwd=tmp_path)
    for fragment in (":as NAME", ":time ISO-8601", ":tick", "Examples:", "--now"):
        assert fragment in text


def test_help_inside_the_console_lists_every_command_with_examples(tmp_path: Path) -> None:
    text = _run("console", stdin=":as Maria\nhelp\nhelp snooze\n:help\n", cwd=tmp_path)
    for fragment in (
        "touch <customer>",
        "customer add",
        "offer add",
        "e.g. snooze",
        ":tick",
    ):
        assert fragment in text
