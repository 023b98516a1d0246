"""What a non-editable install (the Docker image) ships: the migrations and the Teams icons
must be inside."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_migration_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["storage"]
    shipped = [
        path.relative_to(ROOT / "storage").as_posix()
        for path in (ROOT / "storage" / "migrations").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert shipped
    missing = [p for p in shipped if not any(fnmatch.fnmatch(p, pat) for pat in patterns)]
    assert missing == []


def test_the_console_script_points_at_the_cli() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["scripts"]["nudgebot"] == "bot.cli:main"


def test_the_teams_icons_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["bot"]
    shipped = [p.relative_to(ROOT / "bot").as_posix() for p in (ROOT / "bot").rglob("*.png")]
    assert sorted(shipped) == ["teams/icons_png/color.png", "teams/icons_png/outline.png"]
    assert all(any(fnmatch.fnmatch(p, pat) for pat in patterns) for p in shipped)
