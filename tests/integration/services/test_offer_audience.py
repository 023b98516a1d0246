"""An offer reaches the right people and says so consistently: who is nudged, what `offer show`
lists and what digests count are the same customers."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.sweep import sweep
from bot.replies import Reply
from nudges.model import NudgeReason, NudgeState
from tests.integration.services.team import NOW, Team, day


def _offer_nudged(team: Team, names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if any(
            n.reason is NudgeReason.OFFER and n.state is not NudgeState.EXPIRED
            for n in team.nudges_about(name)
        )
    ]


def _book(team: Team) -> None:
    """Sam's relationships, touched last week (so only offers are due), worth different
    amounts; Pinnacle is a partner worth the most, Supplyco a supplier, Hq internal."""
    for name, value, kind in (
        ("Pinnacle", "2m", "partner"),
        ("Acme", "500k", "customer"),
        ("Beta", "300k", "customer"),
        ("Gamma", "100k", "customer"),
        ("Delta", "50k", "customer"),
        ("Supplyco", "900k", "supplier"),
        ("Hq", "800k", "internal"),
    ):
        team.do("sam", f"customer add {name} tier=key value={value} kind={kind} since=2020-01-01")
        team.do("sam", f"touch {name.lower()} call on={day(-5)}")


NAMES = ["Pinnacle", "Acme", "Beta", "Gamma", "Delta", "Supplyco", "Hq"]


def test_a_product_offer_reaches_paying_customers_only_unless_kinds_widens_it(
    team: Team,
) -> None:
    _book(team)
    team.do("mia", f"offer add Launch kind=product from={day(-1)} public={day(30)}")
    team.do(
        "mia",
        f"offer add Partner Launch kind=product from={day(-1)} public={day(30)} "
        "kinds=customer,partner",
    )

    sweep(team.container.deps, now=NOW)

    offers = {
        name: sorted(
            dict(n.facts)["offer"]
            for n in team.nudges_about(name)
            if n.reason is NudgeReason.OFFER and n.state is not NudgeState.EXPIRED
        )
        for name in NAMES
    }
    assert offers == {
        "Pinnacle": ["Partner Launch"],
        "Acme": ["Launch", "Partner Launch"],
        "Beta": ["Launch", "Partner Launch"],
        "Gamma": ["Launch", "Partner Launch"],
        "Delta": ["Launch", "Partner Launch"],
        "Supplyco": [],
        "Hq": [],
    }


def test_offer_show_lists_exactly_who_it_reaches_best_first_each_counted_once(
    team: Team,
) -> None:
    _book(team)
    team.do("mia", f"offer add Launch kind=product from={day(-1)} public={day(30)} qty=2")
    sweep(team.container.deps, now=NOW)
    assert _offer_nudged(team, NAMES) == ["Acme", "Beta"]

    team.do("sam", "offer pitched launch beta declined")  # frees its unit for the next best
    sweep(team.container.deps, now=NOW)
    shown = team.do("mia", "offer show launch")

    assert _offer_nudged(team, NAMES) == ["Acme", "Gamma"]
    (audience,) = [s for s in shown.sections if s.heading == "Reaches, best first"]
    assert [i.title for i in audience.items] == [
        "1. Acme (Sam) — to pitch",
        "2. Beta (Sam) — declined",
        "3. Gamma (Sam) — to pitch",
    ]
    fields = dict(shown.sections[0].items[0].fields)
    assert fields["For"] == "paying customers"
    assert fields["Eligible"] == "4 customers"
    assert fields["Pitched"] == "1 of 3"
    assert (fields["Declined"], fields["To pitch"]) == ("1", "2")
    assert "Accepted" not in fields


def _coverage(reply: Reply) -> str:
    (sam,) = [i for s in reply.sections for i in s.items if i.title == "Sam"]
    return dict(sam.fields)["Offer pitch coverage"]


def test_pitch_coverage_in_a_digest_counts_only_who_the_offer_reaches(team: Team) -> None:
    _book(team)
    assert _coverage(team.do("mia", "digest @sam")) == "no live offer to pitch"
    team.do("mia", f"offer add Launch kind=product from={day(-1)} public={day(30)} qty=1")
    sweep(team.container.deps, now=NOW)

    assert _coverage(team.do("mia", "digest @sam")) == "0% of 1 pitch"
    team.do("sam", "offer pitched launch acme accepted")
    assert _coverage(team.do("mia", "digest @sam")) == "100% of 1 pitch"


def test_a_customer_pushed_past_the_end_of_a_limited_offer_loses_its_nudge(team: Team) -> None:
    """Deciding a limited offer reads only whom it can reach, and those holding a live nudge
    about it: one that a better customer pushes out of the line is not left with it."""
    _book(team)
    team.do("mia", f"offer add Launch kind=product from={day(-1)} public={day(30)} qty=2")
    sweep(team.container.deps, now=NOW)
    assert _offer_nudged(team, NAMES) == ["Acme", "Beta"]

    team.do("sam", "customer add Zeta tier=key value=5m kind=customer since=2020-01-01")
    team.do("sam", f"touch zeta call on={day(-5)}")
    later = NOW + timedelta(hours=7)  # the offer is decided again (pitches, new customers)
    team.clock.set(later)
    sweep(team.container.deps, now=later)

    assert _offer_nudged(team, [*NAMES, "Zeta"]) == ["Acme", "Zeta"]
    (beta,) = [n for n in team.nudges_about("Beta") if n.reason is NudgeReason.OFFER]
    assert beta.state is NudgeState.EXPIRED
