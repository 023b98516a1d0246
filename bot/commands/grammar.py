"""The command grammar: text in, one :data:`~bot.commands.commands.Command` or a
:class:`~bot.commands.commands.ParseError` out. Never raises on any text.

One grammar serves every surface: Slack's ``/nudge <text>`` and ``/touch <text>``
(see :func:`slash_text`), Teams messages and the console.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from bot.commands import help as help_texts
from bot.commands.commands import (
    CLEARABLE_FIELDS,
    AddContact,
    AddCustomer,
    AddDate,
    AddLifeEvent,
    AddOffer,
    AddTeamMember,
    ArchiveCustomer,
    AssignCustomer,
    Command,
    CustomerFields,
    Done,
    DoNotContact,
    EditCustomer,
    Help,
    ListCustomers,
    ListOffers,
    ListTeam,
    LogTouch,
    OutOfOffice,
    ParseError,
    RecordPitch,
    ShowCustomer,
    ShowDeliveries,
    ShowDigest,
    ShowHealth,
    ShowNudges,
    ShowOffer,
    ShowQuiet,
    ShowSettings,
    Skip,
    Snooze,
    UpdateSettings,
    UserRef,
)
from bot.commands.durations import parse_day, parse_lead_days, parse_weekdays, relative_until
from bot.commands.lexer import Token, lex
from bot.commands.names import (
    Ambiguous,
    Found,
    KnownNames,
    NotFound,
    Resolution,
    resolve_leading,
    resolve_whole,
    suggest,
)
from bot.commands.problems import Invalid
from bot.commands.values import (
    looks_like_user,
    parse_birthday,
    parse_cadence,
    parse_country,
    parse_enum,
    parse_enums,
    parse_int,
    parse_list,
    parse_money,
    parse_tier,
    parse_timezone,
    parse_user,
    parse_word,
)
from nudges.model import OfferKind, PitchState, RelationshipKind

T = TypeVar("T")

MAX_TEXT = 8_000  # Slack caps slash-command text at 4,000; anything longer is not a command
MAX_NAME = 200
MAX_NOTE = 4_000
HELP_FLAGS = frozenset({"--help", "-h", "-?"})
OPTION_ALIASES = {"timezone": "tz", "quantity": "qty", "renewal_on": "renewal", "bday": "birthday"}
_OPTION = re.compile(r"([A-Za-z][A-Za-z_-]*)=", re.ASCII)


def slash_text(command: str, text: str) -> str:
    """The text to parse for a slash command: ``/nudge x`` is ``x``, ``/touch x`` is ``touch x``."""
    name = command.strip().lstrip("/").lower()
    if name in ("", "nudge", "nudgebot"):
        return text
    return f"{name} {text}"


def parse(
    text: str, *, customers: KnownNames, today: date, offers: KnownNames | None = None
) -> Command | ParseError:
    """Parse one command. ``customers``: the customer names the user may refer to; ``today``: the
    user's local date (for ``3d``, ``today``, …); ``offers``: offer titles, if the caller knows
    them (else offer references are kept as typed)."""
    if len(text) > MAX_TEXT:
        return ParseError(
            f"That is too long for a command ({len(text)} characters, at most {MAX_TEXT}).",
            usage=help_texts.overview_usage(),
        )
    stripped = text.strip()
    if stripped.startswith("/"):
        stripped = stripped[1:]
    lexed = lex(stripped)
    words = list(lexed.tokens)
    if not words:
        if lexed.error is not None:
            return ParseError(lexed.error, usage=help_texts.overview_usage())
        if lexed.note is None:
            return Help()
        return ParseError("A note after '--' needs a command before it.", usage="help")
    found = _identify(words)
    if isinstance(found, ParseError):
        return found
    path, handler, rest = found
    if lexed.error is not None:
        return ParseError(lexed.error, usage=help_texts.usage(path), command=path)
    if any(t.plain and t.text.lower() in HELP_FLAGS for t in rest):
        return Help(path)
    context = _Context(path, customers=customers, offers=offers, today=today)
    try:
        return handler(context, _Input(rest, lexed.note))
    except Invalid as problem:
        return ParseError(
            problem.message,
            usage=help_texts.usage(path),
            command=path,
            suggestions=problem.suggestions,
        )


@dataclass(frozen=True, slots=True)
class _Input:
    tokens: Sequence[Token]
    note: str | None


@dataclass(slots=True)
class _Args:
    words: list[Token]
    options: dict[str, str] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    path: str
    customers: KnownNames
    offers: KnownNames | None
    today: date

    def args(self, given: _Input, *, options: Sequence[str] = (), note: bool = False) -> _Args:
        """Split words from ``key=value`` options, checking option names and the note."""
        args = _Args(words=[])
        for token in given.tokens:
            match = _OPTION.match(token.bare_text)
            if match is None:
                args.words.append(token)
                continue
            typed = match.group(1).lower()
            key = OPTION_ALIASES.get(typed, typed)
            if key not in options:
                raise self.unknown_option(typed, options)
            if key in args.options:
                raise Invalid(f"Option '{key}=' is given twice for {self.path}.")
            args.options[key] = token.text[match.end() :].strip()
        if given.note is not None:
            if not note:
                raise Invalid(f"{self.path} takes no note after '--'.")
            if len(given.note) > MAX_NOTE:
                raise Invalid(
                    f"The note is too long ({len(given.note)} characters, at most {MAX_NOTE})."
                )
            args.note = given.note
        return args

    def unknown_option(self, typed: str, options: Sequence[str]) -> Invalid:
        if not options:
            return Invalid(f"{self.path} takes no options, but got '{typed}='.")
        close = difflib.get_close_matches(typed, list(options), n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}='?" if close else ""
        return Invalid(
            f"Unknown option '{typed}=' for {self.path}.{hint}",
            suggestions=tuple(f"{c}=" for c in close),
        )

    def customer_leading(self, words: Sequence[Token]) -> tuple[str, list[Token]]:
        """The customer named by the leading words (longest match), and the words after it."""
        if not words:
            raise Invalid(f"Missing the customer for {self.path}.")
        found = resolve_leading([t.text for t in words], self.customers, max_words=_span(words))
        name = self.accept(found, self.customers, what="customer", whole=False)
        return name, list(words[found.words if isinstance(found, Found) else 0 :])

    def customer_whole(self, words: Sequence[Token]) -> str:
        """The customer named by all of ``words``."""
        if not words:
            raise Invalid(f"Missing the customer for {self.path}.")
        return self.accept(
            self.resolve_whole(words, self.customers), self.customers, what="customer", whole=True
        )

    def resolve_whole(self, words: Sequence[Token], known: KnownNames) -> Resolution:
        if len(words) > 1 and any(t.quoted for t in words):
            quoted = next(t for t in words if t.quoted)
            extra = _text([t for t in words if t is not quoted])
            raise Invalid(f"Unexpected {extra!r} next to the quoted name {quoted.text!r}.")
        return resolve_whole([t.text for t in words], known)

    def accept(self, found: Resolution, known: KnownNames, *, what: str, whole: bool) -> str:
        if isinstance(found, Found):
            return found.name
        if isinstance(found, Ambiguous):
            listed = ", ".join(found.candidates) + (", …" if found.more else "")
            raise Invalid(
                f"{found.typed!r} could be more than one {what}: {listed}. "
                "Type more of the name, or quote it.",
                suggestions=found.candidates,
            )
        message = (
            f"No known {what} matches {found.typed!r}."
            if whole
            else f"No known {what} at the start of {found.typed!r}."
        )
        if found.suggestions:
            options = ", ".join(repr(s) for s in found.suggestions)
            message += f" Did you mean {options}?"
        elif not known.starting_with("", limit=1):
            message += f" There are none yet: add one with '{what} add <name>'."
        raise Invalid(message, suggestions=found.suggestions)

    def day(self, value: str, option: str) -> date:
        return parse_day(_value(value, option), today=self.today)

    def until(self, value: str, option: str, *, after_today: bool) -> date:
        day = relative_until(_value(value, option), today=self.today)
        if day < self.today or (after_today and day == self.today):
            when = "after today" if after_today else "today or later"
            raise Invalid(f"{option}{value!r} is in the past; it must be {when}.")
        return day


def _value(value: str, option: str) -> str:
    if not value.strip():
        raise Invalid(f"Option '{option}' needs a value.")
    return value


def _span(words: Sequence[Token]) -> int:
    """How many leading words a name may take: a quoted word is a whole name on its own."""
    if words[0].quoted:
        return 1
    for i, token in enumerate(words):
        if token.quoted or looks_like_user(token.text):
            return max(i, 1)
    return len(words)


def _text(words: Sequence[Token]) -> str:
    return " ".join(" ".join(t.text.split()) for t in words if t.text.strip())


def _flags(ctx: _Context, words: Sequence[Token], allowed: Sequence[str]) -> set[str]:
    flags: set[str] = set()
    for token in words:
        word = token.text.lower()
        if token.quoted or word not in allowed:
            close = difflib.get_close_matches(word, list(allowed), n=1) if allowed else []
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise Invalid(
                f"Unexpected {token.text!r} for {ctx.path}.{hint}", suggestions=tuple(close)
            )
        flags.add(word)
    return flags


def _no_words(ctx: _Context, words: Sequence[Token]) -> None:
    if words:
        raise Invalid(f"Unexpected {_text(words)!r} for {ctx.path}.")


# --- touch -------------------------------------------------------------------------------------


def _touch(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=("contact", "on"), note=True)
    customer, rest = ctx.customer_leading(args.words)
    ritual = None
    if rest:
        if len(rest) > 1:
            raise Invalid(
                f"Unexpected {_text(rest[1:])!r} after the ritual {rest[0].text!r}. "
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
)  # fmt: skip
_CLEAR_OPTIONS = {
    "since": "since", "renewal": "renewal_on", "tz": "timezone", "country": "country",
    "cadence": "cadence", "tags": "tags",
}  # fmt: skip


def _customer_fields(
    ctx: _Context, options: dict[str, str], *, clearable: bool
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
            given[key] = _value(value, f"{key}=")

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
    )
    return fields, frozenset(clear & CLEARABLE_FIELDS)


def _customer_add(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=CUSTOMER_OPTIONS)
    for token in args.words:
        if token.plain and looks_like_user(token.text):
            raise Invalid(
                f"Unexpected {token.text!r} in the name. Did you mean owner={token.text}?"
            )
    name = _text(args.words)
    if not name:
        raise Invalid("Missing the new customer's name.")
    if len(name) > MAX_NAME:
        raise Invalid(f"The name is too long ({len(name)} characters, at most {MAX_NAME}).")
    fields, _ = _customer_fields(ctx, args.options, clearable=False)
    return AddCustomer(name, fields)


def _customer_edit(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=CUSTOMER_OPTIONS)
    customer = ctx.customer_whole(args.words)
    fields, clear = _customer_fields(ctx, args.options, clearable=True)
    if not args.options:
        raise Invalid("Nothing to change: give at least one option, e.g. tier=key.")
    return EditCustomer(customer, fields, clear)


def _customer_show(ctx: _Context, given: _Input) -> Command:
    return ShowCustomer(ctx.customer_whole(ctx.args(given).words))


def _customer_list(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=("tier", "owner", "kind", "tag"))
    flags = _flags(ctx, args.words, ("all", "archived"))
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


def _customer_archive(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, note=True)
    return ArchiveCustomer(ctx.customer_whole(args.words), reason=args.note)


def _customer_assign(ctx: _Context, given: _Input) -> Command:
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


def _contact_add(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=("birthday", "role"))
    customer, rest = ctx.customer_leading(args.words)
    name = _text(rest)
    if not name:
        raise Invalid(f"Missing the contact's name at {customer!r}.")
    birthday = parse_birthday(args.options["birthday"]) if "birthday" in args.options else None
    role = " ".join(args.options["role"].split()) if "role" in args.options else None
    return AddContact(customer, name, birthday=birthday, role=role or None)


def _date_add(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=("lead",))
    words = list(args.words)
    yearly = False
    if words and words[-1].plain and words[-1].text.lower() in ("yearly", "once"):
        yearly = words.pop().text.lower() == "yearly"
    if not words:
        raise Invalid("Missing the customer, label and date.")
    on = ctx.day(words[-1].text, "")
    customer, rest = ctx.customer_leading(words[:-1])
    label = _text(rest)
    if not label:
        raise Invalid(f"Missing the label of the date for {customer!r}, e.g. founding day.")
    lead = parse_lead_days(args.options["lead"]) if "lead" in args.options else None
    return AddDate(customer, label, on, yearly=yearly, lead_days=lead)


_DAY_WORD = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|today|yesterday|tomorrow", re.ASCII | re.I)


def _event_add(ctx: _Context, given: _Input) -> Command:
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
        return AddLifeEvent(kind, on, contact=_text(subject), note=args.note)
    customer = ctx.accept(found, ctx.customers, what="customer", whole=True)
    return AddLifeEvent(kind, on, customer=customer, contact=contact, note=args.note)


# --- nudge handling ----------------------------------------------------------------------------


def _quiet(ctx: _Context, given: _Input) -> Command:
    _no_words(ctx, ctx.args(given).words)
    return ShowQuiet()


def _nudges(ctx: _Context, given: _Input) -> Command:
    _no_words(ctx, ctx.args(given).words)
    return ShowNudges()


def _snooze(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, note=True)
    if len(args.words) < 2:
        raise Invalid("Missing the customer or until when, e.g. snooze acme 1w.")
    until = ctx.until(args.words[-1].text, "", after_today=True)
    return Snooze(ctx.customer_whole(args.words[:-1]), until, reason=args.note)


def _skip(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, note=True)
    return Skip(ctx.customer_whole(args.words), reason=args.note)


def _done(ctx: _Context, given: _Input) -> Command:
    return Done(ctx.customer_whole(ctx.args(given).words))


def _dnc(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=("until",), note=True)
    words = args.words
    if words and words[-1].plain and words[-1].text.lower() == "off":
        if "until" in args.options:
            raise Invalid("Give either until=<date> or off, not both.")
        return DoNotContact(ctx.customer_whole(words[:-1]), until=None, reason=args.note)
    customer = ctx.customer_whole(words)
    if "until" not in args.options:
        raise Invalid(f"Missing until=<date> for {customer!r}, e.g. until=2026-06-30 or until=3m.")
    until = ctx.until(args.options["until"], "until=", after_today=False)
    return DoNotContact(customer, until=until, reason=args.note)


def _ooo(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=("until", "cover"))
    flags = _flags(ctx, args.words, ("off",))
    if "off" in flags:
        if args.options:
            raise Invalid("'ooo off' takes no options.")
        return OutOfOffice(until=None)
    if "until" not in args.options:
        raise Invalid("Missing until=<date>, e.g. ooo until=2026-08-15 cover=@bob.")
    until = ctx.until(args.options["until"], "until=", after_today=False)
    cover = parse_user(args.options["cover"]) if "cover" in args.options else None
    return OutOfOffice(until=until, cover=cover)


def _me(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=("tz", "hour", "days", "cap", "country"))
    _no_words(ctx, args.words)
    options = {key: _value(value, f"{key}=") for key, value in args.options.items()}
    if not options:
        return ShowSettings()
    return UpdateSettings(
        timezone=parse_timezone(options["tz"]) if "tz" in options else None,
        delivery_hour=(
            parse_int(options["hour"], what="hour", low=0, high=23) if "hour" in options else None
        ),
        working_days=parse_weekdays(options["days"]) if "days" in options else None,
        daily_cap=(
            parse_int(options["cap"], what="cap", low=1, high=100) if "cap" in options else None
        ),
        holiday_country=parse_country(options["country"]) if "country" in options else None,
    )


# --- offers --------------------------------------------------------------------------------------


def _offer_add(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(
        given, options=("kind", "from", "public", "qty", "tiers", "kinds", "tags"), note=True
    )
    title = _text(args.words)
    if not title:
        raise Invalid("Missing the offer's title.")
    if len(title) > MAX_NAME:
        raise Invalid(f"The title is too long ({len(title)} characters, at most {MAX_NAME}).")
    options = {key: _value(value, f"{key}=") for key, value in args.options.items()}
    missing = [f"{key}=" for key in ("kind", "from", "public") if key not in options]
    if missing:
        raise Invalid(f"Missing {', '.join(missing)} for offer {title!r}.")
    kind = parse_enum(options["kind"], OfferKind, what="offer kind")
    first = relative_until(options["from"], today=ctx.today)
    public = relative_until(options["public"], today=ctx.today)
    if public < first:
        raise Invalid(f"public={options['public']!r} is before from={options['from']!r}.")
    return AddOffer(
        title,
        kind,
        existing_first_on=first,
        public_on=public,
        quantity=parse_int(options["qty"], what="qty", low=1, high=10**6)
        if "qty" in options
        else None,
        tiers=parse_list(options["tiers"], what="tier") if "tiers" in options else frozenset(),
        kinds=(
            parse_enums(options["kinds"], RelationshipKind, what="kind")
            if "kinds" in options
            else frozenset()
        ),
        tags=parse_list(options["tags"], what="tag") if "tags" in options else frozenset(),
        description=args.note,
    )


def _offer_list(ctx: _Context, given: _Input) -> Command:
    _no_words(ctx, ctx.args(given).words)
    return ListOffers()


def _offer_ref(ctx: _Context, words: Sequence[Token]) -> str:
    if not words:
        raise Invalid("Missing the offer.")
    if ctx.offers is None:
        return _text(words)
    return ctx.accept(ctx.resolve_whole(words, ctx.offers), ctx.offers, what="offer", whole=True)


def _offer_show(ctx: _Context, given: _Input) -> Command:
    return ShowOffer(_offer_ref(ctx, ctx.args(given).words))


_PITCH_STATES = {"pitched": PitchState.PITCHED, "accepted": PitchState.ACCEPTED,
                 "declined": PitchState.DECLINED}  # fmt: skip


def _offer_pitched(ctx: _Context, given: _Input) -> Command:
    words = list(ctx.args(given).words)
    state = PitchState.PITCHED
    if words and words[-1].plain and words[-1].text.lower() in _PITCH_STATES:
        state = _PITCH_STATES[words.pop().text.lower()]
    if len(words) < 2:
        raise Invalid('Missing the offer or the customer, e.g. offer pitched "Analytics Pro" acme.')
    if ctx.offers is not None:
        found = resolve_leading([t.text for t in words], ctx.offers, max_words=_span(words))
        offer = ctx.accept(found, ctx.offers, what="offer", whole=False)
        taken = found.words if isinstance(found, Found) else 0
        return RecordPitch(offer, ctx.customer_whole(words[taken:]), state)
    if words[0].quoted:
        return RecordPitch(words[0].text, ctx.customer_whole(words[1:]), state)
    # Without known offer titles, the customer is the longest known name ending the words.
    for split in range(1, len(words)):
        found = ctx.resolve_whole(words[split:], ctx.customers)
        if isinstance(found, Found):
            return RecordPitch(_text(words[:split]), found.name, state)
    close = suggest([t.text for t in words[1:]], ctx.customers)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise Invalid(
        f"No known customer at the end of {_text(words)!r}.{hint} If the customer is right, "
        'quote the offer\'s title, e.g. offer pitched "Analytics Pro" acme.',
        suggestions=close,
    )


# --- people ---------------------------------------------------------------------------------------


def _digest(ctx: _Context, given: _Input) -> Command:
    words = ctx.args(given).words
    if not words:
        return ShowDigest()
    if len(words) == 1 and words[0].plain and words[0].text.lower() == "team":
        return ShowDigest(team=True)
    if len(words) == 1 and looks_like_user(words[0].text):
        return ShowDigest(user=parse_user(words[0].text))
    raise Invalid(f"Unexpected {_text(words)!r}: expected @user or team.")


def _health(ctx: _Context, given: _Input) -> Command:
    return ShowHealth(ctx.customer_whole(ctx.args(given).words))


def _team_add(ctx: _Context, given: _Input) -> Command:
    args = ctx.args(given, options=("manager",))
    if not args.words:
        raise Invalid("Missing the person to add, e.g. team add @maria.")
    user = parse_user(args.words[0].text)
    flags = _flags(ctx, args.words[1:], ("admin",))
    manager = parse_user(args.options["manager"]) if "manager" in args.options else None
    return AddTeamMember(user, manager=manager, admin="admin" in flags)


def _team_list(ctx: _Context, given: _Input) -> Command:
    _no_words(ctx, ctx.args(given).words)
    return ListTeam()


def _deliveries(ctx: _Context, given: _Input) -> Command:
    flags = _flags(ctx, ctx.args(given).words, ("failed", "all"))
    return ShowDeliveries(failed_only="failed" in flags, everyone="all" in flags)


def _help(ctx: _Context, given: _Input) -> Command:
    words = ctx.args(given).words
    if not words:
        return Help()
    topic = " ".join(_text(words).lower().lstrip("/").split())
    if topic in help_texts.TOPICS:
        return Help(topic)
    close = tuple(difflib.get_close_matches(topic, list(help_texts.TOPICS), n=3))
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise Invalid(f"No help for {topic!r}.{hint}", suggestions=close)


# --- dispatch ------------------------------------------------------------------------------------

Handler = Callable[[_Context, _Input], Command]

COMMANDS: dict[str, Handler] = {
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
    "quiet": _quiet,
    "nudges": _nudges,
    "snooze": _snooze,
    "skip": _skip,
    "done": _done,
    "dnc": _dnc,
    "ooo": _ooo,
    "me": _me,
    "offer add": _offer_add,
    "offer list": _offer_list,
    "offer show": _offer_show,
    "offer pitched": _offer_pitched,
    "digest": _digest,
    "health": _health,
    "team add": _team_add,
    "team list": _team_list,
    "deliveries": _deliveries,
    "help": _help,
}
_GROUPS: dict[str, tuple[str, ...]] = {}
for _path in COMMANDS:
    if " " in _path:
        _group, _sub = _path.split(" ", 1)
        _GROUPS[_group] = (*_GROUPS.get(_group, ()), _sub)
_TOP_WORDS = tuple(dict.fromkeys(path.split(" ", 1)[0] for path in COMMANDS))


def _identify(words: list[Token]) -> tuple[str, Handler, list[Token]] | ParseError:
    head = words[0].text.lower() if words[0].plain else ""
    if head in COMMANDS:
        return head, COMMANDS[head], words[1:]
    if head in _GROUPS:
        subs = _GROUPS[head]
        usage = f"{head} {'|'.join(subs)} … (see: help {head})"
        sub = words[1].text.lower() if len(words) > 1 and words[1].plain else ""
        if sub in ("help", "?") or sub in HELP_FLAGS:
            return "help", lambda _ctx, _given: Help(head), []
        path = f"{head} {sub}"
        if path in COMMANDS:
            return path, COMMANDS[path], words[2:]
        if len(words) < 2:
            return ParseError(f"{head} needs a subcommand: {', '.join(subs)}.", usage=usage)
        close = tuple(f"{head} {c}" for c in difflib.get_close_matches(sub, list(subs), n=1))
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return ParseError(
            f"Unknown command {f'{head} {words[1].text}'!r}.{hint}", usage=usage, suggestions=close
        )
    typed = words[0].text
    close = tuple(difflib.get_close_matches(typed.lower(), list(_TOP_WORDS), n=2))
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return ParseError(
        f"Unknown command {typed!r}.{hint}",
        usage=help_texts.overview_usage(),
        suggestions=close,
    )
