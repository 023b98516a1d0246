"""People: my settings, out of office with a cover, admins, and where an admin's rights end."""

from __future__ import annotations

from collections.abc import Callable

from bot.delivery.digests import plan_digests
from bot.delivery.sweep import sweep
from bot.replies import Tone, Verb
from bot.services.wording import long_date
from nudges.model import DeliveryState, NudgeState
from tests.integration.services.team import NOW, TODAY, Team, day, later


def test_me_changes_my_time_zone_and_delivery_hour(team: Team) -> None:
    last_audit = team.last_audit_id()

    reply = team.do("sam", "me tz=Asia/Tokyo hour=8")

    assert reply.text == "Settings saved."
    fields = dict(reply.sections[0].items[0].fields)
    assert (fields["Time zone"], fields["Delivery hour"]) == ("Asia/Tokyo", "08:00")
    sam = team.actor("sam").person
    assert (sam.timezone, sam.delivery_hour) == ("Asia/Tokyo", 8)
    (entry,) = team.audit(after_id=last_audit)
    assert (entry.action, entry.subject_id, entry.actor_id) == ("person.settings", sam.id, sam.id)
    assert dict(team.say("sam", "me").sections[0].items[0].fields)["Manager"] == "Mia"
    # Nothing to change: nothing written.
    before = team.snapshot()
    assert team.say("sam", "me tz=Asia/Tokyo").text == "Nothing to change."
    assert team.snapshot() == before


def test_out_of_office_routes_nudges_to_the_cover_who_may_answer_them(team: Team) -> None:
    team.book("sam", ["Acme", "Beta"])
    sue = team.actor("sue").person

    reply = team.do("sam", f"ooo until={day(7)} cover=@sue")
    result = sweep(team.container.deps, now=NOW)

    until = long_date(later(7), today=TODAY)
    assert reply.text == f"Out of office until {until}: Sue gets your nudges."
    assert [(who, count) for who, _, count, _ in result.deliveries] == [(sue.id, 2)]
    listed = team.say("sue", "nudges")
    assert listed.text == "2 open nudges"
    away = f"For Sam, out of office until {long_date(later(7), today=TODAY, weekday=False)}"
    assert all(away in item.lines for item in listed.sections[0].items)

    # Sue answers one with the button of the message she got, the other with text.
    (acme,) = team.nudges_about("Acme")
    by_button, state = team.container.commands.answer(
        team.actor("sue"), nudge_id=acme.id or 0, verb=Verb.SKIP, reason="handled by Sue"
    )
    by_text = team.say("sue", "done beta")
    assert (by_button.tone, state) == (Tone.SUCCESS, "skipped: handled by Sue")
    assert by_text.tone is Tone.SUCCESS
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.SKIPPED]
    assert [n.state for n in team.nudges_about("Beta")] == [NudgeState.DONE]
    beta = team.customer("Beta")
    assert (beta.last_touch_at, beta.owner_last_touch_at) == (NOW, None)  # Sue touched it

    # Back in the office, Sue covers no more.
    team.do("sam", "ooo off")
    assert team.say("sue", "nudges").text.startswith("No open nudges.")


def test_configured_admins_are_admins_and_the_first_person_then_is_not(
    new_team: Callable[..., Team],
) -> None:
    team = new_team(admins=("otto",), managed=False)
    assert not team.actor("maria").person.is_admin
    assert team.actor("otto").person.is_admin

    refused = team.say("maria", "team add @sam manager=@mia")
    allowed = team.say("otto", "team add @sam manager=@mia")

    assert refused.tone is Tone.ERROR
    assert refused.text.startswith("Only admins can manage the team.")
    assert allowed.text == "Sam reports to Mia."


def test_a_person_added_to_the_configured_admins_later_becomes_an_admin(
    new_team: Callable[..., Team],
) -> None:
    new_team(managed=False)  # Sue talks to the bot before anyone configures admins
    team = new_team(admins=("sue",), managed=False)  # the same database, configured

    sue = team.actor("sue").person

    assert sue.is_admin
    entry = team.audit()[-1]
    assert (entry.action, entry.subject_id, entry.actor_id) == ("person.admin", sue.id, None)
    assert team.actor("maria").person.is_admin  # the first person keeps what they had


def test_an_admins_rights_end_at_their_workspace(team: Team) -> None:
    team.book("sam", ["Acme"])
    (nudge,) = team.nudges_about("Acme")
    sweep(team.container.deps, now=NOW)
    plan_digests(team.container.deps, now=NOW, horizon=NOW)  # Monday: Bo's and Mia's digests
    with team.container.deps.uow() as uow:
        assert uow.deliveries.in_states([DeliveryState.PENDING])
    # Another workspace on the same bot: its first person is its admin.
    other = team.join("olga", team_id="globex")
    assert other.person.is_admin
    other_acme = team.container.commands.handle_text(other, "customer add Acme")
    assert other_acme.tone is Tone.SUCCESS
    before = team.snapshot()

    reply, state = team.container.commands.answer(other, nudge_id=nudge.id or 0, verb=Verb.DONE)
    deliveries = team.container.commands.handle_text(other, "deliveries all")

    assert (reply.tone, reply.text, state) == (Tone.ERROR, "That nudge no longer exists.", None)
    assert deliveries.text == "No messages in the last 7 days: nothing is waiting or failed."
    assert team.snapshot() == before
    assert team.customer("Acme", team_id="globex").owner_id == other.person.id
    # At home, the admin sees them.
    home = team.say("maria", "deliveries all")
    titles = [item.title for item in home.sections[0].items]
    assert [t.split(" on ")[0].split(" to ")[1] for t in titles] == ["Bo", "Mia", "Sam"]
