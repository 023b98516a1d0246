"""Reading the book: quiet relationships, open nudges, health, digests, deliveries, help."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands import (
    Help,
    ShowDigest,
    ShowHealth,
    render_help,
)
from bot.replies import Item, Reply, Section, info
from bot.services.access import require_person_access
from bot.services.digests import DigestBooks
from bot.services.handlers.team_views import book_health
from bot.services.present import money
from bot.services.request import Request, ServiceError
from bot.services.summaries import build_summaries
from bot.services.wording import count
from nudges.digest import QuietAccount, TeamDigest, compose_digest
from nudges.health import health
from nudges.model import Person
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


def digest_reply(
    req: Request, *, manager: Person, team: list[Person], books: DigestBooks | None = None
) -> Reply:
    """The digest of ``team`` from its members' books (``books``: those of the run this
    digest belongs to, each read once for all the run's digests)."""
    if books is None:
        books = DigestBooks(now=req.now, policy=req.deps.policy, shared=False)
    digest = compose_digest(
        manager=manager,
        team=team,
        aggregates=books.of(req.uow, team),
        now=req.now,
        policy=req.deps.policy,
    )
    return render_digest(digest, team={p.id: p for p in team}, req=req)


def render_digest(digest: TeamDigest, *, team: dict[int, Person], req: Request) -> Reply:
    wanted = {
        *digest.escalations,
        *digest.single_threaded_top,
        *(r.customer_id for r in digest.concentration),
    }
    customers = req.uow.digests.listed(sorted(wanted))

    def name(customer_id: int) -> str:
        found = customers.get(customer_id)
        return found.name if found else f"#{customer_id}"

    def whose(customer_id: int) -> str:
        """The account, its owner and its value: who to ask, and how much is at stake."""
        found = customers.get(customer_id)
        if found is None:
            return name(customer_id)
        owner = team.get(found.owner_id)
        return (
            found.name
            + (f" ({owner.display_name})" if owner else "")
            + (f", {money(found.annual_value)}" if found.annual_value else "")
        )

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{round(value * 100)}%"

    sellers = []
    leads = {p.manager_id for p in team.values()}
    upcoming = f"Dates in the next {req.deps.policy.digest_upcoming_days} days"
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
                    ("Escalations", str(s.escalations)),
                    ("Touches", f"{s.touches_this_period} (previous {s.touches_previous_period})"),
                    (upcoming, str(s.upcoming_dates)),
                    ("Offer pitch coverage", _pitch_coverage(s.pitch_coverage, s.offers_eligible)),
                ),
            )
        )
    sections = []
    teams = _by_team(digest, team)
    if teams:
        sections.append(Section("By team", tuple(teams)))
    sections.append(Section("By salesperson", tuple(sellers)))
    quiet = tuple(_quiet_item(q, team) for q in digest.quiet_top)
    sections.append(
        Section(
            "Quiet accounts",
            quiet,
            note=_more(digest.quiet, len(quiet), "`quiet @user`")
            or _none(quiet, "every account was touched within its cadence"),
        )
    )
    escalations = tuple(Item(title=whose(c)) for c in digest.escalations)
    sections.append(
        Section(
            "Escalations",
            escalations,
            note=_more(digest.escalated, len(escalations))
            or _none(escalations, "nothing escalated"),
        )
    )
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
    share = round(req.deps.policy.concentration_share * 100)
    sections.append(
        Section(
            "Concentration risk",
            tuple(risks),
            note=_none(risks, f"no customer is more than {share}% of a book's value"),
        )
    )
    lone = tuple(Item(title=whose(c)) for c in digest.single_threaded_top)
    sections.append(
        Section(
            f"Single-threaded (at most one contact touched in "
            f"{req.deps.policy.single_threaded_days} days)",
            lone,
            note=_more(digest.single_threaded, len(lone)) or _none(lone, "no such account"),
        )
    )
    health_line = ", ".join(f"{label}: {n}" for label, n in digest.health)
    sections.append(Section("Health distribution", note=health_line))
    title = (
        f"Team digest for {team[digest.manager_id].display_name}"
        if digest.manager_id in team and len(team) == 1
        else f"Team digest: {len(team)} people, {digest.customers} customers"
    )
    return Reply(text=title, sections=tuple(sections), kind="digest")


def _none(items: Sequence[Item], why: str) -> str | None:
    """An empty section says so (every section is always present)."""
    return None if items else f"None: {why}."


def _more(total: int, shown: int, where: str | None = None) -> str | None:
    if total <= shown:
        return None
    return f"The worst {shown} of {total}" + (f"; {where} lists them all." if where else ".")


def _quiet_item(q: QuietAccount, owners: dict[int, Person]) -> Item:
    owner = owners.get(q.owner_id)
    return Item(
        title=f"{q.name} — {q.level}, {q.days_quiet} days"
        + (f" ({owner.display_name})" if owner else "")
        + (f", {money(q.annual_value)}" if q.annual_value else ""),
    )


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


def _pitch_coverage(share: float | None, eligible: int) -> str:
    """``40% of 5 pitches``; ``no live offer to pitch`` rather than a dash of nothing."""
    if not eligible:
        return "no live offer to pitch"
    done = "—" if share is None else f"{round(share * 100)}%"
    return f"{done} of {count(eligible, 'pitch', 'pitches')}"
