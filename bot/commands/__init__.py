"""The command grammar shared by Slack, Teams and the console: text in, a command value out.

Pure: standard library and ``nudges`` only; no I/O, no clock (``today`` is an argument).
"""

from bot.commands.commands import *  # noqa: F403 - the command values are this package's API
from bot.commands.commands import Command, ParseError, UserRef
from bot.commands.durations import parse_relative_until
from bot.commands.grammar import COMMANDS, parse, slash_text
from bot.commands.help import HELP, HelpEntry, entries_for, render_help
from bot.commands.names import KnownNames, NameIndex, name_key

__all__ = [
    "COMMANDS",
    "HELP",
    "Command",
    "HelpEntry",
    "KnownNames",
    "NameIndex",
    "ParseError",
    "UserRef",
    "entries_for",
    "name_key",
    "parse",
    "parse_relative_until",
    "render_help",
    "slash_text",
]
