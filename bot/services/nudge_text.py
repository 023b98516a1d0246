"""What a nudge says, worked out when it is read: counts, days to go and whether a date has
passed are computed from the customer as it stands and the reader's clock, never copied from
when the nudge was written (a list read on 4 May says how quiet the account is on 4 May)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.services.wording import long_date
from nudges.calendar import local_date
from nudges.dates import CATCH_UP_DAYS
from nudges.life import advice
from nudges.model import Contact, Customer, Nudge, NudgeReason, Touch
from nudges.policy import Policy
from nudges.quiet import Level, first_check_in_text, owner_quiet_since, quiet_status
from storage import SqlUnitOfWork

DATED = frozenset(
    {
        NudgeReason.BIRTHDAY,
        NudgeReason.ANNIVERSARY,
        NudgeReason.CUSTOM_DATE,
    }
)


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What the reader's view needs besides the nudges: their zone (for "today"), the
    customers' contacts and last touches, and who logged those touches."""

    timezone: str = "UTC"
    contacts: dict[int, list[Contact]] = field(default_factory=dict)  # by customer id
    last_touches: dict[int, Touch] = field(default_factory=dict)  # by customer id
    names: dict[int, str] = field(default_factory=dict)  # people, by id
    gathered: bool = False  # contacts and last touches were read: say them


def fact(nudge: Nudge, name: str) -> str | None:
    return next((value for label, value in nudge.facts if label == name), None)


def _on(day: date, today: date) -> str:
    """``on Sunday 14 March``, ``today (Sunday 14 March)``, ``yesterday (…)``."""
    shown = long_date(day, today=today)
    gap = (day - today).days
    if gap == 0:
        return f"today ({shown})"
    if gap == 1:
        return f"tomorrow ({shown})"
    if gap == -1:
        return f"yesterday ({shown})"
    return f"on {shown}"


def _dated(nudge: Nudge, today: date) -> str:
    """``Lea Sprung's birthday is on Sunday 14 March``; once the day has passed (a nudge
    caught up after downtime), ``… was yesterday (Sunday 14 March)``."""
    label = nudge.detail
    day = nudge.due_on
    passed = day < today
    if nudge.reason is NudgeReason.BIRTHDAY and " turns " in label:
        verb = "turned" if passed else "turns"
        return label.replace(" turns ", f" {verb} ", 1) + f" {_on(day, today)}"
    if nudge.reason is NudgeReason.ANNIVERSARY:
        return f"{label} {_on(day, today)}"
    return f"{label} {'was' if passed else 'is'} {_on(day, today)}"


def _renewal(nudge: Nudge, customer: Customer | None, today: date) -> str:
    raw = fact(nudge, "renewal_on")
    if raw is None:
        return nudge.detail
    renewal = date.fromisoformat(raw)
    shown = long_date(renewal, today=today)
    left = (renewal - today).days
    if left > 1:
        return f"Renewal on {shown} ({left} days to go)"
    if left == 1:
        return f"Renewal tomorrow, {shown}"
    if left == 0:
        return f"Renewal today, {shown}"
    name = customer.name if customer else "the customer"
    return (
        f"The renewal of {shown} has passed: when is the next one? "
        f"`customer edit {name} renewal=YYYY-MM-DD`"
    )


def current_detail(
    nudge: Nudge,
    customer: Customer | None,
    *,
    now: datetime,
    policy: Policy,
    timezone: str,
    contacts: list[Contact] | None = None,
) -> str:
    """The nudge's reason as it stands at ``now`` for a reader in ``timezone``."""
    today = local_date(now, timezone)
    if nudge.reason is NudgeReason.LIFE_EVENT:
        return _life(nudge, contacts or [], policy=policy, today=today)
    if nudge.reason is NudgeReason.OFFER:
        return _offer(nudge, today)
    if customer is None:
        return nudge.detail
    if nudge.reason is NudgeReason.ESCALATION:
        return _escalation(nudge, customer, now=now, policy=policy, tz=timezone)
    if nudge.reason is NudgeReason.QUIET:
        status = quiet_status(customer, now=now, policy=policy, tz_name=timezone)
        if status.clock_start is None:
            return nudge.detail
        if status.first_check_in and customer.added_at is not None:
            return first_check_in_text(customer, now=now)
        cad = status.cadence
        text = (
            f"Quiet for {status.days_quiet} days ({customer.tier}: ideal {cad.ideal_days}, "
            f"max {cad.max_days})"
        )
        return text if status.level is not Level.GREEN else f"Touched since: {text.lower()}"
    if nudge.reason is NudgeReason.OWNER_QUIET:
        start = owner_quiet_since(customer, tz_name=timezone)
        if start is None:
            return nudge.detail
        days = max(0, (now - start).days)
        return f"Colleagues are in touch; you have not been for {days} days"
    if nudge.reason is NudgeReason.RENEWAL:
        return _renewal(nudge, customer, today)
    if nudge.reason in DATED:
        return _dated(nudge, today)
    return nudge.detail


def is_actionable(
    nudge: Nudge, customer: Customer | None, *, now: datetime, policy: Policy, timezone: str
) -> bool:
    """Whether the nudge is still something to do at ``now``: not about an archived customer,
    not a quiet nudge of an account touched since, not a date long past (a nudge for a day
    that passed is caught up for ``CATCH_UP_DAYS``, then it is over)."""
    if customer is None:
        return True
    if customer.archived:
        return False
    if nudge.reason is NudgeReason.QUIET:
        status = quiet_status(customer, now=now, policy=policy, tz_name=timezone)
        return status.level is not Level.GREEN
    if nudge.reason in DATED:
        return nudge.due_on >= local_date(now, timezone) - timedelta(days=CATCH_UP_DAYS)
    return True


def do_not_contact(customer: Customer | None, *, today: date) -> str | None:
    """``Do not contact until Friday 10 April`` while it holds; nothing once it has ended."""
    if customer is None or customer.dnc_until is None or customer.dnc_until < today:
        return None
    line = f"Do not contact until {long_date(customer.dnc_until, today=today)}"
    return f"{line} ({customer.dnc_reason})" if customer.dnc_reason else line


def contact_line(nudge: Nudge, customer: Customer | None, context: ReadContext) -> str | None:
    """Who to reach: the contact the nudge is about, else the one last touched, else the most
    senior one known (a role of chief, president, director, head, VP ranks first)."""
    if customer is None:
        return None
    contacts = context.contacts.get(customer.id, [])
    if not contacts:
        return None
    by_id = {c.id: c for c in contacts}
    chosen = by_id.get(nudge.contact_id) if nudge.contact_id is not None else None
    last = context.last_touches.get(customer.id)
    if chosen is None and last is not None and last.contact_id is not None:
        chosen = by_id.get(last.contact_id)
    if chosen is None:
        chosen = min(contacts, key=lambda c: (seniority(c.role), c.id))
    role = f", {chosen.role}" if chosen.role else ""
    return f"Contact: {chosen.name}{role}"


_SENIOR = frozenset({"ceo", "cfo", "coo", "cto", "cio", "president", "owner", "founder"})
_LEAD = frozenset({"vp", "svp", "evp", "director", "head"})


def seniority(role: str | None) -> int:
    """0 for a C-level or owner, 1 for a VP, director or head, 2 for anyone else."""
    text = (role or "").lower()
    words = set(text.replace(",", " ").replace("/", " ").split())
    if words & _SENIOR or "chief" in text:
        return 0
    if words & _LEAD or "vice president" in text:
        return 1
    return 2


def last_touch_line(customer: Customer | None, context: ReadContext, *, today: date) -> str:
    """``Last touch: Thursday 26 March, call by Maria — “talked renewal”`` (the note's first
    line), or that nobody has logged one."""
    touch = context.last_touches.get(customer.id) if customer else None
    if touch is None and customer is not None and customer.last_touch_at is not None:
        # Known from an import or `customer add … last=`: the day, without the details.
        day = long_date(local_date(customer.last_touch_at, context.timezone), today=today)
        return f"Last touch: {day}"
    if touch is None:
        return "Last touch: none logged yet"
    who = context.names.get(touch.person_id, "a former colleague") if touch.person_id else None
    day = long_date(local_date(touch.at, context.timezone), today=today)
    text = f"Last touch: {day}, {touch.ritual.replace('_', ' ')}"
    if who:
        text += f" by {who}"
    if touch.note:
        first = touch.note.strip().splitlines()[0] if touch.note.strip() else ""
        if first:
            text += f" — “{first[:80]}”"
    return text


def read_context(uow: SqlUnitOfWork, *, timezone: str, customer_ids: list[int]) -> ReadContext:
    """Contacts, last touches and the names of who logged them, for these customers."""
    ids = sorted(set(customer_ids))
    contacts: dict[int, list[Contact]] = {}
    for contact in uow.contacts.of_customers(ids):
        contacts.setdefault(contact.customer_id, []).append(contact)
    last = uow.touches.latest(ids)
    who = {t.person_id for t in last.values() if t.person_id is not None}
    names = {p.id: p.display_name for p in uow.people.get_many(who)}
    return ReadContext(
        timezone=timezone, contacts=contacts, last_touches=last, names=names, gathered=True
    )


def _life(nudge: Nudge, contacts: list[Contact], *, policy: Policy, today: date) -> str:
    """``Ann Lee — illness, 5 June: “surgery, back in July”. Send a card or a personal note``."""
    kind, on, note = fact(nudge, "event"), fact(nudge, "on"), fact(nudge, "note")
    if kind is None or on is None:
        return nudge.detail
    day = date.fromisoformat(on)
    text = f"{kind.replace('_', ' ')}, {long_date(day, weekday=False, today=today)}"
    who = next((c.name for c in contacts if c.id == nudge.contact_id), None)
    if who:
        text = f"{who} — {text}"
    if note:
        text += f": “{note}”"
    return f"{text}. {advice(kind, policy)}"


def _offer(nudge: Nudge, today: date) -> str:
    """``Pitch 'Pro Analytics' before it goes public on Tuesday 15 December (29 days left)``."""
    title, public = fact(nudge, "offer"), fact(nudge, "public_on")
    if title is None or public is None:
        return nudge.detail
    day = date.fromisoformat(public)
    left = (day - today).days
    when = "tomorrow" if left == 1 else f"{left} days left"
    return (
        f"Pitch '{title}' before it goes public on {long_date(day, today=today)} ({when})"
        if left > 0
        else f"'{title}' is public now: pitch it anyway"
    )


def _escalation(nudge: Nudge, customer: Customer, *, now: datetime, policy: Policy, tz: str) -> str:
    status = quiet_status(customer, now=now, policy=policy, tz_name=tz)
    if status.red_at is None or status.level is not Level.RED:
        return nudge.detail
    red = max(0, (now - status.red_at).days)
    owner = nudge.detail.rsplit("(owner: ", 1)
    whose = f" (owner: {owner[1]}" if len(owner) == 2 else ""
    return f"{customer.name} has been red for {red} days{whose}"


def title(nudge: Nudge, *, today: date) -> str:
    """The reason's title, as it stands: a renewal whose day has passed asks for the next."""
    if nudge.reason is NudgeReason.RENEWAL:
        raw = fact(nudge, "renewal_on")
        if raw is not None and date.fromisoformat(raw) < today:
            return "renewal date passed"
    level = f" ({nudge.level})" if nudge.level else ""
    return f"{REASON_TITLES.get(nudge.reason, nudge.reason.value)}{level}"


REASON_TITLES: dict[NudgeReason, str] = {
    NudgeReason.QUIET: "gone quiet",
    NudgeReason.OWNER_QUIET: "others are in touch, you are not",
    NudgeReason.BIRTHDAY: "birthday",
    NudgeReason.ANNIVERSARY: "anniversary",
    NudgeReason.RENEWAL: "renewal coming",
    NudgeReason.CUSTOM_DATE: "a date to remember",
    NudgeReason.OFFER: "pitch first",
    NudgeReason.PARITY: "loyalty parity",
    NudgeReason.ABREAST: "keep them abreast",
    NudgeReason.LIFE_EVENT: "life event",
    NudgeReason.ESCALATION: "escalation",
}
