"""Fixtures: a sales team in a fresh database (SQLite and PostgreSQL, see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.integration.services.team import Team, build_team


@pytest.fixture
def new_team(database: str) -> Iterator[Callable[..., Team]]:
    """Build a team (see ``build_team`` for the options); closed after the test."""
    built: list[Team] = []

    def make(**options: object) -> Team:
        created = build_team(database, **options)  # type: ignore[arg-type]
        built.append(created)
        return created

    yield make
    for created in built:
        created.close()


@pytest.fixture
def team(new_team: Callable[..., Team]) -> Team:
    return new_team()
