"""`undo` takes back the person's last change, made in the last 15 minutes, says what it took
back, and leaves the data exactly as it was before — for every command that changes data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.commands import LogTouch
from bot.replies import Reply, Tone, Verb
from nudges.model import NudgeReason
from storage.tables import metadata
from tests.integration.services.team import NOW, Team, day

#: Bookkeeping, not data: who saw which list, the change log itself, the audit trail.
BOOKKEEPING = {"audit_log", "change_log", "shown_list"}
#: Recomputed by the bot on every decision: when a customer or an offer is next looked at.
RECOMPUTED = {("customer", "next_due_at"), ("offer", "next_due_at")}


def data(team: Team) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, without the columns the bot recomputes."""
    found = {}
    with team.container.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in RECOMPUTED]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            found[table.name] = [tuple(r) for r in rows]
    return found


@dataclass(frozen=True)
class Case:
    """{c}: a customer of Sam's of this case's own; {n}: a number unique to the case."""

    actor: str
    command: str
    said: str  # what the undo says it took back (the start of it)
    setup: tuple[tuple[str, str], ...] = ()
    escalated: bool = False


def _button(verb: Verb, reason: NudgeReason, actor: str) -> Callable[[Team, str], Reply]:
    def press(team: Team, customer: str) -> Reply:
        (nudge,) = [n for n in team.nudges_about(customer) if n.reason is reason]
        reply, _ = team.container.commands.answer(
            team.actor(actor), nudge_id=nudge.id or 0, verb=verb
        )
        return reply

    return press


CASES = (
    Case("sam", "touch {c} coffee -- met them", "Undone: your touch: coffee with {c} on Monday"),
    Case("sam", f"log {{c}} call on={day(-2)}", "Undone: your touch: call with {c} on Saturday"),
    Case("sam", "customer add New {n} tier=key", "Undone: the new customer New {n}"),
    Case("sam", "customer edit {c} tier=core value=50k", "Undone: the change to {c}: tier key"),
    Case("sam", "customer archive {c}", "Undone: archiving {c}"),
    Case(
        "sam",
        "customer unarchive {c}",
        "Undone: bringing {c} back",
        setup=(("sam", "customer archive {c}"),),
    ),
    Case("mia", "customer assign {c} @sue", "Undone: handing {c} to Sue (it was Sam's)"),
    Case("sam", "contact add {c} Jo {n} role=CTO", "Undone: adding Jo {n} at {c}"),
    Case("sam", "contact edit {c} ann role=CEO", "Undone: the change to Ann {c} at {c}: role"),
    Case(
        "sam",
        "contact remove {c} ann",
        "Undone: removing Ann {c} from {c}",
        setup=(("sam", "touch {c} call contact=ann"),),
    ),
    Case("sam", f"date add {{c}} go-live {day(40)}", "Undone: adding the date 'go-live'"),
    Case(
        "sam",
        f"date edit {{c}} go-live on={day(60)}",
        "Undone: the change to the date 'go-live'",
        setup=(("sam", f"date add {{c}} go-live {day(40)}"),),
    ),
    Case(
        "sam",
        "date remove {c} go-live",
        "Undone: removing the date 'go-live'",
        setup=(("sam", f"date add {{c}} go-live {day(40)}"),),
    ),
    Case("sam", "event add {c} illness", "Undone: noting the illness of {c}"),
    Case(
        "sam",
        "event remove {c} new_role",
        "Undone: removing the new role of {c}",
        setup=(("sam", f"event add {{c}} new_role {day(-3)}"),),
    ),
    Case("sam", "snooze {c} 1w", "Undone: snoozing your nudge about {c}"),
    Case("sam", "skip {c} -- met them at the fair", "Undone: skipping your nudge about {c}"),
    Case("sam", "done {c}", "Undone: your touch: "),
    Case("sam", f"dnc {{c}} until={day(30)}", "Undone: do-not-contact on {c} until"),
    Case(
        "sam",
        "dnc {c} off",
        "Undone: lifting do-not-contact on {c}",
        setup=(("sam", f"dnc {{c}} until={day(30)}"),),
    ),
    Case("sam", f"ooo until={day(9)} cover=@sue", "Undone: out of office"),
    Case("sam", "ooo off", "Undone: back in the office", setup=(("sam", f"ooo until={day(9)}"),)),
    Case("sam", "me tz=Asia/Tokyo hour=7", "Undone: the change to your settings"),
    Case("maria", "team add @nia manager=@mia", "Undone: the change to Nia in the team"),
    Case(
        "mia",
        f"offer add Offer {{n}} kind=product from={day(3)} public={day(33)}",
        "Undone: the new offer Offer {n}",
    ),
    Case("sam", "offer pitched launch {c} accepted", "Undone: recording Launch as accepted"),
    Case(
        "mia", "escalation acknowledge {c}", "Undone: your answer to the escalation", escalated=True
    ),
    Case("mia", "escalation remind {c}", "Undone: your answer to the escalation", escalated=True),
    Case("mia", "escalation takeover {c}", "Undone: your answer to the escalation", escalated=True),
    Case("mia", "escalation reassign {c} @sue", "Undone: your answer", escalated=True),
)
BUTTONS: tuple[tuple[str, str, Callable[[Team, str], Reply], str], ...] = (
    ("sam", "done", _button(Verb.DONE, NudgeReason.QUIET, "sam"), "Undone: your touch: "),
    ("sam", "skip", _button(Verb.SKIP, NudgeReason.QUIET, "sam"), "Undone: skipping your"),
    (
        "mia",
        "remind",
        _button(Verb.REMIND, NudgeReason.ESCALATION, "mia"),
        "Undone: your answer to the escalation about B2: owner reminded",
    ),
)


def test_every_change_can_be_undone_and_undo_says_what_it_took_back(team: Team) -> None:
    team.do("mia", f"offer add Launch kind=product from={day(30)} public={day(60)}")
    calm = [f"C{i:02d}" for i, case in enumerate(CASES) if not case.escalated]
    red = [f"C{i:02d}" for i, case in enumerate(CASES) if case.escalated]
    team.book("sam", calm)
    team.book("sam", red + [f"B{i}" for i in range(len(BUTTONS))], quiet_days=50)
    problems: list[str] = []
    for i, case in enumerate(CASES):
        customer = f"C{i:02d}"
        for who, text in case.setup:
            team.do(who, text.format(c=customer, n=i))
        before = data(team)
        team.do(case.actor, case.command.format(c=customer, n=i))
        if data(team) == before:
            problems.append(f"{case.command!r} changed nothing")
        undone = team.say(case.actor, "undo")
        expected = case.said.format(c=customer, n=i)
        if undone.tone is Tone.ERROR or not undone.text.startswith(expected):
            problems.append(f"{case.command!r}: undo said {undone.text!r}, not {expected!r}…")
        if data(team) != before:
            problems.append(f"{case.command!r}: undo left the data changed")
    for i, (actor, name, press, said) in enumerate(BUTTONS):
        customer = f"B{i}"
        before = data(team)
        assert press(team, customer).tone is Tone.SUCCESS, name
        undone = team.say(actor, "undo")
        if not undone.text.startswith(said):
            problems.append(f"{name}: undo said {undone.text!r}")
        if data(team) != before:
            problems.append(f"{name}: undo left the data changed")
    assert not problems, "\n".join(problems)


def test_the_log_form_and_a_pitch_answer_are_undone_too(team: Team) -> None:
    team.book("sam", ["Acme"])
    (quiet,) = team.nudges_about("Acme")
    before = data(team)

    team.container.commands.log_touch(
        team.actor("sam"), LogTouch("Acme", ritual="lunch", note="good"), nudge_id=quiet.id
    )
    assert team.do("sam", "undo").text.startswith("Undone: your touch: lunch with Acme")

    assert data(team) == before


def test_undo_twice_takes_back_the_change_before(team: Team) -> None:
    team.do("sam", "customer add Acme tier=key")
    team.do("sam", "contact add acme Jo")
    team.do("sam", "contact edit acme jo role=CFO")

    assert team.do("sam", "undo").text.startswith("Undone: the change to Jo at Acme")
    assert team.do("sam", "undo").text.startswith("Undone: adding Jo at Acme")
    assert team.do("sam", "undo").text.startswith("Undone: the new customer Acme")
    nothing = team.say("sam", "undo")
    assert (nothing.tone, nothing.text) == (
        Tone.ERROR,
        "Nothing to undo: you have made no change in the last 15 minutes.",
    )


def test_undo_reaches_back_fifteen_minutes_only(team: Team) -> None:
    team.do("sam", "customer add Acme tier=key")
    team.clock.set(NOW + timedelta(minutes=16))

    late = team.say("sam", "undo")

    assert late.tone is Tone.ERROR
    assert late.text.startswith("Nothing to undo: your last change, at 10:00, is more than 15")
    assert team.customer("Acme").tier == "key"


def test_undo_never_loses_someone_elses_later_change(team: Team) -> None:
    team.book("sam", ["Acme"])
    team.do("sam", "customer edit acme value=100k")
    team.do("mia", "customer edit acme value=200k")  # Sam's manager changed it again since
    before = data(team)

    refused = team.say("sam", "undo")

    assert refused.tone is Tone.ERROR
    assert refused.text.startswith(
        "I can't undo the change to Acme: value 0 → 100,000: the customer changed since"
    )
    assert data(team) == before
    # Mia's own undo is hers to make.
    assert team.do("mia", "undo").text == "Undone: the change to Acme: value 100,000 → 200,000."
    assert team.customer("Acme").annual_value == 100_000


def test_one_persons_undo_never_takes_back_anothers_change(team: Team) -> None:
    team.book("sam", ["Acme"])
    team.do("mia", "customer edit acme tier=core")

    nothing = team.say("sam", "undo")

    assert nothing.tone is Tone.ERROR
    assert team.customer("Acme").tier == "core"
