"""Write the JSON and XLSX examples from the CSV examples: ``python tests/data/examples/build.py``.

The CSV files in ``csv/`` are the originals. The JSON files give list columns as arrays and
numbers as numbers; the XLSX files give numbers as numbers and dates as spreadsheet dates, as a
spreadsheet program would save them. ``tests/loaders/test_examples.py`` checks that the three
formats load to the same triples.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import typing
from pathlib import Path

import openpyxl

from loaders.records import LAYOUTS, Record

HERE = Path(__file__).resolve().parent


def _kinds(layout: type[Record]) -> dict[str, str]:
    """Each column's value kind: "list", "number", "date" or "text"."""
    kinds = {}
    for name, info in layout.model_fields.items():
        text = str(info.annotation) + str(typing.get_args(info.annotation))
        if "list" in text:
            kinds[name] = "list"
        elif "int" in text or "Decimal" in text:
            kinds[name] = "number"
        elif "date" in text:
            kinds[name] = "date"
        else:
            kinds[name] = "text"
    return kinds


def _number(text: str) -> int | float:
    return int(text) if text.lstrip("-").isdigit() else float(text)


def build() -> None:
    """Write ``json/*.json`` and ``xlsx/*.xlsx`` from ``csv/*.csv``."""
    (HERE / "json").mkdir(exist_ok=True)
    (HERE / "xlsx").mkdir(exist_ok=True)
    layouts = {layout.layout: layout for layout in LAYOUTS}
    for source in sorted((HERE / "csv").glob("*.csv")):
        kinds = _kinds(layouts[source.stem])
        with source.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        objects = []
        for row in rows:
            item: dict[str, object] = {}
            for name, value in row.items():
                if not value:
                    continue
                kind = kinds[name]
                if kind == "list":
                    item[name] = [v.strip() for v in value.split(";")]
                elif kind == "number":
                    item[name] = _number(value)
                else:
                    item[name] = value
            objects.append(item)
        text = json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
        (HERE / "json" / f"{source.stem}.json").write_text(text, encoding="utf-8")
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = source.stem
        header = list(rows[0]) if rows else []
        sheet.append(header)
        for row in rows:
            cells: list[object] = []
            for name in header:
                value = row[name]
                if value and kinds[name] == "number":
                    cells.append(_number(value))
                elif value and kinds[name] == "date":
                    cells.append(dt.datetime.fromisoformat(value))
                else:
                    cells.append(value or None)
            sheet.append(cells)
        workbook.properties.creator = "s3kg"
        fixed = dt.datetime(2025, 1, 1)
        workbook.properties.created = fixed
        workbook.properties.modified = fixed
        workbook.save(HERE / "xlsx" / f"{source.stem}.xlsx")


if __name__ == "__main__":
    build()
