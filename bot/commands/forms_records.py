"""Command forms about what hangs off a customer: contacts, important dates, life events."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.commands.commands import (
    CONTACT_CLEARABLE,
    AddContact,
    AddDate,
    AddLifeEvent,
    Birthday,
    Command,
    EditContact,
    EditDate,
    ListDates,
    RemoveContact,
    RemoveDate,
    RemoveLifeEvent,
)
from bot.commands.context import (
    MAX_NAME,
    Args,
    Context,
    Given,
    Handler,
    contact_name,
    joined,
    require_value,
)
from bot.commands.durations import parse_lead_days
from bot.commands.lexer import Token
from bot.commands.names import NotFound
from bot.commands.problems import Invalid
from bot.commands.values import parse_birthday, parse_email, parse_word

# --- contacts ------------------------------------------------------------------------------------


def _contact_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("birthday", "role", "email"))
    customer, rest = ctx.customer_leading(args.words)
    name = joined(rest)
    if not name:
        raise Invalid(f"Missing the contact's name at {customer!r}.")
    if len(name) > MAX_NAME:
        raise Invalid(f"The name is too long ({len(name)} characters, at most {MAX_NAME}).")
    birthday = parse_birthday(args.options["birthday"]) if "birthday" in args.options else None
    role = " ".join(args.options["role"].split()) if "role" in args.options else None
    email = parse_email(args.options["email"]) if "email" in args.options else None
    return AddContact(customer, name, birthday=birthday, role=role or None, email=email)


def _contact_of(ctx: Context, args: Args) -> tuple[str, str]:
    customer, rest = ctx.customer_leading(args.words)
    contact = joined(rest)
    if not contact:
        raise Invalid(f"Missing the contact at {customer!r}: their name, or the start of it.")
    return customer, contact


def _contact_edit(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("name", "role", "birthday", "email"))
    customer, contact = _contact_of(ctx, args)
    if not args.options:
        raise Invalid("Nothing to change: give at least one of name=, role=, birthday=, email=.")
    clear = frozenset(key for key, value in args.options.items() if value.strip().lower() == "none")
    if "name" in clear:
        raise Invalid("A contact keeps a name: name= needs one (`contact remove` removes them).")
    given_values = {
        key: require_value(value, f"{key}=")
        for key, value in args.options.items()
        if key not in clear
    }
    name = " ".join(given_values["name"].split()) if "name" in given_values else None
    if name is not None and len(name) > MAX_NAME:
        raise Invalid(f"The name is too long ({len(name)} characters, at most {MAX_NAME}).")
    birthday: Birthday | None = None
    if "birthday" in given_values:
        birthday = parse_birthday(given_values["birthday"])
    return EditContact(
        customer,
        contact,
        name=name,
        role=" ".join(given_values["role"].split()) if "role" in given_values else None,
        birthday=birthday,
        email=parse_email(given_values["email"]) if "email" in given_values else None,
        clear=clear & CONTACT_CLEARABLE,
    )


def _contact_remove(ctx: Context, given: Given) -> Command:
    customer, contact = _contact_of(ctx, ctx.args(given))
    return RemoveContact(customer, contact)


# --- important dates -----------------------------------------------------------------------------


def _date_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("lead",), flags=("yearly", "once"))
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


def _date_list(ctx: Context, given: Given) -> Command:
    return ListDates(ctx.customer_whole(ctx.args(given).words, archived=True))


def _date_of(ctx: Context, words: Sequence[Token]) -> tuple[str, str]:
    customer, rest = ctx.customer_leading(words)
    label = joined(rest)
    if not label:
        raise Invalid(f"Missing the date's label at {customer!r} (see: date list {customer}).")
    return customer, label


def _date_edit(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("on", "label", "lead"), flags=("yearly", "once"))
    words = list(args.words)
    yearly: bool | None = None
    while words and words[-1].plain and words[-1].text.lower() in ("yearly", "once"):
        yearly = words.pop().text.lower() == "yearly"
    customer, label = _date_of(ctx, words)
    options = args.options
    if not options and yearly is None:
        raise Invalid("Nothing to change: give on=, label=, lead= or yearly/once.")
    lead = options.get("lead")
    clear_lead = lead is not None and lead.strip().lower() == "none"
    new_label = (
        " ".join(require_value(options["label"], "label=").split()) if "label" in options else None
    )
    return EditDate(
        customer,
        label,
        on=ctx.day(options["on"], "on=") if "on" in options else None,
        new_label=new_label,
        yearly=yearly,
        lead_days=parse_lead_days(lead) if lead is not None and not clear_lead else None,
        clear_lead=clear_lead,
    )


def _date_remove(ctx: Context, given: Given) -> Command:
    customer, label = _date_of(ctx, ctx.args(given).words)
    return RemoveDate(customer, label)


# --- life events ---------------------------------------------------------------------------------

_DAY_WORD = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|today|yesterday|tomorrow", re.ASCII | re.I)


def _event_words(ctx: Context, args: Args) -> tuple[str, str | None, str | None, Sequence[Token]]:
    """(kind, customer, contact, the words naming whom) of ``event add|remove``."""
    words = list(args.words)
    if len(words) < 2:
        raise Invalid("Missing who it happened to and what happened, e.g. event add acme new_role.")
    kind = parse_word(words[-1].text, what="life event kind")
    subject = words[:-1]
    contact = contact_name(args.options.get("contact"))
    found = ctx.resolve_whole(subject, ctx.customers)
    if isinstance(found, NotFound) and contact is None:
        return kind, None, joined(subject), subject
    customer = ctx.accept(found, ctx.customers, what="customer", whole=True)
    return kind, customer, contact, subject


def _event_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("contact",), note=True)
    on = ctx.today
    if args.words and args.words[-1].plain and _DAY_WORD.fullmatch(args.words[-1].text):
        on = ctx.day(args.words.pop().text, "")
    kind, customer, contact, _ = _event_words(ctx, args)
    return AddLifeEvent(kind, on, customer=customer, contact=contact, note=args.note)


def _event_remove(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("contact",))
    on = None
    if args.words and args.words[-1].plain and _DAY_WORD.fullmatch(args.words[-1].text):
        on = ctx.day(args.words.pop().text, "")
    kind, customer, contact, _ = _event_words(ctx, args)
    return RemoveLifeEvent(kind, on=on, customer=customer, contact=contact)


FORMS: dict[str, Handler] = {
    "contact add": _contact_add,
    "contact edit": _contact_edit,
    "contact remove": _contact_remove,
    "date add": _date_add,
    "date list": _date_list,
    "date edit": _date_edit,
    "date remove": _date_remove,
    "event add": _event_add,
    "event remove": _event_remove,
}
