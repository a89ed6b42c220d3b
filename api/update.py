"""The protocol dataset of a SPARQL update (``using-graph-uri``, ``using-named-graph-uri``).

SPARQL 1.1 Protocol §2.2.3: these parameters act as ``USING`` and ``USING NAMED`` clauses of every
``DELETE``/``INSERT ... WHERE`` operation of the request, and a request that gives them while an
operation has its own ``USING``, ``USING NAMED`` or ``WITH`` is an error. The store takes no
dataset for updates, so the clauses are written into the update text, just before each such
operation's ``WHERE``. The text is scanned for braces, strings, IRIs and comments only, enough to
find the operations' keywords at the top level.

>>> print(with_using("INSERT { ?s a ?c } WHERE { ?s ?p ?c }", ["http://ex.org/g"], []))
INSERT { ?s a ?c } USING <http://ex.org/g> WHERE { ?s ?p ?c }
>>> with_using("WITH <http://ex.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", [], ["http://x.org/"])
Traceback (most recent call last):
...
graph.errors.ParameterError: using-named-graph-uri: the update has its own USING or WITH clause; ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from graph.errors import ParameterError

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING_QUOTES = ('"""', "'''", '"', "'")


@dataclass
class _Op:
    """What the scanner saw at the top level of one operation."""

    own_dataset: bool = False
    modify: bool = False
    where_at: list[int] = field(default_factory=list)


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """Top-level words, ``{`` (entering a group) and ``;`` (between operations), with offsets."""
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            quote = next(q for q in _STRING_QUOTES if text.startswith(q, i))
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if c == "<":
            match = _IRI.match(text, i)
            i = match.end() if match else i + 1
            continue
        if c == "{":
            if depth == 0:
                yield "{", i
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and c == ";":
            yield ";", i
        elif depth == 0 and (c.isalpha() or c == "_"):
            match = _WORD.match(text, i)
            assert match is not None
            if i == 0 or text[i - 1] not in ":?$@":
                yield match[0].upper(), i
            i = match.end()
            continue
        i += 1


def _operations(text: str) -> list[_Op]:
    ops = [_Op()]
    previous = ""
    for word, offset in _tokens(text):
        op = ops[-1]
        if word == ";":
            ops.append(_Op())
        elif word in ("WITH", "USING"):
            op.own_dataset = True
        elif word == "{" and previous in ("DELETE", "INSERT"):
            op.modify = True
        elif word == "WHERE" and op.modify and previous != "DELETE":
            op.where_at.append(offset)
        previous = word
    return ops


def with_using(text: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """The update with the protocol's dataset written into each DELETE/INSERT ... WHERE."""
    if not using and not using_named:
        return text
    clauses = "".join(f"USING {NamedNode(g)} " for g in using)
    clauses += "".join(f"USING NAMED {NamedNode(g)} " for g in using_named)
    ops = _operations(text)
    if any(op.own_dataset for op in ops):
        name = "using-graph-uri" if using else "using-named-graph-uri"
        raise ParameterError(
            name, "the update has its own USING or WITH clause; give its dataset one way only"
        )
    out = text
    for offset in sorted((o for op in ops for o in op.where_at), reverse=True):
        out = out[:offset] + clauses + out[offset:]
    return out
