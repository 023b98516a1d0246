"""Writing a table file: CSV (UTF-8 with a byte-order mark, so Excel shows accents right) or
the JSON ``import`` reads back (an array, one object per line). Values are written as the
importer reads them: ISO dates and instants, yes/no, comma-separated sets."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import IO, Any

from nudges.calendar import UTC


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return ",".join(sorted(str(v) for v in value))
    return str(value)


class TableWriter:
    """Rows of one kind into one open text stream."""

    def __init__(self, stream: IO[str], columns: Sequence[str], *, fmt: str) -> None:
        self.stream, self.columns, self.fmt, self.rows = stream, tuple(columns), fmt, 0
        if fmt == "csv":
            self._csv = csv.writer(stream, lineterminator="\r\n")
            self._csv.writerow(self.columns)
        else:
            stream.write("[")

    def write(self, values: dict[str, Any]) -> None:
        cells = [cell(values.get(c)) for c in self.columns]
        if self.fmt == "csv":
            self._csv.writerow(cells)
        else:
            record = dict(zip(self.columns, cells, strict=True))
            separator = "\n" if self.rows == 0 else ",\n"
            self.stream.write(separator + json.dumps(record, ensure_ascii=False))
        self.rows += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.stream.write("\n]\n")
