"""``--mapping MAP.toml``: any other CRM's header names for our fields, and its values for our
tiers and kinds. For example::

    source = "mycrm"                  # kept with every record (default: the preset's name)
    date_order = "day-first"          # or "month-first"
    [customers]                       # our field = their header, or a list of headers
    name = "Firma"
    owner = "Betreuer"
    last_touch = ["Letzter Kontakt", "Letzte Aktivität"]
    [values.kind]                     # their value = our kind; "*": any other value
    "Partner" = "partner"
    "*" = "customer"
    [tiers]                           # annual value at least this much: that tier
    key = 100000
    core = 10000
    long-tail = 0
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.transfer.csvfile import FileProblem
from bot.transfer.presets import Kind
from bot.transfer.rows import PARSERS
from bot.transfer.values import DateOrder

_KINDS = frozenset(k.value for k in Kind)
_TOP = frozenset({"source", "date_order", "values", "tiers", *_KINDS})


@dataclass(frozen=True, slots=True)
class MappingFile:
    source: str | None = None
    order: DateOrder | None = None
    columns: dict[Kind, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    bands: tuple[tuple[str, int], ...] = ()


def load_mapping(path: Path, *, tiers: tuple[str, ...]) -> MappingFile:
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise FileProblem(f"--mapping {where}: no such file.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FileProblem(f"--mapping {where}: not valid TOML ({exc}).") from None
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise FileProblem(
            f"--mapping {where}: unknown key {unknown[0]!r}; expected source, date_order, "
            f"values, tiers or a kind ({', '.join(k.value for k in Kind)})."
        )
    order = data.get("date_order")
    if order is not None and order not in (o.value for o in DateOrder):
        raise FileProblem(f"--mapping {where}: date_order must be 'day-first' or 'month-first'.")
    source = data.get("source")
    if source is not None and (not isinstance(source, str) or not 0 < len(source) <= 32):
        raise FileProblem(f"--mapping {where}: source must be a short name, e.g. 'mycrm'.")
    return MappingFile(
        source=source,
        order=DateOrder(order) if order else None,
        columns={Kind(k): _columns(where, Kind(k), v) for k, v in data.items() if k in _KINDS},
        values=_values(where, data.get("values", {})),
        bands=_bands(where, data.get("tiers", {}), tiers),
    )


def _columns(where: str, kind: Kind, table: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        raise FileProblem(f"--mapping {where}: [{kind.value}] must be a table of field = header.")
    known = PARSERS[kind]
    found: dict[str, tuple[str, ...]] = {}
    for name, headers in table.items():
        if name not in known:
            raise FileProblem(
                f"--mapping {where}: [{kind.value}] has no field {name!r}; fields are "
                f"{', '.join(sorted(known))}."
            )
        listed = [headers] if isinstance(headers, str) else headers
        if not isinstance(listed, list) or not all(isinstance(h, str) for h in listed):
            raise FileProblem(
                f"--mapping {where}: [{kind.value}] {name} must be a header or a list of them."
            )
        found[name] = tuple(listed)
    return found


def _values(where: str, table: Any) -> dict[str, dict[str, str]]:
    if not isinstance(table, dict):
        raise FileProblem(f"--mapping {where}: [values] must hold tables like [values.kind].")
    result: dict[str, dict[str, str]] = {}
    for name, mapping in table.items():
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise FileProblem(f'--mapping {where}: [values.{name}] maps text to text: "A" = "b".')
        result[name] = {" ".join(k.lower().split()): v for k, v in mapping.items()}
    return result


def _bands(where: str, table: Any, tiers: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    if not isinstance(table, dict):
        raise FileProblem(f"--mapping {where}: [tiers] maps a tier to its least annual value.")
    bands = []
    for name, least in table.items():
        if name not in tiers:
            raise FileProblem(
                f"--mapping {where}: [tiers] {name!r} is not a tier ({', '.join(tiers)})."
            )
        if isinstance(least, bool) or not isinstance(least, int) or least < 0:
            raise FileProblem(f"--mapping {where}: [tiers] {name} must be a whole amount.")
        bands.append((name, least))
    return tuple(sorted(bands, key=lambda b: -b[1]))
