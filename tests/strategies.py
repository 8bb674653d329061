"""Hypothesis strategies for hostile and random input, as people (and attackers) type it.

Used by tests/test_hostile_input.py. Every strategy yields `str`: what a browser can post.
"""

from __future__ import annotations

import operator
from datetime import date

from hypothesis import strategies as st

# Input that has broken or could break number parsing, HTML, SQL, CSV or the database.
HOSTILE = [
    "",
    " ",
    "\u3000",
    "\t\n",
    "<script>alert(1)</script>",
    "<script>alert('x')</script>\"'",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    "'; DROP TABLE indicators_figure; --",
    "{{ 7*7 }}",
    "{% debug %}",
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\x00",
    "1\x00",
    "\x001",
    "12\x003",
    "\x01\x02\x0b\x1f\x7f",
    "１，２３４",
    "１２３４．５",
    "１２３４．５６％",
    "－５",
    "＋５",
    "\u22125",  # minus sign
    "\ufe635",  # small hyphen-minus
    "1e999",
    "1E5",
    "1e-5",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "-0",
    "+0",
    "-0.00",
    "0",
    "00000000000000000000001",
    "0.0001",
    "0.00001",
    "1.23456",
    "9999999999999999",
    "9999999999999999.9999",
    "99999999999999999",
    "-9999999999999999",
    "1" + "0" * 30,
    "9" * 40,
    "9" * 41,
    "1,234",
    "1,234.5",
    "1,23",
    "1,,234",
    ",123",
    "1.",
    ".5",
    "1..2",
    "1 234",
    "1\u00a0234",
    "0x10",
    "1_000",
    "½",
    "²",
    "Ⅻ",
    "٣٤٥",  # Arabic-Indic digits
    "𝟏𝟐𝟑",  # mathematical bold digits
    "一百三十二",
    "76.55%",
    "76.55 %",
    "%",
    "%%",
    "5%%",
    "-100",
    "-100.01",
    "-101",
    "100",
    "100.01",
    "9999999.99",
    "10000000",
    "-10000000",
    "1\n%",
    "1%\n",
    "\u202e321",
    "\ufeff12",
    "1\u200b2",
    "😀",
    "1😀",
    "👨‍👩‍👧‍👦",
    "\U0010ffff",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    "../../etc/passwd",
    "%00",
    "%s%s%s%n",
    "%(raw)s",
    "\\",
    "\\x00",
]

_FULLWIDTH = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789.,%+-"}


def _thousands(text: str) -> str:
    sign = text[0] if text[:1] in "+-" else ""
    body = text[len(sign) :]
    whole, dot, fraction = body.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ",".join(groups) + dot + fraction


@st.composite
def typed_numbers(draw: st.DrawFn) -> str:
    """Numbers as people type them: signs, separators, full-width digits, a trailing %."""
    places = draw(st.integers(0, 6))
    digits = draw(st.integers(0, 19))
    bound = 10**digits
    value = draw(
        st.decimals(
            min_value=-bound, max_value=bound, places=places, allow_nan=False, allow_infinity=False
        )
    )
    text = format(value, "f")
    if draw(st.booleans()):
        text = _thousands(text)
    if draw(st.integers(0, 4)) == 0:
        text = text.translate(_FULLWIDTH)
    if draw(st.integers(0, 3)) == 0:
        text += draw(st.sampled_from(["%", "％", " %", "%%"]))
    if draw(st.integers(0, 4)) == 0:
        pad = st.sampled_from(["", " ", "\u3000", "\t", "\n", "\x00"])
        text = draw(pad) + text + draw(pad)
    return text


@st.composite
def valid_numbers(
    draw: st.DrawFn, *, places: int = 2, min_value: int = 0, max_value: int = 10**9
) -> str:
    """A number the forms must accept, typed in any of the ways people type numbers."""
    value = draw(
        st.decimals(min_value=min_value, max_value=max_value, places=draw(st.integers(0, places)))
    )
    text = format(value, "f")
    if draw(st.booleans()):
        text = _thousands(text)
    if draw(st.booleans()):
        text = text.translate(_FULLWIDTH)
    if draw(st.integers(0, 3)) == 0:
        text += draw(st.sampled_from(["%", "％", " %"]))
    if draw(st.integers(0, 3)) == 0:
        text = draw(st.sampled_from([" ", "\u3000", "\t"])) + text + " "
    return text


def valid_text(max_size: int) -> st.SearchStrategy[str]:
    """Free text the forms must accept and keep as typed: hostile-looking, never NUL."""
    return st.one_of(
        st.sampled_from([text for text in HOSTILE if "\x00" not in text]),
        st.text(
            st.characters(codec="utf-8", exclude_characters="\x00"), max_size=min(max_size, 80)
        ),
    ).map(lambda text: text[:max_size])


def long_text() -> st.SearchStrategy[str]:
    """Very long input: up to 100 000 characters (one request stays under Django's 2.5 MB)."""
    return st.builds(
        operator.mul,
        st.sampled_from(["1", "9", "<", "字", "😀", "\x00", "a'\"", ",", "<script>"]),
        st.sampled_from([41, 201, 501, 1001, 5000, 100_000]),
    )


def any_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Arbitrary Unicode (control characters and NUL included, never lone surrogates)."""
    return st.text(max_size=max_size)


def field_text() -> st.SearchStrategy[str]:
    """What may arrive in a number or text field."""
    return st.one_of(
        st.sampled_from(HOSTILE),
        typed_numbers(),
        any_text(),
        long_text(),
        st.integers().map(str),
        st.floats().map(repr),
    )


def note_text() -> st.SearchStrategy[str]:
    """A free-text note: Chinese prose, hostile strings, arbitrary Unicode, very long text."""
    return st.one_of(
        st.just(""),
        st.sampled_from(["完成清表", "3户未签约", "同比增长31.3%，主要是新投产企业拉动。"]),
        st.sampled_from(HOSTILE),
        any_text(120),
        long_text(),
    )


def id_text(*valid: int) -> st.SearchStrategy[str]:
    """A primary key as posted: a real one, a missing one, or anything at all."""
    return st.one_of(
        st.sampled_from([str(pk) for pk in valid] or ["1"]),
        st.just(""),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(HOSTILE),
        any_text(20),
    )


def numeric_id_text(*valid: int) -> st.SearchStrategy[str]:
    """A primary key that int() reads, as posted: real, missing, huge, or oddly written."""
    return st.one_of(
        st.sampled_from([str(pk) for pk in valid] or ["1"]),
        st.just(""),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from([" 1 ", "+1", "-0", "１", "٣", "1_0", "0" * 30 + "1", "9" * 19]),
    )


def period_text(*valid: str) -> st.SearchStrategy[str]:
    """A YYYY-MM period as posted: real months, impossible months, anything at all."""
    return st.one_of(
        st.sampled_from(list(valid) or ["2024-09"]),
        st.builds(
            "{}-{}".format,
            st.integers(-99999, 99999),
            st.integers(-99, 999),
        ),
        st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 99)),
        st.sampled_from(
            [
                "2024-9",
                "2024-09-01",
                "2024/09",
                "202409",
                "２０２４-０９",
                "٢٠٢٤-٠٩",
                "2024-00",
                "2024-13",
                "1999-12",
                "2101-01",
                "0000-00",
                " 2024-09 ",
                "2024-09\n",
                "2024-09\x00",
                "2024-0\x009",
                "9" * 5000,
            ]
        ),
        st.sampled_from(HOSTILE),
        any_text(20),
    )


def date_text() -> st.SearchStrategy[str]:
    """A date as posted: valid ISO dates, other formats, impossible dates, anything."""
    return st.one_of(
        st.dates().map(date.isoformat),
        st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)).map(
            lambda d: d.strftime("%Y/%m/%d")
        ),
        st.sampled_from(
            [
                "2024-02-30",
                "2024-13-01",
                "0000-00-00",
                "99999-01-01",
                "2024-10-31T00:00",
                "2024年10月31日",
                "10/31/2024",
                "31.10.2024",
                "２０２４-１０-３１",
            ]
        ),
        st.sampled_from(HOSTILE),
        any_text(20),
    )
