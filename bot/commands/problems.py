"""The parser's internal signal for a bad word; :func:`bot.commands.grammar.parse` turns it into a
:class:`~bot.commands.commands.ParseError` value, so no caller ever sees it raised."""

from __future__ import annotations


class Invalid(Exception):
    def __init__(self, message: str, *, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions
