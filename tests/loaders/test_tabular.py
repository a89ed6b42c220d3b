"""Reading CSV, XLSX and JSON tables as rows with places; every malformation reported."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import openpyxl

from loaders.base import Problem
from loaders.tabular import open_table


def read(path: Path) -> tuple[list[tuple[int, dict[str, str], bool]], list[str]]:
    problems: list[Problem] = []
    rows = [(row.line, row.values(), row.broken) for row in open_table(path, problems.append)]
    return rows, [str(p) for p in problems]


def test_csv_rows_and_places(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,4\n', encoding="utf-8")
    rows, problems = read(path)
    assert problems == []
    assert rows == [(2, {"a": "1", "b": "two\nlines"}, False), (5, {"a": "3", "b": "4"}, False)]


def test_header_names_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(" Cluster ID ,Name\nx,y\n", encoding="utf-8")
    problems: list[Problem] = []
    assert open_table(path, problems.append).columns == ["cluster_id", "name"]


def test_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    assert read(path) == ([(2, {"a": "1", "b": "2"}, False)], [])


def test_latin1_line_is_broken_and_others_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("a,b\n1,Zürich\n3,4\n".encode("latin-1"))
    rows, problems = read(path)
    assert [(line, broken) for line, _, broken in rows] == [(2, True), (3, False)]
    assert problems[0].startswith("t.csv:2:4: byte 0xFC is not valid UTF-8")


def test_unterminated_quote(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,2\n3,"four\n5,6\n', encoding="utf-8")
    rows, problems = read(path)
    assert rows[-1][2] is True
    assert problems == [
        "t.csv:3: a quoted value opened on line 3 is never closed before the end of the file "
        "(is the file truncated?)"
    ]


def test_too_many_values(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2,3\n", encoding="utf-8")
    _, problems = read(path)
    assert problems[0].startswith("t.csv:2: the row has 3 values but the header has 2 columns")


def test_long_line_memory_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("a,b\n1,")
        for _ in range(40):
            handle.write("x" * 1_000_000)
        handle.write("\n3,4\n")
    tracemalloc.start()
    rows, problems = read(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rows[-1] == (3, {"a": "3", "b": "4"}, False)
    assert problems == [
        "t.csv:2: the line is 40,000,003 bytes long, more than the 16,777,216 s3kg "
        "reads; is this really a CSV file with one record per line?"
    ]
    assert peak < 64 * 1024 * 1024


def test_json_array_streams_with_places(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[\n {"a": "1", "b": ["x", "y"]},\n {"a": 2, "b": null, "c": true}\n]\n')
    problems: list[Problem] = []
    rows = list(open_table(path, problems.append))
    assert problems == []
    assert [row.values() for row in rows] == [
        {"a": "1", "b": "x;y"},
        {"a": "2", "b": "", "c": "true"},
    ]
    assert rows[1].cells["c"].line == 3
    assert rows[1].cells["c"].column == 22


def test_json_truncated(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[{"a": "1"},\n {"a": "2"')
    rows, problems = read(path)
    assert [r[1] for r in rows] == [{"a": "1"}]
    assert problems[0].startswith("t.json:2:")
    assert "truncated" in problems[0]


def test_json_not_an_array(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"a": 1}')
    assert read(path) == (
        [],
        ["t.json:1:1: expected a JSON array of objects ([{...}, {...}]) at the top"],
    )


def test_json_latin1(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes('[{"a": "Zürich"}]'.encode("latin-1"))
    _, problems = read(path)
    assert problems[0].startswith("t.json:1:10: byte 0xFC is not valid UTF-8")


def test_xlsx_values(tmp_path: Path) -> None:
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "count", "when", "flag"])
    sheet.append(["x", 12.0, dt.datetime(2025, 1, 31), True])
    sheet.append([None, None, None, None])
    sheet.append(["y", 0.5, None, False])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    rows, problems = read(path)
    assert problems == []
    assert rows == [
        (2, {"id": "x", "count": "12", "when": "2025-01-31", "flag": "true"}, False),
        (4, {"id": "y", "count": "0.5", "when": "", "flag": "false"}, False),
    ]


def test_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_text("a,b\n")
    _, problems = read(path)
    assert problems[0].startswith("t.xlsx: not a readable XLSX workbook")


def test_empty_and_blank_files(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_text("")
    blank = tmp_path / "b.csv"
    blank.write_text("\n\n")
    assert read(empty) == ([], ["e.csv: the file is empty"])
    assert read(blank) == ([], ["b.csv: the file has no header row (it is blank)"])
