"""Whom a manager leads: everyone under them, level by level, read in a few statements; a
cycle in the hierarchy (a data mistake) counts each person once and ends the walk."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from nudges.model import Person, Platform
from storage import SqlUnitOfWork, make_session_factory

pytestmark = pytest.mark.db

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _slow_reports(managers: dict[int, int | None], manager_id: int) -> list[int]:
    """The definition: each level is everyone whose manager is on the level before, in id
    order, without the manager and without anyone already found."""
    found: list[int] = []
    seen = {manager_id}
    level = [manager_id]
    while level:
        level = sorted(p for p, m in managers.items() if m in level and p not in seen)
        seen.update(level)
        found.extend(level)
    return found


def _hierarchy(engine: Engine) -> tuple[dict[int, int | None], dict[str, int]]:
    """48 people added in a shuffled order (ids do not follow the levels): a head over four
    managers over leads over sellers, the head reporting to someone of their own team,
    someone managing themselves (with a report), and a pair reporting to each other."""
    names = [f"p{n:02d}" for n in range(48)]
    random.Random(4).shuffle(names)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        workspace = uow.workspaces.add(
            platform=Platform.CONSOLE,
            external_id="console",
            name="Console",
            timezone="UTC",
            holiday_country=None,
            now=NOW,
        )
        people = {
            name: uow.people.add(
                Person(
                    id=0,
                    workspace_id=workspace.id,
                    platform_user_id=name,
                    display_name=name,
                    timezone="UTC",
                ),
                now=NOW,
            )
            for name in names
        }
        ids = {name: p.id for name, p in people.items()}
        boss: dict[str, str] = {"p00": "p47"}  # the head, under someone of their own team
        for n in range(1, 44):
            boss[f"p{n:02d}"] = (
                "p00"
                if n < 5
                else f"p{(n - 5) % 4 + 1:02d}"
                if n < 17
                else f"p{(n - 17) // 2 + 5:02d}"
            )
        boss["p43"] = boss["p44"] = "p44"  # someone managing themselves, and a report of theirs
        boss["p45"], boss["p46"] = "p46", "p45"  # a pair reporting to each other
        boss["p47"] = "p20"  # a seller's report leads the head: a cycle through the head
        for name, person in people.items():
            uow.people.update(replace(person, manager_id=ids[boss[name]] if name in boss else None))
        uow.commit()
    managers: dict[int, int | None] = {ids[name]: ids.get(boss.get(name, "")) for name in names}
    return managers, ids


def test_everyone_under_a_manager_is_found_level_by_level_whatever_the_cycles(engine: Engine):
    managers, ids = _hierarchy(engine)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        for name in ("p00", "p01", "p03", "p05", "p20", "p44", "p45", "p47"):
            expected = _slow_reports(managers, ids[name])
            found = uow.people.reports_of(ids[name])
            assert [p.id for p in found] == expected, name
            assert uow.people.report_ids(ids[name]) == expected, name
            assert sorted(found, key=lambda p: p.id) == sorted(
                uow.people.get_many(expected), key=lambda p: p.id
            ), name
    head = _slow_reports(managers, ids["p00"])
    assert len(head) == 43 and ids["p47"] in head and ids["p00"] not in head
    assert _slow_reports(managers, ids["p44"]) == [ids["p43"]]
    assert _slow_reports(managers, ids["p45"]) == [ids["p46"]]


def test_someone_nobody_reports_to_has_no_reports(engine: Engine):
    _, ids = _hierarchy(engine)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        assert uow.people.reports_of(ids["p30"]) == []
        assert uow.people.report_ids(ids["p30"]) == []


def test_every_team_from_one_read_is_each_managers_reports(engine: Engine):
    _, ids = _hierarchy(engine)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        everyone = sorted(ids.values())
        teams = uow.people.teams(everyone)
        assert teams == {pid: uow.people.reports_of(pid) for pid in everyone}
        assert len(teams[ids["p00"]]) == 43
