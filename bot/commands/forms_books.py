"""Command forms for bringing a book in and out."""

from __future__ import annotations

from bot.commands.books import (
    EraseCustomer,
    ErasePerson,
    ExportBook,
    ImportHelp,
    ShowAudit,
    ShowCalendar,
)
from bot.commands.commands import Command
from bot.commands.context import Context, Given, Handler, flags_of, joined, no_words
from bot.commands.lexer import Token
from bot.commands.problems import Invalid
from bot.commands.values import parse_user

_KINDS = ("customers", "contacts", "touches")


def _confirmed(words: list[Token]) -> tuple[list[Token], bool]:
    if words and words[-1].plain and words[-1].text.lower() == "confirm":
        return words[:-1], True
    return words, False


def _import(ctx: Context, given: Given) -> Command:
    words = ctx.args(given).words
    if not words:
        return ImportHelp()
    kind = joined(words).lower()
    if kind not in _KINDS:
        raise Invalid(f"Import what? One of {', '.join(_KINDS)}, e.g. import customers.")
    return ImportHelp(kind)


def _export(ctx: Context, given: Given) -> Command:
    flags = flags_of(ctx, ctx.args(given).words, ("all", "json", "csv"))
    return ExportBook(everything="all" in flags, fmt="json" if "json" in flags else "csv")


def _customer_erase(ctx: Context, given: Given) -> Command:
    words, confirmed = _confirmed(list(ctx.args(given).words))
    return EraseCustomer(ctx.customer_whole(words), confirmed=confirmed)


def _person_erase(ctx: Context, given: Given) -> Command:
    words, confirmed = _confirmed(list(ctx.args(given).words))
    if len(words) != 1:
        raise Invalid("Say whom to erase, e.g. person erase @lee.")
    return ErasePerson(parse_user(words[0].text), confirmed=confirmed)


def _audit(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("since",))
    since = ctx.day(args.options["since"], "since=") if "since" in args.options else None
    customer = ctx.customer_whole(args.words) if args.words else None
    return ShowAudit(customer=customer, since=since)


def _calendar(ctx: Context, given: Given) -> Command:
    words = ctx.args(given).words
    if words and words[0].plain and words[0].text.lower() == "reset":
        no_words(ctx, words[1:])
        return ShowCalendar(reset=True)
    no_words(ctx, words)
    return ShowCalendar()


FORMS: dict[str, Handler] = {
    "import": _import,
    "export": _export,
    "customer erase": _customer_erase,
    "person erase": _person_erase,
    "audit": _audit,
    "calendar": _calendar,
}
