"""Lists of a book: quiet relationships and open nudges — one's own, a manager's team, or one
person's in the team (`quiet @sam`, `nudges @sam`, `health @sam`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.commands import ShowNudges, ShowQuiet, UserRef
from bot.replies import Item, Reply, Section, info
from bot.services.access import require_person_access
from bot.services.cover import cover_note, covered_by
from bot.services.nudge_text import is_actionable, read_context
from bot.services.present import entry_item
from bot.services.request import Request
from bot.services.summaries import build_summaries
from bot.services.wording import count, long_date
from nudges.health import BUCKETS, health
from nudges.model import Customer, Nudge, NudgeReason, NudgeState, Person
from nudges.quiet import Level, QuietStatus, quiet_status, shortest_ideal_days
from nudges.ranking import by_customer
from nudges.suppress import LIVE as LIVE_STATES

LIVE: tuple[NudgeState, ...] = tuple(sorted(LIVE_STATES))


def member(req: Request, ref: UserRef) -> Person:
    """Someone in the actor's team (their reports, at any depth; everyone for an admin)."""
    person = req.person_ref(ref)
    require_person_access(req.uow, req.person, person)
    return person


def show_quiet(req: Request, cmd: ShowQuiet) -> Reply:
    """Quiet relationships, most overdue first: of ``@user``, or the actor's own book and, for
    a manager, their team's."""
    policy = req.deps.policy
    if cmd.user is not None:
        people = [member(req, cmd.user)]
        whose = f"{people[0].display_name}: "
    else:
        people = [req.person, *req.uow.people.reports_of(req.person.id)]
        whose = "Your team: " if len(people) > 1 else ""
    owners = {p.id: p for p in people}
    team = len(owners) > 1
    rows: list[tuple[QuietStatus, Customer]] = []
    limit = max(1, policy.digest_list_limit)
    if team:  # counted from the kept facts; the most overdue read and worked out exactly
        candidates, stale = _team_candidates(req, list(owners), limit=limit)
        total, red = req.uow.customers.quiet_counts(list(owners), now=req.now, leave_out=stale)
    else:
        candidates, stale = _candidates(req, list(owners)), set()
        total = red = 0
    for customer in candidates:
        status = quiet_status(
            customer, now=req.now, policy=policy, tz_name=owners[customer.owner_id].timezone
        )
        if status.level is not Level.GREEN:
            rows.append((status, customer))
    if team:  # the customers the kept facts may not tell right are counted as worked out here
        total += sum(1 for _, c in rows if c.id in stale)
        red += sum(1 for s, c in rows if c.id in stale and s.level is Level.RED)
    else:
        total, red = len(rows), sum(1 for s, _ in rows if s.level is Level.RED)
    if not total:
        return info(f"{whose}nothing has gone quiet: every relationship is within its cadence.")
    rows.sort(key=lambda r: (-(r[0].days_quiet - r[0].cadence.max_days), r[1].name))
    if team:
        rows = rows[:limit]
    items = []
    for status, customer in rows:
        title = f"{customer.name} — {status.level}" + (", escalated" if status.escalated else "")
        if team:
            owner = owners[customer.owner_id]
            title += " (yours)" if owner.id == req.person.id else f" ({owner.display_name})"
        cadence = status.cadence
        items.append(
            Item(
                title=title,
                lines=(
                    f"{count(status.days_quiet, 'day')} quiet ({customer.tier}: ideal "
                    f"{cadence.ideal_days}, max {cadence.max_days})",
                ),
            )
        )
    note = None
    if len(items) < total:
        note = f"The {len(items)} most overdue of {total}; `quiet @user` lists all of one person's."
    return info(
        f"{whose}{count(total, 'quiet relationship')} ({red} red), most overdue first",
        Section(items=tuple(items), note=note),
    )


def _candidates(req: Request, owner_ids: list[int]) -> list[Customer]:
    """The owners' customers that may be quiet: only those untouched for their tier's (or
    kind's) ideal cadence, or with a cadence of their own."""
    policy = req.deps.policy

    def bound(days: int) -> datetime:
        return req.now - timedelta(days=max(1, days))

    return req.uow.customers.possibly_quiet(
        owner_ids,
        by_kind={k: bound(c.ideal_days) for k, c in policy.kind_cadence.items()},
        by_tier={t: bound(c.ideal_days) for t, c in policy.cadence.items()},
        otherwise=bound(shortest_ideal_days(policy)),
        since_before=(bound(shortest_ideal_days(policy)) + timedelta(days=2)).date(),
    )


def _team_candidates(
    req: Request, owner_ids: list[int], *, limit: int
) -> tuple[list[Customer], set[int]]:
    """A team's most overdue customers by the facts kept with each (a head of sales' team is
    not read whole), and those whose facts may be out of date (due to be decided again, or
    never decided): both read and worked out exactly. Returns them and the ids of the latter."""
    stale = set(req.uow.digests.undecided(owner_ids, now=req.now))
    worst = req.uow.customers.most_overdue_ids(owner_ids, now=req.now, limit=limit)
    return req.uow.customers.get_many(sorted(stale | set(worst))), stale


def show_nudges(req: Request, cmd: ShowNudges) -> Reply:
    """Open nudges, numbered: the actor's (and those of colleagues they cover for), or
    ``@user``'s."""
    target = member(req, cmd.user) if cmd.user is not None else req.person
    nudges = req.uow.nudges.for_recipient(target.id, states=LIVE)
    covered: dict[int, Person] = {}
    if cmd.user is None:
        # While a colleague is out of office with the actor as cover, their nudges come here.
        covered = {p.id: p for p in covered_by(req.uow, req.person, now=req.now)}
        for absent in covered:
            nudges += req.uow.nudges.for_recipient(absent, states=LIVE)
    who = f"{target.display_name} has" if cmd.user is not None else "You have"
    # Snoozed and held nudges are not to-dos: they are counted, not listed with buttons.
    waiting = [n for n in nudges if n.state is NudgeState.SNOOZED]
    nudges = [n for n in nudges if n.state is not NudgeState.SNOOZED]
    later = _later_note(waiting, today=req.today)
    customers = {c.id: c for c in req.uow.customers.get_many([n.customer_id for n in nudges])}
    nudges = [
        n
        for n in nudges
        if is_actionable(
            n,
            customers.get(n.customer_id),
            now=req.now,
            policy=req.deps.policy,
            timezone=req.person.timezone,
        )
    ]
    if not nudges:
        none = f"{who} no open nudges." if cmd.user is not None else "No open nudges."
        return info(f"{none} `quiet` shows relationships that are cooling.", footer=later)
    context = read_context(
        req.uow, timezone=req.person.timezone, customer_ids=[n.customer_id for n in nudges]
    )
    items = []
    entries = by_customer(nudges)
    for entry in entries:
        top = entry[0]
        item = entry_item(
            entry,
            customers.get(top.customer_id),
            policy=req.deps.policy,
            now=req.now,
            context=context,
        )
        if top.recipient_id in covered:
            away = cover_note(covered[top.recipient_id], today=req.today)
            item = replace(item, lines=(*item.lines, away))
        items.append(item)
    text = f"{who} {count(len(nudges), 'open nudge')}"
    if cmd.user is None:
        text = count(len(nudges), "open nudge")
    if len(entries) != len(nudges):
        text += f" about {count(len(entries), 'customer')}"
    hint = "Answer by number: done 1, snooze 1 1w, skip 1"
    if any(n.reason is NudgeReason.ESCALATION for n in nudges):
        hint += "; escalation acknowledge|remind|takeover 1, escalation reassign 1 @someone"
    return info(
        text,
        Section(items=tuple(items)),
        footer=hint + "." + (f" {later}" if later else ""),
        kind="nudges",
    )


def _later_note(waiting: list[Nudge], *, today: date) -> str | None:
    """``2 more snoozed or held until later (the first back on Friday 10 April).``"""
    if not waiting:
        return None
    days = [n.snoozed_until for n in waiting if n.snoozed_until is not None]
    back = f" (the first back after {long_date(min(days), today=today)})" if days else ""
    return f"{count(len(waiting), 'more', 'more')} snoozed or held until later{back}."


def book_health(req: Request, ref: UserRef) -> Reply:
    """How someone's book is doing: the distribution, and the weakest relationships first."""
    person = member(req, ref)
    customers = req.uow.customers.owned_by([person.id])
    if not customers:
        return info(f"{person.display_name} has no customers yet.")
    policy = req.deps.policy
    summaries = build_summaries(
        req.uow, customers, owners={person.id: person}, now=req.now, policy=policy
    )
    scored = sorted(
        ((health(s, now=req.now, policy=policy), s.customer) for s in summaries),
        key=lambda r: (r[0].score, r[1].name),
    )
    average = round(sum(h.score for h, _ in scored) / len(scored))
    buckets = ", ".join(
        f"{label}: {sum(1 for h, _ in scored if low <= h.score <= high)}"
        for label, low, high in BUCKETS
    )
    items = []
    for result, customer in scored:
        weakest = min(result.factors, key=lambda f: f.points)
        items.append(
            Item(
                title=f"{customer.name} — {result.score}/100",
                lines=(f"weakest: {weakest.name}, {weakest.explanation}",),
            )
        )
    return info(
        f"{person.display_name}'s book: {count(len(scored), 'customer')}, health {average} on "
        "average",
        Section("Weakest first", tuple(items), note=f"Distribution — {buckets}"),
    )
