"""What every command form shares: its words and options, and resolving names in them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.commands.commands import Command
from bot.commands.durations import parse_day, relative_until
from bot.commands.lexer import Token
from bot.commands.names import (
    Ambiguous,
    Found,
    KnownNames,
    Resolution,
    resolve_leading,
    resolve_whole,
)
from bot.commands.problems import Invalid
from bot.commands.values import looks_like_user

MAX_NAME = 200
MAX_NOTE = 4_000
OPTION_ALIASES = {"timezone": "tz", "quantity": "qty", "renewal_on": "renewal", "bday": "birthday"}
_OPTION = re.compile(r"([A-Za-z][A-Za-z_-]*)=", re.ASCII)


@dataclass(frozen=True, slots=True)
class Given:
    tokens: Sequence[Token]
    note: str | None


@dataclass(slots=True)
class Args:
    words: list[Token]
    options: dict[str, str] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    path: str
    customers: KnownNames
    offers: KnownNames | None
    today: date

    def args(self, given: Given, *, options: Sequence[str] = (), note: bool = False) -> Args:
        """Split words from ``key=value`` options, checking option names and the note."""
        args = Args(words=[])
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
        found = resolve_leading([t.text for t in words], self.customers, max_words=name_span(words))
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
            extra = joined([t for t in words if t is not quoted])
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
        return parse_day(require_value(value, option), today=self.today)

    def until(self, value: str, option: str, *, after_today: bool) -> date:
        day = relative_until(require_value(value, option), today=self.today)
        if day < self.today or (after_today and day == self.today):
            when = "after today" if after_today else "today or later"
            raise Invalid(f"{option}{value!r} is in the past; it must be {when}.")
        return day


def require_value(value: str, option: str) -> str:
    if not value.strip():
        raise Invalid(f"Option '{option}' needs a value.")
    return value


def name_span(words: Sequence[Token]) -> int:
    """How many leading words a name may take: a quoted word is a whole name on its own."""
    if words[0].quoted:
        return 1
    for i, token in enumerate(words):
        if token.quoted or looks_like_user(token.text):
            return max(i, 1)
    return len(words)


def joined(words: Sequence[Token]) -> str:
    return " ".join(" ".join(t.text.split()) for t in words if t.text.strip())


def flags_of(ctx: Context, words: Sequence[Token], allowed: Sequence[str]) -> set[str]:
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


def no_words(ctx: Context, words: Sequence[Token]) -> None:
    if words:
        raise Invalid(f"Unexpected {joined(words)!r} for {ctx.path}.")


Handler = Callable[[Context, Given], Command]
