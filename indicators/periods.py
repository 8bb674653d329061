"""Reporting periods (year, month) as township staff write and use them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from xiage import typed

# The words of a month written in Chinese (data, not wording: tests/test_gettext_literals.py).
YEAR_WORD, MONTH_WORDS = "年", "月份|月"
# A year and a month as typed (after xiage.typed.plain): 2026-10, 2026.10, 2026/10,
# 2026年10月, 2026年10月份, and a year-to-date label as the pages print it: 2026年1-10月.
_PERIOD_RE = re.compile(
    rf"^([0-9]{{4}})(?:{YEAR_WORD}(?:0?1-)?|[-./])([0-9]{{1,2}})(?:{MONTH_WORDS})?$"
)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a period or an export may name


class PeriodError(ValueError):
    """A period string that is not a year and a month, or a month outside 1-12."""


def parse_period(text: str) -> tuple[int, int]:
    """(year, month) of a month as typed in a month box or a text box standing in for one:
    '2026-10', '2026.10', '2026/10', '2026年10月', '2026年10月份', '２０２６－１０',
    ' 2026 - 10 ' (full-width digits, look-alikes of minus and spaces read as meant), and the
    year-to-date label the pages print, '2026年1-10月' or '2026年1－10月' (→ (2026, 10)).

    PeriodError, in Chinese, quoting what was typed, for any other text, a month outside 1-12
    or a year outside FIRST_YEAR-LAST_YEAR."""
    match = _PERIOD_RE.match(typed.plain(text))
    if not match:
        raise PeriodError(
            _("月份“%(text)s”无法识别：月份格式应为年月，如 2026-10 或 2026年10月。")
            % {"text": typed.visible(text)}
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(_("月份“%(text)s”不存在。") % {"text": typed.visible(text)})
    return year, month


def format_period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def period_label(year: int, month: int, *, cumulative: bool = True) -> str:
    """'2023年1-9月' for a year-to-date figure, '2023年9月' for a month's own or a stock."""
    if cumulative and month > 1:
        return _("%(year)d年1-%(month)d月") % {"year": year, "month": month}
    return _("%(year)d年%(month)d月") % {"year": year, "month": month}


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def today() -> date:
    return timezone.localdate()


def current_period(on: date | None = None) -> tuple[int, int]:
    on = on or today()
    return on.year, on.month


def is_future(year: int, month: int, on: date | None = None) -> bool:
    return (year, month) > current_period(on)


def reporting_period(on: date | None = None) -> tuple[int, int]:
    """The month being reported now: figures for month M are entered during month M+1."""
    return previous_month(*current_period(on))


def is_past_reporting(year: int, month: int, on: date | None = None) -> bool:
    """True for a month older than the one being reported: a change to it is a revision."""
    return (year, month) < reporting_period(on)


def period_from_query(
    query: Mapping[str, str], latest: Callable[[], tuple[int, int]], key: str = "period"
) -> tuple[int, int, str]:
    """(year, month, message) for ?period=YYYY-MM: the period asked for, or `latest()` with a
    Chinese message for a bad or future one (no message when none was asked for)."""
    raw = (query.get(key) or "").strip()
    if not raw:
        return (*latest(), "")
    try:
        year, month = parse_period(raw)
    except PeriodError as exc:
        return (*latest(), str(exc))
    if is_future(year, month):
        return (*latest(), _("所选月份尚未到来，已显示最近有数据的月份。"))
    return year, month, ""


def year_from_query(query: Mapping[str, str], key: str = "year", default: int | None = None) -> int:
    """The year of ?year=: four ASCII digits from FIRST_YEAR to LAST_YEAR, else `default`, else
    this year (a full-width or superscript digit, a letter, a huge or negative number: the
    default)."""
    raw = (query.get(key) or "").strip()
    valid = len(raw) == 4 and raw.isascii() and raw.isdigit()
    if valid and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw)
    return default if default is not None else today().year


# --- reporting frequency: which months an indicator reports (indicators.models.Frequency) ---


def is_in_progress(year: int, month: int, on: date | None = None) -> bool:
    """True for the current calendar month (on `on`, default today) or a later one: a month
    still running owes nothing yet, so nothing of it is 未报送 or late."""
    return (year, month) >= current_period(on)


def reports_in(months: tuple[int, ...], month: int) -> bool:
    """Whether an indicator reporting in `months` (Frequency.months: 月报 2-12, 季报 3 6 9 12,
    半年报 6 12, 年报 12) is asked for a figure of `month`. The one rule: the monthly report
    form, the Excel template, the 未填报 lists and an office's 未报送 all follow it."""
    return month in months


def owes_figure(months: tuple[int, ...], year: int, month: int, on: date | None = None) -> bool:
    """Whether a figure for (year, month) is owed on `on` (default today): a month the
    indicator reports in (reports_in) that is over (not is_in_progress). Only an owed figure
    can be 未报送 or late."""
    return reports_in(months, month) and not is_in_progress(year, month, on)


def reported_period(months: tuple[int, ...], year: int, month: int) -> tuple[int, int]:
    """The latest (year, month) at or before (year, month) that an indicator reporting in
    `months` reports: 季报 at 2026-10 → (2026, 9); 年报 at 2026-10 → (2025, 12); 月报 at
    2026-01 → (2025, 12), since 1-2月 is reported together."""
    for earlier in range(month, 0, -1):
        if reports_in(months, earlier):
            return year, earlier
    return year - 1, max(months)


def previous_reported_period(months: tuple[int, ...], year: int, month: int) -> tuple[int, int]:
    """The period an indicator reporting in `months` reported before (year, month): 月报 at
    2026-09 → (2026, 8); at 2026-02 (1-2月) → (2025, 12), last year's full year, as the
    bureau compares 1-2月 with 上年全年; 季报 at 2026-09 → (2026, 6)."""
    return reported_period(months, *previous_month(year, month))
