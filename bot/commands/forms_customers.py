"""Command forms about customers: touch, customer, contact, date and event."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from bot.commands.commands import (
    CLEARABLE_FIELDS,
    AddContact,
    AddCustomer,
    AddDate,
    AddLifeEvent,
    ArchiveCustomer,
    AssignCustomer,
    Command,
    CustomerFields,
    EditCustomer,
    ListCustomers,
    LogTouch,
    ShowCustomer,
    UserRef,
)
from bot.commands.context import (
    MAX_NAME,
    Context,
    Given,
    Handler,
    flags_of,
    joined,
    require_value,
)
from bot.commands.durations import parse_lead_days
from bot.commands.names import NotFound
from bot.commands.problems import Invalid
from bot.commands.values import (
    looks_like_user,
    parse_birthday,
    parse_cadence,
    parse_country,
    parse_enum,
    parse_list,
    parse_money,
    parse_tier,
    parse_timezone,
    parse_user,
    parse_word,
)
from nudges.model import RelationshipKind

T = TypeVar("T")


# --- touch -------------------------------------------------------------------------------------


def _touch(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("contact", "on"), note=True)
    customer, rest = ctx.customer_leading(args.words)
    ritual = None
    if rest:
        if len(rest) > 1:
            raise Invalid(
                f"Unexpected {joined(rest[1:])!r} after the ritual {rest[0].text!r}. "
                "Put a note after '--', e.g. touch acme coffee -- lunch went well."
            )
        ritual = parse_word(rest[0].text, what="ritual")
    on = None
    if "on" in args.options:
        on = ctx.day(args.options["on"], "on=")
        if on > ctx.today:
            raise Invalid(f"on={args.options['on']!r} is in the future; log touches that happened.")
    contact = _contact_name(args.options.get("contact"))
    return LogTouch(customer, ritual=ritual, note=args.note, contact=contact, on=on)


def _contact_name(value: str | None) -> str | None:
    if value is None:
        return None
    name = " ".join(value.split())
    if not name:
        raise Invalid("Option 'contact=' needs a name.")
    return name


# --- customer ----------------------------------------------------------------------------------

CUSTOMER_OPTIONS = (
    "tier", "since", "renewal", "value", "tz", "country", "kind", "owner", "cadence", "tags",
    "last",
)  # fmt: skip
_CLEAR_OPTIONS = {
    "since": "since", "renewal": "renewal_on", "tz": "timezone", "country": "country",
    "cadence": "cadence", "tags": "tags",
}  # fmt: skip


def _customer_fields(
    ctx: Context, options: dict[str, str], *, clearable: bool
) -> tuple[CustomerFields, frozenset[str]]:
    clear: set[str] = set()
    given: dict[str, str] = {}
    for key, value in options.items():
        if value.strip().lower() == "none":
            if not clearable or key not in _CLEAR_OPTIONS:
                can = ", ".join(f"{k}=none" for k in _CLEAR_OPTIONS) if clearable else ""
                hint = f" Only {can} can be cleared." if can else ""
                raise Invalid(f"'{key}=none' is not allowed for {ctx.path}.{hint}")
            clear.add(_CLEAR_OPTIONS[key])
        else:
            given[key] = require_value(value, f"{key}=")

    def get(key: str, parse_one: Callable[[str], T]) -> T | None:
        return parse_one(given[key]) if key in given else None

    fields = CustomerFields(
        tier=get("tier", parse_tier),
        since=get("since", lambda v: ctx.day(v, "since=")),
        renewal_on=get("renewal", lambda v: ctx.day(v, "renewal=")),
        annual_value=get("value", parse_money),
        timezone=get("tz", parse_timezone),
        country=get("country", parse_country),
        kind=get("kind", _kind),
        owner=get("owner", parse_user),
        cadence=get("cadence", parse_cadence),
        tags=get("tags", lambda v: parse_list(v, what="tag")),
        last_touch_on=get("last", lambda v: _past_day(ctx, v, "last=")),
    )
    return fields, frozenset(clear & CLEARABLE_FIELDS)


def _past_day(ctx: Context, value: str, option: str) -> date:
    day = ctx.day(value, option)
    if day > ctx.today:
        raise Invalid(f"{option}{value!r} is in the future; give the day of the last touch.")
    return day


def _customer_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=CUSTOMER_OPTIONS)
    for token in args.words:
        if token.plain and looks_like_user(token.text):
            raise Invalid(
                f"Unexpected {token.text!r} in the name. Did you mean owner={token.text}?"
            )
    name = joined(args.words)
    if not name:
        raise Invalid("Missing the new customer's name.")
    if len(name) > MAX_NAME:
        raise Invalid(f"The name is too long ({len(name)} characters, at most {MAX_NAME}).")
    fields, _ = _customer_fields(ctx, args.options, clearable=False)
    return AddCustomer(name, fields)


def _customer_edit(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=CUSTOMER_OPTIONS)
    customer = ctx.customer_whole(args.words)
    fields, clear = _customer_fields(ctx, args.options, clearable=True)
    if not args.options:
        raise Invalid("Nothing to change: give at least one option, e.g. tier=key.")
    return EditCustomer(customer, fields, clear)


def _customer_show(ctx: Context, given: Given) -> Command:
    return ShowCustomer(ctx.customer_whole(ctx.args(given).words))


def _customer_list(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("tier", "owner", "kind", "tag"))
    flags = flags_of(ctx, args.words, ("all", "archived"))
    options = args.options
    owner = parse_user(options["owner"]) if "owner" in options else None
    if owner is not None and "all" in flags:
        raise Invalid("Give either owner=@user or all, not both.")
    return ListCustomers(
        tier=parse_tier(options["tier"]) if "tier" in options else None,
        owner=owner,
        kind=_kind(options["kind"]) if "kind" in options else None,
        tag=parse_tier(options["tag"]) if "tag" in options else None,
        everyone="all" in flags,
        archived="archived" in flags,
    )


def _kind(value: str) -> RelationshipKind:
    return parse_enum(value, RelationshipKind, what="kind")


def _customer_archive(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, note=True)
    return ArchiveCustomer(ctx.customer_whole(args.words), reason=args.note)


def _customer_assign(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("owner",))
    words = args.words
    owner: UserRef | None = None
    if words and words[-1].plain and looks_like_user(words[-1].text):
        owner = parse_user(words[-1].text)
        words = words[:-1]
    if "owner" in args.options:
        if owner is not None:
            raise Invalid("Give the new owner once: either @user or owner=@user.")
        owner = parse_user(args.options["owner"])
    customer = ctx.customer_whole(words)
    if owner is None:
        raise Invalid(f"Missing the new owner of {customer!r}, e.g. owner=@maria.")
    return AssignCustomer(customer, owner)


# --- contacts, dates, life events ----------------------------------------------------------------


def _contact_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("birthday", "role"))
    customer, rest = ctx.customer_leading(args.words)
    name = joined(rest)
    if not name:
        raise Invalid(f"Missing the contact's name at {customer!r}.")
    birthday = parse_birthday(args.options["birthday"]) if "birthday" in args.options else None
    role = " ".join(args.options["role"].split()) if "role" in args.options else None
    return AddContact(customer, name, birthday=birthday, role=role or None)


def _date_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("lead",))
    words = list(args.words)
    yearly = False
    if words and words[-1].plain and words[-1].text.lower() in ("yearly", "once"):
        yearly = words.pop().text.lower() == "yearly"
    if not words:
        raise Invalid("Missing the customer, label and date.")
    on = ctx.day(words[-1].text, "")
    customer, rest = ctx.customer_leading(words[:-1])
    label = joined(rest)
    if not label:
        raise Invalid(f"Missing the label of the date for {customer!r}, e.g. founding day.")
    lead = parse_lead_days(args.options["lead"]) if "lead" in args.options else None
    return AddDate(customer, label, on, yearly=yearly, lead_days=lead)


_DAY_WORD = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|today|yesterday|tomorrow", re.ASCII | re.I)


def _event_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("contact",), note=True)
    words = list(args.words)
    on = ctx.today
    if words and words[-1].plain and _DAY_WORD.fullmatch(words[-1].text):
        on = ctx.day(words.pop().text, "")
    if len(words) < 2:
        raise Invalid("Missing who it happened to and what happened, e.g. event add acme new_role.")
    kind = parse_word(words[-1].text, what="life event kind")
    subject = words[:-1]
    contact = _contact_name(args.options.get("contact"))
    found = ctx.resolve_whole(subject, ctx.customers)
    if isinstance(found, NotFound) and contact is None:
        return AddLifeEvent(kind, on, contact=joined(subject), note=args.note)
    customer = ctx.accept(found, ctx.customers, what="customer", whole=True)
    return AddLifeEvent(kind, on, customer=customer, contact=contact, note=args.note)


FORMS: dict[str, Handler] = {
    "touch": _touch,
    "customer add": _customer_add,
    "customer edit": _customer_edit,
    "customer show": _customer_show,
    "customer list": _customer_list,
    "customer archive": _customer_archive,
    "customer assign": _customer_assign,
    "contact add": _contact_add,
    "date add": _date_add,
    "event add": _event_add,
}
