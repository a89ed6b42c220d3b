"""The records of each input layout as pydantic models: what a valid row is.

A row's text values are validated into a typed, frozen record; every error becomes a
:class:`~loaders.base.Problem` naming the column and the place of its value. Empty values count as
absent; list columns are split on ``;``.

>>> from loaders.tabular import Cell, Row
>>> row = Row("calls.csv", 7, {
...     "call_id": Cell("eic-1", 7, 1), "title": Cell("Green tech", 7, 2),
...     "programme": Cell("ERDF", 7, 3), "region": Cell("itc4", 7, 4),
...     "opening_date": Cell("2025-03-01", 7, 5), "closing_date": Cell("01/02/2025", 7, 6),
...     "budget_eur": Cell("-5", 7, 7), "sdgs": Cell("7; 9", 7, 8)})
>>> problems: list[Problem] = []
>>> validate_row(Call, row, problems.append) is None
True
>>> for p in problems: print(p)  # doctest: +NORMALIZE_WHITESPACE
calls.csv:7:6: closing_date: '01/02/2025' is not an ISO date;
  write dates as YYYY-MM-DD (2025-02-01 if it means 1 February 2025)
calls.csv:7:7: budget_eur: must be 0 or more, got '-5'
>>> row.cells["closing_date"] = Cell("2025-06-30", 7, 6)
>>> row.cells["budget_eur"] = Cell("1e6", 7, 7)
>>> call = validate_row(Call, row, problems.append)
>>> call.region, call.sdgs, call.budget_eur
('ITC4', [7, 9], Decimal('1E+6'))
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pyoxigraph import NamedNode

from loaders.base import Problem
from loaders.tabular import Row

_ID = re.compile(r"[A-Za-z0-9._~-]+")
_NUTS = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")


def split_list(value: object) -> object:
    """Split a ``;``-separated value into its non-empty, trimmed items.

    >>> split_list(" C28; C29.1;;")
    ['C28', 'C29.1']
    """
    if isinstance(value, str):
        return [item.strip() for item in value.split(";") if item.strip()]
    return value


def _id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid id: use only letters, digits, '.', '_', '~' and '-'"
        )
    return value


def _nuts(value: str) -> str:
    code = value.strip().upper()
    if not _NUTS.fullmatch(code):
        raise ValueError(f"{value!r} is not a NUTS code (two letters and up to three more, ITC4)")
    return code


def _iso_date(value: object) -> object:
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date of the calendar") from None
    hint = ""
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        try:
            meant = dt.date(year, month, day)
            hint = f" ({meant.isoformat()} if it means {day} {meant:%B} {year})"
        except ValueError:
            hint = ""
    raise ValueError(f"{text!r} is not an ISO date; write dates as YYYY-MM-DD{hint}")


def _url(value: str) -> str:
    text = value.strip()
    if not text.startswith(("http://", "https://")):
        raise ValueError(f"{text!r} is not an http(s) URL")
    try:
        NamedNode(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a valid URL (spaces and quotes must be encoded)"
        ) from None
    return text


def _amount(value: object) -> object:
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if "," in text:
            raise ValueError(
                f"{value!r} is not a plain number; write amounts without thousands separators "
                "and with '.' for decimals (1250000.50)"
            )
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if number < 0:
        raise ValueError(f"must be 0 or more, got {value!r}")
    return number


def _count(value: object) -> object:
    text = str(value).strip()
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"{value!r} is not a whole number")
    number = int(text)
    if number < 0:
        raise ValueError(f"must be 0 or more, got {value!r}")
    return number


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _year(value: str) -> str:
    if not re.fullmatch(r"\d{4}", value.strip()):
        raise ValueError(f"{value!r} is not a year (four digits, 2012)")
    return value.strip()


def _sdg(value: object) -> object:
    text = str(value).strip().lower().removeprefix("sdg").strip(" :-")
    if not text.isdigit() or not 1 <= int(text) <= 17:
        raise ValueError(f"{value!r} is not an SDG number (1 to 17)")
    return int(text)


def _milestone(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.strip()
    date, _, title = text.partition(" ")
    if not _ISO_DATE.fullmatch(date) or not title.strip():
        raise ValueError(f"{text!r} is not a milestone: write 'YYYY-MM-DD title'")
    return Milestone(due=_iso_date(date), title=title.strip())  # type: ignore[arg-type]


Id = Annotated[str, AfterValidator(_id)]
Nuts = Annotated[str, AfterValidator(_nuts)]
Date = Annotated[dt.date, BeforeValidator(_iso_date)]
Url = Annotated[str, AfterValidator(_url)]
Amount = Annotated[Decimal, BeforeValidator(_amount)]
Count = Annotated[int, BeforeValidator(_count)]
Year = Annotated[str, AfterValidator(_year)]
Sdg = Annotated[int, BeforeValidator(_sdg)]
Text = Annotated[str, Field(min_length=1)]
SizeClass = Annotated[Literal["micro", "small", "medium"], BeforeValidator(_lower)]
Period = Literal["2014-2020", "2021-2027"]
ClusterLabel = Annotated[Literal["bronze", "silver", "gold"], BeforeValidator(_lower)]
Status = Annotated[Literal["planned", "ongoing", "completed"], BeforeValidator(_lower)]


def _items(kind: Any) -> Any:
    return Annotated[list[kind], BeforeValidator(split_list)]


def _some(kind: Any) -> Any:
    return Annotated[list[kind], BeforeValidator(split_list), Field(min_length=1)]


class Milestone(BaseModel):
    """A dated step of an action."""

    model_config = ConfigDict(frozen=True)

    due: dt.date
    title: str


def _not_before(start: str) -> Callable[[Any, ValidationInfo], Any]:
    """A validator refusing a date earlier than the value of field ``start``."""

    def check(value: Any, info: ValidationInfo) -> Any:
        begin = info.data.get(start)
        if value is not None and begin is not None and value < begin:
            raise ValueError(f"{value.isoformat()} is before {start} {begin.isoformat()}")
        return value

    return check


class Record(BaseModel):
    """What every record has: where it comes from and a note."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    #: The layout's name, as in ``docs/data-formats.md``.
    layout: ClassVar[str]
    #: The column holding the record's unique id.
    id_column: ClassVar[str]

    source: _items(Url) = []  # type: ignore[valid-type]
    note: str | None = None

    def inconsistencies(self) -> list[tuple[str, str]]:
        """``(column, reason)`` for rules that involve several columns (none by default)."""
        return []

    @property
    def key(self) -> str:
        """The record's id (unique within a file)."""
        return str(getattr(self, self.id_column))

    @classmethod
    def columns(cls) -> list[str]:
        """All column names of the layout (``source`` and ``note`` last)."""
        common = ["source", "note"]
        return [name for name in cls.model_fields if name not in common] + common

    @classmethod
    def required(cls) -> list[str]:
        """The columns that must be present."""
        return [name for name, info in cls.model_fields.items() if info.is_required()]


class Priority(Record):
    """A priority of a region's S3 strategy (``priorities``)."""

    layout: ClassVar[str] = "priorities"
    id_column: ClassVar[str] = "priority_id"

    region: Nuts
    period: Period
    strategy_title: str | None = None
    strategy_source: Url | None = None
    priority_id: Id
    title: Text
    description: str | None = None
    nace: _items(str) = []  # type: ignore[valid-type]
    scientific_domains: _items(str) = []  # type: ignore[valid-type]
    policy_objectives: _items(str) = []  # type: ignore[valid-type]
    sdgs: _items(Sdg) = []  # type: ignore[valid-type]
    kets: _items(str) = []  # type: ignore[valid-type]
    coding_note: str | None = None


class Cluster(Record):
    """A cluster organisation (``clusters``)."""

    layout: ClassVar[str] = "clusters"
    id_column: ClassVar[str] = "cluster_id"

    cluster_id: Id
    name: Text
    acronym: str | None = None
    region: Nuts
    city: str | None = None
    website: Url | None = None
    sectors: _items(str) = []  # type: ignore[valid-type]
    sme_members: Count | None = None
    large_company_members: Count | None = None
    research_members: Count | None = None
    public_members: Count | None = None
    other_members: Count | None = None
    label: ClusterLabel | None = None
    founding_year: Year | None = None
    description: str | None = None


class Sme(Record):
    """A small or medium-sized enterprise (``smes``)."""

    layout: ClassVar[str] = "smes"
    id_column: ClassVar[str] = "sme_id"

    sme_id: Id
    name: Text
    identifier: str | None = None
    region: Nuts
    nace: _some(str)  # type: ignore[valid-type]
    size_class: SizeClass
    illustrative: bool | None = None


class Membership(Record):
    """An organisation's membership of a cluster (``memberships``, read by kind ``smes``)."""

    layout: ClassVar[str] = "memberships"
    id_column: ClassVar[str] = "member_id"

    cluster_id: Id
    member_id: Id
    role: str | None = None
    start_date: Date | None = None
    end_date: Date | None = None

    _end = field_validator("end_date")(_not_before("start_date"))

    @property
    def key(self) -> str:
        return f"{self.cluster_id}--{self.member_id}"


class Service(Record):
    """A service a cluster offers, and its pilot validation (``services``)."""

    layout: ClassVar[str] = "services"
    id_column: ClassVar[str] = "service_id"

    service_id: Id
    cluster_id: Id
    title: Text
    description: str | None = None
    target_group: _items(str) = []  # type: ignore[valid-type]
    priorities: _items(Id) = []  # type: ignore[valid-type]
    validated_by: Id | None = None
    validation_result: str | None = None
    validation_date: Date | None = None

    @field_validator("validation_result")
    @classmethod
    def _result_needs_validator(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and not info.data.get("validated_by"):
            raise ValueError("a validation result needs validated_by (the pilot cluster's id)")
        return value

    def inconsistencies(self) -> list[tuple[str, str]]:
        if self.validated_by and not self.validation_result:
            return [("validation_result", "required when validated_by is given")]
        return []

    @field_validator("validation_date")
    @classmethod
    def _date_needs_validator(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value and not info.data.get("validated_by"):
            raise ValueError("a validation date needs validated_by (the pilot cluster's id)")
        return value


class Call(Record):
    """A funding call (``calls``)."""

    layout: ClassVar[str] = "calls"
    id_column: ClassVar[str] = "call_id"

    call_id: Id
    title: Text
    programme: Text
    region: Nuts
    authority: str | None = None
    opening_date: Date
    closing_date: Date
    budget_eur: Amount | None = None
    nace: _items(str) = []  # type: ignore[valid-type]
    sdgs: _items(Sdg) = []  # type: ignore[valid-type]
    kets: _items(str) = []  # type: ignore[valid-type]
    priorities: _items(Id) = []  # type: ignore[valid-type]
    eligible_regions: _items(Nuts) = []  # type: ignore[valid-type]
    eligible_size_classes: _items(SizeClass) = []  # type: ignore[valid-type]
    eligible_nace: _items(str) = []  # type: ignore[valid-type]
    scheme_id: Id | None = None
    website: Url | None = None

    _closing = field_validator("closing_date")(_not_before("opening_date"))


class Scheme(Record):
    """A synchronised call scheme (``schemes``, read by kind ``calls``)."""

    layout: ClassVar[str] = "schemes"
    id_column: ClassVar[str] = "scheme_id"

    scheme_id: Id
    title: Text
    description: str | None = None
    topics: _some(str)  # type: ignore[valid-type]
    opening_date: Date | None = None
    closing_date: Date | None = None

    _closing = field_validator("closing_date")(_not_before("opening_date"))


class Activity(Record):
    """A transformative activity (``activities``)."""

    layout: ClassVar[str] = "activities"
    id_column: ClassVar[str] = "activity_id"

    activity_id: Id
    title: Text
    description: str | None = None
    regions: _some(Nuts)  # type: ignore[valid-type]
    priorities: _items(Id) = []  # type: ignore[valid-type]
    clusters: _items(Id) = []  # type: ignore[valid-type]
    capacities: _items(str) = []  # type: ignore[valid-type]
    opportunities: _items(str) = []  # type: ignore[valid-type]
    actors: _items(str) = []  # type: ignore[valid-type]


class Action(Record):
    """An action of a joint action plan, with the plan's columns repeated (``actions``)."""

    layout: ClassVar[str] = "actions"
    id_column: ClassVar[str] = "action_id"

    plan_id: Id
    plan_title: Text
    plan_description: str | None = None
    action_id: Id
    title: Text
    description: str | None = None
    lead: Id
    partners: _items(Id) = []  # type: ignore[valid-type]
    status: Status
    priorities: _items(Id) = []  # type: ignore[valid-type]
    milestones: Annotated[
        list[Annotated[Milestone, BeforeValidator(_milestone)]], BeforeValidator(split_list)
    ] = []
    start_date: Date | None = None
    end_date: Date | None = None

    _end = field_validator("end_date")(_not_before("start_date"))


LAYOUTS: tuple[type[Record], ...] = (
    Priority,
    Cluster,
    Sme,
    Membership,
    Service,
    Call,
    Scheme,
    Activity,
    Action,
)

R = TypeVar("R", bound=Record)


def layout_of(
    columns: Collection[str], among: Collection[type[Record]] = LAYOUTS
) -> type[Record] | None:
    """The layout a set of column names is most likely meant for, or None.

    A layout whose id column is present wins; among those, the one sharing most columns. When no
    id column is there (it may be misspelt), the layout sharing most columns, if at least two.

    >>> layout_of(["cluster_id", "member_id", "role"]).__name__
    'Membership'
    >>> layout_of(["cluster_id", "name", "region"]).__name__
    'Cluster'
    >>> layout_of(["clusterid", "name", "region", "city"]).__name__
    'Cluster'
    >>> layout_of(["foo", "bar"]) is None
    True
    """
    names = set(columns)

    def score(layout: type[Record]) -> tuple[int, int]:
        known = set(layout.model_fields)
        return len(names & known), -len(names - known)

    with_id = [layout for layout in among if layout.id_column in names]
    if with_id:
        return max(with_id, key=score)
    best = max(among, key=score, default=None)
    if best is None or score(best)[0] < 2:
        return None
    return best


def _message(error: Any) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return "a value is required"
    if kind == "extra_forbidden":
        return "unknown column"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{given!r} is not one of {expected}"
    if kind in {"int_parsing", "int_from_float"}:
        return f"{given!r} is not a whole number"
    if kind == "bool_parsing":
        return f"{given!r} is not true or false"
    if kind == "too_short":
        return "at least one value is required"
    if kind == "string_too_short":
        return "a value is required"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def validate_row(model: type[R], row: Row, report: Callable[[Problem], None]) -> R | None:
    """The record of ``row``, or None after reporting why it is not valid."""
    values = {name: cell.value for name, cell in row.cells.items() if cell.value.strip()}
    try:
        record = model.model_validate(values)
    except ValidationError as invalid:
        for error in invalid.errors(include_url=False):
            location = error["loc"]
            name = str(location[0]) if location else None
            line, column = row.place(name)
            message = _message(error)
            if len(location) > 1 and isinstance(location[1], int):
                message = f"item {location[1] + 1}: {message}"
            report(Problem(row.file, line, column, name, message))
        return None
    wrong = record.inconsistencies()
    for name, message in wrong:
        line, column = row.place(name)
        report(Problem(row.file, line, column, name, message))
    return None if wrong else record
