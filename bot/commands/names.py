"""Finding which known customer (or offer) the leading words of a command name.

Names are compared by :func:`name_key`: case-insensitive, Unicode-normalised, whitespace
collapsed. The parser asks a :class:`KnownNames` directory three narrow questions, so a caller
with a large book (thousands of names per user) can answer them from an index or a
``LIKE 'prefix%'`` query instead of handing every name over; :class:`NameIndex` is the in-memory
answer for small books and tests.

The rule: the longest match over the leading words wins — a whole known name, or the leading
whole words of exactly one known name (``acme`` for "Acme Corp"). If the longest match is the
leading words of several names, the reference is ambiguous and the candidates are listed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from nudges.names import name_key

AMBIGUITY_LIMIT = 5  # candidates listed when a reference is ambiguous
SUGGESTION_LIMIT = 3  # "did you mean" suggestions
PREPARED_WORDS = 8  # leading words announced to the directory at once (longer names: asked after)
LIKENESS_CUTOFF = 60.0  # below this likeness (0..100) a known name is not suggested


def indel_ratio(a: str, b: str) -> float:
    """0..100: twice the longest common subsequence over both lengths (RapidFuzz's
    ``fuzz.ratio``, which the SQL directory uses, in plain Python for small books)."""
    if not a and not b:
        return 100.0
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if char == other else max(previous[j + 1], current[j]))
        previous = current
    return 200.0 * previous[-1] / (len(a) + len(b))


def likeness(typed: str, known: str) -> float:
    """0..100: how much a typed key looks like a known key."""
    return indel_ratio(typed, known)


class KnownNames(Protocol):
    """The names a user may refer to (e.g. the customers visible to them).

    Every ``key``/``prefix`` argument is already in :func:`name_key` form; answers are names in
    their exact stored spelling. Keys are expected to be unique among the known names.
    """

    def exact(self, key: str) -> str | None:
        """The name whose key equals ``key``, if any."""
        ...

    def starting_with(self, prefix: str, *, limit: int) -> Sequence[str]:
        """Up to ``limit`` names whose key starts with ``prefix`` (which may end in a space)."""
        ...

    def similar_to(self, key: str, *, limit: int) -> Sequence[tuple[str, float]]:
        """Up to ``limit`` names that look like a misspelling of ``key``, best first, each
        with its :func:`likeness` to ``key`` (at least :data:`LIKENESS_CUTOFF`)."""
        ...

    def prepare(self, keys: Sequence[str], *, limit: int) -> None:
        """A hint: ``exact(k)`` and ``starting_with(k + " ", limit=limit)`` follow for these
        keys (a directory over a database answers them all in one round trip)."""
        ...


class NameIndex:
    """:class:`KnownNames` over an in-memory sequence: bisect for prefixes, :func:`likeness`
    for typos."""

    def __init__(self, names: Iterable[str]) -> None:
        by_key: dict[str, str] = {}
        for name in names:
            key = name_key(name)
            if key:
                by_key.setdefault(key, name)
        self._by_key = by_key
        self._keys = sorted(by_key)

    def exact(self, key: str) -> str | None:
        return self._by_key.get(key)

    def starting_with(self, prefix: str, *, limit: int) -> Sequence[str]:
        found: list[str] = []
        i = bisect.bisect_left(self._keys, prefix)
        while i < len(self._keys) and len(found) < limit and self._keys[i].startswith(prefix):
            found.append(self._by_key[self._keys[i]])
            i += 1
        return found

    def similar_to(self, key: str, *, limit: int) -> Sequence[tuple[str, float]]:
        scored = [(k, likeness(key, k)) for k in self._keys]
        close = sorted((s for s in scored if s[1] >= LIKENESS_CUTOFF), key=lambda s: -s[1])
        return [(self._by_key[k], score) for k, score in close[:limit]]

    def prepare(self, keys: Sequence[str], *, limit: int) -> None:
        """Nothing to prepare: every answer is in memory."""


@dataclass(frozen=True, slots=True)
class Found:
    name: str
    words: int  # how many leading words the name took


@dataclass(frozen=True, slots=True)
class Ambiguous:
    typed: str
    candidates: tuple[str, ...]
    more: bool  # there are more candidates than listed


@dataclass(frozen=True, slots=True)
class NotFound:
    typed: str
    suggestions: tuple[str, ...]


Resolution = Found | Ambiguous | NotFound


def resolve_leading(
    words: Sequence[str], known: KnownNames, *, max_words: int | None = None
) -> Resolution:
    """Match the longest known name over the leading ``words`` (at most ``max_words`` of them)."""
    limit = len(words) if max_words is None else min(max_words, len(words))
    keys = [name_key(" ".join(words[:k])) for k in range(1, limit + 1)]
    known.prepare([k for k in keys[:PREPARED_WORDS] if k], limit=AMBIGUITY_LIMIT + 1)
    best: Found | None = None
    prefixed: tuple[int, Sequence[str]] | None = None
    for k, key in enumerate(keys, start=1):
        if not key:
            break
        hit = known.exact(key)
        if hit is not None:
            best = Found(hit, k)
        longer = known.starting_with(key + " ", limit=AMBIGUITY_LIMIT + 1)
        if not longer:
            break
        prefixed = (k, longer)
    if prefixed is not None and (best is None or prefixed[0] > best.words):
        k, names = prefixed
        if len(names) == 1:
            return Found(names[0], k)
        typed = " ".join(words[:k])
        listed = tuple(sorted(names, key=name_key)[:AMBIGUITY_LIMIT])
        return Ambiguous(typed, listed, more=len(names) > AMBIGUITY_LIMIT)
    if best is not None:
        return best
    return NotFound(" ".join(words[:limit]), suggest(words[:limit], known))


def resolve_whole(words: Sequence[str], known: KnownNames) -> Resolution:
    """Like :func:`resolve_leading`, but the name must take every word."""
    found = resolve_leading(words, known)
    if isinstance(found, Found) and found.words < len(words):
        return NotFound(" ".join(words), suggest(words, known))
    if isinstance(found, Ambiguous) and len(found.typed.split()) < len(words):
        # "acme crop" with Acme Corp and Acme Labs known: a typo, not a choice between them.
        return NotFound(" ".join(words), suggest(words, known))
    return found


def suggest(words: Sequence[str], known: KnownNames) -> tuple[str, ...]:
    """Names the user may have meant: typos of the whole text or its first word, then prefixes."""
    if not words:
        return ()
    keys = [name_key(" ".join(words)), name_key(words[0])]
    if len(words) > 2:
        keys.insert(1, name_key(" ".join(words[:-1])))
    scored: dict[str, float] = {}
    for key in dict.fromkeys(k for k in keys if k):
        for name, score in known.similar_to(key, limit=SUGGESTION_LIMIT):
            scored[name] = max(scored.get(name, 0.0), score)
    ranked = sorted(scored, key=lambda name: (-scored[name], name_key(name)))
    first = name_key(words[0])
    if first:
        for name in known.starting_with(first, limit=SUGGESTION_LIMIT):
            if name not in scored:
                ranked.append(name)
    return tuple(ranked[:SUGGESTION_LIMIT])
