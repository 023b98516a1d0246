"""Customers: adding them, naming them, seeing them; life events; offers pitched to them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.delivery.sweep import sweep
from bot.replies import Item, Reply, Tone
from nudges.model import NudgeReason, NudgeState, PitchState
from tests.integration.services.team import NOW, Team, day, later


def _titles(reply: Reply) -> list[str]:
    items: list[Item] = [item for section in reply.sections for item in section.items]
    return [item.title for item in items]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            "customer add Globex tier=gold",
            "Unknown tier 'gold': tiers are key, core, long-tail.",
        ),
        (
            "customer add Globex owner=@nobody",
            "I don't know @nobody yet: people appear here once they have talked to me (known: "
            "@maria, @bo, @mia, @sam, @sue, @otto, @nia).",
        ),
        (
            "customer add ACME corp",
            "Acme Corp already exists (owner: Sam). Change it with `customer edit Acme Corp …`.",
        ),
    ],
    ids=["unknown tier", "unknown owner", "duplicate name"],
)
def test_customer_add_says_what_was_wrong(team: Team, command: str, message: str) -> None:
    team.do("sam", "customer add Acme Corp")
    before = team.snapshot()

    reply = team.say("sam", command)

    assert (reply.tone, reply.text) == (Tone.ERROR, message)
    assert team.snapshot() == before


def test_a_name_that_matches_nothing_gets_did_you_mean_and_a_prefix_lists_the_candidates(
    team: Team,
) -> None:
    team.book("sam", ["Acme Corp", "Acme Labs", "Globex Inc"])

    typo = team.say("sam", "customer show acne corp")
    misspelt = team.say("otto", "touch globx call")
    ambiguous = team.say("mia", "health acme")

    assert typo.tone is Tone.ERROR
    assert typo.text == "No known customer matches 'acne corp'. Did you mean 'Acme Corp'?"
    assert typo.footer == "Usage: customer show <customer>"
    assert misspelt.tone is Tone.ERROR
    assert "Did you mean 'Globex Inc'?" in misspelt.text
    assert ambiguous.tone is Tone.ERROR
    assert ambiguous.text.startswith(
        "'acme' could be more than one customer: Acme Corp, Acme Labs. Type more of the name"
    )
    # The full name (unquoted, with its space) and a unique prefix both work.
    assert team.say("mia", "health acme labs").text.startswith("Acme Labs: health ")
    assert team.do("otto", "touch globex coffee").text.startswith("Logged coffee with Globex Inc")


def test_customer_list_all_shows_the_customers_in_ones_scope(team: Team) -> None:
    team.book("sam", ["Acme"])
    team.book("sue", ["Beta"])
    team.book("otto", ["Gamma"])

    def listed(user_id: str) -> list[str]:
        return [t.split(" — ")[0] for t in _titles(team.say(user_id, "customer list all"))]

    assert listed("sam") == ["Acme"]
    assert listed("otto") == ["Gamma"]
    assert listed("mia") == ["Acme", "Beta"]
    assert listed("bo") == ["Acme", "Beta"]
    assert listed("maria") == ["Acme", "Beta", "Gamma"]


def test_an_illness_holds_offers_and_celebrations_and_suggests_a_card(team: Team) -> None:
    # Both became customers a year ago the day after tomorrow, and Jane's birthday is tomorrow.
    for name in ("Acme", "Beta"):
        team.do("sam", f"customer add {name} tier=key since=2025-03-04")
        team.do("sam", f"contact add {name} Jane {name} birthday=03-03")
    team.do("maria", f"offer add Launch kind=product from={day(-1)} public={day(30)}")
    upbeat = {NudgeReason.OFFER, NudgeReason.ANNIVERSARY, NudgeReason.BIRTHDAY}

    reply = team.do("sam", "event add Jane Acme illness -- in hospital")
    sweep(team.container.deps, now=NOW)

    assert reply.text == (
        "Noted illness for Jane Acme at Acme. Upbeat nudges pause for 30 days; "
        "a card or a personal note is due."
    )
    beta = {n.reason: n.state for n in team.nudges_about("Beta")}
    acme = {n.reason: n for n in team.nudges_about("Acme")}
    assert upbeat <= set(beta)
    assert NudgeReason.OFFER not in acme
    # The anniversary and the birthday, decided before the illness, wait until the pause ends.
    for reason in (NudgeReason.ANNIVERSARY, NudgeReason.BIRTHDAY):
        assert (acme[reason].state, acme[reason].snoozed_until) == (
            NudgeState.SNOOZED,
            later(30),
        )
    card = acme[NudgeReason.LIFE_EVENT]
    assert (card.state, card.ritual) == (NudgeState.DELIVERED, "card")


def test_do_not_contact_holds_the_nudges_already_decided_until_it_is_lifted(team: Team) -> None:
    team.book("sam", ["Acme"])
    (quiet,) = team.nudges_about("Acme")
    assert quiet.state is NudgeState.OPEN

    team.do("sam", f"dnc acme until={day(30)} -- legal review")
    result = sweep(team.container.deps, now=NOW)

    assert result.deliveries == []
    assert [(n.state, n.snoozed_until) for n in team.nudges_about("Acme")] == [
        (NudgeState.SNOOZED, later(30))
    ]
    # Lifted early: the nudge is open again and goes out with Sam's next message.
    team.do("sam", "dnc acme off")
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.OPEN]
    tomorrow = NOW + timedelta(days=1)
    assert [count for _, _, count, _ in sweep(team.container.deps, now=tomorrow).deliveries] == [1]


def test_offer_pitched_records_the_pitch(team: Team) -> None:
    team.book("sam", ["Acme", "Beta"])
    team.do("mia", f"offer add Launch kind=product from={day(-1)} public={day(30)} qty=5")
    sweep(team.container.deps, now=NOW)
    assert NudgeReason.OFFER in {n.reason for n in team.nudges_about("Acme")}
    last_audit = team.last_audit_id()

    reply = team.do("sam", "offer pitched launch acme accepted")

    assert reply.text == "Launch: Acme accepted."
    with team.container.deps.uow() as uow:
        offer = uow.offers.by_title(workspace_id=team.actor("sam").workspace.id, title="Launch")
        assert offer is not None
        (pitch,) = uow.pitches.of_offer(offer.id)
    assert (pitch.customer_id, pitch.state, pitch.at) == (
        team.customer("Acme").id,
        PitchState.ACCEPTED,
        NOW,
    )
    (entry,) = team.audit(after_id=last_audit)
    assert (entry.action, entry.actor_id) == ("offer.pitch", team.actor("sam").person.id)
    shown = team.say("sam", "offer show launch")
    fields = dict(shown.sections[0].items[0].fields)
    assert fields["Pitched"] == "1 of 2"
    assert fields["Accepted"] == "1"
    assert _titles(shown)[1:] == ["1. Acme (yours) — accepted", "2. Beta (yours) — to pitch"]
