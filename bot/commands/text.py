"""Text that cannot be stored: control characters (C0 but tab, newline and carriage return;
PostgreSQL refuses NUL outright) and lone surrogates (not encodable as UTF-8). Refused at the
grammar's edge and for the fields of a form, with the character's code and where it is."""

from __future__ import annotations

import dataclasses
import re

_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def unstorable_char(text: str) -> str | None:
    """Why ``text`` cannot be stored (the first offending character), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    kind = "a control character" if ord(char) < 0x20 else "an unpaired surrogate"
    return f"{kind} (U+{ord(char):04X}) at position {found.start() + 1}"


def without_unstorable(text: str) -> str:
    """``text`` with the characters that cannot be stored taken out (for names a platform
    sends us, which nobody can be asked to retype)."""
    return " ".join(_UNSTORABLE.sub("", text).split()) if _UNSTORABLE.search(text) else text


def unstorable_text(text: str) -> str | None:
    """The message for typed text that cannot be stored, or None."""
    why = unstorable_char(text)
    if why is None:
        return None
    return f"Your message contains {why}, which cannot be saved: remove it and send it again."


def unstorable(command: object) -> str | None:
    """The message for a command (from a form) with a text field that cannot be stored."""
    found = _first_unstorable(command, "")
    if found is None:
        return None
    name, why = found
    return f"The field {name} contains {why}, which cannot be saved: remove it."


def _first_unstorable(value: object, name: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        why = unstorable_char(value)
        return None if why is None else (name, why)
    if isinstance(value, tuple | frozenset | list):
        for item in value:
            if (found := _first_unstorable(item, name)) is not None:
                return found
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if (found := _first_unstorable(getattr(value, field.name), field.name)) is not None:
                return found
    return None
