"""A 完成率 published with a figure, judged as a computed one is; a 同比 as it is written.

plans.status decides (target_progress), indicators.metrics computes (year_on_year) and
indicators.glossary writes (completion_text, growth_text, growth_source): hand-checked values.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from indicators import glossary, metrics
from indicators.models import Indicator
from plans.status import Status, target_progress


def indicator(kind: str = "ytd", direction: str = "higher") -> Indicator:
    return Indicator(name="测试", kind=kind, direction=direction, decimals=2)


def published(rate: str, *, month: int = 9, ind: Indicator | None = None, **kwargs):  # type: ignore[no-untyped-def]
    defaults = {"target_kind": None, "target_value": None, "value": D("1.71")}
    return target_progress(
        indicator=ind or indicator(),
        year=2023,
        month=month,
        published_completion_rate=D(rate),
        **{**defaults, **kwargs},
    )


class TestPublishedCompletionRate:
    def test_without_a_target_it_is_read_against_time_progress(self):
        # 工业性投资 1-9月: 93.63% at 75.00% of the year, 18.63 points ahead.
        result = published("93.63")
        assert (result.status, result.completion_rate, result.time_progress, result.gap) == (
            Status.AHEAD,
            D("93.63"),
            D("75.00"),
            D("18.63"),
        )
        assert result.completion_is_published
        assert result.completion_label == "93.63%（公布）"
        assert result.completion_cell == "93.63（公布）"
        assert result.gap_label == "超序时18.63个百分点"

    @pytest.mark.parametrize(
        ("rate", "status", "gap"),
        [
            ("75.00", Status.ON_PACE, D("0.00")),
            ("60.5", Status.BEHIND, D("-14.50")),
            ("100", Status.MET, D("25.00")),
        ],
    )
    def test_by_the_rule_of_a_computed_rate(self, rate, status, gap):
        result = published(rate)
        assert (result.status, result.gap) == (status, gap)

    def test_a_ceiling_used_counts_the_other_way(self):
        ceiling = indicator(direction="lower")
        assert published("60", ind=ceiling).status == Status.AHEAD  # less than 75% used
        assert published("101", ind=ceiling).status == Status.NOT_MET

    def test_a_stocks_published_rate_is_shown_and_decides_nothing(self):
        result = published("93.63", ind=indicator(kind="stock"))
        assert (result.status, result.completion_label, result.time_progress) == (
            Status.NO_TARGET,
            "93.63%（公布）",
            None,
        )

    def test_a_growth_target_decides_and_the_published_rate_is_shown(self):
        result = published(
            "93.63", target_kind="growth", target_value=D("10"), official_growth=D("12.5")
        )
        assert (result.status, result.gap) == (Status.ABOVE, D("2.50"))
        assert result.completion_label == "93.63%（公布）"

    def test_an_amount_target_gives_the_rate_and_the_published_one_is_not_used(self):
        result = published("93.63", target_kind="amount", target_value=D("2"))
        assert (result.status, result.completion_rate, result.completion_is_published) == (
            Status.AHEAD,
            D("85.50"),
            False,
        )
        assert result.completion_label == "85.50%"

    def test_no_figure_is_still_not_filled(self):
        assert published("93.63", value=None).status == Status.NO_DATA


class TestGrowthTargetWithoutGrowth:
    def test_not_published_and_nothing_to_compute_from(self):
        result = target_progress(
            indicator=indicator(),
            target_kind="growth",
            target_value=D("12"),
            year=2024,
            month=12,
            value=D("36.68"),
        )
        assert (result.status, result.label) == (Status.GROWTH_UNPUBLISHED, "同比未公布")

    def test_last_years_figure_gives_the_growth_judged(self):
        result = target_progress(
            indicator=indicator(),
            target_kind="growth",
            target_value=D("12"),
            year=2024,
            month=12,
            value=D("36.68"),
            last_year_value=D("30"),
        )
        assert (result.status, result.growth, result.growth_is_official, result.gap) == (
            Status.ABOVE,
            D("22.27"),
            False,
            D("10.27"),
        )


class TestYearOnYear:
    def test_published_computed_or_none(self):
        assert metrics.year_on_year(D("31.3"), D("29.74"), D("25")) == metrics.YearOnYear(
            D("31.3"), True, False
        )
        shown = metrics.year_on_year(None, D("36.68"), D("30"))
        assert (shown.value, shown.official, shown.computed) == (D("22.27"), False, True)
        assert metrics.year_on_year(None, D("36.68"), None).value is None

    def test_a_rates_change_is_in_points(self):
        shown = metrics.year_on_year(None, D("78.65"), D("76.55"), points=True)
        assert (shown.value, shown.points) == (D("2.10"), True)  # not 2.74 %
        assert metrics.point_change(D("75"), D("76.55")) == D("-1.55")
        assert metrics.point_change(D("75"), None) is None


class TestWords:
    @pytest.mark.parametrize(
        ("growth", "official", "points", "percent", "text"),
        [
            (D("31.30"), True, False, False, "31.3"),
            (D("31.30"), True, False, True, "31.3%"),
            (D("22.27"), False, False, False, "22.27（计算）"),
            (D("22.27"), False, False, True, "22.27%（计算）"),
            (D("-5.8"), False, False, False, "-5.80（计算）"),
            (None, False, False, False, "未公布"),
            (D("2.1"), True, True, False, "提高2.1个百分点"),
            (D("2.10"), False, True, False, "提高2.10个百分点（计算）"),
            (D("-1.55"), False, True, True, "降低1.55个百分点（计算）"),
            (D("0"), False, True, False, "持平（计算）"),
        ],
    )
    def test_growth_text(self, growth, official, points, percent, text):
        assert (
            glossary.growth_text(growth, official=official, points=points, percent=percent) == text
        )

    def test_growth_source(self):
        assert glossary.growth_source(D("1"), official=True) == "公布"
        assert glossary.growth_source(D("1"), official=False) == "计算"
        assert glossary.growth_source(None, official=False) == "未公布"
        assert glossary.growth_source(D("1"), official=False, points=True) == "计算（个百分点）"

    def test_completion_text(self):
        assert glossary.completion_text(D("93.63"), published=True) == "93.63%（公布）"
        assert glossary.completion_text(D("93.63"), published=True, percent=False) == (
            "93.63（公布）"
        )
        assert glossary.completion_text(D("88.866")) == "88.87%"
        assert glossary.completion_text(None, published=True) == "—"
