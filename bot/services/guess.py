"""Which customer a chat message is about, for logging it as a touch: a customer named in the
channel's name (``#acme-corp``), else the first customer the message names (the longest name
where several start at the same word). Only whole names count: a guess is offered, never
forced, and the person can change it."""

from __future__ import annotations

import re

from bot.services.context import Actor, Deps
from nudges.names import name_key

MAX_WORDS = 6  # the longest customer name looked for, in words
TEXT_WORDS = 300  # a long message is searched in its first words

_CHANNEL_WORDS = re.compile(r"[^\W_]+")
_TEXT_WORDS = re.compile(r"[\w&'.+-]+")


def _grams(words: list[str]) -> list[tuple[int, int, str]]:
    """(start, length, key) of every run of up to MAX_WORDS words."""
    return [
        (start, length, name_key(" ".join(words[start : start + length])))
        for start in range(len(words))
        for length in range(1, min(MAX_WORDS, len(words) - start) + 1)
    ]


def _first_named(grams: list[tuple[int, int, str]], names: dict[str, str]) -> str | None:
    hits = [(start, -length, names[key]) for start, length, key in grams if key in names]
    return min(hits)[2] if hits else None


def guess_customer(deps: Deps, actor: Actor, *, channel_name: str, text: str) -> str | None:
    channel = _grams(_CHANNEL_WORDS.findall(channel_name or ""))
    message = _grams(_TEXT_WORDS.findall(text or "")[:TEXT_WORDS])
    keys = [key for _, _, key in channel + message if key]
    with deps.reader() as uow:
        names = uow.customers.names_by_key(workspace_id=actor.workspace.id, keys=keys)
    return _first_named(channel, names) or _first_named(message, names)
