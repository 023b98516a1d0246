"""From a file's header to our fields (:func:`plan_columns`), and from one row to parsed
values or the errors it has, each with its line, column, value and what was expected
(:func:`read_row`). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.transfer import fields as f
from bot.transfer.csvfile import FileProblem, Row
from bot.transfer.fields import Choices, Parser
from bot.transfer.presets import COMBINED, REQUIRED, Columns, Kind
from bot.transfer.values import BadValue

PARSERS: Mapping[Kind, Mapping[str, Parser]] = {
    Kind.CUSTOMERS: f.CUSTOMER,
    Kind.CONTACTS: f.CONTACT,
    Kind.TOUCHES: f.TOUCH,
    Kind.WORKSPACE: f.WORKSPACE,
    Kind.PEOPLE: f.PERSON,
    Kind.DATES: f.DATE,
    Kind.EVENTS: f.EVENT,
    Kind.OFFERS: f.OFFER,
    Kind.PITCHES: f.PITCH,
    Kind.NUDGES: f.NUDGE,
}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str | None
    value: str | None
    problem: str

    def __str__(self) -> str:
        if self.column is None:
            return f"line {self.line}: {self.problem}"
        return f'line {self.line}, "{self.column}" = "{_short(self.value or "")}": {self.problem}'


@dataclass(frozen=True, slots=True)
class Parsed:
    line: int
    values: dict[str, Any]  # field -> value; a field missing or blank in the row is absent


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    why: str


#: Fields with few distinct values in a file (rituals, kinds, people...): parsed once each.
CACHED = frozenset(
    {"ritual", "kind", "tier", "country", "timezone", "tags", "person", "owner", "recipient",
     "manager", "cover", "platform", "state", "reason", "done", "archived"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    kind: Kind
    columns: Mapping[str, tuple[str, ...]]  # field -> the file's headers that hold it
    choices: Choices
    cache: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False)

    @property
    def has(self) -> frozenset[str]:
        return frozenset(self.columns)


def _key(header: str) -> str:
    return " ".join(header.strip().lower().split())


def plan_columns(
    kind: Kind, headers: tuple[str, ...], columns: Columns, *, choices: Choices, where: str
) -> ColumnPlan:
    """Which of the file's headers hold which field. A file with none of a required group's
    columns is refused with the headers it has and those expected."""
    present = {_key(h): h for h in headers}
    found: dict[str, tuple[str, ...]] = {}
    for name, aliases in columns.items():
        matched = tuple(present[a] for a in (_key(a) for a in aliases) if a in present)
        if matched:
            found[name] = matched if name in COMBINED else matched[:1]
    for group in REQUIRED.get(kind, ()):
        if not any(name in found for name in group):
            wanted = " or ".join(repr(a) for name in group for a in columns.get(name, ()))
            raise FileProblem(
                f"{where}: no column for {kind.value} {' / '.join(group)}: expected {wanted}. "
                f"The file's columns are: {', '.join(repr(h) for h in headers)}. "
                "Choose another --preset, or name the columns with --mapping."
            )
    return ColumnPlan(kind, found, choices)


def read_row(row: Row, plan: ColumnPlan) -> Parsed | list[RowError]:
    """The row's values by field, or every problem it has."""
    if row.extra:
        return [RowError(row.line, None, None, f"{row.extra} more fields than the header has")]
    parsers = PARSERS[plan.kind]
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for name, headers in plan.columns.items():
        parse = parsers.get(name)
        if parse is None:
            continue
        got: list[Any] = []
        cached = name in CACHED
        for header in headers:
            raw = row.cells.get(header, "")
            if not raw or raw.isspace():
                continue
            if cached and (name, raw) in plan.cache:
                found = plan.cache[(name, raw)]
                if isinstance(found, BadValue):
                    errors.append(RowError(row.line, header, raw, f"not {found.expected}"))
                else:
                    got.append(found)
                continue
            try:
                value = parse(raw, plan.choices)
            except BadValue as bad:
                if cached and len(plan.cache) < 100_000:
                    plan.cache[(name, raw)] = bad
                errors.append(RowError(row.line, header, raw, f"not {bad.expected}"))
                continue
            if cached and len(plan.cache) < 100_000:
                plan.cache[(name, raw)] = value
            got.append(value)
        if got:
            values[name] = _combine(name, got)
    if errors:
        return errors
    return Parsed(row.line, _derived(plan, values))


def _combine(name: str, got: list[Any]) -> Any:
    if name == "last_touch":
        return max(got, key=_sortable)
    if name == "note":
        return "\n\n".join(dict.fromkeys(g for g in got if g))
    return got[0]


def _sortable(value: date | datetime) -> tuple[date, int]:
    if isinstance(value, datetime):
        return (value.date(), value.hour * 3600 + value.minute * 60 + value.second)
    return (value, 0)


def _derived(plan: ColumnPlan, values: dict[str, Any]) -> dict[str, Any]:
    if plan.kind is Kind.CONTACTS and "name" not in values:
        parts = [values.pop(p) for p in ("first_name", "last_name") if p in values]
        if parts:
            values["name"] = " ".join(parts)
    if (
        plan.kind is Kind.CUSTOMERS
        and "tier" not in values
        and "value" in values
        and plan.choices.bands
    ):
        values["tier"] = next(
            (t for t, least in plan.choices.bands if values["value"] >= least),
            plan.choices.bands[-1][0],
        )
    return values


def missing(parsed: Parsed, *names: str) -> RowError | None:
    """A row without a value the record cannot do without."""
    if any(n in parsed.values for n in names):
        return None
    return RowError(parsed.line, None, None, f"no {' or '.join(names)}: the row is skipped")


def _short(value: str) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= 60 else flat[:57] + "…"
