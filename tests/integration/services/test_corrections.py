"""Mistakes can be fixed: contacts, dates and life events corrected or removed, archived
customers brought back; and the history can be read."""

from __future__ import annotations

from datetime import date, timedelta

from bot.replies import Item, Reply, Tone
from bot.services.wording import long_date
from nudges.model import NudgeReason, NudgeState
from tests.integration.services.team import NOW, Team, day


def _items(reply: Reply) -> list[Item]:
    return [item for section in reply.sections for item in section.items]


def _titles(reply: Reply, heading: str | None = None) -> list[str]:
    return [
        item.title
        for section in reply.sections
        if heading is None or section.heading == heading
        for item in section.items
    ]


def _contacts(team: Team, customer: str) -> list[tuple[str, str | None, str | None]]:
    customer_id = team.customer(customer).id
    with team.container.deps.uow() as uow:
        return [(c.name, c.role, c.email) for c in uow.contacts.of_customers([customer_id])]


def test_contact_edit_corrects_a_contact_found_by_the_start_of_the_name(team: Team) -> None:
    team.do("sam", "customer add Contoso tier=key")
    team.do("sam", "contact add contoso Claire Dubois role=Buyer")
    team.do("sam", "contact add contoso Jane Doe birthday=1975-10-02")

    reply = team.do(
        "sam", "contact edit contoso claire role=VP Procurement email=claire@contoso.example"
    )

    assert reply.text == (
        "Updated Claire Dubois at Contoso: role now VP Procurement; email now "
        "claire@contoso.example."
    )
    assert _contacts(team, "Contoso") == [
        ("Claire Dubois", "VP Procurement", "claire@contoso.example"),
        ("Jane Doe", None, None),
    ]
    cleared = team.do("sam", "contact edit contoso Jane Doe birthday=none name=Jane Smith")
    assert cleared.text == (
        "Updated Jane Smith at Contoso: name now Jane Smith (was Jane Doe); birthday removed."
    )
    shown = team.do("sam", "customer show contoso")
    assert "Jane Smith" in _titles(shown, "Contacts")
    assert "Claire Dubois, VP Procurement, claire@contoso.example" in _titles(shown, "Contacts")


def test_an_ambiguous_or_unknown_contact_is_refused_and_nothing_changes(team: Team) -> None:
    team.do("sam", "customer add Contoso tier=key")
    team.do("sam", "contact add contoso Claire Dubois")
    team.do("sam", "contact add contoso Claire Martin")
    before = team.snapshot()

    ambiguous = team.say("sam", "contact edit contoso claire role=CFO")
    unknown = team.say("sam", "contact remove contoso Bob")

    assert ambiguous.tone is Tone.ERROR
    assert (
        ambiguous.text == "'claire' could be Claire Dubois and Claire Martin at Contoso: say which."
    )
    assert unknown.tone is Tone.ERROR
    assert unknown.text.startswith("Contoso has no contact called 'Bob' (contacts: Claire Dubois")
    assert team.snapshot() == before


def test_removing_a_contact_ends_their_birthday_nudge_and_keeps_the_touches(team: Team) -> None:
    team.do("sam", "customer add Contoso tier=key")
    soon = NOW.date() + timedelta(days=3)
    team.do("sam", f"contact add contoso Jane Doe birthday={soon.month:02d}-{soon.day:02d}")
    team.do("sam", "touch contoso call contact=jane -- about the audit")
    (birthday,) = [n for n in team.nudges_about("Contoso") if n.reason is NudgeReason.BIRTHDAY]
    assert birthday.state is NudgeState.OPEN

    reply = team.do("sam", "contact remove contoso jane doe")

    assert (
        reply.text == "Removed Jane Doe from Contoso. The 1 touch with them stays in its history."
    )
    assert _contacts(team, "Contoso") == []
    assert {n.state for n in team.nudges_about("Contoso") if n.reason is NudgeReason.BIRTHDAY} == {
        NudgeState.EXPIRED
    }
    history = team.do("sam", "history contoso")
    assert [i.lines for i in _items(history)] == [("“about the audit”",)]


def test_date_list_edit_and_remove(team: Team) -> None:
    team.do("sam", "customer add Contoso tier=key since=2020-03-10 renewal=2026-12-31")
    team.do("sam", "contact add contoso Jane Doe birthday=05-17")
    team.do("sam", f"date add contoso go-live {day(10)}")
    (go_live,) = [n for n in team.nudges_about("Contoso") if n.reason is NudgeReason.CUSTOM_DATE]

    listed = team.do("sam", "date list contoso")
    assert _titles(listed) == [
        "Jane Doe's birthday — next on Sunday 17 May",
        "Anniversary — next on Tuesday 10 March",
        "Renewal — Thursday 31 December",
        "go-live — Thursday 12 March",
    ]

    moved = team.do("sam", "date edit contoso go-live on=2026-04-20 label=Go-live day")
    assert moved.text == "'Go-live day' for Contoso: Monday 20 April 2026 (once)."
    # The nudge for the old day is over; the new day is nudged when it comes near.
    assert go_live.id is not None
    assert [n.state for n in team.nudges_about("Contoso") if n.id == go_live.id] == [
        NudgeState.EXPIRED
    ]
    removed = team.do("sam", "date remove contoso go-live")
    assert removed.text == "Forgot 'Go-live day' of Contoso (Monday 20 April 2026)."
    assert "Go-live day" not in " ".join(_titles(team.do("sam", "date list contoso")))


def test_an_archived_customer_is_shown_as_archived_and_can_be_brought_back(team: Team) -> None:
    team.book("sam", ["Initech"])
    team.do("sam", "customer archive initech -- acquired")
    assert {n.state for n in team.nudges_about("Initech")} == {NudgeState.EXPIRED}

    shown = team.do("sam", "customer show initech")
    assert shown.text == "Initech (archived)"
    assert shown.footer is not None and "customer unarchive Initech" in shown.footer

    back = team.do("sam", "customer unarchive initech")

    assert back.text == "Initech is back: its nudges resume."
    assert not team.customer("Initech").archived
    assert NudgeState.OPEN in {n.state for n in team.nudges_about("Initech")}
    assert team.do("sam", "customer show initech").text == "Initech"


def test_event_remove_takes_back_an_illness_and_its_pause(team: Team) -> None:
    team.book("sam", ["Acme"])
    team.do("sam", "event add acme illness")
    assert team.do("sam", "event remove acme illness").text == (
        f"Removed the illness of Acme ({_long(NOW.date())})."
    )
    with team.container.deps.uow() as uow:
        assert uow.life_events.of_customers([team.customer("Acme").id]) == []
    assert {n.state for n in team.nudges_about("Acme") if n.reason is NudgeReason.LIFE_EVENT} == {
        NudgeState.EXPIRED
    }
    again = team.say("sam", "event remove acme illness")
    assert (again.tone, again.text) == (Tone.ERROR, "No illness recorded for Acme.")


def test_history_lists_touches_newest_first_with_who_what_whom_and_the_note(team: Team) -> None:
    team.do("sam", "customer add Contoso tier=key")
    team.do("sam", "contact add contoso Claire Dubois")
    team.do("sam", f"touch contoso lunch contact=claire on={day(-9)} -- wants the audit")
    team.do("otto", f"touch contoso call on={day(-2)}")
    team.do("sam", "touch contoso coffee -- signed")

    reply = team.do("mia", "history contoso")

    assert reply.text == "Contoso: 3 touches, newest first"
    assert [(i.title, i.lines) for i in _items(reply)] == [
        ("Monday 2 March — coffee by Sam", ("“signed”",)),
        ("Saturday 28 February — call by Otto", ()),
        ("Saturday 21 February — lunch by Sam, with Claire Dubois", ("“wants the audit”",)),
    ]
    two = team.do("sam", "history contoso 2")
    assert two.text == "Contoso: the last 2 touches of 3, newest first"
    assert len(_items(two)) == 2


def test_customer_show_lists_the_last_five_touches_with_their_notes(team: Team) -> None:
    team.do("sam", "customer add Contoso tier=key")
    for back in range(7, 0, -1):
        team.do("sam", f"touch contoso call on={day(-back)} -- call {8 - back}")

    shown = team.do("sam", "customer show contoso")

    (last,) = [s for s in shown.sections if s.heading == "Last touches"]
    assert [i.lines for i in last.items] == [(f"“call {n}”",) for n in (7, 6, 5, 4, 3)]
    assert last.note == "`history Contoso` shows more."


def _long(on: date) -> str:
    return long_date(on)
