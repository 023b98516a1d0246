"""A nudge's dedupe key names ids of this database (``birthday:12:345:2027``); an export
writes it as a template (``birthday:{customer}:{contact}:2027``) with the records' keys in
their own columns, and an import puts the ids of the database it writes to back in."""

from __future__ import annotations

from collections.abc import Mapping

#: After the reason, which ids a key holds, in order (the rest of the key is kept as it is).
SHAPES: Mapping[str, tuple[str, ...]] = {
    "quiet": ("customer",),
    "escalation": ("customer",),
    "owner_quiet": ("customer", "person"),
    "birthday": ("customer", "contact"),
    "anniversary": ("customer",),
    "renewal": ("customer",),
    "custom": ("customer", "date"),
    "life": ("customer", "event"),
    "offer": ("customer", "offer"),
    "parity": ("customer", "offer"),
    "abreast": ("customer", "offer"),
}


def portable(key: str) -> tuple[str, dict[str, int]]:
    """The template of ``key`` and the ids it held, by what they are."""
    prefix = key.split(":", 1)[0]
    shape = SHAPES.get(prefix)
    if shape is None:
        return key, {}
    parts = key.split(":", len(shape) + 1)
    if len(parts) < len(shape) + 1 or not all(p.isdigit() for p in parts[1 : len(shape) + 1]):
        return key, {}
    ids = {name: int(parts[i + 1]) for i, name in enumerate(shape)}
    template = [prefix, *(f"{{{name}}}" for name in shape), *parts[len(shape) + 1 :]]
    return ":".join(template), ids


def local(template: str, ids: Mapping[str, int]) -> str | None:
    """The key for this database; None when an id it needs is not known here."""
    prefix = template.split(":", 1)[0]
    shape = SHAPES.get(prefix, ())
    key = template
    for name in shape:
        if f"{{{name}}}" in key:
            if name not in ids:
                return None
            key = key.replace(f"{{{name}}}", str(ids[name]), 1)
    return key
