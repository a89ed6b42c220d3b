"""HTTP content negotiation: pick the best offered media type for an ``Accept`` header.

Follows RFC 9110 §12.5.1: q-values, ``type/*`` and ``*/*`` wildcards, more specific ranges win,
``q=0`` excludes.

>>> best("text/csv;q=0.5, application/json", ["text/csv", "application/json"])
'application/json'
>>> best("text/*", ["application/sparql-results+json", "text/csv"])
'text/csv'
>>> best("*/*;q=0.1, text/csv;q=0", ["text/csv", "text/tab-separated-values"])
'text/tab-separated-values'
>>> best("image/png", ["text/csv"]) is None
True
>>> best("", ["text/turtle", "application/n-triples"])
'text/turtle'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """-1 if it does not match, else its specificity (0 ``*/*``, 1 ``type/*``, 2 exact)."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped.

    >>> parse_accept("text/html;level=1;q=0.7, */*")
    [MediaRange(type='text', subtype='html', q=0.7), MediaRange(type='*', subtype='*', q=1.0)]
    """
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        main, _, sub = pieces[0].lower().partition("/")
        if not main or not sub:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def best(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, the first offered when there is no header."""
    if not header or not header.strip():
        return offered[0] if offered else None
    ranges = parse_accept(header)
    if not ranges:
        return offered[0] if offered else None
    scored = []
    for position, media_type in enumerate(offered):
        matching = [(r.matches(media_type), r.q) for r in ranges if r.matches(media_type) >= 0]
        if not matching:
            continue
        _specificity, q = max(matching)
        if q > 0:
            scored.append((q, -position, media_type))
    return max(scored)[2] if scored else None
