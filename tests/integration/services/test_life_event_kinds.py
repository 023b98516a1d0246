"""The life-event kinds the docs promise are accepted, any other is refused with the list, and
an event that can only have happened is refused when dated in the future. On both databases."""

from __future__ import annotations

from datetime import timedelta

from bot.replies import Tone
from tests.integration.services.team import TODAY, Team


def test_a_funeral_is_a_sensitive_event_and_pauses_upbeat_nudges(team: Team) -> None:
    team.book("sam", ["Acme"])
    reply = team.do("sam", f"event add acme funeral {(TODAY - timedelta(days=1)).isoformat()}")
    assert reply.tone is Tone.SUCCESS
    assert reply.text.startswith("Noted funeral for Acme. Upbeat nudges pause for 30 days")


def test_an_illness_dated_in_the_future_is_refused_and_nothing_is_written(team: Team) -> None:
    team.book("sam", ["Acme"])
    ahead = TODAY + timedelta(days=10)
    reply = team.say("sam", f"event add acme illness {ahead.isoformat()}")
    assert reply.tone is Tone.ERROR
    assert reply.text.endswith("is in the future: note the illness once it has happened.")
    with team.container.deps.uow() as uow:
        assert uow.life_events.of_customers([team.customer("Acme").id]) == []
    # A happy event may lie ahead.
    assert team.do("sam", f"event add acme wedding {ahead.isoformat()}").tone is Tone.SUCCESS


def test_an_unknown_kind_is_refused_with_the_configured_ones(team: Team) -> None:
    team.book("sam", ["Acme"])
    reply = team.say("sam", "event add acme ilness")
    assert reply.tone is Tone.ERROR
    assert "Unknown life event 'ilness': use one of" in reply.text
    assert "funeral" in reply.text and "bereavement" in reply.text
