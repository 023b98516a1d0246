"""Who may run which command: every command that reads or changes data, for the owner of a
customer (Sam), the owner's manager (Mia), the manager's manager (Bo), an admin (Maria) and a
colleague outside the team (Otto).

A refusal is an error reply that says why, and leaves every table as it was (no audit entry
either). An allowed change changes data and writes audit entries naming the actor; an allowed
read writes nothing but, for a numbered list, which list the reader was shown (so "done 2"
means its second item).

Every actor acts on a customer of their own in each row (all of them Sam's, each with a contact
and an open quiet nudge), so one actor's allowed change never decides the next one's outcome and
the whole table runs on one database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from bot.replies import Tone
from nudges.model import ImportantDate, LifeEvent
from storage.tables import audit_log_t, shown_list_t
from tests.integration.services.team import Snapshot, Team, day

# role -> (who plays it, the stem of the names of the customers they act on)
ROLES: dict[str, tuple[str, str]] = {
    "owner": ("sam", "Alpha"),
    "manager": ("mia", "Bravo"),
    "manager's manager": ("bo", "Charlie"),
    "admin": ("maria", "Delta"),
    "outsider": ("otto", "Echo"),
}
OWNER, MANAGER, GRAND, ADMIN, OUTSIDER = ROLES
EVERYONE = frozenset(ROLES)
SAMS_SIDE = frozenset({OWNER, MANAGER, GRAND, ADMIN})  # Sam and everyone above him
MANAGERS = frozenset({MANAGER, GRAND, ADMIN})
ADMINS = frozenset({ADMIN})

NOT_HIS = r"belongs to Sam; only they, their managers and admins"
NOT_IN_TEAM = r"is not in your team"


@dataclass(frozen=True)
class Case:
    """{c}: the actor's customer (Sam's), {contact}: its contact, {n}: a number unique per run."""

    command: str
    allowed: frozenset[str]
    change: bool  # True: it changes data; False: it only reads
    why: str = "^$"  # what every refusal must say (a regular expression)


CASES = (
    # Touches: anyone may log one on any customer (the account was touched).
    Case("touch {c} coffee -- caught up", EVERYONE, change=True),
    # Customers.
    Case("customer add Own {n}", EVERYONE, change=True),
    Case("customer add New {n} owner=@sam", SAMS_SIDE, change=True, why=f"Sam {NOT_IN_TEAM}"),
    Case("customer edit {c} value=50k tier=core", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("customer show {c}", SAMS_SIDE, change=False, why=NOT_HIS),
    Case("customer list", EVERYONE, change=False),
    Case("customer list all", EVERYONE, change=False),
    Case("customer list owner=@sam", SAMS_SIDE, change=False, why=f"Sam {NOT_IN_TEAM}"),
    Case("customer archive {c} -- acquired", SAMS_SIDE, change=True, why=NOT_HIS),
    Case(
        "customer assign {c} owner=@sue", MANAGERS, change=True, why=f"Sue {NOT_IN_TEAM}|{NOT_HIS}"
    ),
    Case("customer assign {c} @otto", ADMINS, change=True, why=f"Otto {NOT_IN_TEAM}|{NOT_HIS}"),
    Case("customer unarchive {c}", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("history {c}", SAMS_SIDE, change=False, why=NOT_HIS),
    Case("contact add {c} Bob {n} role=CTO birthday=05-17", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("contact edit {c} {contact} role=VP Sales", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("contact remove {c} {contact}", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("date add {c} go-live 2026-09-15", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("date list {c}", SAMS_SIDE, change=False, why=NOT_HIS),
    Case("date edit {c} kick-off on=2026-10-01", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("date remove {c} kick-off", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("event add {c} new_role", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("event add {contact} illness", SAMS_SIDE, change=True, why=r"in your book"),
    Case("event remove {c} promotion", SAMS_SIDE, change=True, why=NOT_HIS),
    # My nudges.
    Case("quiet", EVERYONE, change=False),
    Case("nudges", EVERYONE, change=False),
    Case("quiet @sam", SAMS_SIDE, change=False, why=f"Sam {NOT_IN_TEAM}"),
    Case("nudges @sam", SAMS_SIDE, change=False, why=f"Sam {NOT_IN_TEAM}"),
    Case("health @sam", SAMS_SIDE, change=False, why=f"Sam {NOT_IN_TEAM}"),
    Case("snooze {c} 1w -- after their reorg", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("skip {c} -- met at the fair", SAMS_SIDE, change=True, why=NOT_HIS),
    Case("done {c}", SAMS_SIDE, change=True, why=NOT_HIS),
    Case(f"dnc {{c}} until={day(90)} -- legal dispute", SAMS_SIDE, change=True, why=NOT_HIS),
    # Me.
    Case(f"ooo until={day(14)} cover=@sue", EVERYONE, change=True),
    Case("me", EVERYONE, change=False),
    Case("me tz=Asia/Tokyo hour=8", EVERYONE, change=True),
    # Offers: managers and admins add them; a pitch is a change to the customer.
    Case(
        f"offer add Offer {{n}} kind=product from={day(7)} public={day(37)}",
        MANAGERS,
        change=True,
        why=r"Only managers and admins add offers",
    ),
    Case("offer list", EVERYONE, change=False),
    Case("offer show Launch", EVERYONE, change=False),
    Case("offer pitched Launch {c} accepted", SAMS_SIDE, change=True, why=NOT_HIS),
    # Insights.
    Case("digest", EVERYONE, change=False),
    Case("digest @sam", SAMS_SIDE, change=False, why=f"Sam {NOT_IN_TEAM}"),
    Case("digest @mia", MANAGERS, change=False, why=f"Mia {NOT_IN_TEAM}"),
    Case("digest team", MANAGERS, change=False, why=r"Nobody reports to you"),
    Case("health {c}", SAMS_SIDE, change=False, why=NOT_HIS),
    # The team.
    Case("team add @nia manager=@mia", ADMINS, change=True, why=r"Only admins can manage"),
    Case("team list", EVERYONE, change=False),
    # Deliveries.
    Case("deliveries", EVERYONE, change=False),
    Case("deliveries failed all", ADMINS, change=False, why=r"Only admins see everyone's"),
)


def test_every_command_is_allowed_or_refused_by_role(team: Team) -> None:
    team.do("maria", f"offer add Launch kind=product from={day(-1)} public={day(30)}")
    team.book("sam", [_customer(i, stem) for i in range(len(CASES)) for _, stem in ROLES.values()])
    _prepare(team)

    outcomes: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    before = team.snapshot()
    for i, case in enumerate(CASES):
        for r, (role, (user_id, stem)) in enumerate(ROLES.items()):
            name = _customer(i, stem)
            text = case.command.format(c=name, contact=f"Ann {name}", n=f"{i}{r}")
            actor = team.actor(user_id)  # identified again, as every adapter does per request
            last_audit = team.last_audit_id()
            reply = team.container.commands.handle_text(actor, text)
            after = team.snapshot()
            outcome = "refused" if reply.tone is Tone.ERROR else "allowed"
            outcomes[case.command, role] = outcome
            where = f"{role}: {text!r} -> {reply.text!r}"
            if outcome == "refused":
                if not re.search(case.why, reply.text):
                    problems.append(f"the refusal does not say why: {where}")
                if after != before:
                    problems.append(f"a refusal changed the database: {where}")
            elif not case.change:
                if _data(after) != _data(before):
                    problems.append(f"a read changed the database: {where}")
            else:
                problems += _check_change(team, before, after, last_audit, actor.person.id, where)
            before = after

    expected = {
        (case.command, role): "allowed" if role in case.allowed else "refused"
        for case in CASES
        for role in ROLES
    }
    assert not problems, "\n".join(problems)
    assert _table(outcomes) == _table(expected)


def _prepare(team: Team) -> None:
    """What some commands need to find: a date to change, an event to remove, an archived
    customer to bring back (far from today, so no nudge is due about them)."""
    workspace_id = team.actor("sam").workspace.id
    with team.container.deps.uow() as uow:
        for i, case in enumerate(CASES):
            for _, stem in ROLES.values():
                customer = uow.customers.by_name(workspace_id=workspace_id, name=_customer(i, stem))
                assert customer is not None
                if case.command.startswith(("date edit", "date remove")):
                    uow.dates.add(
                        ImportantDate(0, customer.id, "kick-off", date(2026, 11, 2), yearly=False)
                    )
                elif case.command.startswith("event remove"):
                    uow.life_events.add(LifeEvent(0, customer.id, "promotion", date(2025, 1, 6)))
                elif case.command.startswith("customer unarchive"):
                    uow.customers.update(replace(customer, archived=True, next_due_at=None))
        uow.commit()


def _data(snapshot: Snapshot) -> Snapshot:
    """Every table but the one remembering which numbered list each person saw last."""
    return {table: rows for table, rows in snapshot.items() if table != shown_list_t.name}


def _customer(i: int, stem: str) -> str:
    return f"{stem}-{i:02d}"


def _check_change(
    team: Team, before: Snapshot, after: Snapshot, last_audit: int, actor_id: int, where: str
) -> list[str]:
    problems = []
    if not any(after[t] != before[t] for t in after if t != audit_log_t.name):
        problems.append(f"an allowed change changed nothing: {where}")
    written = team.audit(after_id=last_audit)
    if not written:
        problems.append(f"an allowed change wrote no audit entry: {where}")
    elif {entry.actor_id for entry in written} != {actor_id}:
        problems.append(f"an audit entry does not name the actor: {where}: {written}")
    return problems


def _table(outcomes: dict[tuple[str, str], str]) -> list[str]:
    """One line per command, one column per role: readable when the assertion fails."""
    lines = []
    for case in CASES:
        cells = [outcomes[case.command, role][0].upper() for role in ROLES]
        lines.append(f"{case.command:<60} {' '.join(cells)}")
    return lines
