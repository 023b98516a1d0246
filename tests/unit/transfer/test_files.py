"""Files as people have them: encodings, delimiters, quoted newlines, line numbers."""

import codecs
from pathlib import Path

import pytest

from bot.transfer.csvfile import FileProblem, open_table
from bot.transfer.nudge_keys import local, portable

ROWS = 'Name,Note\n"Acme, Inc.","two\nlines"\nGlobex,plain\n'


@pytest.mark.parametrize(
    ("encoding", "prefix", "described"),
    [
        ("utf-8", b"", "comma-separated, utf-8"),
        ("utf-8", codecs.BOM_UTF8, "comma-separated, utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "comma-separated, utf-16"),
        ("utf-16-le", b"", "comma-separated, utf-16-le"),
        ("cp1252", b"", "comma-separated, cp1252"),
    ],
)
def test_every_encoding_excel_writes_is_read(
    tmp_path: Path, encoding: str, prefix: bytes, described: str
) -> None:
    path = tmp_path / "f.csv"
    text = ROWS.replace("plain", "Café") if encoding != "utf-16-le" or prefix else ROWS
    path.write_bytes(prefix + text.encode(encoding))
    with open_table(path) as table:
        rows = list(table.rows())
        assert table.described == described
    assert [(r.line, r.cells["Name"]) for r in rows] == [(2, "Acme, Inc."), (4, "Globex")]
    assert rows[0].cells["Note"] == "two\nlines"


def test_semicolons_and_tabs_are_found_from_the_header(tmp_path: Path) -> None:
    for delimiter, name in ((";", "semicolon"), ("\t", "tab")):
        path = tmp_path / "f.csv"
        path.write_text(f"A{delimiter}B\n1,5{delimiter}x\n", encoding="utf-8")
        with open_table(path) as table:
            assert table.described == f"{name}-separated, utf-8"
            assert [r.cells for r in table.rows()] == [{"A": "1,5", "B": "x"}]


def test_a_row_with_more_fields_than_the_header_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("A,B\n1,2,3\n", encoding="utf-8")
    with open_table(path) as table:
        [row] = table.rows()
    assert row.extra == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"PK\x03\x04zipzip", "it looks like an Excel workbook"),
        (b"%PDF-1.7 ...", "it looks like a PDF document"),
        (b"\x00\x01\x02\x03binary", "it holds binary data"),
        (b"   \n", "the file is empty"),
        (b"just one line of prose\n", "not a CSV file with a header row"),
    ],
)
def test_what_is_not_a_csv_is_refused_at_once(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=problem):
        open_table(path)


def test_the_json_export_streams_one_object_per_line(tmp_path: Path) -> None:
    path = tmp_path / "customers.json"
    path.write_text('[\n{"name": "Acme", "value": "1"},\n{"name": "Globex", "value": ""}\n]\n')
    with open_table(path) as table:
        assert [(r.line, r.cells["name"]) for r in table.rows()] == [(2, "Acme"), (3, "Globex")]


@pytest.mark.parametrize(
    ("key", "template", "ids"),
    [
        (
            "quiet:12:2026-01-05T00:00:00+00:00:amber",
            "quiet:{customer}:2026-01-05T00:00:00+00:00:amber",
            {"customer": 12},
        ),
        (
            "birthday:12:345:2027",
            "birthday:{customer}:{contact}:2027",
            {"customer": 12, "contact": 345},
        ),
        ("offer:7:3", "offer:{customer}:{offer}", {"customer": 7, "offer": 3}),
        (
            "owner_quiet:1:2:never",
            "owner_quiet:{customer}:{person}:never",
            {"customer": 1, "person": 2},
        ),
        ("something:else", "something:else", {}),
    ],
)
def test_nudge_keys_travel_as_templates(key: str, template: str, ids: dict[str, int]) -> None:
    assert portable(key) == (template, ids)
    assert local(template, ids) == key
    assert local(template, {}) in (None, key)
