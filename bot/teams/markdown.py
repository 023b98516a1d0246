"""Escaping for the Markdown subset Teams renders in message text and card TextBlocks.

Names and notes come from users: a customer called ``**VIP**`` or ``<at>Everyone</at>`` must
show as typed, never as formatting, a link or a mention. Teams interprets little: emphasis
(``*``, ``_`` — but not inside a word like ``new_role``), strike-through (``~~``), links
(``[text](url)``), HTML-like tags (``<at>``), entities (``&amp;``) and, at the start of a line,
list, heading and quote markers. Only those are escaped, and only when the text would really
form them: some Teams clients show a backslash literally, so ``(Berlin)`` or ``Acme Corp.``
must reach them untouched. (Backticks are left alone: code formatting hides nothing, and the
bot's own texts use it for commands.)

Adaptive Cards render no HTML and no mention without a mention entity, so in a card ``<``
and ``&`` are shown as typed (``touch <customer>``); only a message's own text needs them
escaped.
"""

from __future__ import annotations

import re

# A backslash that would escape the next character (CommonMark: before ASCII punctuation).
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
# The start of an HTML-like tag: <at>, </at>, <b>, <!-- ...
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINK = re.compile(r"\](?=\()")
# Markers that open a block at the start of a line: lists, headings, quotes.
_LINE_START = re.compile(r"^([ \t]*)(?:([-+*#>])(?=[ \t]|$)|(\d{1,9})([.)])(?=[ \t]|$))", re.M)
# Emphasis and strike-through need a pair: a lone one is shown as typed.
_PAIRED = ("*", "~")
# An underscore between two letters or digits never starts or ends emphasis.
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def escape(text: str, *, strong: bool = False, html: bool = True) -> str:
    """``text`` shown literally in Teams Markdown; ``strong``: it goes inside ``**…**``, where a
    single ``*`` would end the bold; ``html``: it is a message's text, where tags (``<at>``)
    and entities are read too — not in a card (TextBlock, FactSet)."""
    out = _BACKSLASH.sub(r"\\\\", text)
    for mark in _PAIRED:
        if out.count(mark) >= 2 or (strong and mark == "*" and mark in out):
            out = out.replace(mark, "\\" + mark)
    if len(_EDGE_UNDERSCORE.findall(out)) >= 2:
        out = _EDGE_UNDERSCORE.sub(r"\\_", out)
    if html:
        out = _TAG.sub(r"\\<", out)
        out = _ENTITY.sub(r"\\&", out)
    out = _LINK.sub(r"\\]", out)
    return _LINE_START.sub(_escape_marker, out)


def _escape_marker(match: re.Match[str]) -> str:
    indent, symbol, digits, delimiter = match.groups()
    if symbol is not None:
        return f"{indent}\\{symbol}"
    return f"{indent}{digits}\\{delimiter}"
