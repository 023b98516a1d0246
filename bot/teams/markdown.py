"""Escaping for the Markdown subset Teams renders in message text and card TextBlocks.

Names and notes come from users: a customer called ``**VIP**`` or ``<at>Everyone</at>`` must
show as typed, never as formatting, a link or a mention. CommonMark lets any ASCII punctuation
be escaped with a backslash, so everything that could open markup is escaped.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_~\[\](){}<>#|&!])")
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)", re.MULTILINE)


def escape(text: str) -> str:
    """``text`` shown literally in Teams Markdown (message text, TextBlock, FactSet)."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    return _LIST_START.sub(_escape_marker, escaped)


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker, space = match.groups()
    return f"{indent}{marker[:-1]}\\{marker[-1]}{space}"
