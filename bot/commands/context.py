"""What every command form shares: its words and options, and resolving names in them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.commands.commands import Command
from bot.commands.durations import parse_day, parse_past_day, relative_until
from bot.commands.lexer import Token
from bot.commands.names import (
    Ambiguous,
    Found,
    KnownNames,
    NotFound,
    Resolution,
    resolve_leading,
    resolve_whole,
)
from bot.commands.problems import Invalid
from bot.commands.values import looks_like_user
from nudges.names import name_key

MAX_NAME = 200
MAX_NOTE = 4_000
OPTION_ALIASES = {"timezone": "tz", "quantity": "qty", "renewal_on": "renewal", "bday": "birthday"}
_OPTION = re.compile(r"([A-Za-z][A-Za-z_-]*)=", re.ASCII)
_POSITION = re.compile(r"[0-9]{1,3}", re.ASCII)


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
    #: Every customer name, archived ones too (for the commands that can name those).
    everyone: KnownNames | None = None
    #: Words an option's value took after its first one, by option (for error messages).
    spans: dict[str, str] = field(default_factory=dict)

    def args(
        self,
        given: Given,
        *,
        options: Sequence[str] = (),
        note: bool = False,
        flags: Sequence[str] = (),
    ) -> Args:
        """Split words from ``key=value`` options, checking option names and the note.

        An option's value runs up to the next option (``role=VP Procurement``), the note, or
        one of the command's own ``flags``; a quoted value (``role="VP Procurement"``) ends
        with its quotes. Words before the first option are the command's own words."""
        args = Args(words=[])
        current: str | None = None  # the option whose value the next plain words extend
        for token in given.tokens:
            match = _OPTION.match(token.bare_text)
            if match is None:
                if token.plain and token.text.lower() in flags:
                    current = None
                    args.words.append(token)
                elif current is not None and token.plain:
                    args.options[current] = f"{args.options[current]} {token.text}".strip()
                    self.spans[current] = f"{self.spans.get(current, '')} {token.text}".strip()
                elif current is not None:
                    raise Invalid(
                        f"Unexpected {token.text!r} after the option '{current}='. Put the "
                        f"{self.path} words before the options."
                    )
                else:
                    args.words.append(token)
                continue
            typed = match.group(1).lower()
            key = OPTION_ALIASES.get(typed, typed)
            if key not in options:
                raise self.unknown_option(typed, options)
            if key in args.options:
                raise Invalid(f"Option '{key}=' is given twice for {self.path}.")
            args.options[key] = token.text[match.end() :].strip()
            current = None if token.quoted else key
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

    def customer_whole(self, words: Sequence[Token], *, archived: bool = False) -> str:
        """The customer named by all of ``words`` (``archived``: an archived one too)."""
        if not words:
            raise Invalid(f"Missing the customer for {self.path}.")
        found = self.resolve_whole(words, self.customers)
        if archived and isinstance(found, NotFound) and self.everyone is not None:
            found = self.resolve_whole(words, self.everyone)
        return self.accept(found, self.customers, what="customer", whole=True)

    def customer_leading_any(self, words: Sequence[Token]) -> tuple[str, list[Token]]:
        """Like :meth:`customer_leading`, an archived customer too."""
        if not words:
            raise Invalid(f"Missing the customer for {self.path}.")
        found = resolve_leading([t.text for t in words], self.customers, max_words=name_span(words))
        if isinstance(found, NotFound) and self.everyone is not None:
            found = resolve_leading(
                [t.text for t in words], self.everyone, max_words=name_span(words)
            )
        name = self.accept(found, self.customers, what="customer", whole=False)
        return name, list(words[found.words if isinstance(found, Found) else 0 :])

    def target(self, words: Sequence[Token]) -> tuple[str | None, int | None]:
        """A customer by name, or an item by its position in the last list shown (``2``)."""
        if (
            len(words) == 1
            and words[0].plain
            and _POSITION.fullmatch(words[0].text)
            and self.customers.exact(name_key(words[0].text)) is None
        ):
            position = int(words[0].text)
            if position < 1:
                raise Invalid(f"Position {position} is not in a list: positions start at 1.")
            return None, position
        if not words:
            raise Invalid(
                f"Missing the customer (or its number in your last list) for {self.path}."
            )
        return self.customer_whole(words), None

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

    def past_day(self, value: str, option: str) -> date:
        """A day that has come: ``yesterday``, ``last friday``, ``3 days ago``, YYYY-MM-DD."""
        return parse_past_day(require_value(value, option), today=self.today)

    def spilled_hint(self, message: str) -> str:
        """A hint for an error about an option whose value took the words after it."""
        for key, extra in self.spans.items():
            if extra in message:
                first = extra.split()[0]
                return (
                    f" (The value of {key}= runs up to the next option: put {first!r} before "
                    f'the options, or quote the value: {key}="…".)'
                )
        return ""

    def until(self, value: str, option: str, *, after_today: bool) -> date:
        day = relative_until(require_value(value, option), today=self.today)
        if day < self.today or (after_today and day == self.today):
            when = "after today" if after_today else "today or later"
            raise Invalid(f"{option}{value!r} is in the past; it must be {when}.")
        return day


def is_mention(token: Token) -> bool:
    """A person as typed: ``@sam``, ``@"Fatima Tremblay"``, ``<@U123>``, ``<at>…</at>``."""
    return looks_like_user(token.bare_text if token.quoted else token.text)


def contact_name(value: str | None) -> str | None:
    """A ``contact=`` value: a contact's name (or the start of it), spaces collapsed."""
    if value is None:
        return None
    name = " ".join(value.split())
    if not name:
        raise Invalid("Option 'contact=' needs a name.")
    return name


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
