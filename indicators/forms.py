"""Input of figures: the monthly report form and the single-figure admin form.

Numbers are read as people type them, by one function per kind that every input calls (the
monthly form, the admin's figure form, the Excel import through the monthly form, the plans'
progress quantities): `parse_value` for an amount, `parse_growth` for a 同比增长. Full-width
digits, thousands separators, look-alikes of minus and invisible spaces are read as meant
(xiage.typed); a value may carry its own unit (34900万元 into a 亿元 indicator), converted by the
unit table. Every refusal quotes what was typed, invisible characters named, and says what is
expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import Office, User
from indicators import glossary, metrics, periods, units
from indicators.models import Dimension, Figure, Indicator
from indicators.selectors import ReportRow
from indicators.services import FigureEntry
from xiage import typed
from xiage.versioning import VersionField

# The words of the input grammar (data, not wording: tests/test_gettext_literals.py lists them).
GROWTH_PREFIX = "同比"
GROWTH_UP_WORDS = "增长|增加|上升|增"
GROWTH_DOWN_WORDS = "下降|减少|下滑|降|减"
UNPUBLISHED_WORDS = "无|未公布"
CHINESE_NUMERALS = "零〇一二两三四五六七八九十百千"

_NUMBER = r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?"
_NUMBER_RE = re.compile(rf"^{_NUMBER}$")
# A number and the unit written after it: whatever follows the digits, holding no digit.
_WITH_UNIT_RE = re.compile(r"^(?P<number>[+-]?[0-9][0-9,.]*)(?P<unit>[^0-9,.+\-][^0-9]*)$")
# 同比 as written in reports: 增21.26%, 同比下降5.2%, -5.2, 6.5%.
_GROWTH_RE = re.compile(
    rf"^(?:{GROWTH_PREFIX})?(?:(?P<up>{GROWTH_UP_WORDS})|(?P<down>{GROWTH_DOWN_WORDS}))?"
    rf"(?P<number>{_NUMBER})%?$"
)
# 同比 not published, written standing alone: a dash of any kind (one or more), / or 无.
_UNPUBLISHED_RE = re.compile(rf"^(?:-+|/|{UNPUBLISHED_WORDS})$")

MAX_INTEGER_DIGITS = 16  # Figure.value holds 20 digits, 4 of them decimals
WARN_CHANGE_PERCENT = Decimal(50)
WARN_CHANGE_POINTS = Decimal(20)  # a rate's change, in 个百分点
GROWTH_TOLERANCE_POINTS = Decimal(1)  # a typed 同比 this far from the computed one is fine
MAGNITUDE_SLACK = Decimal(3)  # "about 10⁴ times": between 10⁴/3 and 10⁴×3
MAGNITUDE_POWERS = (8, 4, -4, -8)
CONVERSION_PLACES = Decimal("1E-8")  # a converted value is exact to 8 decimal places
MAX_ROUNDING_PERCENT = Decimal(1)  # a conversion rounded by more than this is refused


def _not_a_number(raw: str) -> ValidationError:
    return ValidationError(
        _("“%(seen)s”不是有效的数字。应为数字，如 12.5 或 -3。") % {"seen": typed.visible(raw)},
        code="not_a_number",
    )


def _number(text: str, raw: str) -> Decimal:
    """A plain number (typed.plain already applied) → Decimal; `raw` is quoted on refusal."""
    if not _NUMBER_RE.match(text):
        raise _not_a_number(raw)
    digits = text.replace(",", "")
    if len(digits.lstrip("+-").split(".")[0].lstrip("0")) > MAX_INTEGER_DIGITS:
        raise _too_large(raw)
    return Decimal(digits) + 0  # + 0: "-0" is 0


def _too_large(raw: str) -> ValidationError:
    return ValidationError(
        _("“%(seen)s”数值过大，小数点前最多%(n)d位。")
        % {"seen": typed.visible(raw), "n": MAX_INTEGER_DIGITS},
        code="too_large",
    )


def parse_number(raw: str) -> Decimal:
    """A bare number as typed → Decimal: '1,234.5', '１２３４．５', '−3.2', '12<U+200B>3',
    ' 76.55% ' (a trailing % dropped). ValidationError quoting what was typed otherwise."""
    return _number(typed.plain(raw).removesuffix("%"), raw)


@dataclass(frozen=True)
class ValueReading:
    """An amount as read by `parse_value`: `value` in the unit asked for; `unit` the unit written
    after the number (None: none); `target` the unit asked for; `rounded` when the conversion
    was rounded to the decimals asked for."""

    value: Decimal
    seen: str
    unit: units.UnitInfo | None = None
    target: units.UnitInfo | None = None
    rounded: bool = False

    @property
    def converted(self) -> bool:
        """Typed in another unit than the one asked for, and converted."""
        return self.unit is not None and self.target is not None and self.unit.pk != self.target.pk

    @property
    def notice(self) -> str:
        """'已将“34900万元”换算为3.49亿元。' for a converted value, else ''."""
        if not self.converted or self.target is None:
            return ""
        said = {"seen": self.seen, "value": format(self.value, "f"), "unit": self.target.name}
        if self.rounded:
            return _("已将“%(seen)s”换算为%(value)s%(unit)s（已四舍五入）。") % said
        return _("已将“%(seen)s”换算为%(value)s%(unit)s。") % said


def parse_value(
    raw: str, unit: units.UnitInfo | None = None, decimals: int | None = None
) -> ValueReading:
    """An amount as typed, in `unit`: '29.74', '－1,234.5', '3.49亿元', '34900万元' (→ 3.49 for
    a 亿元 `unit`), '1.2公顷' (→ 18.00 for 亩 with 2 `decimals`).

    A value in another unit of the same dimension is converted (indicators.units.convert),
    exact to 8 decimal places, and, when `decimals` is given, rounded half-up to them
    (`rounded` when that changed it). ValidationError, quoting what was typed, for what is not
    a number, a unit not in the table, a unit that does not convert into `unit` (家 into 个),
    any unit when `unit` is None, or a conversion that rounding to `decimals` would change by
    more than 1 % or to zero (5.1万元 into 亿元 with 2 decimals: 0.00051, refused as typing
    0.00051 is). Blank input is the caller's."""
    seen = typed.visible(raw)
    text = typed.plain(raw)
    if _NUMBER_RE.match(text):
        return ValueReading(_number(text, raw), seen, target=unit)
    match = _WITH_UNIT_RE.match(text)
    if not match:
        raise _not_a_number(raw)
    number = _number(match["number"], raw)
    if not match["unit"].strip(CHINESE_NUMERALS):
        raise _not_a_number(raw)  # 29.7四: digits written in words, not a unit
    written = units.by_name(match["unit"])
    if written is None:
        expected = (
            _("应为数字（本栏单位为%(unit)s），如 12.5。") % {"unit": unit.name}
            if unit is not None
            else _("应为数字，如 12.5 或 -3。")
        )
        raise ValidationError(
            _("“%(seen)s”不是有效的数字：单位“%(unit)s”不在单位表中。")
            % {"seen": seen, "unit": typed.visible(match["unit"])}
            + expected,
            code="unknown_unit",
        )
    if unit is None:
        raise ValidationError(
            _("“%(seen)s”带有单位。本栏只填数字，如 12.5。") % {"seen": seen}, code="no_unit"
        )
    if written.pk == unit.pk:
        return ValueReading(number, seen, written, unit)
    try:
        exact = units.convert(number, written, unit)
    except units.UnitMismatch as exc:
        raise ValidationError(
            _("“%(seen)s”：单位“%(unit)s”不能换算为本栏的单位“%(target)s”。应为数字，如 12.5。")
            % {"seen": seen, "unit": written.name, "target": unit.name},
            code="unit_mismatch",
        ) from exc
    if exact and exact.adjusted() >= MAX_INTEGER_DIGITS:
        raise _too_large(raw)
    # The factors are stored to 10 places (亩: 666.6666666667), so 1.2公顷 comes out as
    # 17.999999999991: the conversion is compared at 8 places, where it is 18 exactly.
    exact = exact.quantize(CONVERSION_PLACES, rounding=ROUND_HALF_UP) + 0
    if decimals is None:
        return ValueReading(exact, seen, written, unit)
    value = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) + 0
    if (value == 0 and exact != 0) or abs(value - exact) * 100 > abs(exact) * MAX_ROUNDING_PERCENT:
        said = {"seen": seen, "exact": _plain(exact.normalize()), "unit": unit.name}
        if decimals == 0:
            message = _(
                "“%(seen)s”换算为%(exact)s%(unit)s，不是整数，请按%(unit)s填写或改用可换算的单位。"
            )
        else:
            message = _(
                "“%(seen)s”换算为%(exact)s%(unit)s，超过%(n)d位小数，"
                "请按%(unit)s填写或改用可换算的单位。"
            )
        raise ValidationError(message % {**said, "n": decimals}, code="conversion_rounded")
    return ValueReading(value, seen, written, unit, rounded=value != exact)


@dataclass(frozen=True)
class GrowthReading:
    """A 同比增长 as read by `parse_growth`: `value` in % (None: not given or not published);
    `unpublished` when the person wrote that it was not published (—, /, 无)."""

    value: Decimal | None
    unpublished: bool = False


def parse_growth(raw: str) -> GrowthReading:
    """A 同比增长 as typed: '6.5', '−3.2%', '增21.26%', '同比增长6.5%', '下降5.2%' (→ -5.2);
    '—', '－', '——', '-', '/' or '无' alone: not published; blank: not given.

    ValidationError, quoting what was typed, for anything else, or a growth of more than two
    decimals, below -100 % or absurdly large (check_growth)."""
    text = typed.plain(raw)
    if not text:
        return GrowthReading(None)
    if _UNPUBLISHED_RE.match(text):
        return GrowthReading(None, unpublished=True)
    match = _GROWTH_RE.match(text)
    worded = match is not None and (match["up"] or match["down"])
    if match is None or (worded and match["number"][0] in "+-"):
        raise ValidationError(
            _(
                "“%(seen)s”不是有效的同比增长。应为百分数，如 6.5、-3.2、增6.5%%、下降3.2%%；"
                "未公布填“—”。"
            )
            % {"seen": typed.visible(raw)},
            code="not_a_growth",
        )
    value = _number(match["number"], raw)
    if match["down"]:
        value = 0 - value
    check_growth(value)
    return GrowthReading(value)


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_value(indicator: Indicator, value: Decimal) -> None:
    if decimal_places(value) > indicator.decimals:
        if indicator.decimals == 0:
            message = _("应为整数，不能有小数。")
        else:
            message = _("最多保留%(n)d位小数。") % {"n": indicator.decimals}
        raise ValidationError(message, code="too_many_decimals")
    if indicator.is_ratio and not 0 <= value <= 100:
        raise ValidationError(_("比率应在0到100之间。"), code="rate_out_of_range")


def check_growth(value: Decimal) -> None:
    if decimal_places(value) > 2:
        raise ValidationError(_("同比增长最多保留2位小数。"), code="too_many_decimals")
    if value < -100:
        raise ValidationError(_("同比增长不能低于-100%。"), code="growth_below_minus_100")
    if abs(value) >= Decimal("10000000"):
        raise ValidationError(_("同比增长数值过大。"), code="too_large")


def figure_warnings(
    indicator: Indicator,
    month: int,
    value: Decimal,
    previous: Figure | None,
    last_year: Figure | None,
) -> list[str]:
    """Things worth a second look before saving; the person may confirm and save anyway.

    A value about 10⁴ or 10⁸ times (or a 10⁴th, a 10⁸th of) last month's or last year's figure
    is said once as the likely unit mix-up (像是按万元填写？) and then no change in % is said
    against either (the mix-up is the change); a rate's change is in 个百分点."""
    hints = [
        _magnitude_warning(indicator, value, figure.value, when)
        for figure, when in ((previous, _("上月")), (last_year, _("上年同期")))
        if figure is not None
    ]
    mixed_up = next((hint for hint in hints if hint), "")
    if mixed_up:
        return [mixed_up]
    warnings = []
    if previous is not None:
        if indicator.is_cumulative and value < previous.value:
            warnings.append(
                _("累计数%(value)s低于上月累计数%(previous)s，请核对。")
                % {"value": value, "previous": _shown(indicator, previous.value)}
            )
        else:
            if indicator.is_cumulative:
                change = metrics.run_rate_change(value, month, previous.value, previous.month)
            else:
                change = metrics.relative_change(value, previous.value)
            warnings += _change_warning(indicator, value, previous.value, change, _("上月"))
    if last_year is not None:
        change = metrics.relative_change(value, last_year.value)
        warnings += _change_warning(indicator, value, last_year.value, change, _("上年同期"))
    return warnings


def _change_warning(
    indicator: Indicator, value: Decimal, reference: Decimal, percent: Decimal | None, when: str
) -> list[str]:
    """A change of more than 50 % against `reference` (`percent`, as metrics computed it), or
    for a rate (%) more than 20 个百分点. The unit is looked up only when either is exceeded."""
    points = metrics.point_change(value, reference) or Decimal(0)
    big_percent = percent is not None and abs(percent) > WARN_CHANGE_PERCENT
    if not big_percent and abs(points) <= WARN_CHANGE_POINTS:
        return []
    if indicator.is_ratio:
        if abs(points) <= WARN_CHANGE_POINTS:
            return []
        return [
            _("与%(when)s相比变化%(change)s个百分点，超过%(limit)s个百分点，请核对。")
            % {"when": when, "change": points, "limit": WARN_CHANGE_POINTS}
        ]
    if not big_percent:
        return []
    return [
        _("与%(when)s相比变化%(change)s%%，超过50%%，请核对。") % {"when": when, "change": percent}
    ]


def _magnitude(value: Decimal, reference: Decimal) -> int | None:
    """The power of ten (8, 4, -4 or -8) that `value` is about `reference` times, or None."""
    if value == 0 or reference == 0 or (value < 0) != (reference < 0):
        return None
    ratio = value / reference
    for power in MAGNITUDE_POWERS:
        scale = Decimal(10) ** power
        if scale / MAGNITUDE_SLACK <= ratio <= scale * MAGNITUDE_SLACK:
            return power
    return None


def _mixed_up_unit(unit: units.UnitInfo, power: int) -> units.UnitInfo | None:
    """The unit of `unit`'s dimension that is 10^`power` times smaller (亿元, 4 → 万元)."""
    if unit.dimension not in Dimension.convertible():
        return None
    wanted = unit.factor / Decimal(10) ** power
    for name in units.names():
        other = units.by_name(name)
        if other is not None and other.dimension == unit.dimension and other.factor == wanted:
            return other
    return None


def _magnitude_warning(indicator: Indicator, value: Decimal, reference: Decimal, when: str) -> str:
    """'本期数460300约为上月46.03的1万倍，像是按万元填写？（460300万元＝46.03亿元）', or ''."""
    power = _magnitude(value, reference)
    if power is None or indicator.is_ratio:
        return ""
    times = {8: _("1亿倍"), 4: _("1万倍"), -4: _("万分之一"), -8: _("亿分之一")}[power]
    said = {
        "value": format(value, "f"),
        "when": when,
        "reference": _shown(indicator, reference),
        "times": times,
    }
    target = indicator.unit_info
    other = _mixed_up_unit(target, power)
    if other is None:
        return _("本期数%(value)s约为%(when)s%(reference)s的%(times)s，请核对单位和位数。") % said
    converted = _shown(indicator, units.convert(value, other, target))
    return _(
        "本期数%(value)s约为%(when)s%(reference)s的%(times)s，像是按%(unit)s填写？"
        "（%(value)s%(unit)s＝%(converted)s%(target)s）"
    ) % {**said, "unit": other.name, "converted": converted, "target": target.name}


def growth_warnings(
    indicator: Indicator,
    value: Decimal,
    growth: Decimal | None,
    last_year: Figure | None,
    stored: Figure | None,
) -> list[str]:
    """同比 checked against the figures: a stored published 同比 kept while the value it was
    published for is changed (then only that is said: the 同比 was not typed), else a typed
    同比 more than a point from the one computed from last year's same-period figure as the
    pages compute it (metrics.year_on_year: a growth in %, for a rate a change in 个百分点, as
    the typed one is then read), unless the value is 10⁴ or 10⁸ times last year's."""
    if (
        stored is not None
        and stored.growth is not None
        and value != stored.value
        and growth == stored.growth
    ):
        # The 同比 was left as it stood, not typed: say only that it may no longer fit.
        kept = {"growth": glossary.published(stored.growth)}
        if indicator.is_ratio:
            return [_("本期数已修改，原同比%(growth)s个百分点可能已不适用，请核对。") % kept]
        return [_("本期数已修改，原同比%(growth)s%%可能已不适用，请核对。") % kept]
    warnings = []
    if (
        growth is not None
        and last_year is not None
        # A value 10⁴ or 10⁸ times off is said as such (figure_warnings); a growth computed
        # from it would only repeat the mix-up as an absurd percentage.
        and (indicator.is_ratio or _magnitude(value, last_year.value) is None)
    ):
        # As the pages compute it when none is published: a rate's in points.
        shown = metrics.year_on_year(None, value, last_year.value, points=indicator.is_ratio)
        computed = shown.value
        if computed is not None and abs(growth - computed) > GROWTH_TOLERANCE_POINTS:
            said = {
                "typed": glossary.published(growth),
                "last": _shown(indicator, last_year.value),
                "computed": glossary.two_places(computed),
                "gap": glossary.two_places(abs(growth - computed)),
            }
            if shown.points:
                message = _(
                    "填写的同比%(typed)s个百分点与按上年同期数%(last)s计算的%(computed)s个百分点"
                    "相差%(gap)s个百分点，请核对。"
                )
            else:
                message = _(
                    "填写的同比增长%(typed)s%%与按上年同期数%(last)s计算的%(computed)s%%"
                    "相差%(gap)s个百分点，请核对。"
                )
            warnings.append(message % said)
    return warnings


def default_period_data(user: User) -> dict[str, Any]:
    """The office and month a report page opens on: the user's office (or the first they may
    write) and the month being reported."""
    year, month = periods.reporting_period()
    office = permissions.writable_offices(user).filter(is_active=True).first()
    return {
        "office": user.office_id or (office.pk if office else None),
        "period": periods.format_period(year, month),
    }


class ReportPeriodForm(forms.Form):
    """Which office and month to report: only offices the user may write."""

    office = forms.ModelChoiceField(
        queryset=Office.objects.none(),
        label=gettext_lazy("科室"),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("无权填报该科室，或科室不存在。")},
    )
    period = forms.CharField(
        label=gettext_lazy("月份"),
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"required": gettext_lazy("请选择月份。")},
    )

    def __init__(self, *args: Any, user: User, readable: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices = (
            permissions.readable_offices(user) if readable else permissions.writable_offices(user)
        )
        cast(forms.ModelChoiceField, self.fields["office"]).queryset = offices.filter(
            is_active=True
        )

    def clean_period(self) -> tuple[int, int]:
        try:
            year, month = periods.parse_period(self.cleaned_data["period"])
        except periods.PeriodError as exc:
            raise ValidationError(str(exc), code="bad_period") from exc
        if periods.is_future(year, month):
            raise ValidationError(
                _("不能填报未来月份（%(year)d年%(month)d月）的数据。")
                % {"year": year, "month": month},
                code="future_period",
            )
        return year, month


def figure_entry(indicator: Indicator, data: dict[str, Any], version: int | None) -> FigureEntry:
    """What a cleaned figure form says for one indicator, as the services take it: the one
    place a FigureEntry is made from a form (the monthly report, the import, the admin)."""
    return FigureEntry(
        indicator=indicator,
        value=data["value"],
        growth=data["growth"],
        note=data["note"],
        expected_version=version,
        growth_unpublished=bool(data.get("growth_unpublished")),
    )


class FigureRowForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("本期数"), required=False, max_length=40)
    growth = forms.CharField(label=gettext_lazy("同比增长（%）"), required=False, max_length=20)
    note = forms.CharField(label=gettext_lazy("情况说明"), required=False, max_length=500)
    version = VersionField()

    def __init__(self, *args: Any, row: ReportRow, month: int, **kwargs: Any) -> None:
        self.row = row
        self.month = month
        self.warnings: list[str] = []  # each needs a confirming click before saving
        self.notices: list[str] = []  # how a value was read (a conversion), said as a warning
        if row.figure is not None:
            kwargs.setdefault(
                "initial",
                {
                    "value": _plain(row.figure.value_display),
                    "growth": growth_text(row.figure),
                    "note": row.figure.note,
                    "version": row.figure.version,
                },
            )
        else:
            kwargs.setdefault("initial", {"version": 0})
        super().__init__(*args, **kwargs)
        # Every input of a row is named after its indicator (the column headers alone do not
        # name a cell's input), and says what goes in it.
        name, unit = row.indicator.name, row.indicator.unit_label
        self.fields["value"].widget.attrs.update(
            {"inputmode": "decimal", "aria-label": f"{name}（{unit}）"}
        )
        self.fields["growth"].widget.attrs.update(
            {"inputmode": "text", "aria-label": f"{name} {self.fields['growth'].label}"}
        )
        self.fields["note"].widget.attrs.update(
            {"aria-label": f"{name} {self.fields['note'].label}"}
        )

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    def entry(self) -> FigureEntry:
        """The row as saved; the version when the page (or template) was opened, or None (no
        check) when none was posted."""
        return figure_entry(self.indicator, self.cleaned_data, self.cleaned_data.get("version"))

    def clean_value(self) -> Decimal | None:
        raw = self.cleaned_data["value"]
        if not raw.strip():
            if self.row.figure is not None:
                raise ValidationError(
                    _("已填报的数据不能清空；如需更正，请填写正确的数值。"), code="cleared"
                )
            return None
        indicator = self.indicator
        reading = parse_value(raw, indicator.unit_info, indicator.decimals)
        check_value(indicator, reading.value)
        self.notices = [reading.notice] if reading.converted else []
        return reading.value

    def clean_growth(self) -> Decimal | None:
        reading = parse_growth(self.cleaned_data["growth"])
        self.cleaned_data["growth_unpublished"] = reading.unpublished
        return reading.value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned.setdefault("growth_unpublished", False)
        value, growth = cleaned.get("value"), cleaned.get("growth")
        unpublished = cleaned["growth_unpublished"]
        if value is None:
            if not self.errors and (growth is not None or unpublished or cleaned.get("note")):
                self.add_error("value", _("填写了同比增长或说明，但未填写本期数。"))
            return cleaned
        figure, row = self.row.figure, self.row
        value_changed = figure is None or figure.value != value
        growth_changed = figure is None or (figure.growth, figure.growth_unpublished) != (
            growth,
            unpublished,
        )
        warnings = list(self.notices)
        if value_changed:
            warnings += figure_warnings(
                self.indicator, self.month, value, row.previous, row.last_year
            )
        if (value_changed or growth_changed) and "growth" not in self.errors:
            warnings += growth_warnings(self.indicator, value, growth, row.last_year, figure)
        self.warnings = warnings
        return cleaned


class BaseReportFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, rows: list[ReportRow], month: int, **kwargs: Any) -> None:
        self.rows = rows
        self.month = month
        kwargs.setdefault("prefix", "rows")
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        # The rows are fixed by the catalogue, never by the posted management form.
        return len(self.rows)

    def initial_form_count(self) -> int:
        return len(self.rows)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            kwargs.update(row=self.rows[index], month=self.month)
        return kwargs

    @property
    def warnings(self) -> list[tuple[Indicator, str]]:
        return [(form.indicator, message) for form in self.forms for message in form.warnings]


ReportFormSet = cast(
    type[BaseReportFormSet],
    forms.formset_factory(FigureRowForm, formset=BaseReportFormSet, extra=0),
)


def refreshed(posted: Any, rows: list, conflicted: set[int]) -> Any:
    """The posted report with the rows someone else changed (`conflicted`: indicator ids)
    replaced by the stored figures and their versions; the other rows keep what was typed."""
    data = posted.copy()
    for index, row in enumerate(rows):
        if row.indicator.pk not in conflicted:
            continue
        figure = row.figure
        data[f"rows-{index}-value"] = format(figure.value_display, "f") if figure else ""
        data[f"rows-{index}-growth"] = growth_text(figure) if figure else ""
        data[f"rows-{index}-note"] = figure.note if figure else ""
        data[f"rows-{index}-version"] = str(figure.version if figure else 0)
    return data


def _shown(indicator: Indicator, value: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-indicator.decimals))


def _plain(value: Decimal) -> str:
    """A Decimal as typed, without exponent or thousands separators."""
    return format(value, "f")


def growth_text(figure: Figure) -> str:
    """A stored figure's 同比 as a form shows it to be typed over: 31.3, or — when the figure
    says it was not published, or '' when none was given."""
    if figure.growth is not None:
        return _plain(figure.growth.normalize())
    return glossary.EMPTY if figure.growth_unpublished else ""


class FigureAdminForm(forms.ModelForm):
    """The admin's single-figure form: the same rules as the monthly report.

    The admin adds the figure's version and refuses a save over a newer figure
    (xiage.versioning)."""

    value = forms.CharField(label=gettext_lazy("本期数"), max_length=40)
    growth = forms.CharField(label=gettext_lazy("同比增长（%）"), required=False, max_length=20)

    class Meta:
        model = Figure
        fields = ["indicator", "year", "month", "place", "value", "growth", "note"]

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notices: list[str] = []  # how the value was read (a conversion), for the admin
        if self.instance.pk:
            self.initial["value"] = _plain(self.instance.value_display)
            self.initial["growth"] = growth_text(self.instance)
        if user is not None and "indicator" in self.fields:
            cast(
                forms.ModelChoiceField, self.fields["indicator"]
            ).queryset = Indicator.objects.active().filter(
                office__in=permissions.writable_offices(user)
            )

    def entry(self, indicator: Indicator, *, change: bool) -> FigureEntry:
        """The figure as saved: a new one expects none stored (version 0)."""
        version = self.cleaned_data.get("version") if change else 0
        return figure_entry(indicator, self.cleaned_data, version)

    def clean_value(self) -> Decimal | None:
        raw = self.cleaned_data["value"]
        indicator = self.cleaned_data.get("indicator") or getattr(self.instance, "indicator", None)
        if indicator is None:
            try:
                return parse_value(raw).value
            except ValidationError as exc:
                if exc.code == "no_unit":
                    return None  # no indicator chosen (said on its field): no unit to read
                raise
        reading = parse_value(raw, indicator.unit_info, indicator.decimals)
        self.notices = [reading.notice] if reading.converted else []
        return reading.value

    def clean_growth(self) -> Decimal | None:
        reading = parse_growth(self.cleaned_data.get("growth") or "")
        self.cleaned_data["growth_unpublished"] = reading.unpublished
        return reading.value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned.setdefault("growth_unpublished", False)
        indicator = cleaned.get("indicator") or getattr(self.instance, "indicator", None)
        place = cleaned.get("place") or getattr(self.instance, "place", None)
        year = cleaned.get("year") or self.instance.year
        month = cleaned.get("month") or self.instance.month
        value = cleaned.get("value")
        if indicator is not None and value is not None:
            try:
                check_value(indicator, value)
            except ValidationError as exc:
                self.add_error("value", exc)
        if year and month:
            if not 1 <= month <= 12:
                self.add_error("month", _("月份应在1到12之间。"))
            elif periods.is_future(year, month):
                self.add_error(
                    "month",
                    _("不能填报未来月份（%(year)d年%(month)d月）的数据。")
                    % {"year": year, "month": month},
                )
        if (
            indicator is not None
            and place is not None
            and not self.instance.pk
            and not indicator.places.filter(pk=place.pk).exists()
        ):
            self.add_error(
                "place",
                _("指标“%(indicator)s”没有地点“%(place)s”的数据。")
                % {"indicator": indicator.name, "place": place.name},
            )
        return cleaned
