"""``--config``, ``--db`` and ``-v`` work before the subcommand and after it alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import _parser

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv",
    [
        ["--config", "x.toml", "--db", "sqlite:///a.db", "-v", "run"],
        ["run", "--config", "x.toml", "--db", "sqlite:///a.db", "-v"],
        ["--config", "x.toml", "run", "-v", "--db", "sqlite:///a.db"],
    ],
)
def test_global_options_are_read_wherever_they_stand(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    assert (args.command, args.config, args.db, args.verbose) == (
        "run",
        "x.toml",
        "sqlite:///a.db",
        True,
    )


def test_an_option_left_out_after_the_subcommand_keeps_the_one_given_before() -> None:
    args = _parser().parse_args(["--config", "x.toml", "-v", "tick", "--now", "2026-01-01T00:00Z"])
    assert (args.config, args.verbose, args.db, args.now) == (
        "x.toml",
        True,
        None,
        "2026-01-01T00:00Z",
    )
    plain = _parser().parse_args(["migrate"])
    assert (plain.config, plain.db, plain.verbose) == (None, None, False)


def test_every_subcommand_accepts_the_global_options_after_it() -> None:
    for command in ("migrate", "run", "console", "tick", "demo", "check-config"):
        args = _parser().parse_args([command, "--config", "c.toml", "--db", "sqlite:///d.db"])
        assert (args.config, args.db) == ("c.toml", "sqlite:///d.db")


def test_run_with_the_config_after_the_subcommand_reads_that_file(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text(
        '[tiers]\nnames = ["gold", "silver"]\n[cadence.tier]\n'
        "gold = { ideal_days = 7, max_days = 14 }\n"
        "silver = { ideal_days = 30, max_days = 60 }\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "check-config",
            "--config",
            str(config),
            "--db",
            f"sqlite:///{tmp_path}/g.db",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Configuration: {config}" in done.stdout
    assert "Tiers: gold, silver" in done.stdout
    assert f"{tmp_path}/g.db" in done.stdout
