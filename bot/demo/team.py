"""The sales organisation of a demo book: a head of sales, managers with about eight
salespeople each, in regional teams on several continents."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.demo.vocabulary import REGIONS, Region, person_name
from nudges.model import Person

TEAM_SIZE = 8  # salespeople per manager


@dataclass(frozen=True, slots=True)
class Team:
    head: Person
    managers: tuple[Person, ...]
    salespeople: tuple[Person, ...]
    region_of: dict[int, Region]  # person id -> their office
    teammates: dict[int, tuple[int, ...]]  # salesperson id -> the other salespeople of the team

    @property
    def everyone(self) -> tuple[Person, ...]:
        return (self.head, *self.managers, *self.salespeople)


def console_user_id(name: str) -> str:
    """The id the console gives a person it knows by name (``:as Maria Lopez``)."""
    return re.sub(r"\s+", ".", name.casefold())


def build_team(
    rng: random.Random,
    *,
    workspace_id: int,
    owners: int,
    first_id: int,
    first_name: int,
    today: date,
) -> Team:
    """``owners`` salespeople, ``ceil(owners / TEAM_SIZE)`` managers and one head of sales, with
    ids from ``first_id`` and names from the ``first_name``-th on (both distinct from any
    earlier demo in the same database)."""
    next_id = first_id
    next_name = first_name
    region_of: dict[int, Region] = {}

    def person(region: Region, manager_id: int | None, *, admin: bool = False) -> Person:
        nonlocal next_id, next_name
        name = person_name(next_name)
        made = Person(
            id=next_id,
            workspace_id=workspace_id,
            platform_user_id=console_user_id(name),
            display_name=name,
            timezone=region.timezone,
            delivery_hour=rng.choice((8, 9, 9, 9, 10)),
            holiday_country=region.country,
            manager_id=manager_id,
            is_admin=admin,
            email=console_user_id(name).replace(".", "_") + "@example.com",
        )
        region_of[made.id] = region
        next_id += 1
        next_name += 1
        return made

    head = person(REGIONS[0], None, admin=True)
    team_count = max(1, -(-owners // TEAM_SIZE))
    managers = [person(REGIONS[t % len(REGIONS)], head.id) for t in range(team_count)]
    salespeople: list[Person] = []
    teams: list[list[int]] = [[] for _ in managers]
    for s in range(owners):
        t = s % team_count
        region = region_of[managers[t].id]
        if rng.random() < 0.2:  # some sit in another office than their manager
            region = rng.choice(REGIONS)
        made = person(region, managers[t].id)
        salespeople.append(made)
        teams[t].append(made.id)
    teammates = {
        pid: tuple(other for other in members if other != pid)
        for members in teams
        for pid in members
    }
    if len(salespeople) >= 5:  # one salesperson is on holiday, covered by a teammate
        away = salespeople[len(salespeople) // 2]
        cover = teammates[away.id][0] if teammates[away.id] else head.id
        salespeople[len(salespeople) // 2] = replace(
            away, ooo_until=today + timedelta(days=rng.randint(3, 10)), cover_id=cover
        )
    return Team(head, tuple(managers), tuple(salespeople), region_of, teammates)
