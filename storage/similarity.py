"""How much a typed name looks like a known one, for "did you mean" (RapidFuzz).

Both sides are already in ``nudges.names.name_key`` form. The measure is RapidFuzz's
``ratio`` (the normalised Indel similarity), the one the grammar's in-memory directory
computes in plain Python (``bot.commands.names``). RapidFuzz is imported on first use: a
process that never meets a misspelt name (a sweep, a worker) does not load it.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Below this likeness (0..100) a known name is not suggested.
CUTOFF = 60.0


def likeness(typed: str, known: str) -> float:
    """0..100: how much the typed key looks like the known key."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(typed, known))


def closest(typed: str, keys: Iterable[str], *, limit: int) -> list[tuple[str, float]]:
    """Up to ``limit`` of ``keys`` that look most like ``typed``, with their likeness, best
    first (ties in the order given)."""
    from rapidfuzz import fuzz, process

    found = process.extract(typed, list(keys), scorer=fuzz.ratio, limit=limit, score_cutoff=CUTOFF)
    return [(key, float(score)) for key, score, _ in found]
