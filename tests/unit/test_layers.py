"""The shell keeps its shape: imports point inwards, storage keeps its sessions, modules stay
small."""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("bot", "nudges", "storage")


def _modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_delivery_does_not_import_the_composition_root() -> None:
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in _modules("bot/delivery")
        if any(m == "bot.bootstrap" or m.startswith("bot.bootstrap.") for m in _imports(p))
    ]
    assert offenders == []


def test_the_shell_reaches_the_database_only_through_repositories() -> None:
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in _modules("bot")
        if "uow.session" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_no_module_is_over_400_lines_and_the_median_is_under_120() -> None:
    sizes = {
        p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in _modules(*SHIPPED)
        if "migrations" not in p.parts
    }
    assert {name: size for name, size in sizes.items() if size > 400} == {}
    assert statistics.median(sizes.values()) < 120


def test_sqlalchemy_is_imported_in_the_shell_only_where_named() -> None:
    importing = {
        p.relative_to(ROOT).as_posix()
        for p in _modules("bot")
        if any(m == "sqlalchemy" or m.startswith("sqlalchemy.") for m in _imports(p))
    }
    named = {
        "bot/demo/generate.py",  # the demo book is bulk-written table by table
    }
    assert importing <= named
