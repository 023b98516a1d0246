"""Every package the shipped code imports is declared, and pinned; nothing declared goes unused."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("bot", "nudges", "storage")


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match is not None, requirement
    return match.group(0).lower().replace("_", "-")


def _declared() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_name(r): r for r in project["dependencies"]}


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for package in SHIPPED:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in SHIPPED}


def test_every_third_party_import_of_the_shipped_code_is_a_declared_dependency() -> None:
    declared = _declared()
    distributions = packages_distributions()
    undeclared = {}
    for module in sorted(_imported_top_levels()):
        names = {_name(d) for d in distributions.get(module, [module])}
        if not names & set(declared):
            undeclared[module] = sorted(names)
    assert undeclared == {}


def test_every_declared_dependency_is_pinned_in_the_constraints() -> None:
    pinned = {
        _name(line)
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert wanted - pinned == set()


def test_sqlmodel_is_capped_below_its_next_minor_and_sqlalchemy_has_no_unused_extra() -> None:
    declared = _declared()
    assert "<0.1" in declared["sqlmodel"]
    assert "[" not in declared["sqlalchemy"]  # no asyncio extra: nothing uses the async engine
    assert "pyjwt" in declared  # bot.teams.auth imports jwt directly
