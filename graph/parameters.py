"""Typed parameters of named queries: how they are declared, validated and turned into RDF terms.

A parameter is declared in a query file's header (``docs/queries.md``)::

    #+ param region: nuts; required; example=ITC4; The region whose strategy is compared

and its value, as a user types it, becomes an RDF term that is bound into the query, never
spliced into its text:

>>> p = Parameter.parse("region: nuts; required; example=ITC4; The region")
>>> p.type, p.required, p.example, p.description
('nuts', True, 'ITC4', 'The region')
>>> p.convert("itc4")
<NamedNode value=http://data.europa.eu/nuts/code/ITC4>
>>> Parameter.parse("k: integer(1..50); default=10; How many").convert("99")
Traceback (most recent call last):
...
graph.errors.ParameterError: k: must be at most 50
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, TypeAdapter, ValidationError
from pyoxigraph import Literal, NamedNode

from graph.errors import ParameterError
from graph.namespaces import NACE2, NUTS, PREFIXES, nace_iri
from graph.results import Term
from graph.settings import DEFAULT_BASE_IRI

TYPES = (
    "string",
    "integer",
    "float",
    "date",
    "boolean",
    "enum",
    "nuts",
    "nace",
    "country",
    "iri",
    "id",
)
"""The parameter types; each may be suffixed ``[]`` for a list of values."""

XSD_DATE = NamedNode(PREFIXES["xsd"] + "date")
MAX_ITEMS = 100
"""The most values a list parameter accepts."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPEC = re.compile(r"(?P<base>[a-z]+)(?:\((?P<args>[^()]*)\))?(?P<many>\[\])?")
_NUTS = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SLUG = re.compile(r"[a-z0-9._~-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PREFIXED = re.compile(r"(?P<prefix>[A-Za-z][A-Za-z0-9_-]*):(?P<local>[^\s/][^\s]*)?")
_LIST_SEPARATORS = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query.

    ``type`` is one of :data:`TYPES`; ``values`` lists the allowed values of an ``enum``;
    ``many`` marks a list parameter; ``minimum``/``maximum`` bound numbers; ``entity`` is the
    kind of an ``id`` (``cluster``, ``sme``, ...); ``exists`` asks the catalogue to check, before
    running the query, that the region or entity is in the store.
    """

    name: str
    type: str
    description: str
    required: bool = False
    default: str | None = None
    example: str | None = None
    values: tuple[str, ...] = ()
    many: bool = False
    minimum: float | None = None
    maximum: float | None = None
    entity: str | None = None
    exists: bool = False

    @classmethod
    def parse(cls, text: str) -> Parameter:
        """A parameter from the text after ``#+ param`` (raises ValueError saying what is wrong).

        >>> Parameter.parse("period: enum(2014-2020|2021-2027); default=2021-2027; Period").values
        ('2014-2020', '2021-2027')
        >>> Parameter.parse("regions: nuts[]; default=ITC4,AT31; Regions").many
        True
        """
        name, colon, rest = text.partition(":")
        name = name.strip()
        if not colon or not _NAME.fullmatch(name):
            raise ValueError(f"expected 'param NAME: TYPE; options; description', got {text!r}")
        parts = [part.strip() for part in rest.split(";")]
        spec = _SPEC.fullmatch(parts[0])
        if spec is None or spec["base"] not in TYPES:
            raise ValueError(f"{name}: unknown type {parts[0]!r}; use one of {', '.join(TYPES)}")
        options: dict[str, Any] = {"many": bool(spec["many"])}
        options.update(_type_arguments(name, spec["base"], spec["args"]))
        index = 1
        while index < len(parts):
            key, equals, value = parts[index].partition("=")
            key = key.strip()
            if not equals and key in ("required", "exists"):
                options[key] = True
            elif equals and key in ("default", "example"):
                options[key] = value.strip()
            else:
                break
            index += 1
        description = "; ".join(parts[index:]).strip()
        if not description:
            raise ValueError(f"{name}: the parameter has no description")
        parameter = cls(name=name, type=spec["base"], description=description, **options)
        parameter._check_declaration()
        return parameter

    @property
    def spec(self) -> str:
        """The type as written in the header, e.g. ``integer(1..50)`` or ``nuts[]``.

        >>> Parameter.parse("k: integer(1..); default=3; How many").spec
        'integer(1..)'
        """
        args = ""
        if self.type == "enum":
            args = "(" + "|".join(self.values) + ")"
        elif self.type == "id":
            args = f"({self.entity})"
        elif self.minimum is not None or self.maximum is not None:
            args = f"({_number(self.minimum)}..{_number(self.maximum)})"
        return self.type + args + ("[]" if self.many else "")

    def convert(self, raw: str | None, base_iri: str = DEFAULT_BASE_IRI) -> Term | None:
        """The RDF term for one value, None when none is given and there is no default.

        ``base_iri`` is the base of s3kg's own IRIs, used to turn an ``id`` into an IRI.
        List parameters use :meth:`convert_many`.

        >>> Parameter.parse("d: date; default=2025-03-01; Day").convert(None)
        <Literal value=2025-03-01 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>
        """
        text = self._raw_or_default(raw)
        return None if text is None else self._term(text, base_iri)

    def convert_many(self, raw: str | None, base_iri: str = DEFAULT_BASE_IRI) -> list[Term]:
        """The RDF terms of a list value (items separated by commas, semicolons or spaces).

        >>> [t.value for t in Parameter.parse("r: nuts[]; default=ITC4,AT31; R").convert_many("")]
        ['http://data.europa.eu/nuts/code/ITC4', 'http://data.europa.eu/nuts/code/AT31']
        """
        text = self._raw_or_default(raw)
        if text is None:
            return []
        items = list(dict.fromkeys(item for item in _LIST_SEPARATORS.split(text) if item))
        if len(items) > MAX_ITEMS:
            raise ParameterError(self.name, f"at most {MAX_ITEMS} values, got {len(items)}")
        return [self._term(item, base_iri) for item in items]

    def describe(self) -> dict[str, object]:
        """The parameter as JSON-ready values (for listings and API documentation)."""
        return {
            "name": self.name,
            "type": self.spec,
            "description": self.description,
            "required": self.required,
            "default": self.default,
            "example": self.example,
            "values": list(self.values),
        }

    # -- internals -----------------------------------------------------------------------------

    def _raw_or_default(self, raw: str | None) -> str | None:
        text = raw.strip() if raw is not None else ""
        if text:
            return text
        if self.required:
            hint = f" (for example {self.example})" if self.example else ""
            raise ParameterError(self.name, f"a value is required{hint}")
        return self.default

    def _term(self, text: str, base_iri: str) -> Term:
        adapter = _adapter(self.type, self.minimum, self.maximum, self.values, self.entity)
        try:
            value = adapter.validate_python(text)
        except ValidationError as error:
            raise ParameterError(self.name, _message(error)) from None
        return _to_term(self.type, value, self.entity, base_iri)

    def _check_declaration(self) -> None:
        if self.required and self.default is not None:
            raise ValueError(f"{self.name}: a required parameter cannot have a default")
        for what, value in (("default", self.default), ("example", self.example)):
            if value is None or (what == "default" and self.type == "date" and value == "today"):
                continue
            try:
                if self.many:
                    self.convert_many(value)
                else:
                    self.convert(value)
            except ParameterError as error:
                raise ValueError(f"{self.name}: the {what} {value!r} is invalid: {error}") from None


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _type_arguments(name: str, base: str, args: str | None) -> dict[str, Any]:
    if base == "enum":
        values = tuple(v.strip() for v in (args or "").split("|") if v.strip())
        if not values:
            raise ValueError(f"{name}: an enum lists its values, e.g. enum(a|b)")
        return {"values": values}
    if base == "id":
        if not args or not _SLUG.fullmatch(args.strip()):
            raise ValueError(f"{name}: an id names its kind, e.g. id(cluster)")
        return {"entity": args.strip()}
    if base in ("integer", "float") and args:
        low, dots, high = args.partition("..")
        if not dots:
            raise ValueError(f"{name}: a range is written MIN..MAX, e.g. {base}(1..100)")
        try:
            return {
                "minimum": float(low) if low.strip() else None,
                "maximum": float(high) if high.strip() else None,
            }
        except ValueError:
            raise ValueError(f"{name}: the range {args!r} is not numeric") from None
    if args:
        raise ValueError(f"{name}: the type {base} takes no arguments")
    return {}


def _message(error: ValidationError) -> str:
    first = error.errors()[0]
    message = str(first.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    replacements = {
        "Input should be greater than or equal to": "must be at least",
        "Input should be less than or equal to": "must be at most",
        "Input should be a valid integer, unable to parse string as an integer": (
            "must be a whole number"
        ),
        "Input should be a valid number, unable to parse string as a number": "must be a number",
        "Input should be a valid boolean, unable to interpret input": "must be true or false",
        "Input should be a finite number": "must be a finite number",
    }
    for old, new in replacements.items():
        message = message.replace(old, new)
    return message


# -- validators of the s3kg types -------------------------------------------------------------


def _nuts(text: str) -> str:
    code = text.removeprefix(NUTS).strip().upper()
    if not _NUTS.fullmatch(code):
        raise ValueError(
            f"{text!r} is not a NUTS code: two letters then up to three letters or digits, "
            "e.g. SI0, ITC4, CH022"
        )
    return code


def _nace(text: str) -> str:
    from loaders.nace import normalise_nace

    if text.startswith(NACE2):
        text = text.removeprefix(NACE2)
        if text.isdigit() and len(text) > 2:
            text = text[:2] + "." + text[2:]
    notation = normalise_nace(text)
    if notation is None:
        raise ValueError(
            f"{text!r} is not a NACE Rev. 2 code; write a section letter (C), a division (C28), "
            "a group (28.3) or a class (28.30)"
        )
    return notation


def _country(text: str) -> str:
    code = text.strip().upper()
    if not _COUNTRY.fullmatch(code):
        raise ValueError(f"{text!r} is not a country code: two letters, e.g. IT, AT, SI, CH")
    return code


def _iri(text: str) -> str:
    match = _PREFIXED.fullmatch(text)
    if match and match["prefix"] in PREFIXES and "://" not in text:
        text = PREFIXES[match["prefix"]] + (match["local"] or "")
    elif "://" not in text and not text.startswith("urn:"):
        known = ", ".join(sorted(PREFIXES))
        raise ValueError(f"{text!r} is not an IRI: give a full IRI or use a prefix ({known})")
    try:
        NamedNode(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a valid IRI: {error}") from None
    return text


def _slug_or_iri(text: str) -> str:
    if "://" in text:
        return _iri(text)
    if not _SLUG.fullmatch(text):
        raise ValueError(
            f"{text!r} is not an id: ids are lower-case letters, digits, '.', '_', '~' and '-'"
        )
    return text


def _day(text: str) -> str:
    if text.lower() == "today":
        return date.today().isoformat()
    if not _DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date: write it as YYYY-MM-DD, or 'today'")
    return text


def _calendar_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a date: {error}") from None


def _enum_checker(values: tuple[str, ...]) -> AfterValidator:
    def check(text: str) -> str:
        for value in values:
            if value.lower() == text.lower():
                return value
        raise ValueError(f"{text!r} is not one of {', '.join(values)}")

    return AfterValidator(check)


_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


@lru_cache(maxsize=256)
def _adapter(
    type_: str,
    minimum: float | None,
    maximum: float | None,
    values: tuple[str, ...],
    entity: str | None,
) -> TypeAdapter[Any]:
    """The pydantic validator of one parameter type (cached: building one takes a while)."""
    if type_ == "integer":
        return TypeAdapter(Annotated[int, Field(ge=minimum, le=maximum)])
    if type_ == "float":
        return TypeAdapter(Annotated[float, Field(ge=minimum, le=maximum, allow_inf_nan=False)])
    if type_ == "boolean":
        return TypeAdapter(bool)
    if type_ == "date":
        return TypeAdapter(Annotated[str, AfterValidator(_day), AfterValidator(_calendar_day)])
    if type_ == "string":
        return TypeAdapter(_Text)
    check = {
        "enum": _enum_checker(values),
        "nuts": AfterValidator(_nuts),
        "nace": AfterValidator(_nace),
        "country": AfterValidator(_country),
        "iri": AfterValidator(_iri),
        "id": AfterValidator(_slug_or_iri),
    }[type_]
    return TypeAdapter(Annotated[_Text, check])


def _to_term(type_: str, value: Any, entity: str | None, base_iri: str) -> Term:
    if type_ == "nuts":
        return NamedNode(NUTS + str(value))
    if type_ == "nace":
        return NamedNode(nace_iri(str(value)))
    if type_ == "iri":
        return NamedNode(str(value))
    if type_ == "id":
        text = str(value)
        return NamedNode(text if "://" in text else f"{base_iri}id/{entity}/{text}")
    if type_ == "date":
        return Literal(value.isoformat(), datatype=XSD_DATE)
    if isinstance(value, bool | int | float):
        return Literal(value)
    return Literal(str(value))


# -- what computed queries receive -------------------------------------------------------------


@dataclass(frozen=True)
class Arguments:
    """The validated parameters handed to a computed named query.

    >>> a = Arguments({"region": NamedNode(NUTS + "ITC4"), "k": Literal(5)})
    >>> a.iri("region"), a.integer("k"), a.text("missing")
    ('http://data.europa.eu/nuts/code/ITC4', 5, None)
    """

    terms: Mapping[str, Term]
    lists: Mapping[str, Sequence[Term]] = field(default_factory=dict)

    def iri(self, name: str) -> str | None:
        """The IRI given for ``name``, or None."""
        term = self.terms.get(name)
        return term.value if isinstance(term, NamedNode) else None

    def text(self, name: str) -> str | None:
        """The lexical value given for ``name``, or None."""
        term = self.terms.get(name)
        return term.value if isinstance(term, NamedNode | Literal) else None

    def integer(self, name: str) -> int | None:
        """The whole number given for ``name``, or None."""
        text = self.text(name)
        return None if text is None else int(text)

    def number(self, name: str) -> float | None:
        """The number given for ``name``, or None."""
        text = self.text(name)
        return None if text is None else float(text)

    def day(self, name: str) -> date | None:
        """The date given for ``name``, or None."""
        text = self.text(name)
        return None if text is None else date.fromisoformat(text)

    def flag(self, name: str) -> bool | None:
        """The boolean given for ``name``, or None."""
        text = self.text(name)
        return None if text is None else text == "true"

    def iris(self, name: str) -> list[str]:
        """The IRIs given for the list parameter ``name``."""
        return [t.value for t in self.lists.get(name, ()) if isinstance(t, NamedNode)]
