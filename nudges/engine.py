"""The per-customer decision: which nudges about one customer are due, held or over, and when
the next change can happen (``next_due_at``, which storage keeps on the customer so a sweep
reads only customers that can be due).

Gather (the shell), decide (here, pure), apply (the shell upserts ``nudges`` by dedupe key,
marks ``expired`` keys expired, stores ``next_due_at``). Deciding twice over the same data
and instant gives the same result.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from nudges.calendar import local_date, plus_days, start_of_day
from nudges.dates import CATCH_UP_DAYS, DatedEvent, dated_events, is_open, missed_events
from nudges.life import UPBEAT, nudging_events, sensitive_until, suggestion, window_end
from nudges.model import (
    Contact,
    Customer,
    ImportantDate,
    LifeEvent,
    Nudge,
    NudgeReason,
    NudgeState,
    NudgeStatus,
    Person,
    Touch,
)
from nudges.policy import Policy
from nudges.quiet import (
    FIRST_CHECK_IN,
    Level,
    QuietStatus,
    first_check_in_text,
    owner_quiet_at,
    owner_quiet_since,
    quiet_status,
)
from nudges.ranking import overdue_points, priority
from nudges.rituals import last_used, suggest_ritual
from nudges.suppress import (
    FINISHED,
    Held,
    dnc_active,
    dnc_detail,
    is_gap_exempt,
    is_snoozed,
    min_gap_ends_at,
    over_keys,
    state_after,
    within_min_gap,
)


@dataclass(frozen=True, slots=True)
class CustomerView:
    """Everything the decision about one customer needs, gathered by the shell."""

    customer: Customer
    owner: Person
    contacts: tuple[Contact, ...] = ()
    recent_touches: tuple[Touch, ...] = ()  # e.g. the last ``policy.ritual_variety_days``
    dates: tuple[ImportantDate, ...] = ()
    life_events: tuple[LifeEvent, ...] = ()
    existing: Mapping[str, NudgeStatus] = field(default_factory=dict)  # by dedupe key


@dataclass(frozen=True, slots=True)
class CustomerDecision:
    nudges: tuple[Nudge, ...]  # upsert by dedupe key (state: open, or the stored live state)
    held: tuple[Held, ...]  # due but withheld, with why and until when
    expired: tuple[str, ...]  # stored live keys whose occasion has passed
    next_due_at: datetime | None  # the earliest instant this decision can change
    # What the decision worked out on the way, for the facts kept with it (None: archived).
    quiet: QuietStatus | None = None
    events: tuple[DatedEvent, ...] | None = None  # ``dated_events`` on the owner's today


@dataclass(slots=True)
class _Draft:
    key: str
    reason: NudgeReason
    recipient_id: int
    due_on: date
    detail: str
    prio: float
    level: str | None = None
    contact_id: int | None = None
    deliver_on: date | None = None
    facts: tuple[tuple[str, str], ...] = ()


def _quiet_drafts(
    view: CustomerView, qs: QuietStatus, *, today: date, policy: Policy, now: datetime
) -> Iterator[_Draft]:
    c, tz = view.customer, view.owner.timezone
    if qs.level is not Level.GREEN:
        stamp = qs.clock_start.isoformat() if qs.clock_start else "never"
        reached = qs.red_at if qs.level is Level.RED else qs.amber_at
        cad = qs.cadence
        over = overdue_points(qs.days_over_ideal, ideal_days=cad.ideal_days, max_days=cad.max_days)
        text = (
            f"Quiet for {qs.days_quiet} days ({c.tier}: ideal {cad.ideal_days}, max {cad.max_days})"
            if qs.clock_start
            else "Never touched: reach out"
        )
        facts: tuple[tuple[str, str], ...] = (
            ("days_quiet", str(qs.days_quiet)),
            ("level", str(qs.level)),
        ) + ((("due_at", reached.isoformat()),) if reached else ())
        if qs.first_check_in and c.added_at is not None:
            text = first_check_in_text(c, now=now)
            facts += ((FIRST_CHECK_IN, "yes"),)
        yield _Draft(
            f"quiet:{c.id}:{stamp}:{qs.level}",
            NudgeReason.QUIET,
            c.owner_id,
            local_date(reached, tz) if reached else today,
            text,
            priority(
                reason=NudgeReason.QUIET,
                tier=c.tier,
                annual_value=c.annual_value,
                policy=policy,
                overdue=over,
                escalated=qs.escalated,
                level=str(qs.level),
            ),
            level=str(qs.level),
            facts=facts,
        )
        if qs.escalated and view.owner.manager_id is not None and qs.escalation_at:
            yield _Draft(
                f"escalation:{c.id}:{stamp}",
                NudgeReason.ESCALATION,
                view.owner.manager_id,
                local_date(qs.escalation_at, tz),
                f"{c.name} has been red for over {policy.escalation_after_days} days "
                f"(owner: {view.owner.display_name})",
                priority(
                    reason=NudgeReason.ESCALATION,
                    tier=c.tier,
                    annual_value=c.annual_value,
                    policy=policy,
                    overdue=over,
                    escalated=True,
                    level=str(Level.RED),
                ),
                level=str(Level.RED),
                facts=(
                    ("owner_id", str(c.owner_id)),
                    ("days_quiet", str(qs.days_quiet)),
                    ("due_at", qs.escalation_at.isoformat()),
                ),
            )
        return
    due = owner_quiet_at(c, policy=policy, tz_name=tz)
    if due is not None and now >= due:
        start = owner_quiet_since(c, tz_name=tz)
        stamp = start.isoformat() if start else "never"
        days = (now - start).days if start else 0
        yield _Draft(
            f"owner_quiet:{c.id}:{c.owner_id}:{stamp}",
            NudgeReason.OWNER_QUIET,
            c.owner_id,
            local_date(due, tz),
            f"Colleagues are in touch; you have not been for {days} days",
            priority(
                reason=NudgeReason.OWNER_QUIET,
                tier=c.tier,
                annual_value=c.annual_value,
                policy=policy,
            ),
        )


def _dated_draft(
    c: Customer, e: DatedEvent, *, today: date, policy: Policy, late: bool = False
) -> _Draft:
    return _Draft(
        e.key,
        e.reason,
        c.owner_id,
        e.on,
        e.label,
        priority(
            reason=e.reason,
            tier=c.tier,
            annual_value=c.annual_value,
            policy=policy,
            days_until=(e.last_day - today).days,
        ),
        contact_id=e.contact_id,
        # Caught up after downtime: at the next slot, whatever day it was for.
        deliver_on=None if late else e.deliver_on,
        facts=e.facts + ((("late", "yes"),) if late else ()),
    )


def _life_drafts(view: CustomerView, *, today: date, policy: Policy) -> Iterator[_Draft]:
    c = view.customer
    for e in nudging_events(view.life_events, customer_id=c.id, today=today, policy=policy):
        yield _Draft(
            f"life:{c.id}:{e.id}",
            NudgeReason.LIFE_EVENT,
            c.owner_id,
            e.on,
            suggestion(e, policy),
            priority(
                reason=NudgeReason.LIFE_EVENT,
                tier=c.tier,
                annual_value=c.annual_value,
                policy=policy,
                days_until=0,
            ),
            contact_id=e.contact_id,
            facts=(("event", e.kind), ("on", e.on.isoformat()))
            + ((("note", e.note),) if e.note else ()),
        )


def _hold(
    draft: _Draft,
    view: CustomerView,
    *,
    now: datetime,
    today: date,
    policy: Policy,
    upbeat_until: date | None,
) -> Held | None:
    c = view.customer
    if dnc_active(c, today):
        return Held(draft.key, draft.reason, "do_not_contact", dnc_detail(c), c.dnc_until)
    if upbeat_until is not None and draft.reason in UPBEAT:
        return Held(
            draft.key,
            draft.reason,
            "sensitive_event",
            f"Held after a sensitive life event until {upbeat_until.isoformat()}",
            upbeat_until,
        )
    if not is_gap_exempt(draft.reason, policy) and within_min_gap(c, now=now, policy=policy):
        ends = min_gap_ends_at(c, policy)
        until = local_date(ends, view.owner.timezone) if ends else None
        return Held(draft.key, draft.reason, "min_gap", "Touched recently: give them room", until)
    status = view.existing.get(draft.key)
    if is_snoozed(status, today=today):
        until = status.snoozed_until if status else None
        return Held(draft.key, draft.reason, "snoozed", "Snoozed", until)
    return None


def _events(view: CustomerView, today: date, policy: Policy) -> list[DatedEvent]:
    return dated_events(
        customer=view.customer, contacts=view.contacts, dates=view.dates, today=today, policy=policy
    )


def decide_customer(view: CustomerView, *, now: datetime, policy: Policy) -> CustomerDecision:
    """The nudges about ``view.customer`` at ``now``: to upsert, held, expired; and when next."""
    c = view.customer
    if c.archived:
        return CustomerDecision((), (), over_keys(view.customer.id, view.existing, set()), None)
    tz = view.owner.timezone
    today = local_date(now, tz)
    qs = quiet_status(c, now=now, policy=policy, tz_name=tz)
    events = _events(view, today, policy)
    drafts = list(_quiet_drafts(view, qs, today=today, policy=policy, now=now))
    drafts += [
        _dated_draft(c, e, today=today, policy=policy)
        for e in events
        if is_open(e, today=today, policy=policy)
    ]
    drafts += _life_drafts(view, today=today, policy=policy)
    missed = missed_events(
        customer=c,
        contacts=view.contacts,
        dates=view.dates,
        existing=view.existing,
        today=today,
        policy=policy,
    )
    drafts += [_dated_draft(c, e, today=today, policy=policy, late=True) for e in missed]
    upbeat_until = sensitive_until(view.life_events, customer_id=c.id, today=today, policy=policy)
    used = last_used(t for t in view.recent_touches if t.customer_id == c.id)
    nudges: list[Nudge] = []
    held: list[Held] = []
    for d in drafts:
        hold = _hold(d, view, now=now, today=today, policy=policy, upbeat_until=upbeat_until)
        status = view.existing.get(d.key)
        if status is not None and status.state in FINISHED:
            continue  # done, skipped, expired: never again
        if hold is not None:
            held.append(hold)
            continue
        state = state_after(status, today=today)
        if state is None:
            continue
        ritual = suggest_ritual(
            tier=c.tier,
            reason=d.reason,
            used=used,
            now=now,
            policy=policy,
            seed=d.key,
            subdued=upbeat_until is not None,
        )
        nudges.append(
            Nudge(
                dedupe_key=d.key,
                customer_id=c.id,
                recipient_id=d.recipient_id,
                reason=d.reason,
                due_on=d.due_on,
                priority=d.prio,
                ritual=ritual,
                detail=d.detail,
                state=state,
                level=d.level,
                contact_id=d.contact_id,
                facts=d.facts,
                deliver_on=d.deliver_on,
            )
        )
    expired = over_keys(view.customer.id, view.existing, {d.key for d in drafts})
    next_due = _next_due(view, qs, events, held, missed, now=now, today=today, policy=policy)
    return CustomerDecision(tuple(nudges), tuple(held), expired, next_due, qs, tuple(events))


def _next_due(
    view: CustomerView,
    qs: QuietStatus,
    events: list[DatedEvent],
    held: list[Held],
    missed: list[DatedEvent],
    *,
    now: datetime,
    today: date,
    policy: Policy,
) -> datetime | None:
    """The earliest change: levels, dated windows opening and closing (a missed one's catch-up
    ending), holds ending."""
    c, tz = view.customer, view.owner.timezone
    instants: list[datetime | None] = [
        qs.amber_at,
        qs.red_at,
        qs.escalation_at,
        owner_quiet_at(c, policy=policy, tz_name=tz),
    ]
    if any(h.why == "min_gap" for h in held):
        instants.append(min_gap_ends_at(c, policy))
    days: list[date] = []
    for e in events:
        days += [e.opens_on(policy), plus_days(e.last_day, 1)]
    days += [plus_days(e.last_day, CATCH_UP_DAYS + 1) for e in missed]
    for ev in view.life_events:
        if ev.customer_id == c.id:
            days += [
                ev.on,
                plus_days(window_end(ev, policy), 1),
                plus_days(ev.on, max(0, policy.sensitive_suppression_days) + 1),
            ]
    if c.dnc_until is not None and held:
        days.append(plus_days(c.dnc_until, 1))
    for status in view.existing.values():
        if status.state is NudgeState.SNOOZED and status.snoozed_until is not None:
            days.append(plus_days(status.snoozed_until, 1))
    # The first instant of a later local day is after ``now``, and earlier for an earlier day:
    # only the first of those days needs converting.
    later = min((d for d in days if d > today), default=None)
    if later is not None:
        instants.append(start_of_day(later, tz))
    future = [i for i in instants if i is not None and i > now]
    return min(future, default=None)


def next_due_at(view: CustomerView, *, now: datetime, policy: Policy) -> datetime | None:
    """The earliest instant after ``now`` at which a nudge about the customer can become due,
    change level (amber, red, escalation) or end; None for an archived customer."""
    return decide_customer(view, now=now, policy=policy).next_due_at
