"""The parsed commands: what a user asked for, as plain frozen values.

The grammar turns text into exactly one of these (or a :class:`ParseError`); the services act on
them. Customer names are already resolved to their exact known spelling; people are kept as the
raw reference the user typed (``@maria``, ``<@U123|maria>``) because resolving them needs the
platform's directory, which the services own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.commands.books import (
    EraseCustomer,
    ErasePerson,
    ExportBook,
    ImportHelp,
    ShowAudit,
    ShowCalendar,
)
from bot.commands.offers import AddOffer, ListOffers, RecordPitch, ShowOffer
from nudges.model import Cadence, RelationshipKind


@dataclass(frozen=True, slots=True)
class ParseError:
    """What was wrong with the text, and how the command is used. Never raised: returned."""

    message: str
    usage: str = ""
    command: str | None = None  # e.g. "customer add"; None when the command itself is unknown
    suggestions: tuple[str, ...] = ()  # "did you mean" candidates, best first

    def __str__(self) -> str:
        return f"{self.message}\nUsage: {self.usage}" if self.usage else self.message


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person as typed: ``@maria``, Slack's ``<@U123|maria>`` or ``<@U123>``, Teams' ``<at>``."""

    raw: str
    user_id: str | None = None  # the platform id when the reference carries one (Slack)
    name: str | None = None  # the handle or display name when the reference carries one


@dataclass(frozen=True, slots=True)
class Birthday:
    month: int
    day: int
    year: int | None = None


@dataclass(frozen=True, slots=True)
class CustomerFields:
    """The optional attributes of a customer; ``None`` means "not given"."""

    tier: str | None = None
    since: date | None = None
    renewal_on: date | None = None
    annual_value: int | None = None
    timezone: str | None = None
    country: str | None = None
    kind: RelationshipKind | None = None
    owner: UserRef | None = None
    cadence: Cadence | None = None
    tags: frozenset[str] | None = None
    last_touch_on: date | None = None  # last touched on this day (before the bot knew it)


# Field names of CustomerFields a `customer edit` may reset with `<option>=none`.
CLEARABLE_FIELDS: frozenset[str] = frozenset(
    {"since", "renewal_on", "timezone", "country", "cadence", "tags"}
)


@dataclass(frozen=True, slots=True)
class LogTouch:
    customer: str
    ritual: str | None = None
    note: str | None = None
    contact: str | None = None  # a contact's name at that customer, resolved by the service
    on: date | None = None  # a past day for a touch logged late; None: now


@dataclass(frozen=True, slots=True)
class AddCustomer:
    name: str
    fields: CustomerFields = CustomerFields()


@dataclass(frozen=True, slots=True)
class EditCustomer:
    customer: str
    fields: CustomerFields = CustomerFields()
    clear: frozenset[str] = frozenset()  # CustomerFields names reset to their default


@dataclass(frozen=True, slots=True)
class ShowCustomer:
    customer: str


@dataclass(frozen=True, slots=True)
class ListCustomers:
    tier: str | None = None
    owner: UserRef | None = None  # None: mine (unless everyone)
    kind: RelationshipKind | None = None
    tag: str | None = None
    everyone: bool = False  # `all`: every owner's customers
    archived: bool = False  # include archived customers


@dataclass(frozen=True, slots=True)
class ArchiveCustomer:
    customer: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AssignCustomer:
    customer: str
    owner: UserRef


@dataclass(frozen=True, slots=True)
class UnarchiveCustomer:
    customer: str


@dataclass(frozen=True, slots=True)
class ShowHistory:
    customer: str
    limit: int = 10  # the newest touches shown


@dataclass(frozen=True, slots=True)
class AddContact:
    customer: str
    name: str
    birthday: Birthday | None = None
    role: str | None = None
    email: str | None = None


# Fields of a contact that `contact edit` may reset with `<option>=none`.
CONTACT_CLEARABLE: frozenset[str] = frozenset({"role", "birthday", "email"})


@dataclass(frozen=True, slots=True)
class EditContact:
    customer: str
    contact: str  # as typed: a name, or the start of one
    name: str | None = None
    role: str | None = None
    birthday: Birthday | None = None
    email: str | None = None
    clear: frozenset[str] = frozenset()  # CONTACT_CLEARABLE names reset to nothing


@dataclass(frozen=True, slots=True)
class RemoveContact:
    customer: str
    contact: str


@dataclass(frozen=True, slots=True)
class ListDates:
    customer: str


@dataclass(frozen=True, slots=True)
class EditDate:
    customer: str
    label: str  # as typed: the label, or the start of it
    on: date | None = None
    new_label: str | None = None
    yearly: bool | None = None  # None: unchanged
    lead_days: int | None = None
    clear_lead: bool = False  # lead=none: back to the default notice


@dataclass(frozen=True, slots=True)
class RemoveDate:
    customer: str
    label: str


@dataclass(frozen=True, slots=True)
class RemoveLifeEvent:
    """A life event recorded by mistake: the latest of its kind, or the one on ``on``."""

    kind: str
    on: date | None = None
    customer: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class AddDate:
    customer: str
    label: str
    on: date
    yearly: bool = False
    lead_days: int | None = None  # None: the policy default


@dataclass(frozen=True, slots=True)
class AddLifeEvent:
    """A life event about a customer, or about a contact (found by name by the service)."""

    kind: str
    on: date
    customer: str | None = None
    contact: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ShowQuiet:
    user: UserRef | None = None  # someone in my team's; None: mine (a manager's: the team's)


@dataclass(frozen=True, slots=True)
class ShowNudges:
    user: UserRef | None = None  # someone in my team's; None: mine


@dataclass(frozen=True, slots=True)
class Snooze:
    customer: str | None  # None: the item at ``position``
    until: date
    reason: str | None = None
    position: int | None = None  # 1-based, in the last list shown to the person


@dataclass(frozen=True, slots=True)
class Skip:
    customer: str | None
    reason: str | None = None
    position: int | None = None


@dataclass(frozen=True, slots=True)
class Done:
    customer: str | None
    position: int | None = None


@dataclass(frozen=True, slots=True)
class AnswerEscalation:
    """A manager's answer to an escalation: none of them logs a touch."""

    verb: str  # acknowledge, remind, take_over, reassign
    customer: str | None  # None: the item at ``position``
    position: int | None = None
    to: UserRef | None = None  # the new owner (reassign)


@dataclass(frozen=True, slots=True)
class DoNotContact:
    customer: str
    until: date | None  # None: `off`, contact again
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class OutOfOffice:
    until: date | None  # None: `off`, back in office
    cover: UserRef | None = None


@dataclass(frozen=True, slots=True)
class ShowSettings:
    pass


@dataclass(frozen=True, slots=True)
class UpdateSettings:
    timezone: str | None = None
    delivery_hour: int | None = None
    working_days: frozenset[int] | None = None  # Monday == 0
    daily_cap: int | None = None
    holiday_country: str | None = None


@dataclass(frozen=True, slots=True)
class ShowDigest:
    user: UserRef | None = None  # someone else's digest
    team: bool = False  # my team's digest; neither: my own


@dataclass(frozen=True, slots=True)
class DigestChannel:
    """Post my weekly team digest in the channel this is typed in (``off``: stop)."""

    off: bool = False


@dataclass(frozen=True, slots=True)
class ShowHealth:
    customer: str | None  # None: the health of ``user``'s book
    user: UserRef | None = None


@dataclass(frozen=True, slots=True)
class AddTeamMember:
    user: UserRef
    manager: UserRef | None = None
    admin: bool = False


@dataclass(frozen=True, slots=True)
class ListTeam:
    pass


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None  # a command ("customer add") or group ("customer"); None: all


@dataclass(frozen=True, slots=True)
class Undo:
    """Revert the person's last change (within minutes of making it)."""


@dataclass(frozen=True, slots=True)
class ShowDeliveries:
    failed_only: bool = False
    everyone: bool = False  # `all`: every recipient's (admins)


Command = (
    LogTouch
    | AddCustomer
    | EditCustomer
    | ShowCustomer
    | ListCustomers
    | ArchiveCustomer
    | AssignCustomer
    | UnarchiveCustomer
    | ShowHistory
    | AddContact
    | EditContact
    | RemoveContact
    | AddDate
    | ListDates
    | EditDate
    | RemoveDate
    | AddLifeEvent
    | RemoveLifeEvent
    | ShowQuiet
    | ShowNudges
    | Snooze
    | Skip
    | Done
    | AnswerEscalation
    | DoNotContact
    | OutOfOffice
    | ShowSettings
    | UpdateSettings
    | AddOffer
    | ListOffers
    | ShowOffer
    | RecordPitch
    | ShowDigest
    | DigestChannel
    | ShowHealth
    | AddTeamMember
    | ListTeam
    | Help
    | ShowDeliveries
    | ImportHelp
    | ExportBook
    | EraseCustomer
    | ErasePerson
    | ShowAudit
    | ShowCalendar
    | Undo
)
