"""Split command text into words, shell-like but forgiving, and never raising.

- Words are separated by whitespace. ``"…"`` (and typographic quotes, which phones and Teams
  insert) group words: ``"Acme Corp"``. A quote opens at the start of a word or right after ``=``
  or ``@`` (``role="Head of Sales"``); elsewhere it is an ordinary character, so ``McDonald's``
  needs no escaping. A single quote opens a group only when a matching one closes it at the end of
  a word; otherwise it is an apostrophe (``'90s Diner``).
- The first unquoted ``--`` (or an en/em dash, which some editors turn ``--`` into) ends the
  words: everything after it is the note, verbatim.
- ``<…>`` is one word (Slack's escaped mentions and links: ``<@U123|maria>``); so is Teams'
  ``<at>Maria Schmidt</at>``.
- Slack escapes ``&``, ``<`` and ``>`` in what the user typed; words and the note are unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass

DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'  # straight, typographic, guillemets
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
NOTE_SEPARATORS = frozenset({"--", "\u2014", "\u2013"})  # em and en dashes too
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # quotes removed, entities unescaped
    quoted: bool = False  # some part of it was quoted: never an option, keyword or separator
    bare: int = -1  # how many leading characters were unquoted; -1: all of them

    @property
    def bare_text(self) -> str:
        """The leading unquoted part, where an option's ``key=`` must be."""
        return self.text if self.bare < 0 else self.text[: self.bare]

    @property
    def plain(self) -> bool:
        return not self.quoted


@dataclass(frozen=True, slots=True)
class Lexed:
    tokens: tuple[Token, ...]
    note: str | None = None  # the text after the first `--`; None: no separator
    error: str | None = None  # e.g. an unclosed quote


def unescape(text: str) -> str:
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def lex(text: str) -> Lexed:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return Lexed(tuple(tokens))
        token, i, error = _word(text, i)
        if error is not None:
            return Lexed(tuple(tokens), error=error)
        if token.plain and token.text in NOTE_SEPARATORS:
            note = unescape(text[i:].strip())
            return Lexed(tuple(tokens), note=note or None)
        tokens.append(token)


def _word(text: str, i: int) -> tuple[Token, int, str | None]:
    """Read one word starting at ``text[i]`` (not whitespace): (token, next index, error)."""
    n = len(text)
    parts: list[str] = []
    word_start = chunk_start = i
    quoted = False
    bare = -1
    while i < n and not text[i].isspace():
        ch = text[i]
        at_opening = i == word_start or (i > chunk_start and text[i - 1] in "=@")
        if ch == "<" and at_opening:
            end = _angle_end(text, i)
            if end is not None:
                parts.append(unescape(text[chunk_start:i]))
                parts.append(text[i:end])
                i = chunk_start = end
                continue
        if ch in DOUBLE_QUOTES and at_opening:
            close = _find_any(text, i + 1, DOUBLE_QUOTES)
            if close is None:
                return Token(""), n, f"Missing closing quote after {text[i:][:40]!r}."
            parts.append(unescape(text[chunk_start:i]))
            if bare < 0:
                bare = len("".join(parts))
            parts.append(unescape(text[i + 1 : close]))
            quoted = True
            i = chunk_start = close + 1
            continue
        if ch in SINGLE_QUOTES and at_opening:
            close = _single_close(text, i + 1)
            if close is not None:
                parts.append(unescape(text[chunk_start:i]))
                if bare < 0:
                    bare = len("".join(parts))
                parts.append(unescape(text[i + 1 : close]))
                quoted = True
                i = chunk_start = close + 1
                continue
        i += 1
    parts.append(unescape(text[chunk_start:i]))
    return Token("".join(parts), quoted=quoted, bare=bare), i, None


def _angle_end(text: str, i: int) -> int | None:
    """End (exclusive) of a ``<…>`` group starting at ``text[i]``, or None when it is not one."""
    if text.startswith("<at>", i):
        close = text.find("</at>", i)
        return None if close < 0 else close + len("</at>")
    close = text.find(">", i)
    if close < 0 or any(c.isspace() for c in text[i:close]):
        return None
    return close + 1


def _find_any(text: str, start: int, chars: str) -> int | None:
    for j in range(start, len(text)):
        if text[j] in chars:
            return j
    return None


def _single_close(text: str, start: int) -> int | None:
    """A single quote closes a group only at the end of a word."""
    for j in range(start, len(text)):
        if text[j] in SINGLE_QUOTES and (j + 1 == len(text) or text[j + 1].isspace()):
            return j
    return None
