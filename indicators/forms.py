"""Input of figures: the monthly report form and the single-figure admin form.

Numbers are accepted as people type them (thousands separators, full-width digits, a trailing
%), and every refusal says in Chinese which indicator and what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import Office, User
from indicators import metrics, periods
from indicators.models import Figure, Indicator
from indicators.selectors import ReportRow
from indicators.services import FigureEntry
from xiage.versioning import VersionField

_NUMBER_RE = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
MAX_INTEGER_DIGITS = 16  # Figure.value holds 20 digits, 4 of them decimals
WARN_CHANGE_PERCENT = Decimal(50)


def parse_number(raw: str) -> Decimal:
    """'1,234.5', '１２３４．５', ' 76.55% ' → Decimal; ValidationError for anything else."""
    text = unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "")
    text = text.removesuffix("%")
    if not _NUMBER_RE.match(text):
        raise ValidationError(
            _("“%(raw)s”不是有效的数字。") % {"raw": raw.strip()}, code="not_a_number"
        )
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise ValidationError(_("“%(raw)s”不是有效的数字。") % {"raw": raw}) from exc
    integer_digits = len(text.replace(",", "").lstrip("+-").split(".")[0].lstrip("0"))
    if integer_digits > MAX_INTEGER_DIGITS:
        raise ValidationError(_("数值过大。"), code="too_large")
    return value


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
    """Things worth a second look before saving; the person may confirm and save anyway."""
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
            if change is not None and abs(change) > WARN_CHANGE_PERCENT:
                warnings.append(
                    _("与上月相比变化%(change)s%%，超过50%%，请核对。") % {"change": change}
                )
    if last_year is not None:
        change = metrics.relative_change(value, last_year.value)
        if change is not None and abs(change) > WARN_CHANGE_PERCENT:
            warnings.append(
                _("与上年同期相比变化%(change)s%%，超过50%%，请核对。") % {"change": change}
            )
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
    )


class FigureRowForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("本期数"), required=False, max_length=40)
    growth = forms.CharField(label=gettext_lazy("同比增长（%）"), required=False, max_length=20)
    note = forms.CharField(label=gettext_lazy("情况说明"), required=False, max_length=500)
    version = VersionField()

    def __init__(self, *args: Any, row: ReportRow, month: int, **kwargs: Any) -> None:
        self.row = row
        self.month = month
        self.warnings: list[str] = []
        if row.figure is not None:
            kwargs.setdefault(
                "initial",
                {
                    "value": _plain(row.figure.value_display),
                    "growth": _plain(row.figure.growth.normalize())
                    if row.figure.growth is not None
                    else "",
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
            {"inputmode": "decimal", "aria-label": f"{name} {self.fields['growth'].label}"}
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
        value = parse_number(raw)
        check_value(self.indicator, value)
        return value

    def clean_growth(self) -> Decimal | None:
        raw = self.cleaned_data["growth"]
        if not raw.strip():
            return None
        value = parse_number(raw)
        check_growth(value)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        value = cleaned.get("value")
        if value is None:
            if not self.errors and (cleaned.get("growth") is not None or cleaned.get("note")):
                self.add_error("value", _("填写了同比增长或说明，但未填写本期数。"))
            return cleaned
        changed = self.row.figure is None or self.row.figure.value != value
        if changed:
            self.warnings = figure_warnings(
                self.indicator, self.month, value, self.row.previous, self.row.last_year
            )
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
        growth = figure.growth if figure else None
        data[f"rows-{index}-growth"] = format(growth.normalize(), "f") if growth is not None else ""
        data[f"rows-{index}-note"] = figure.note if figure else ""
        data[f"rows-{index}-version"] = str(figure.version if figure else 0)
    return data


def _shown(indicator: Indicator, value: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-indicator.decimals))


def _plain(value: Decimal) -> str:
    """A Decimal as typed, without exponent or thousands separators."""
    return format(value, "f")


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
        if self.instance.pk:
            self.initial["value"] = _plain(self.instance.value_display)
            growth = self.instance.growth
            self.initial["growth"] = _plain(growth.normalize()) if growth is not None else ""
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

    def clean_value(self) -> Decimal:
        return parse_number(self.cleaned_data["value"])

    def clean_growth(self) -> Decimal | None:
        raw = self.cleaned_data.get("growth") or ""
        if not raw.strip():
            return None
        value = parse_number(raw)
        check_growth(value)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
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
