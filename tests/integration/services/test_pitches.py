"""Done on a pitch nudge records the pitch, then asks how it went: accepted, declined, or later.
Pitch coverage counts what was really pitched."""

from __future__ import annotations

import pytest

from bot.commands import LogTouch
from bot.delivery.sweep import sweep
from bot.replies import Reply, Tone, Verb
from nudges.model import Nudge, NudgeReason, NudgeState, PitchState
from tests.integration.services.team import NOW, Team, day


def _offered(team: Team, *, kind: str = "product") -> Nudge:
    """Sam's customer Acme, touched last week (green, past the minimum gap), and a live offer:
    its only nudge is to pitch it."""
    team.book("sam", ["Acme"])
    team.do("sam", f"touch acme call on={day(-5)}")
    team.do("mia", f"offer add Launch kind={kind} from={day(-1)} public={day(30)}")
    sweep(team.container.deps, now=NOW)
    live = [n for n in team.nudges_about("Acme") if n.state is not NudgeState.EXPIRED]
    (nudge,) = live
    assert nudge.offer_id is not None
    return nudge


def _pitch(team: Team) -> PitchState | None:
    workspace_id, acme = team.actor("sam").workspace.id, team.customer("Acme").id
    with team.container.deps.uow() as uow:
        offer = uow.offers.by_title(workspace_id=workspace_id, title="Launch")
        assert offer is not None
        found = uow.pitches.get(offer_id=offer.id, customer_id=acme)
    return found.state if found else None


def _touches(team: Team) -> list[str]:
    acme = team.customer("Acme").id
    with team.container.deps.uow() as uow:
        return [t.ritual for t in uow.touches.history(acme, limit=10)]


def _asks_how_it_went(reply: Reply, nudge: Nudge) -> None:
    (question,) = [item for section in reply.sections for item in section.items]
    assert question.ref == f"nudge:{nudge.id}"
    assert [a.verb for a in question.actions] == [Verb.ACCEPTED, Verb.DECLINED, Verb.LATER]
    assert question.title == "How did Launch go with Acme?"


def test_done_on_a_pitch_nudge_records_the_pitch_and_asks_how_it_went(team: Team) -> None:
    nudge = _offered(team)

    reply = team.do("sam", "done acme")

    assert reply.text == f"Acme: pitched Launch ({nudge.ritual} logged)."
    assert _pitch(team) is PitchState.PITCHED
    assert _touches(team) == [nudge.ritual, "call"]
    assert [n.state for n in team.nudges_about("Acme") if n.id == nudge.id] == [NudgeState.DONE]
    _asks_how_it_went(reply, nudge)


@pytest.mark.parametrize(
    ("verb", "state", "said"),
    [
        (Verb.ACCEPTED, PitchState.ACCEPTED, "accepted"),
        (Verb.DECLINED, PitchState.DECLINED, "declined"),
        (Verb.LATER, PitchState.PITCHED, "pitched, answer to come"),
    ],
)
def test_the_answer_to_how_it_went_is_recorded_once(
    team: Team, verb: Verb, state: PitchState, said: str
) -> None:
    nudge = _offered(team)
    first, pressed = team.container.commands.answer(
        team.actor("sam"), nudge_id=nudge.id or 0, verb=Verb.DONE
    )
    assert pressed == f"pitched Launch ({nudge.ritual} logged)"
    _asks_how_it_went(first, nudge)

    reply, answered = team.container.commands.answer(
        team.actor("sam"), nudge_id=nudge.id or 0, verb=verb
    )

    assert (reply.tone, answered) == (Tone.SUCCESS, said)
    assert _pitch(team) is state
    assert len(_touches(team)) == 2  # the answer is no touch of its own
    shown = team.do("sam", "offer show launch")
    fields = dict(shown.sections[0].items[0].fields)
    assert fields["Pitched"] == "1 of 1"


def test_the_log_form_on_a_pitch_nudge_records_the_pitch_too(team: Team) -> None:
    nudge = _offered(team)

    reply = team.container.commands.log_touch(
        team.actor("sam"), LogTouch("Acme", ritual="lunch", note="loved it"), nudge_id=nudge.id
    )

    assert reply.tone is Tone.SUCCESS
    assert _pitch(team) is PitchState.PITCHED


def test_a_case_study_told_is_recorded_without_asking_how_it_went(team: Team) -> None:
    nudge = _offered(team, kind="case_study")
    assert nudge.reason is NudgeReason.ABREAST

    reply = team.do("sam", "done acme")

    assert reply.text == f"Acme: shared Launch ({nudge.ritual} logged)."
    assert reply.sections == ()
    assert _pitch(team) is PitchState.PITCHED


def test_an_answer_to_how_it_went_by_someone_else_changes_nothing(team: Team) -> None:
    nudge = _offered(team)
    team.do("sam", "done acme")
    before = team.snapshot()

    reply, state = team.container.commands.answer(
        team.actor("otto"), nudge_id=nudge.id or 0, verb=Verb.ACCEPTED
    )

    assert (reply.tone, state) == (Tone.ERROR, None)
    assert team.snapshot() == before
