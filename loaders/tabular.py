"""Reading tables (CSV, XLSX, JSON) as rows of text values that remember where they came from.

Every reader streams: memory stays flat however long the file is. Whatever is wrong with a file
(its encoding, its delimiter, a truncated last line, a field of megabytes) is reported as a
:class:`~loaders.base.Problem` with its place, and reading goes on where that is possible.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> path = folder / "clusters.csv"
>>> _ = path.write_text("cluster_id,name\\nmechatronik,Mechatronik-Cluster\\n", encoding="utf-8")
>>> problems: list[Problem] = []
>>> table = open_table(path, problems.append)
>>> table.columns
['cluster_id', 'name']
>>> rows = list(table)
>>> [(row.line, row.values()) for row in rows]
[(2, {'cluster_id': 'mechatronik', 'name': 'Mechatronik-Cluster'})]
>>> rows[0].cells["name"]
Cell(value='Mechatronik-Cluster', line=2, column=2)
>>> problems
[]
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import json
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from loaders.base import Problem

Report = Callable[[Problem], None]

#: Longest CSV field accepted (characters); longer fields are reported, not read.
MAX_FIELD = 1024 * 1024
#: Longest physical line read into memory (bytes); the rest of a longer line is skipped.
MAX_LINE = 16 * 1024 * 1024
#: Largest JSON object (one row) read into memory (characters).
MAX_OBJECT = 16 * 1024 * 1024

TABLE_SUFFIXES = (".csv", ".xlsx", ".json")

csv.field_size_limit(MAX_FIELD)


@dataclass(frozen=True)
class Cell:
    """One value and its place: line (row number in a sheet) and column (1 = first field)."""

    value: str
    line: int
    column: int


@dataclass
class Row:
    """One record of a table: its values by column name, each with its place.

    ``line`` is where the record starts; ``problems`` holds what the reader found wrong with it
    (already reported); such a row should not be converted.
    """

    file: str
    line: int
    cells: dict[str, Cell]
    broken: bool = False

    def values(self) -> dict[str, str]:
        """The values by column name."""
        return {name: cell.value for name, cell in self.cells.items()}

    def place(self, name: str | None) -> tuple[int, int | None]:
        """The line and column of the value of column ``name`` (the row's start if absent)."""
        cell = self.cells.get(name) if name else None
        if cell is None:
            return self.line, None
        return cell.line, cell.column


@dataclass
class Table:
    """An opened table: its column names (empty when unreadable) and an iterator of its rows.

    ``header_columns`` gives the position of each column name in the header (CSV and XLSX).
    """

    file: str
    columns: list[str]
    rows: Iterator[Row]
    header_columns: dict[str, int] = field(default_factory=dict)
    header_line: int = 1

    def __iter__(self) -> Iterator[Row]:
        return self.rows


def normalise_column(name: str) -> str:
    """A column name as compared: trimmed, lower case, spaces and hyphens as underscores.

    >>> normalise_column(" Cluster ID ")
    'cluster_id'
    """
    return "_".join(name.strip().lower().replace("-", " ").split())


def closest(word: str, candidates: Collection[str], n: int = 3) -> list[str]:
    """The candidates most like ``word``, best first (for "did you mean" hints).

    >>> closest("nme", ["name", "acronym", "region"])
    ['name']
    """
    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6)


def did_you_mean(word: str, candidates: Collection[str]) -> str:
    """``"; did you mean X?"`` when something close exists, else an empty string.

    >>> did_you_mean("ITC9", ["ITC4", "ITC1", "DE21"])
    '; did you mean ITC4 or ITC1?'
    """
    found = closest(word, candidates)
    if not found:
        return ""
    return "; did you mean " + " or ".join(found[:2] if len(found) > 1 else found) + "?"


def _empty(file: str) -> Iterator[Row]:
    """No rows (of an unreadable ``file``)."""
    yield from ()


def open_table(path: Path, report: Report) -> Table:
    """Open a CSV, XLSX or JSON table; problems go to ``report``, rows are read lazily."""
    file = path.name
    if not path.exists():
        report(Problem(str(path), None, None, None, "no such file or directory"))
        return Table(file, [], _empty(file))
    if path.is_dir():
        report(Problem(str(path), None, None, None, "is a directory, not a table"))
        return Table(file, [], _empty(file))
    if path.stat().st_size == 0:
        report(Problem(file, None, None, None, "the file is empty"))
        return Table(file, [], _empty(file))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _open_xlsx(path, report)
    if suffix == ".json":
        return _open_json(path, report)
    return _open_csv(path, report)


# -- CSV ------------------------------------------------------------------------------------


def _encoding_problem(file: str, line: int, raw: bytes, error: UnicodeDecodeError) -> Problem:
    byte = raw[error.start]
    return Problem(
        file,
        line,
        error.start + 1,
        None,
        f"byte 0x{byte:02X} is not valid UTF-8 (the file looks Latin-1 or Windows-1252 "
        "encoded); re-save it as UTF-8 (in Excel: 'CSV UTF-8')",
    )


class _Lines:
    """Physical lines of a binary file decoded as UTF-8, each at most ``MAX_LINE`` bytes.

    Lines that cannot be decoded or are too long are reported in ``pending`` with their number
    and replaced by an empty line, so the CSV reader's line count stays right.
    """

    def __init__(self, handle: IO[bytes], file: str) -> None:
        self.handle = handle
        self.file = file
        self.number = 0
        self.pending: list[Problem] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self.handle.readline(MAX_LINE)
        if not raw:
            raise StopIteration
        self.number += 1
        if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
            skipped = len(raw)
            while chunk := self.handle.readline(MAX_LINE):
                skipped += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            self.pending.append(
                Problem(
                    self.file,
                    self.number,
                    None,
                    None,
                    f"the line is {skipped:,} bytes long, more than the {MAX_LINE:,} s3kg reads; "
                    "is this really a CSV file with one record per line?",
                )
            )
            return "\n"
        if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self.pending.append(_encoding_problem(self.file, self.number, raw, error))
            return raw.decode("utf-8", errors="replace")


def _delimiter_hint(header: str) -> str | None:
    if "," in header:
        return None
    for delimiter, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
        if delimiter in header:
            return (
                f"the file is {name}-separated; s3kg reads comma-separated CSV: export it again "
                "with ',' as the delimiter (in Excel: 'CSV UTF-8 (comma delimited)') or save it "
                "as XLSX"
            )
    return None


def _csv_error(error: csv.Error, start: int, end: int) -> str:
    text = str(error)
    if "unexpected end of data" in text:
        return (
            f"a quoted value opened on line {start} is never closed before the end of the file "
            "(is the file truncated?)"
        )
    if "field larger than field limit" in text:
        return (
            f"a value is longer than {MAX_FIELD:,} characters, the most s3kg accepts in one "
            "field (is a quote missing, or is this not a CSV file?)"
        )
    if "expected after" in text:
        return f'a quote inside a quoted value must be doubled (""): {text}'
    return text


def _open_csv(path: Path, report: Report) -> Table:
    file = path.name
    handle = path.open("rb")
    lines = _Lines(handle, file)
    reader = csv.reader(lines, strict=True)

    def flush(upto: int) -> list[Problem]:
        """Report the line problems up to line ``upto``; return those."""
        found = [p for p in lines.pending if p.line is not None and p.line <= upto]
        lines.pending = [p for p in lines.pending if p not in found]
        for problem in found:
            report(problem)
        return found

    def read_header() -> list[str] | None:
        while True:
            try:
                header = next(reader)
            except StopIteration:
                flush(lines.number)
                return None
            except csv.Error as error:
                flush(reader.line_num)
                report(Problem(file, 1, None, None, _csv_error(error, 1, reader.line_num)))
                return None
            if flush(reader.line_num):
                return None
            if header and any(h.strip() for h in header):
                return header

    header = read_header()
    if header is None:
        handle.close()
        if lines.number and not lines.pending:
            report(Problem(file, None, None, None, "the file has no header row (it is blank)"))
        return Table(file, [], _empty(file))
    header_line = reader.line_num
    if len(header) == 1 and (hint := _delimiter_hint(header[0])):
        handle.close()
        report(Problem(file, header_line, None, None, hint))
        return Table(file, [], _empty(file), header_line=header_line)
    columns = [normalise_column(h) for h in header]

    def rows() -> Iterator[Row]:
        previous_end = header_line
        try:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    flush(lines.number)
                    return
                except csv.Error as error:
                    start = previous_end + 1
                    previous_end = reader.line_num
                    flush(reader.line_num)
                    report(Problem(file, start, None, None, _csv_error(error, start, previous_end)))
                    yield Row(file, start, {}, broken=True)
                    continue
                start = previous_end + 1
                previous_end = reader.line_num
                broken = bool(flush(reader.line_num))
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue
                if len(values) != len(columns) and not broken:
                    broken = True
                    report(Problem(file, start, None, None, _width_message(len(values), columns)))
                cells = {
                    name: Cell(value, start, index + 1)
                    for index, (name, value) in enumerate(zip(columns, values, strict=False))
                }
                yield Row(file, start, cells, broken=broken)
        finally:
            handle.close()

    return Table(
        file,
        columns,
        rows(),
        header_columns={name: index + 1 for index, name in enumerate(columns)},
        header_line=header_line,
    )


def _width_message(found: int, columns: list[str]) -> str:
    if found < len(columns):
        missing = ", ".join(columns[found:])
        return (
            f"the row has {found} values but the header has {len(columns)} columns (no value for "
            f"{missing}); is the file truncated? An empty value still needs its comma"
        )
    return (
        f"the row has {found} values but the header has {len(columns)} columns; a value "
        'containing a comma must be quoted ("Bolzano, South Tyrol")'
    )


# -- XLSX -----------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A spreadsheet or JSON value as text: whole numbers without ``.0``, dates as ISO.

    >>> cell_text(12.0), cell_text(0.5), cell_text(True), cell_text(None)
    ('12', '0.5', 'true', '')
    >>> cell_text(dt.datetime(2024, 3, 1)), cell_text(["C28", "C29"])
    ('2024-03-01', 'C28;C29')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(cell_text(item) for item in value)
    return str(value).strip() if isinstance(value, str) else str(value)


def _open_xlsx(path: Path, report: Report) -> Table:
    import openpyxl  # imported here: only XLSX files pay for it

    file = path.name
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        report(
            Problem(
                file, None, None, None, f"not a readable XLSX workbook ({error}); save it again"
            )
        )
        return Table(file, [], _empty(file))
    except KeyError as error:
        report(
            Problem(
                file,
                None,
                None,
                None,
                f"the workbook is damaged: a part it lists is missing ({error}); open it in a "
                "spreadsheet program and save it again",
            )
        )
        return Table(file, [], _empty(file))
    if not workbook.worksheets:
        workbook.close()
        report(Problem(file, None, None, None, "the workbook has no worksheet"))
        return Table(file, [], _empty(file))
    sheet = workbook.worksheets[0]
    try:
        iterator = sheet.iter_rows(min_row=1, values_only=True)
        header: tuple[Any, ...] | None = None
        header_line = 0
        for number, values in enumerate(iterator, start=1):
            if any(v is not None and str(v).strip() for v in values):
                header, header_line = values, number
                break
    except (KeyError, zipfile.BadZipFile, OSError, ValueError) as error:
        workbook.close()
        report(
            Problem(
                file,
                None,
                None,
                None,
                f"the first sheet ({sheet.title!r}) cannot be read: {error!s}; the workbook may be "
                "damaged: open it in a spreadsheet program and save it again",
            )
        )
        return Table(file, [], _empty(file))
    if header is None:
        workbook.close()
        report(Problem(file, None, None, None, f"the first sheet ({sheet.title!r}) is empty"))
        return Table(file, [], _empty(file))
    names = [normalise_column(cell_text(v)) for v in header]
    while names and not names[-1]:
        names.pop()
    columns = [n for n in names if n]
    positions = {name: index + 1 for index, name in enumerate(names) if name}

    def rows() -> Iterator[Row]:
        try:
            for number, values in enumerate(iterator, start=header_line + 1):
                cells: dict[str, Cell] = {}
                extra = False
                for index, value in enumerate(values):
                    name = names[index] if index < len(names) else ""
                    text = cell_text(value)
                    if not name:
                        extra = extra or bool(text)
                        continue
                    cells[name] = Cell(text, number, index + 1)
                if not any(c.value for c in cells.values()) and not extra:
                    continue
                broken = False
                if extra:
                    broken = True
                    report(
                        Problem(
                            file, number, None, None, "the row has values in a column with no name"
                        )
                    )
                yield Row(file, number, cells, broken=broken)
        finally:
            workbook.close()

    return Table(file, columns, rows(), header_columns=positions, header_line=header_line)


# -- JSON -----------------------------------------------------------------------------------


class _JsonStop(Exception):
    """Reading a JSON file cannot go on; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _JsonText:
    """The text of a JSON file, read in chunks, with the line and column of the cursor.

    ``buffer[offset:]`` is the text read but not consumed yet; consumed text is dropped when more
    is read, so memory holds about one object at a time.
    """

    def __init__(self, handle: IO[bytes], file: str) -> None:
        self.handle = handle
        self.file = file
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buffer = ""
        self.offset = 0
        self.line = 1
        self.column = 1
        self.eof = False
        self.raw_line = 1  # line and byte column where the next chunk starts
        self.raw_column = 1
        self.first = True

    def more(self, want: int = 1 << 16) -> bool:
        """Read about ``want`` more characters; False at the end of the file."""
        if self.eof:
            return False
        raw = self.handle.read(want)
        if self.first and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        self.first = False
        try:
            text = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as error:
            raise _JsonStop(self._encoding_problem(raw, error)) from None
        self._count(raw)
        self.eof = not raw
        self.buffer = self.buffer[self.offset :] + text
        self.offset = 0
        return bool(raw)

    def _encoding_problem(self, raw: bytes, error: UnicodeDecodeError) -> Problem:
        start = max(0, error.start - (len(error.object) - len(raw)))
        head = raw[:start]
        line = self.raw_line + head.count(b"\n")
        newline = head.rfind(b"\n")
        column = start - newline if newline >= 0 else self.raw_column + start
        byte = raw[start] if start < len(raw) else 0
        return Problem(
            self.file,
            line,
            column,
            None,
            f"byte 0x{byte:02X} is not valid UTF-8 (the file looks Latin-1 or Windows-1252 "
            "encoded); re-save it as UTF-8",
        )

    def _count(self, raw: bytes) -> None:
        newlines = raw.count(b"\n")
        if newlines:
            self.raw_line += newlines
            self.raw_column = len(raw) - raw.rfind(b"\n")
        else:
            self.raw_column += len(raw)

    def place(self, index: int) -> tuple[int, int]:
        """Line and column of ``buffer[index]`` (at or after the cursor)."""
        consumed = self.buffer[self.offset : index]
        newlines = consumed.count("\n")
        if newlines:
            return self.line + newlines, len(consumed) - consumed.rfind("\n")
        return self.line, self.column + len(consumed)

    def advance(self, to: int) -> None:
        """Consume the buffer up to index ``to``."""
        self.line, self.column = self.place(to)
        self.offset = to

    def peek(self) -> str:
        """Skip whitespace; the next character, or ``""`` at the end of the file."""
        while True:
            index = self.offset
            while index < len(self.buffer) and self.buffer[index] in " \t\r\n":
                index += 1
            self.advance(index)
            if self.offset < len(self.buffer):
                return self.buffer[self.offset]
            if not self.more():
                return ""

    def problem(self, message: str, index: int | None = None) -> Problem:
        line, column = self.place(self.offset if index is None else index)
        return Problem(self.file, line, column, None, message)

    def value(self, decoder: json.JSONDecoder) -> tuple[Any, str]:
        """Decode the JSON value at the cursor (reading more as needed); it and its text."""
        want = 1 << 16
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.offset)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.offset > MAX_OBJECT:
                    raise _JsonStop(
                        self.problem(f"an object is longer than {MAX_OBJECT:,} characters")
                    ) from None
                if self.more(want):
                    want = min(want * 2, MAX_OBJECT)
                    continue
                message = f"invalid JSON: {error.msg}"
                if error.pos >= len(self.buffer) - 1:
                    message += " (the file ends in the middle of a value: is it truncated?)"
                raise _JsonStop(self.problem(message, min(error.pos, len(self.buffer)))) from None
            if end == len(self.buffer) and not isinstance(value, dict | list) and self.more(want):
                continue  # a number or literal may go on in the next chunk
            return value, self.buffer[self.offset : end]


def _key_places(
    text: str, keys: Collection[str], line: int, column: int
) -> dict[str, tuple[int, int]]:
    """Line and column of each key of a flat object whose text starts at ``line:column``."""
    places: dict[str, tuple[int, int]] = {}
    for key in keys:
        index = text.find(json.dumps(key, ensure_ascii=False))
        if index < 0:
            index = text.find(json.dumps(key))
        if index < 0:
            places[key] = (line, column)
            continue
        before = text[:index]
        newlines = before.count("\n")
        if newlines:
            places[key] = (line + newlines, index - before.rfind("\n"))
        else:
            places[key] = (line, column + index)
    return places


def _json_cells(
    row_file: str, raw: str, value: dict[str, Any], line: int, column: int, report: Report
) -> tuple[dict[str, Cell], bool]:
    places = _key_places(raw, value.keys(), line, column)
    cells: dict[str, Cell] = {}
    broken = False
    for key, item in value.items():
        name = normalise_column(str(key))
        key_line, key_column = places[key]
        nested = isinstance(item, dict) or (
            isinstance(item, list) and any(isinstance(i, dict | list) for i in item)
        )
        if nested:
            broken = True
            report(
                Problem(
                    row_file,
                    key_line,
                    key_column,
                    name,
                    "expected text, a number, true/false or a list of those",
                )
            )
            continue
        cells[name] = Cell(cell_text(item), key_line, key_column)
    return cells, broken


def _open_json(path: Path, report: Report) -> Table:
    file = path.name
    handle = path.open("rb")
    text = _JsonText(handle, file)
    decoder = json.JSONDecoder()

    def rows() -> Iterator[Row]:
        try:
            first = text.peek()
            if first == "":
                report(Problem(file, None, None, None, "the file is empty"))
                return
            if first != "[":
                report(text.problem("expected a JSON array of objects ([{...}, {...}]) at the top"))
                return
            text.advance(text.offset + 1)
            expect_value = True
            count = 0
            while True:
                char = text.peek()
                if char == "":
                    report(text.problem("the file ends before the closing ']' (is it truncated?)"))
                    return
                if char == "]" and (count == 0 or not expect_value):
                    text.advance(text.offset + 1)
                    if text.peek() != "":
                        report(text.problem("unexpected text after the closing ']'"))
                    return
                if not expect_value:
                    if char != ",":
                        report(text.problem(f"expected ',' or ']' after an object, found {char!r}"))
                        return
                    text.advance(text.offset + 1)
                    expect_value = True
                    continue
                line, column = text.line, text.column
                value, raw = text.value(decoder)
                text.advance(text.offset + len(raw))
                expect_value = False
                count += 1
                if not isinstance(value, dict):
                    report(Problem(file, line, column, None, "expected an object ({...}) here"))
                    yield Row(file, line, {}, broken=True)
                    continue
                cells, broken = _json_cells(file, raw, value, line, column, report)
                yield Row(file, line, cells, broken=broken)
        except _JsonStop as error:
            report(error.problem)
        finally:
            handle.close()

    return Table(file, [], rows())


# -- columns --------------------------------------------------------------------------------


def check_columns(
    table: Table, known: Collection[str], required: Collection[str], report: Report
) -> bool:
    """Report unknown columns (with the closest known name) and missing required ones.

    Returns False when the table cannot be read with these columns. JSON tables have no header:
    their keys are checked row by row with :func:`check_keys`.
    """
    ok = True
    seen: set[str] = set()
    for name in table.columns:
        column = table.header_columns.get(name)
        if name in seen:
            report(Problem(table.file, table.header_line, column, name, "the column appears twice"))
            ok = False
        seen.add(name)
        if name not in known:
            ok = False
            report(
                Problem(
                    table.file,
                    table.header_line,
                    column,
                    name,
                    "unknown column" + did_you_mean(name, known) + _expected(known),
                )
            )
    for name in required:
        if name not in seen:
            ok = False
            hint = closest(name, [c for c in seen if c not in known])
            renamed = f"; is {hint[0]!r} meant to be {name!r}?" if hint else ""
            report(
                Problem(
                    table.file, table.header_line, None, name, "required column missing" + renamed
                )
            )
    return ok


def check_keys(row: Row, known: Collection[str], report: Report) -> bool:
    """Report the unknown keys of one JSON object; False when there are some."""
    ok = True
    for name, cell in row.cells.items():
        if name not in known:
            ok = False
            report(
                Problem(
                    row.file,
                    cell.line,
                    cell.column,
                    name,
                    "unknown key" + did_you_mean(name, known) + _expected(known),
                )
            )
    return ok


def _expected(known: Collection[str]) -> str:
    return f" (expected: {', '.join(known)})" if len(known) <= 30 else ""


def read_header(path: Path) -> list[str]:
    """The column names of a table (the keys of the first object of a JSON array), or ``[]``.

    Used to tell which kind of file a table is; reads only the beginning of the file.
    """
    table = open_table(path, lambda problem: None)
    try:
        if table.columns:
            return table.columns
        for row in table:
            return list(row.cells)
        return []
    finally:
        close = getattr(table.rows, "close", None)
        if close is not None:
            close()
