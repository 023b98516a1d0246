"""Command forms about customers: touch, history and customer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from bot.commands.commands import (
    CLEARABLE_FIELDS,
    AddCustomer,
    ArchiveCustomer,
    AssignCustomer,
    Command,
    CustomerFields,
    EditCustomer,
    ListCustomers,
    LogTouch,
    ShowCustomer,
    ShowHistory,
    UnarchiveCustomer,
    UserRef,
)
from bot.commands.context import (
    MAX_NAME,
    Context,
    Given,
    Handler,
    contact_name,
    flags_of,
    is_mention,
    joined,
    require_value,
)
from bot.commands.problems import Invalid
from bot.commands.values import (
    looks_like_user,
    parse_cadence,
    parse_country,
    parse_enum,
    parse_int,
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
        on = ctx.past_day(args.options["on"], "on=")
        if on > ctx.today:
            raise Invalid(f"on={args.options['on']!r} is in the future; log touches that happened.")
    contact = contact_name(args.options.get("contact"))
    return LogTouch(customer, ritual=ritual, note=args.note, contact=contact, on=on)


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
    return ShowCustomer(ctx.customer_whole(ctx.args(given).words, archived=True))


def _customer_unarchive(ctx: Context, given: Given) -> Command:
    return UnarchiveCustomer(ctx.customer_whole(ctx.args(given).words, archived=True))


HISTORY_MAX = 100


def _history(ctx: Context, given: Given) -> Command:
    words = ctx.args(given).words
    limit = 10
    if len(words) > 1 and words[-1].plain and words[-1].text.isdigit():
        limit = parse_int(words[-1].text, what="the number of touches", low=1, high=HISTORY_MAX)
        words = words[:-1]
    return ShowHistory(ctx.customer_whole(words, archived=True), limit=limit)


def _customer_list(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("tier", "owner", "kind", "tag"), flags=("all", "archived"))
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
    if words and is_mention(words[-1]):
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


FORMS: dict[str, Handler] = {
    "touch": _touch,
    "customer add": _customer_add,
    "customer edit": _customer_edit,
    "customer show": _customer_show,
    "customer list": _customer_list,
    "customer archive": _customer_archive,
    "customer assign": _customer_assign,
    "customer unarchive": _customer_unarchive,
    "history": _history,
}
