"""Command forms about people and the bot: digest, health, team, deliveries, help."""

from __future__ import annotations

import difflib

from bot.commands import help as help_texts
from bot.commands.commands import (
    AddTeamMember,
    Command,
    DigestChannel,
    Help,
    ListTeam,
    ShowDeliveries,
    ShowDigest,
    ShowHealth,
    Undo,
)
from bot.commands.context import (
    Context,
    Given,
    Handler,
    flags_of,
    is_mention,
    joined,
    no_words,
)
from bot.commands.problems import Invalid
from bot.commands.values import (
    looks_like_user,
    parse_user,
)

# --- people ---------------------------------------------------------------------------------------


def _digest(ctx: Context, given: Given) -> Command:
    words = ctx.args(given).words
    if not words:
        return ShowDigest()
    if len(words) == 1 and words[0].plain and words[0].text.lower() == "team":
        return ShowDigest(team=True)
    if words[0].plain and words[0].text.lower() == "channel":
        rest = [w.text.lower() for w in words[1:]]
        if rest in ([], ["off"]):
            return DigestChannel(off=bool(rest))
        raise Invalid(f"Unexpected {joined(words[1:])!r}: expected `digest channel` or `off`.")
    if len(words) == 1 and looks_like_user(words[0].text):
        return ShowDigest(user=parse_user(words[0].text))
    raise Invalid(f"Unexpected {joined(words)!r}: expected @user or team (or channel).")


def _health(ctx: Context, given: Given) -> Command:
    words = ctx.args(given).words
    if len(words) == 1 and is_mention(words[0]):
        return ShowHealth(None, user=parse_user(words[0].text))
    return ShowHealth(ctx.customer_whole(words))


def _team_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(given, options=("manager",), flags=("admin",))
    if not args.words:
        raise Invalid("Missing the person to add, e.g. team add @maria.")
    user = parse_user(args.words[0].text)
    flags = flags_of(ctx, args.words[1:], ("admin",))
    manager = parse_user(args.options["manager"]) if "manager" in args.options else None
    return AddTeamMember(user, manager=manager, admin="admin" in flags)


def _team_list(ctx: Context, given: Given) -> Command:
    no_words(ctx, ctx.args(given).words)
    return ListTeam()


def _deliveries(ctx: Context, given: Given) -> Command:
    flags = flags_of(ctx, ctx.args(given).words, ("failed", "all"))
    return ShowDeliveries(failed_only="failed" in flags, everyone="all" in flags)


def _undo(ctx: Context, given: Given) -> Command:
    no_words(ctx, ctx.args(given).words)
    return Undo()


def _help(ctx: Context, given: Given) -> Command:
    words = ctx.args(given).words
    if not words:
        return Help()
    topic = " ".join(joined(words).lower().lstrip("/").split())
    if topic in help_texts.TOPICS:
        return Help(topic)
    close = tuple(difflib.get_close_matches(topic, list(help_texts.TOPICS), n=3))
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise Invalid(f"No help for {topic!r}.{hint}", suggestions=close)


FORMS: dict[str, Handler] = {
    "digest": _digest,
    "health": _health,
    "team add": _team_add,
    "team list": _team_list,
    "deliveries": _deliveries,
    "undo": _undo,
    "help": _help,
}
