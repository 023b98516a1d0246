"""Strict reading of one TOML table: every error names the key, the value and what is expected."""

from __future__ import annotations

import difflib
import zoneinfo
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(ValueError):
    """A configuration problem, phrased for the admin who has to fix it."""


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Table:
    """One TOML table being read. Keys read are remembered so leftovers can be refused as typos."""

    def __init__(self, data: dict[str, Any], *, path: str, source: str) -> None:
        self._data = data
        self.path = path  # e.g. "[slack]" or "[cadence.tier]"
        self.source = source
        self._seen: set[str] = set()

    def error(self, key: str, value: object, expected: str) -> ConfigError:
        where = f"{self.path} {key}" if self.path else key
        return ConfigError(f"{self.source}: {where} = {value!r} is not valid: expected {expected}.")

    def has(self, key: str) -> bool:
        return key in self._data

    def raw(self, key: str) -> Any:
        self._seen.add(key)
        return self._data.get(key)

    def table(self, key: str) -> Table:
        value = self.raw(key)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.error(key, value, "a table")
        name = key if not self.path else f"{self.path.strip('[]')}.{key}"
        return Table(value, path=f"[{name}]", source=self.source)

    def names(self) -> list[str]:
        return list(self._data)

    def get(self, key: str, default: T, parse: Callable[[Any], T], expected: str) -> T:
        if key not in self._data:
            self._seen.add(key)
            return default
        value = self.raw(key)
        try:
            return parse(value)
        except (TypeError, ValueError) as exc:
            detail = f" ({exc})" if str(exc) else ""
            raise self.error(key, value, expected + detail) from None

    def integer(self, key: str, default: int, *, low: int, high: int) -> int:
        def parse(value: Any) -> int:
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError
            return value

        return self.get(key, default, parse, f"a whole number from {low} to {high}")

    def number(self, key: str, default: float, *, low: float, high: float) -> float:
        def parse(value: Any) -> float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError
            if not low <= value <= high:
                raise ValueError
            return float(value)

        return self.get(key, default, parse, f"a number from {low} to {high}")

    def boolean(self, key: str, default: bool) -> bool:
        def parse(value: Any) -> bool:
            if not isinstance(value, bool):
                raise ValueError
            return value

        return self.get(key, default, parse, "true or false")

    def string(self, key: str, default: str) -> str:
        def parse(value: Any) -> str:
            if not isinstance(value, str):
                raise ValueError
            return value

        return self.get(key, default, parse, "a string in quotes")

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        def parse(value: Any) -> str:
            if value not in choices:
                raise ValueError
            return str(value)

        return self.get(key, default, parse, "one of " + ", ".join(repr(c) for c in choices))

    def strings(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        def parse(value: Any) -> tuple[str, ...]:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError
            return tuple(value)

        return self.get(key, default, parse, 'a list of strings, e.g. ["a", "b"]')

    def timezone(self, key: str, default: str) -> str:
        value = self.string(key, default)
        if value not in known_timezones():
            raise self.error(
                key,
                value,
                "an IANA time zone name such as 'Europe/Berlin' or 'America/New_York'"
                + suggest(value, known_timezones()),
            )
        return value

    def weekdays(self, key: str, default: frozenset[int]) -> frozenset[int]:
        names = self.strings(key, tuple(WEEKDAYS[d] for d in sorted(default)))
        days = set()
        for name in names:
            if name.lower() not in WEEKDAYS:
                raise self.error(key, list(names), f"day names among {', '.join(WEEKDAYS)}")
            days.add(WEEKDAYS.index(name.lower()))
        if not days:
            raise self.error(key, list(names), "at least one working day")
        return frozenset(days)

    def finish(self, *, known: Iterable[str] = ()) -> None:
        """Refuse keys nobody read: almost always a typo."""
        allowed = self._seen | set(known)
        for key in self._data:
            if key not in allowed:
                where = f"{self.path} " if self.path else "top level "
                raise ConfigError(
                    f"{self.source}: unknown key {key!r} in {where.strip()}"
                    f"{suggest(key, allowed)}. Known keys here: {', '.join(sorted(allowed))}."
                )
