"""What a message or list says is true when it is read, a customer is one entry however many
reasons it is due for, and nothing that is not a to-do is shown as one. On both databases."""

from __future__ import annotations

from datetime import timedelta

from bot.commands import LogTouch
from bot.replies import Verb, render_text
from nudges.model import NudgeState
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book

SLOT = START.replace(hour=9, minute=5)  # Tuesday 20 January 2026, just after Maria's 09:00


def items_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:4].strip().rstrip(".").isdigit()]


async def test_a_list_read_weeks_later_says_how_quiet_the_account_is_that_day(
    book: Book, fake: FakePlatform
) -> None:
    book.say('customer add "Northwind" tier=key value=1050000 last=2025-12-22')  # 29 days
    await book.cycle(SLOT, fake)
    (first,) = fake.sent_to(book.maria.person.id)
    assert "Quiet for 29 days" in render_text(first.reply)

    book.clock.set(SLOT + timedelta(days=19))  # no sweep since: the stored nudge is as it was
    listed = book.say("nudges")
    assert "Quiet for 48 days (key: ideal 14, max 30)" in listed
    assert "Quiet for 29 days" not in listed


async def test_a_renewal_counts_its_days_and_a_touch_does_not_snooze_it(
    book: Book, fake: FakePlatform
) -> None:
    book.say('customer add "Globex" tier=core renewal=2026-01-27 last=2026-01-15')
    book.say("touch globex call -- about the renewal")  # an unrelated touch today
    await book.cycle(SLOT, fake)
    (sent,) = fake.sent_to(book.maria.person.id)
    text = render_text(sent.reply)
    assert "Renewal on Tuesday 27 January (7 days to go)" in text
    assert "Last touch: Tuesday 20 January, call by Maria — “about the renewal”" in text

    book.clock.set(SLOT + timedelta(days=2))
    listed = book.say("nudges")
    assert "Renewal on Tuesday 27 January (5 days to go)" in listed
    assert "[snoozed]" not in listed and "snoozed" not in listed


async def test_a_customer_due_for_two_reasons_is_one_entry_with_one_ritual(
    book: Book, fake: FakePlatform
) -> None:
    book.say('customer add "Northwind" tier=key value=900000 last=2025-12-01')  # red
    book.say('contact add northwind "Lea Sprung" birthday=01-22 role=CFO')  # Thursday
    book.say('customer add "Tiny" tier=long-tail value=2000 last=2025-09-01')
    await book.cycle(SLOT, fake)
    (sent,) = fake.sent_to(book.maria.person.id)
    text = render_text(sent.reply)
    assert sent.reply.text == "Good morning Maria: 2 relationships need you today."
    assert items_of(text) == [
        "  1. Northwind — gone quiet (red) · birthday",
        "  2. Tiny — gone quiet (amber)",
    ]
    (entry,) = [i for s in sent.reply.sections for i in s.items if i.title.startswith("North")]
    assert entry.lines[:2] == (
        "Quiet for 50 days (key: ideal 14, max 30)",
        "Lea Sprung's birthday is on Thursday 22 January",
    )
    assert sum(line.startswith("Suggested: ") for line in entry.lines) == 1
    assert "Contact: Lea Sprung, CFO" in entry.lines  # the birthday person
    assert "Last touch: Monday 1 December 2025" in entry.lines  # known from `last=`

    # Done on the entry answers both reasons, with one touch.
    book.clock.set(SLOT + timedelta(minutes=10))
    _reply, state = book.container.commands.answer(
        book.maria, nudge_id=int((entry.ref or "").split(":")[1]), verb=Verb.DONE
    )
    assert state is not None and state.startswith("done")
    with book.deps.uow() as uow:
        northwind = uow.customers.by_name(workspace_id=book.maria.workspace.id, name="Northwind")
        assert northwind is not None
        states = {n.reason.value: n.state for n in uow.nudges.live_for_customer(northwind.id)}
        (touch,) = uow.touches.history(northwind.id, limit=5)
    assert states == {}
    # The one touch is the ritual the entry suggested.
    (suggested,) = [line for line in entry.lines if line.startswith("Suggested: ")]
    label = {r.name: r.label for r in book.deps.policy.playbook}[touch.ritual]
    assert suggested == f"Suggested: {label}"


async def test_nothing_held_or_over_is_shown_as_a_to_do(book: Book, fake: FakePlatform) -> None:
    book.say('customer add "Acme" tier=core last=2026-01-15')
    book.say('contact add acme "Ann Lee" birthday=01-21')
    await book.cycle(SLOT, fake)  # the birthday goes out
    assert "Ann Lee's birthday is tomorrow" in render_text(
        fake.sent_to(book.maria.person.id)[0].reply
    )
    book.say("event add acme bereavement 2026-01-19 contact=ann -- her mother")
    listed = book.say("nudges")
    assert "birthday" not in listed  # held by the sensitive event: no longer a to-do
    assert "Ann Lee — bereavement, 19 January: “her mother”. Send a card" in listed
    with book.deps.uow() as uow:
        acme = uow.customers.by_name(workspace_id=book.maria.workspace.id, name="Acme")
        assert acme is not None
        held = [n for n in uow.nudges.live_for_customer(acme.id) if n.reason.value == "birthday"]
    assert [n.state for n in held] == [NudgeState.SNOOZED]

    book.say("dnc acme until=2026-01-23 -- audit week")
    book.clock.set(SLOT + timedelta(days=7))
    shown = book.say("customer show acme")
    assert "Do not contact" not in shown  # it ended on the 23rd


async def test_a_touch_after_a_message_leaves_its_delivered_dates_alone(
    book: Book, fake: FakePlatform
) -> None:
    """The minimum gap after a touch holds new nudges; one already delivered is not snoozed
    (it would be delivered a second time when the gap ends)."""
    book.say('customer add "Acme" tier=core since=2020-01-23 last=2026-01-15')
    await book.cycle(SLOT, fake)  # the anniversary (Friday) goes out on Tuesday
    assert "6 years as a customer on Friday 23 January" in render_text(
        fake.sent_to(book.maria.person.id)[0].reply
    )
    book.clock.set(SLOT + timedelta(hours=1))
    book.say("touch acme call")
    with book.deps.uow() as uow:
        acme = uow.customers.by_name(workspace_id=book.maria.workspace.id, name="Acme")
        assert acme is not None
        states = [n.state for n in uow.nudges.live_for_customer(acme.id)]
    assert states == [NudgeState.DELIVERED]


async def test_the_log_form_of_an_entry_answers_every_reason_it_shows(
    book: Book, fake: FakePlatform
) -> None:
    book.say('customer add "Northwind" tier=key value=900000 last=2025-12-01')  # red
    book.say('contact add northwind "Lea Sprung" birthday=01-22 role=CFO')
    await book.cycle(SLOT, fake)
    (sent,) = fake.sent_to(book.maria.person.id)
    (entry,) = [i for s in sent.reply.sections for i in s.items]
    assert entry.title == "Northwind — gone quiet (red) · birthday"
    book.clock.set(SLOT + timedelta(minutes=10))
    book.container.commands.log_touch(
        book.maria,
        LogTouch(customer="Northwind", ritual="card", note="signed by the team"),
        nudge_id=int((entry.ref or "").split(":")[1]),
    )
    with book.deps.uow() as uow:
        northwind = uow.customers.by_name(workspace_id=book.maria.workspace.id, name="Northwind")
        assert northwind is not None
        assert uow.nudges.live_for_customer(northwind.id) == []
        assert [t.ritual for t in uow.touches.history(northwind.id, limit=5)] == ["card"]
