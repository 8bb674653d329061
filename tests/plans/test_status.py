"""Targets against time progress, and the overdue rules, with hand-checked numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from indicators.models import Indicator
from plans import status
from plans.status import StageState, Status, TaskState, target_progress


def indicator(kind: str = "ytd", direction: str = "higher") -> Indicator:
    return Indicator(name="测试", kind=kind, direction=direction, decimals=2)


def progress(ind=None, **kwargs):
    defaults = {"indicator": ind or indicator(), "year": 2024}
    return target_progress(**{**defaults, **kwargs})


class TestAmountTargets:
    def test_ahead_of_time_progress(self):
        # 1-9月 29.74 against 36: 82.61% done, 75% of the year gone, 7.61 points ahead.
        result = progress(target_kind="amount", target_value=D("36"), month=9, value=D("29.74"))
        assert result.status == Status.AHEAD and result.label == "超序时"
        assert (result.completion_rate, result.time_progress, result.gap) == (
            D("82.61"),
            D("75.00"),
            D("7.61"),
        )
        assert result.tone == "good"

    def test_behind_time_progress(self):
        result = progress(target_kind="amount", target_value=D("1.8263"), month=10, value=D("1.71"))
        # 93.63% done at 83.33% of the year would be ahead; at 1-10月 it is.
        assert result.status == Status.AHEAD and result.gap == D("10.30")
        result = progress(target_kind="amount", target_value=D("50"), month=9, value=D("29.74"))
        assert result.status == Status.BEHIND and result.label == "滞后"
        assert (result.completion_rate, result.gap) == (D("59.48"), D("-15.52"))
        assert result.tone == "bad"

    def test_the_first_report_of_a_year_is_1_2_month(self):
        # 1-2月: 16.67% of the year; 7 of 40 is 17.50%, 0.83 points ahead.
        result = progress(target_kind="amount", target_value=D("40"), month=2, value=D("7"))
        assert (result.status, result.time_progress, result.gap) == (
            Status.AHEAD,
            D("16.67"),
            D("0.83"),
        )
        result = progress(target_kind="amount", target_value=D("40"), month=2, value=D("6.6"))
        assert (result.status, result.completion_rate, result.gap) == (
            Status.BEHIND,
            D("16.50"),
            D("-0.17"),
        )

    def test_the_whole_years_target_reached_early(self):
        result = progress(target_kind="amount", target_value=D("30"), month=11, value=D("31"))
        assert result.status == Status.MET and result.completion_rate == D("103.33")

    def test_a_lower_is_better_ceiling_counts_the_other_way(self):
        ceiling = indicator(direction="lower")
        # 信访 1-9月 100 of a ceiling of 150 a year: 66.67% used at 75% of the year: ahead.
        result = progress(
            ceiling, target_kind="amount", target_value=D("150"), month=9, value=D("100")
        )
        assert (result.status, result.completion_rate, result.gap) == (
            Status.AHEAD,
            D("66.67"),
            D("8.33"),
        )
        result = progress(
            ceiling, target_kind="amount", target_value=D("150"), month=6, value=D("90")
        )
        assert (result.status, result.gap) == (Status.BEHIND, D("-10.00"))
        result = progress(
            ceiling, target_kind="amount", target_value=D("150"), month=9, value=D("151")
        )
        assert result.status == Status.NOT_MET and result.label == "未达标"

    def test_a_target_of_zero_is_met_only_by_zero(self):
        accidents = indicator(direction="lower")
        met = progress(accidents, target_kind="amount", target_value=D("0"), month=9, value=D("0"))
        assert met.status == Status.MET and met.completion_rate is None
        missed = progress(
            accidents, target_kind="amount", target_value=D("0"), month=9, value=D("1")
        )
        assert missed.status == Status.NOT_MET

    def test_a_stock_is_met_or_not_against_the_target_itself(self):
        rate = indicator(kind="stock")
        result = progress(
            rate, target_kind="amount", target_value=D("80"), month=9, value=D("76.55")
        )
        assert (result.status, result.completion_rate, result.time_progress, result.gap) == (
            Status.NOT_MET,
            D("95.69"),
            None,
            D("-4.31"),
        )
        result = progress(
            rate, target_kind="amount", target_value=D("75"), month=3, value=D("76.55")
        )
        assert result.status == Status.MET


class TestGrowthTargets:
    def test_the_published_growth_against_the_target_growth(self):
        result = progress(
            target_kind="growth",
            target_value=D("10"),
            month=9,
            value=D("29.74"),
            official_growth=D("31.3"),
            last_year_value=D("25"),
        )
        assert (result.status, result.label, result.gap, result.growth) == (
            Status.ABOVE,
            "高于目标增速",
            D("21.30"),
            D("31.3"),
        )
        assert result.growth_is_official

    def test_a_computed_growth_is_used_and_flagged_when_none_was_published(self):
        result = progress(
            target_kind="growth",
            target_value=D("20"),
            month=9,
            value=D("29.74"),
            last_year_value=D("25"),
        )
        # 29.74 / 25 − 1 = 18.96%: 1.04 points short of 20%.
        assert (result.status, result.gap, result.growth) == (
            Status.BELOW,
            D("-1.04"),
            D("18.96"),
        )
        assert not result.growth_is_official

    def test_no_growth_to_compare(self):
        result = progress(target_kind="growth", target_value=D("10"), month=9, value=D("29.74"))
        # A reported figure with no growth to compare is not 未填报 (the card showed 未填报
        # beside a reported 6.39亿元): its growth was not published, nor can it be computed.
        assert result.status == Status.GROWTH_UNPUBLISHED and result.label == "同比未公布"

    def test_a_lower_is_better_growth_target(self):
        # Energy use per unit of output to fall 3%: a fall of 4.5% beats it by 1.5 points.
        energy = indicator(direction="lower")
        result = progress(
            energy,
            target_kind="growth",
            target_value=D("-3"),
            month=9,
            value=D("1"),
            official_growth=D("-4.5"),
        )
        assert (result.status, result.gap) == (Status.ABOVE, D("1.50"))


class TestFloorAndMilestoneTargets:
    def test_a_floor_reached(self):
        # 小升规企业2家以上: 3 by September.
        result = progress(target_kind="floor", target_value=D("2"), month=9, value=D("3"))
        assert (result.status, result.completion_rate) == (Status.MET, D("150.00"))

    def test_a_floor_not_yet_reached_is_read_against_time(self):
        result = progress(target_kind="floor", target_value=D("2"), month=9, value=D("1"))
        assert (result.status, result.completion_rate, result.gap) == (
            Status.BEHIND,
            D("50.00"),
            D("-25.00"),
        )
        result = progress(target_kind="floor", target_value=D("2"), month=5, value=D("1"))
        assert (result.status, result.gap) == (Status.AHEAD, D("8.33"))

    def test_a_milestone(self):
        done = progress(
            target_kind="milestone",
            target_value=None,
            achieved_on=date(2024, 9, 20),
            month=9,
            value=None,
        )
        assert done.status == Status.DONE and done.label == "已完成"
        later = progress(
            target_kind="milestone",
            target_value=None,
            achieved_on=date(2024, 10, 2),
            month=9,
            value=None,
        )
        assert later.status == Status.NOT_DONE

    def test_no_target_and_no_data(self):
        assert (
            progress(target_kind=None, target_value=None, month=9, value=D("1")).label == "无目标"
        )
        result = progress(target_kind="amount", target_value=D("5"), month=9, value=None)
        assert result.status == Status.NO_DATA and result.tone == "neutral"


class TestOverdueRules:
    def test_a_stage_past_its_planned_date_and_not_done_is_overdue(self):
        on = date(2024, 6, 1)
        assert status.stage_is_overdue(planned_date=date(2024, 5, 31), completed=False, on=on)
        assert not status.stage_is_overdue(planned_date=date(2024, 6, 1), completed=False, on=on)
        assert not status.stage_is_overdue(planned_date=date(2024, 5, 1), completed=True, on=on)
        assert not status.stage_is_overdue(planned_date=None, completed=False, on=on)

    def test_investment_behind_time_progress(self):
        # 600 of 1200 万元 by September: 50% against 75%: 25 points behind.
        assert status.investment_gap(investment_ytd=D("600"), planned=D("1200"), month=9) == D(
            "-25.00"
        )
        assert status.investment_gap(investment_ytd=D("1"), planned=None, month=9) is None

    def test_a_task_behind_its_quantity_path(self):
        year_end = date(2024, 12, 31)
        # 1300亩 by year end: 975 due by September; 900 is behind, 1000 is not.
        assert status.task_expected_share(deadline=year_end, year=2024, month=9) == D("75.00")
        assert status.task_is_behind(
            quantity=D("1300"),
            done=D("900"),
            percent_done=None,
            deadline=year_end,
            year=2024,
            month=9,
        )
        assert not status.task_is_behind(
            quantity=D("1300"),
            done=D("1000"),
            percent_done=None,
            deadline=year_end,
            year=2024,
            month=9,
        )

    def test_a_task_exactly_at_its_pace_is_on_pace(self):
        # 974.99 of 1300亩 is 74.9992%, shown as 75.00% against a 75.00% pace: the shown rate
        # decides, so it is 按序时 (the unrounded one called it 滞后 beside "75.00%").
        def at(done: str) -> status.TaskProgress:
            return status.task_progress(
                reported=True,
                quantity=D("1300"),
                done=D(done),
                percent_done=None,
                deadline=date(2024, 12, 31),
                year=2024,
                month=9,
            )

        on_pace = at("974.99")
        assert (on_pace.state, on_pace.label, on_pace.tone) == (TaskState.ON_PACE, "按序时", "good")
        assert (on_pace.rate, on_pace.expected) == (D("75.00"), D("75.00"))
        assert at("974.90").state == TaskState.BEHIND and at("974.90").label == "滞后"
        assert at("1000").state == TaskState.AHEAD and at("1000").label == "超序时"
        assert at("1300").state == TaskState.DONE and at("1300").label == "已完成"
        unreported = status.task_progress(
            reported=False,
            quantity=D("1300"),
            done=None,
            percent_done=None,
            deadline=date(2024, 12, 31),
            year=2024,
            month=9,
        )
        assert (unreported.label, unreported.tone) == ("未填报", "neutral")

    def test_an_indicator_exactly_at_time_progress_is_on_pace(self):
        # 27 of 36 by September is 75.00% of a 75.00% time progress.
        result = progress(target_kind="amount", target_value=D("36"), month=9, value=D("27"))
        assert (result.status, result.label, result.gap) == (Status.ON_PACE, "按序时", D("0.00"))
        assert result.gap_label == "按序时"

    def test_a_stock_has_no_time_progress_and_a_missing_figure_is_not_filled(self):
        stock = indicator(kind="stock")
        no_figure = status.target_progress(
            indicator=stock, target_kind=None, target_value=None, year=2024, month=9, value=None
        )
        assert (no_figure.label, no_figure.time_progress) == ("未填报", None)
        reported = status.target_progress(
            indicator=stock, target_kind=None, target_value=None, year=2024, month=9, value=D("1")
        )
        assert (reported.label, reported.time_progress) == ("无目标", None)

    def test_stage_and_item_states_have_words_and_tones(self):
        on = date(2024, 9, 30)
        overdue = status.stage_state(planned_date=date(2024, 6, 30), completed=False, on=on)
        assert (overdue, overdue.label, overdue.tone) == (StageState.OVERDUE, "已逾期", "bad")
        assert status.stage_state(planned_date=None, completed=False, on=on).label == "未排期"
        item = status.item_state(resolved=False, due_date=date(2024, 9, 1), on=on)
        assert (item.label, item.tone) == ("已逾期", "bad")
        assert status.item_state(resolved=True, due_date=date(2024, 9, 1), on=on).label == "已办结"
        assert status.judged_on(2023, 9, date(2026, 11, 30)) == date(2023, 9, 30)
        assert status.judged_on(2026, 11, date(2026, 11, 15)) == date(2026, 11, 15)

    def test_a_task_due_mid_year_follows_a_steeper_path(self):
        june = date(2024, 6, 30)
        assert status.task_expected_share(deadline=june, year=2024, month=3) == D("50.00")
        assert status.task_expected_share(deadline=june, year=2024, month=7) == D("100")
        assert status.task_is_behind(
            quantity=None, done=None, percent_done=D("40"), deadline=june, year=2024, month=3
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Status.AHEAD, "good"), (Status.BEHIND, "bad"), (Status.NO_TARGET, "neutral")],
)
def test_tone_is_a_second_signal(value, expected):
    assert status.tone(value) == expected
