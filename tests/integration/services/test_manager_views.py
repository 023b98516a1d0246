"""Managers see their team: `nudges @sam`, `quiet @sam`, `health @sam` (a manager of Sam, their
manager, and admins), and a manager's own `quiet` covers the team."""

from __future__ import annotations

import pytest

from bot.replies import Reply, Tone
from tests.integration.services.team import Team, day


def _titles(reply: Reply) -> list[str]:
    return [item.title for section in reply.sections for item in section.items]


@pytest.mark.parametrize("viewer", ["mia", "bo", "maria"])  # manager, their manager, admin
def test_a_manager_sees_a_reports_nudges_quiet_list_and_health(team: Team, viewer: str) -> None:
    team.book("sam", ["Acme", "Beta"])
    team.book("sue", ["Sues Own"])

    nudges = team.do(viewer, "nudges @sam")
    quiet = team.do(viewer, "quiet @sam")
    health = team.do(viewer, "health @sam")

    assert nudges.text == "Sam has 2 open nudges"
    assert sorted(t.split(" — ")[0] for t in _titles(nudges)) == ["Acme", "Beta"]
    assert quiet.text == "Sam: 2 quiet relationships (0 red), most overdue first"
    assert sorted(t.split(" — ")[0] for t in _titles(quiet)) == ["Acme", "Beta"]
    assert health.text.startswith("Sam's book: 2 customers, health ")
    assert {t.split(" — ")[0] for t in _titles(health)} >= {"Acme", "Beta"}


@pytest.mark.parametrize("viewer", ["sue", "otto"])  # a peer, an outsider
def test_someone_outside_the_line_of_management_is_refused(team: Team, viewer: str) -> None:
    team.book("sam", ["Acme"])
    for command in ("nudges @sam", "quiet @sam", "health @sam"):
        reply = team.say(viewer, command)
        assert reply.tone is Tone.ERROR, command
        assert reply.text.startswith("Sam is not in your team"), reply.text


def test_a_managers_own_quiet_covers_the_team(team: Team) -> None:
    team.book("sam", ["Acme"], quiet_days=40)  # red
    team.book("sue", ["Beta"])
    team.book("mia", ["Mias Own"])
    team.book("otto", ["Elsewhere"])

    reply = team.do("mia", "quiet")

    assert reply.text == "Your team: 3 quiet relationships (1 red), most overdue first"
    assert _titles(reply) == [
        "Acme — red (Sam)",
        "Beta — amber (Sue)",
        "Mias Own — amber (yours)",
    ]
    # A salesperson's own quiet is their own book.
    assert team.do("sam", "quiet").text == "1 quiet relationship (1 red), most overdue first"


def test_the_quiet_list_misses_no_quiet_customer_of_a_varied_book(team: Team) -> None:
    """Only customers untouched for their tier's ideal cadence are read: none may be missed."""
    for name, options, touched in (
        ("Key Fresh", "tier=key", 13),
        ("Key Amber", "tier=key", 15),
        ("Core Fresh", "tier=core", 20),
        ("Core Amber", "tier=core", 31),
        ("Tail Fresh", "tier=long-tail", 80),
        ("Tail Amber", "tier=long-tail", 95),
        ("Own Cadence", "tier=long-tail cadence=3/5", 6),
        ("Partner", "tier=core kind=partner", 40),
    ):
        team.do("sam", f"customer add {name} {options} since=2020-01-01")
        team.do("sam", f"touch {name.lower()} call on={day(-touched)}")
    team.do("sam", "customer add Never Touched tier=key")  # customer since today: green
    team.do("sam", f"customer add Long Ago tier=key last={day(-40)}")  # touched long ago: red

    shown = team.do("mia", "quiet")

    assert sorted(t.split(" — ")[0] for t in _titles(shown)) == [
        "Core Amber",
        "Key Amber",
        "Long Ago",
        "Own Cadence",
        "Partner",
        "Tail Amber",
    ]
