"""Command forms about my nudges and settings: quiet, nudges, snooze, skip, done, dnc, ooo, me."""

from __future__ import annotations

import re

from bot.commands.commands import (
    AnswerEscalation,
    Command,
    Done,
    DoNotContact,
    OutOfOffice,
    ShowNudges,
    ShowQuiet,
    ShowSettings,
    Skip,
    Snooze,
    UpdateSettings,
    UserRef,
)
from bot.commands.context import (
    Context,
    Given,
    Handler,
    flags_of,
    is_mention,
    joined,
    no_words,
    require_value,
)
from bot.commands.durations import parse_weekdays
from bot.commands.problems import Invalid
from bot.commands.values import (
    parse_country,
    parse_int,
    parse_timezone,
    parse_user,
)

_TWO_WORD_DURATION = re.compile(
    r"[0-9]{1,4} (day|days|week|weeks|wk|month|months|mo|year|years)", re.ASCII | re.IGNORECASE
)

# --- nudge handling ----------------------------------------------------------------------------


def _someone(ctx: Context, given: Given) -> UserRef | None:
    """An optional ``@user`` and nothing else."""
    words = ctx.args(given).words
    if len(words) == 1 and is_mention(words[0]):
        return parse_user(words[0].text)
    no_words(ctx, words)
    return None


def _quiet(ctx: Context, given: Given) -> Command:
    return ShowQuiet(_someone(ctx, given))


def _nudges(ctx: Context, given: Given) -> Command:
    return ShowNudges(_someone(ctx, given))


def _snooze(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, note=True)
    words = args.words
    taken = 2 if len(words) > 2 and _TWO_WORD_DURATION.fullmatch(joined(words[-2:])) else 1
    if len(words) < 2:
        raise Invalid("Missing the customer or until when, e.g. snooze acme 1w or snooze 2 1w.")
    until = ctx.until(joined(words[-taken:]), "", after_today=True)
    customer, position = ctx.target(words[:-taken])
    return Snooze(customer, until, reason=args.note, position=position)


def _skip(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, note=True)
    customer, position = ctx.target(args.words)
    return Skip(customer, reason=args.note, position=position)


def _done(ctx: Context, given: Given) -> Command:
    customer, position = ctx.target(ctx.args(given).words)
    return Done(customer, position=position)


def _escalation(verb: str) -> Handler:
    def form(ctx: Context, given: Given) -> Command:
        words = list(ctx.args(given).words)
        to = None
        if verb == "reassign":
            if not words or not (is_mention(words[-1])):
                raise Invalid("Missing the new owner, e.g. escalation reassign acme @sue.")
            to = parse_user(words.pop().text)
        customer, position = ctx.target(words)
        return AnswerEscalation(verb, customer, position=position, to=to)

    return form


def _dnc(ctx: Context, given: Given) -> Command:
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


def _ooo(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("until", "cover"))
    flags = flags_of(ctx, args.words, ("off",))
    if "off" in flags:
        if args.options:
            raise Invalid("'ooo off' takes no options.")
        return OutOfOffice(until=None)
    if "until" not in args.options:
        raise Invalid("Missing until=<date>, e.g. ooo until=2026-08-15 cover=@bob.")
    until = ctx.until(args.options["until"], "until=", after_today=False)
    cover = parse_user(args.options["cover"]) if "cover" in args.options else None
    return OutOfOffice(until=until, cover=cover)


def _me(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("tz", "hour", "days", "cap", "country"))
    no_words(ctx, args.words)
    options = {key: require_value(value, f"{key}=") for key, value in args.options.items()}
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


FORMS: dict[str, Handler] = {
    "quiet": _quiet,
    "nudges": _nudges,
    "snooze": _snooze,
    "skip": _skip,
    "done": _done,
    "escalation acknowledge": _escalation("acknowledge"),
    "escalation remind": _escalation("remind"),
    "escalation takeover": _escalation("take_over"),
    "escalation reassign": _escalation("reassign"),
    "dnc": _dnc,
    "ooo": _ooo,
    "me": _me,
}
