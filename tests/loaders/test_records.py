"""What a valid row is: types, required values, dates, ranges, enumerations, URLs, lists."""

from __future__ import annotations

import datetime as dt

import pytest

from loaders.base import Problem
from loaders.records import (
    Action,
    Call,
    Cluster,
    Membership,
    Record,
    Service,
    Sme,
    layout_of,
    validate_row,
)
from loaders.tabular import Cell, Row


def check(model: type[Record], **values: str) -> tuple[Record | None, list[str]]:
    cells = {name: Cell(value, 5, index + 1) for index, (name, value) in enumerate(values.items())}
    problems: list[Problem] = []
    record = validate_row(model, Row("f.csv", 5, cells), problems.append)
    return record, [str(p) for p in problems]


CLUSTER = {"cluster_id": "c1", "name": "One", "region": "at31"}


def test_valid_cluster_normalises_values() -> None:
    record, problems = check(
        Cluster, **CLUSTER, label="Gold", sectors="C28; C29 ;", website="https://x.eu/"
    )
    assert problems == []
    assert isinstance(record, Cluster)
    assert (record.region, record.label, record.sectors) == ("AT31", "gold", ["C28", "C29"])


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("sme_members", "-1", "must be 0 or more, got '-1'"),
        ("sme_members", "12.5", "'12.5' is not a whole number"),
        ("label", "platinum", "'platinum' is not one of 'bronze', 'silver' or 'gold'"),
        ("founding_year", "95", "'95' is not a year (four digits, 2012)"),
        ("website", "www.example.org", "'www.example.org' is not an http(s) URL"),
        (
            "cluster_id",
            "c 1",
            "'c 1' is not a valid id: use only letters, digits, '.', '_', '~' and '-'",
        ),
        (
            "region",
            "Lombardy",
            "'Lombardy' is not a NUTS code (two letters and up to three more, ITC4)",
        ),
    ],
)
def test_invalid_cluster_values(column: str, value: str, message: str) -> None:
    values = {**CLUSTER, column: value}
    record, problems = check(Cluster, **values)
    place = list(values).index(column) + 1
    assert record is None
    assert problems == [f"f.csv:5:{place}: {column}: {message}"]


def test_required_value_missing() -> None:
    _, problems = check(Cluster, cluster_id="c1", name=" ", region="AT31")
    assert problems == ["f.csv:5:2: name: a value is required"]


def test_sme_needs_a_nace_code_and_a_size_class() -> None:
    _, problems = check(Sme, sme_id="s1", name="Acme", region="AT31", nace="", size_class="Large")
    assert problems == [
        "f.csv:5:4: nace: a value is required",
        "f.csv:5:5: size_class: 'large' is not one of 'micro', 'small' or 'medium'",
    ]


def test_dates_and_their_order() -> None:
    record, problems = check(Membership, cluster_id="c", member_id="m", start_date="2024-02-01")
    assert isinstance(record, Membership) and record.start_date == dt.date(2024, 2, 1)
    _, problems = check(
        Membership, cluster_id="c", member_id="m", start_date="2024-02-01", end_date="2024-01-01"
    )
    assert problems == ["f.csv:5:4: end_date: 2024-01-01 is before start_date 2024-02-01"]
    _, problems = check(Membership, cluster_id="c", member_id="m", start_date="2024-02-30")
    assert problems == ["f.csv:5:3: start_date: '2024-02-30' is not a date of the calendar"]


def test_budget_forms() -> None:
    base = {
        "call_id": "c", "title": "T", "programme": "P", "region": "ITC4",
        "opening_date": "2025-01-01", "closing_date": "2025-01-01",
    }  # fmt: skip
    record, problems = check(Call, **base, budget_eur="1250000.50")
    assert problems == [] and isinstance(record, Call) and str(record.budget_eur) == "1250000.50"
    _, problems = check(Call, **base, budget_eur="1,250,000")
    assert "thousands separators" in problems[0]


def test_sdg_items_are_checked_one_by_one() -> None:
    base = {
        "call_id": "c", "title": "T", "programme": "P", "region": "ITC4",
        "opening_date": "2025-01-01", "closing_date": "2025-02-01",
    }  # fmt: skip
    _, problems = check(Call, **base, sdgs="7;18")
    assert problems == ["f.csv:5:7: sdgs: item 2: '18' is not an SDG number (1 to 17)"]


def test_service_validation_needs_a_pilot_and_a_result() -> None:
    base = {"service_id": "s", "cluster_id": "c", "title": "T"}
    _, problems = check(Service, **base, validated_by="p")
    assert problems == ["f.csv:5: validation_result: required when validated_by is given"]
    _, problems = check(Service, **base, validation_result="fine")
    assert problems == [
        "f.csv:5:4: validation_result: a validation result needs validated_by (the pilot "
        "cluster's id)"
    ]


def test_milestones() -> None:
    base = {"plan_id": "p", "plan_title": "P", "action_id": "a", "title": "A", "lead": "c"}
    record, problems = check(Action, **base, status="Ongoing", milestones="2025-06-30 kick-off")
    assert problems == [] and isinstance(record, Action)
    assert record.milestones[0].title == "kick-off"
    _, problems = check(Action, **base, status="ongoing", milestones="June kick-off")
    assert problems == [
        "f.csv:5:7: milestones: item 1: 'June kick-off' is not a milestone: "
        "write 'YYYY-MM-DD title'"
    ]


def test_layouts_are_told_apart_by_columns() -> None:
    assert layout_of(["sme_id", "name", "region", "nace", "size_class"]) is Sme
    assert layout_of(["cluster_id", "member_id"]) is Membership
    assert layout_of(["scheme_id", "title", "topics"]).__name__ == "Scheme"  # type: ignore[union-attr]
    assert layout_of(["call_id", "scheme_id", "title"]) is Call
