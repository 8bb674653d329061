"""Text as people type it into a number or month box, made plain before it is parsed.

Copy-paste and the Chinese input method bring characters that look like what was meant but are
not: full-width digits and signs (２９．７４, －), a minus sign (U+2212) or a dash (– —) for
minus, a zero-width space (U+200B) or a byte-order mark (U+FEFF) from a web page, a no-break
space (U+00A0) or the ideographic space (U+3000). `plain` reads them as meant; `visible` shows
text as typed with what cannot be seen named ([U+200B]), for a refusal to quote.
"""

from __future__ import annotations

import unicodedata

# Full-width forms (U+FF01-U+FF5E: ０-９, ．, ，, ％, ／, －, Ｆ …) as their ASCII selves. Only
# these: NFKC would also read superscripts and circled digits (², ①) as digits.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Characters read as a minus (hyphen-minus itself aside).
MINUS_LIKE = (
    "\u2010"  # hyphen
    "\u2011"  # non-breaking hyphen
    "\u2012"  # figure dash
    "\u2013"  # en dash
    "\u2014"  # em dash
    "\u2015"  # horizontal bar
    "\u2212"  # minus sign
    "\u2796"  # heavy minus sign
    "\u02d7"  # modifier letter minus sign
    "\u2e3a"  # two-em dash
    "\u2e3b"  # three-em dash
    "\ufe58"  # small em dash
    "\ufe63"  # small hyphen-minus
)
_PLAIN = {**_FULL_WIDTH, **dict.fromkeys(map(ord, MINUS_LIKE), ord("-"))}

# Categories nobody sees: format characters (zero-width spaces and joiners, U+2060, U+FEFF,
# direction marks, the soft hyphen), controls, separators other than the plain space, and
# unassigned or private-use code points.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp", "Co", "Cn", "Cs"})


def _dropped(char: str) -> bool:
    """Removed before parsing: whitespace of any kind and format characters."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def plain(text: str | None) -> str:
    """`text` as meant: full-width digits, signs, point and comma as ASCII, every look-alike
    of minus as "-", and all whitespace and zero-width characters removed.

    '－１，２３４．５' → '-1,234.5'; '−3.2' → '-3.2'; '12', U+200B, '3' → '123'; ' 2026 - 10 ' →
    '2026-10'. Any other character is kept, for the parser to refuse."""
    normal = (text or "").translate(_PLAIN)
    return "".join(char for char in normal if not _dropped(char))


def visible(text: str | None, limit: int = 40) -> str:
    """`text` stripped at both ends, with each character nobody sees written as [U+XXXX]
    ('12', U+200B, '3' → '12[U+200B]3'); a plain space stays a space. Cut to `limit`
    characters (and …), so a refusal quoting a pasted page stays readable."""
    stripped = (text or "").strip()
    shown = "".join(
        f"[U+{ord(char):04X}]"
        if char != " " and unicodedata.category(char) in _INVISIBLE_CATEGORIES
        else char
        for char in stripped[:limit]
    )
    return shown + "…" if len(stripped) > limit else shown
