"""The command grammar: text in, one :data:`~bot.commands.commands.Command` or a
:class:`~bot.commands.commands.ParseError` out. Never raises on any text.

One grammar serves every surface: Slack's ``/nudge <text>`` and ``/touch <text>``
(see :func:`slash_text`), Teams messages and the console.
"""

from __future__ import annotations

import difflib
from datetime import date

from bot.commands import help as help_texts
from bot.commands.commands import (
    Command,
    Help,
    ParseError,
)
from bot.commands.context import Context, Given, Handler
from bot.commands.forms_books import FORMS as BOOK_FORMS
from bot.commands.forms_customers import FORMS as CUSTOMER_FORMS
from bot.commands.forms_nudges import FORMS as NUDGE_FORMS
from bot.commands.forms_offers import FORMS as OFFER_FORMS
from bot.commands.forms_people import FORMS as PEOPLE_FORMS
from bot.commands.forms_records import FORMS as RECORD_FORMS
from bot.commands.lexer import Token, lex
from bot.commands.names import KnownNames
from bot.commands.problems import Invalid
from bot.commands.text import unstorable_text

MAX_TEXT = 8_000  # Slack caps slash-command text at 4,000; anything longer is not a command
HELP_FLAGS = frozenset({"--help", "-h", "-?"})


def slash_text(command: str, text: str) -> str:
    """The text to parse for a slash command: ``/nudge x`` is ``x``, ``/touch x`` is ``touch x``."""
    name = command.strip().lstrip("/").lower()
    if name in ("", "nudge", "nudgebot"):
        return text
    return f"{name} {text}"


def parse(
    text: str,
    *,
    customers: KnownNames,
    today: date,
    offers: KnownNames | None = None,
    everyone: KnownNames | None = None,
) -> Command | ParseError:
    """Parse one command. ``customers``: the customer names the user may refer to; ``today``: the
    user's local date (for ``3d``, ``today``, …); ``offers``: offer titles, if the caller knows
    them (else offer references are kept as typed); ``everyone``: every customer name, archived
    ones too (for the commands that can name an archived customer)."""
    if len(text) > MAX_TEXT:
        return ParseError(
            f"That is too long for a command ({len(text)} characters, at most {MAX_TEXT}).",
            usage=help_texts.overview_usage(),
        )
    if (unstorable := unstorable_text(text)) is not None:
        return ParseError(unstorable)
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
    context = Context(path, customers=customers, offers=offers, today=today, everyone=everyone)
    try:
        return handler(context, Given(rest, lexed.note))
    except Invalid as problem:
        return ParseError(
            problem.message + context.spilled_hint(problem.message),
            usage=help_texts.usage(path),
            command=path,
            suggestions=problem.suggestions,
        )


COMMANDS: dict[str, Handler] = {
    **CUSTOMER_FORMS,
    **RECORD_FORMS,
    **NUDGE_FORMS,
    **OFFER_FORMS,
    **PEOPLE_FORMS,
    **BOOK_FORMS,
}
#: Other words for a command (their help is the command's own).
ALIASES: dict[str, str] = {"log": "touch"}
_GROUPS: dict[str, tuple[str, ...]] = {}
for _path in COMMANDS:
    if " " in _path:
        _group, _sub = _path.split(" ", 1)
        _GROUPS[_group] = (*_GROUPS.get(_group, ()), _sub)
_TOP_WORDS = tuple(dict.fromkeys(path.split(" ", 1)[0] for path in COMMANDS))


def _identify(words: list[Token]) -> tuple[str, Handler, list[Token]] | ParseError:
    head = words[0].text.lower() if words[0].plain else ""
    head = ALIASES.get(head, head)
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
