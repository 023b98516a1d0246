"""Reading the book: quiet relationships, open nudges, health, digests, deliveries, help."""

from __future__ import annotations

from bot.commands import (
    Help,
    ShowDigest,
    ShowHealth,
    render_help,
)
from bot.replies import Item, Reply, Section, info
from bot.services.access import require_person_access
from bot.services.handlers.team_views import book_health
from bot.services.present import money
from bot.services.request import Request, ServiceError
from bot.services.summaries import build_summaries
from nudges.digest import TeamDigest, team_digest
from nudges.health import health
from nudges.model import Customer, Person
from nudges.quiet import Level, quiet_status
from nudges.rollup import rollup

LIST_LIMIT = 30


def show_health(req: Request, cmd: ShowHealth) -> Reply:
    if cmd.customer is None:
        if cmd.user is None:  # pragma: no cover - the grammar gives one or the other
            raise ServiceError("Say whose: health <customer> or health @user.")
        return book_health(req, cmd.user)
    customer = req.visible_customer(cmd.customer)
    owners = {p.id: p for p in req.uow.people.get_many([customer.owner_id])}
    summary = build_summaries(
        req.uow, [customer], owners=owners, now=req.now, policy=req.deps.policy
    )[0]
    result = health(summary, now=req.now, policy=req.deps.policy)
    fields = tuple((f.name, f"{f.points:+d} — {f.explanation}") for f in result.factors)
    return info(
        f"{customer.name}: health {result.score}/100",
        Section(items=(Item(title="What makes up the score", fields=fields),)),
    )


def show_digest(req: Request, cmd: ShowDigest) -> Reply:
    if cmd.user is not None:
        target = req.person_ref(cmd.user)
        require_person_access(req.uow, req.person, target)
        team = [target]
        manager = target
    elif cmd.team:
        manager = req.person
        team = req.uow.people.reports_of(manager.id)
        if not team and manager.is_admin:
            # Admins see everyone: with nobody reporting to them, their team is the workspace.
            team = req.uow.people.in_workspace(req.actor.workspace.id)
        if not team:
            raise ServiceError(
                "Nobody reports to you yet, so there is no team digest. Admins add reports with "
                "`team add @user manager=@you`; `digest` alone shows your own."
            )
    else:
        manager = req.person
        team = [req.person]
    return digest_reply(req, manager=manager, team=team)


def digest_reply(req: Request, *, manager: Person, team: list[Person]) -> Reply:
    customers = req.uow.customers.owned_by([p.id for p in team])
    owners = {p.id: p for p in team}
    summaries = build_summaries(
        req.uow, customers, owners=owners, now=req.now, policy=req.deps.policy
    )
    digest = team_digest(
        manager=manager, team=team, summaries=summaries, now=req.now, policy=req.deps.policy
    )
    return render_digest(digest, team=owners, customers={c.id: c for c in customers}, req=req)


def render_digest(
    digest: TeamDigest, *, team: dict[int, Person], customers: dict[int, Customer], req: Request
) -> Reply:
    def name(customer_id: int) -> str:
        c = customers.get(customer_id)
        return c.name if c else f"#{customer_id}"

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{round(value * 100)}%"

    sellers = []
    leads = {p.manager_id for p in team.values()}
    for s in digest.sellers:
        person = team[s.person_id]
        if person.id in leads and not s.customers:
            continue  # a manager owning no customers: in "By team", with their people
        sellers.append(
            Item(
                title=person.display_name,
                fields=(
                    ("Customers", str(s.customers)),
                    ("Coverage", pct(s.coverage)),
                    ("Amber / red", f"{s.amber} / {s.red}"),
                    ("Escalations", str(len(s.escalations))),
                    ("Touches", f"{s.touches_this_period} (previous {s.touches_previous_period})"),
                    (
                        f"Dates in the next {req.deps.policy.digest_upcoming_days} days",
                        str(s.upcoming_dates),
                    ),
                    ("Offer pitch coverage", f"{pct(s.pitch_coverage)} of {s.offers_eligible}"),
                ),
            )
        )
    sections = []
    teams = _by_team(digest, team)
    if teams:
        sections.append(Section("By team", tuple(teams)))
    sections.append(Section("By salesperson", tuple(sellers)))
    sections.append(Section("Quiet accounts", tuple(_quiet_accounts(req, customers, owners=team))))
    sections.append(Section("Escalations", tuple(Item(title=name(c)) for c in digest.escalations)))
    risks = [
        Item(
            title=f"{name(r.customer_id)} is {round(r.share * 100)}% of "
            + (
                f"{team[r.owner_id].display_name}'s book"
                if r.owner_id in team
                else "the team's book"
            )
        )
        for r in digest.concentration
    ]
    sections.append(Section("Concentration risk", tuple(risks)))
    sections.append(
        Section(
            "Single-threaded (one contact ever touched)",
            tuple(Item(title=name(c)) for c in digest.single_threaded),
        )
    )
    health_line = ", ".join(f"{label}: {n}" for label, n in digest.health)
    sections.append(Section("Health distribution", note=health_line))
    title = (
        f"Team digest for {team[digest.manager_id].display_name}"
        if digest.manager_id in team and len(team) == 1
        else f"Team digest: {len(team)} people, {len(customers)} customers"
    )
    return Reply(text=title, sections=tuple(sections), kind="digest")


def _quiet_accounts(
    req: Request, customers: dict[int, Customer], *, owners: dict[int, Person]
) -> list[Item]:
    rows = []
    for customer in customers.values():
        owner = owners.get(customer.owner_id)
        status = quiet_status(
            customer,
            now=req.now,
            policy=req.deps.policy,
            tz_name=owner.timezone if owner else None,
        )
        if status.level is not Level.GREEN:
            rows.append((status, customer, owner))
    rows.sort(key=lambda r: (-r[0].days_quiet, r[1].name))
    return [
        Item(
            title=f"{c.name} — {s.level}, {s.days_quiet} days"
            + (f" ({o.display_name})" if o else "")
            + (f", {money(c.annual_value)}" if c.annual_value else ""),
        )
        for s, c, o in rows
    ]


def _by_team(digest: TeamDigest, team: dict[int, Person]) -> list[Item]:
    """The manager's direct reports who lead people themselves, each with everyone under
    them summed up (a head of sales: their managers)."""
    managers = {p.id: p.manager_id for p in team.values()}
    leads = {p.manager_id for p in team.values()}
    reports = [p.id for p in team.values() if p.manager_id == digest.manager_id and p.id in leads]
    if not reports:
        return []
    rows = rollup(digest.sellers, managers=managers, reports=reports)
    return [
        Item(
            title=f"{team[r.person_id].display_name}'s team",
            fields=(
                ("People", str(r.people)),
                ("Customers", str(r.customers)),
                ("Coverage", "—" if r.coverage is None else f"{round(r.coverage * 100)}%"),
                ("Amber / red", f"{r.amber} / {r.red}"),
                ("Escalations", str(r.escalations)),
                ("Touches", f"{r.touches_this_period} (previous {r.touches_previous_period})"),
            ),
        )
        for r in rows
    ]


def show_help(req: Request, cmd: Help) -> Reply:
    surface = req.actor.workspace.platform.value
    return Reply(text=render_help(cmd.topic, surface=surface), kind="help")
