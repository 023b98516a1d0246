"""Reading a table file as people really have it: UTF-8 with or without a byte-order mark,
UTF-16 from Excel, Windows-1252 from older Excel, comma, semicolon or tab delimiters, quoted
fields holding commas and newlines; or the JSON that ``export`` writes. Rows stream one at a
time with the line each starts on; a file that is not a table at all is refused at once."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SAMPLE = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
csv.field_size_limit(1 << 24)  # a long note is still a field, up to 16 MB


class FileProblem(Exception):
    """The file cannot be read as a table; the message says why and what would work."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # the line of the file the row starts on (the header is line 1)
    cells: dict[str, str]  # header as written -> value
    extra: int = 0  # fields beyond the header's, not empty: the row is malformed


@dataclass
class Table:
    """An open table file: its headers, how it was read, and its rows (read once)."""

    path: Path
    headers: tuple[str, ...]
    encoding: str
    delimiter: str
    _rows: Iterator[Row]
    _stream: IO[str]

    def rows(self) -> Iterator[Row]:
        return self._rows

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def described(self) -> str:
        if self.delimiter == "json":
            return f"JSON, {self.encoding}"
        delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[self.delimiter]
        return f"{delimiter}-separated, {self.encoding}"


def open_table(path: Path) -> Table:
    if not path.is_file():
        raise FileProblem(f"{path}: no such file.")
    with path.open("rb") as raw:
        head = raw.read(SAMPLE)
    if not head.strip():
        raise FileProblem(f"{path}: the file is empty.")
    _refuse_binary(path, head)
    encoding = _encoding(head)
    stream = path.open("r", encoding=encoding, newline="")
    try:
        first = stream.read(1)
        while first.isspace():
            first = stream.read(1)
        stream.seek(0)
        if first in "[{" and path.suffix.lower() in (".json", ".jsonl"):
            return _json_table(path, stream, encoding)
        return _csv_table(path, stream, encoding)
    except BaseException:
        stream.close()
        raise


def _refuse_binary(path: Path, head: bytes) -> None:
    kinds = {
        b"PK\x03\x04": "an Excel workbook or another zip file: in Excel, save it as "
        "'CSV UTF-8 (Comma delimited)'",
        b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls): in Excel, save it as 'CSV UTF-8'",
        b"%PDF": "a PDF document",
    }
    for magic, what in kinds.items():
        if head.startswith(magic):
            raise FileProblem(f"{path}: not a CSV file; it looks like {what}.")
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16(head)
    if not utf16 and b"\x00" in head:
        raise FileProblem(f"{path}: not a CSV file (it holds binary data).")


def _utf16(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark: every other byte of ASCII text is zero."""
    sample = head[:2048]
    if len(sample) < 4:
        return None
    odd = sample[1::2].count(0) / (len(sample) // 2)
    even = sample[0::2].count(0) / (len(sample) // 2)
    if odd > 0.6 and even < 0.1:
        return "utf-16-le"
    if even > 0.6 and odd < 0.1:
        return "utf-16-be"
    return None


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bare = _utf16(head)
    if bare:
        return bare
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(head) < SAMPLE or exc.start < len(head) - 3:  # not a character cut by the sample
            return "cp1252"
    return "utf-8"


def _delimiter(header_line: str) -> str:
    counts = {d: _unquoted(header_line).count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _unquoted(line: str) -> str:
    return "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)


def _csv_table(path: Path, stream: IO[str], encoding: str) -> Table:
    header_line = stream.readline()
    stream.seek(0)
    delimiter = _delimiter(header_line)
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FileProblem(f"{path}: not a CSV file ({exc}).") from None
    except UnicodeDecodeError:
        raise FileProblem(f"{path}: not text in {encoding}; save it as CSV UTF-8.") from None
    headers = tuple(" ".join(h.replace("\ufeff", "").split()) for h in header)
    if len(headers) < 2 or not any(headers):
        raise FileProblem(
            f"{path}: not a CSV file with a header row (found {header_line.strip()[:80]!r})."
        )
    return Table(path, headers, encoding, delimiter, _csv_rows(path, reader, headers), stream)


def _csv_rows(path: Path, reader: Iterator[list[str]], headers: tuple[str, ...]) -> Iterator[Row]:
    line = reader.line_num  # type: ignore[attr-defined]
    while True:
        start = line + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise FileProblem(
                f"{path}, line {start}: not valid text in this encoding; save the file as "
                "CSV UTF-8 and import it again."
            ) from None
        except csv.Error as exc:
            raise FileProblem(f"{path}, line {start}: {exc}.") from None
        line = reader.line_num  # type: ignore[attr-defined]
        if not any(f.strip() for f in fields):
            continue
        extra = sum(1 for f in fields[len(headers) :] if f.strip())
        yield Row(start, dict(zip(headers, fields, strict=False)), extra)


def _json_table(path: Path, stream: IO[str], encoding: str) -> Table:
    """The layout ``export --format json`` writes: a JSON array, one object per line."""
    text_start = stream.readline().strip()
    if text_start == "[":
        first = stream.readline()
        line = 2
    else:
        first, line = text_start, 1
    try:
        record = json.loads(first.rstrip().rstrip(","))
    except json.JSONDecodeError:
        raise FileProblem(
            f"{path}: not the JSON layout export writes (one object per line in an array)."
        ) from None
    if not isinstance(record, dict):
        raise FileProblem(f"{path}: expected JSON objects, one per line.")
    headers = tuple(record)
    return Table(path, headers, encoding, "json", _json_rows(path, stream, record, line), stream)


def _json_rows(path: Path, stream: IO[str], first: dict[str, object], line: int) -> Iterator[Row]:
    yield Row(line, _cells(first))
    for text in stream:
        line += 1
        body = text.strip().rstrip(",")
        if body in ("", "]"):
            continue
        try:
            record = json.loads(body)
        except json.JSONDecodeError as exc:
            raise FileProblem(f"{path}, line {line}: not JSON ({exc.msg}).") from None
        yield Row(line, _cells(record))


def _cells(record: dict[str, object]) -> dict[str, str]:
    return {k: _cell(v) for k, v in record.items()}


def _cell(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)
