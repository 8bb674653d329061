"""Paging parameters from the query string, clamped: a page number or size that is negative,
zero, huge or not a number gives a sensible page instead of an error."""

from __future__ import annotations

import re

# More than this many rows a page would make one request slow; nobody reads that many.
MAX_PER_PAGE = 200
_INTEGER = re.compile(r"[+-]?[0-9]+")


def bounded_int(raw: str | None, *, default: int, lowest: int, highest: int) -> int:
    """`raw` (ASCII digits, optionally signed) as an integer within [lowest, highest];
    `default` for anything else, empty included."""
    text = (raw or "").strip()
    if not _INTEGER.fullmatch(text):
        return default
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 18:  # beyond any page: no need to build a huge int
        return lowest if text.startswith("-") else highest
    return min(max(int(text), lowest), highest)
