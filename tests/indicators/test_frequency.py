"""Reporting frequency (issue 17, item 3): an indicator owes a figure only in the months it
reports (月报 2-12, 季报 3 6 9 12, 半年报 6 12, 年报 12), and a month still running owes nothing.

The rule (indicators.periods) and what follows it: the monthly report form and its Excel
template, an office's 报送情况 (未报送, late), the 待办 page and the reminders, the seed's 年报
indicators, their migration and the demo data. The dashboard's side is
tests/dashboard/test_frequency.py.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal as D
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.roles import Role
from inbox.reminders import due_reminders
from indicators import periods
from indicators.models import Figure, Frequency, Indicator, MonthReview, Place
from tests.factories import FigureFactory, IndicatorFactory, OfficeFactory, UserFactory
from tests.indicators.frequency_world import SHANGHAI, FrequencyWorld, build

pytestmark = pytest.mark.django_db
REPORT = "/admin/indicators/figure/report/"
TEMPLATE = "/admin/indicators/figure/import/template/"

MONTHLY = Frequency.MONTHLY.months
QUARTERLY = Frequency.QUARTERLY.months
HALF_YEARLY = Frequency.HALF_YEARLY.months
YEARLY = Frequency.YEARLY.months


def clock(*args: int):  # type: ignore[no-untyped-def]
    return time_machine.travel(datetime(*args, 10, 0, tzinfo=SHANGHAI), tick=False)  # type: ignore[misc]


@pytest.fixture
def world(migration_rows) -> FrequencyWorld:
    return build()


# --- the rule ------------------------------------------------------------------------------


def test_the_months_each_frequency_reports():
    assert [m for m in range(1, 13) if periods.reports_in(MONTHLY, m)] == list(range(2, 13))
    assert [m for m in range(1, 13) if periods.reports_in(QUARTERLY, m)] == [3, 6, 9, 12]
    assert [m for m in range(1, 13) if periods.reports_in(HALF_YEARLY, m)] == [6, 12]
    assert [m for m in range(1, 13) if periods.reports_in(YEARLY, m)] == [12]


def test_the_latest_period_an_indicator_reports():
    assert periods.reported_period(QUARTERLY, 2026, 10) == (2026, 9)
    assert periods.reported_period(QUARTERLY, 2026, 11) == (2026, 9)
    assert periods.reported_period(QUARTERLY, 2026, 9) == (2026, 9)
    assert periods.reported_period(QUARTERLY, 2026, 2) == (2025, 12)
    assert periods.reported_period(HALF_YEARLY, 2026, 10) == (2026, 6)
    assert periods.reported_period(YEARLY, 2026, 10) == (2025, 12)
    assert periods.reported_period(MONTHLY, 2026, 10) == (2026, 10)
    assert periods.reported_period(MONTHLY, 2026, 1) == (2025, 12)  # 1-2月 is reported together


def test_a_month_still_running_owes_nothing():
    today = date(2026, 11, 30)
    assert periods.owes_figure(MONTHLY, 2026, 10, today)
    assert not periods.owes_figure(MONTHLY, 2026, 11, today)  # the current month
    assert not periods.owes_figure(MONTHLY, 2026, 12, today)  # a later one
    assert not periods.owes_figure(QUARTERLY, 2026, 10, today)
    assert periods.owes_figure(QUARTERLY, 2026, 9, today)
    assert not periods.owes_figure(MONTHLY, 2026, 1, date(2026, 3, 1))  # no January of its own


# --- the done-when case: a 季报 indicator in October and November --------------------------


def _office_reports(page) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """{office: (state words, due words)} of the 待办 page's 报送情况."""
    return {
        li.select_one("a, span").get_text(strip=True): (
            li.select_one(".state").get_text(strip=True),
            li.select_one(".due").get_text(strip=True),
        )
        for li in page.html.select("ul.reports li")
    }


def _todo_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.get_text(strip=True) for a in page.html.select("ul.items li.item .title a")]


@pytest.mark.parametrize(
    ("today", "reported", "state"),
    [
        # 15 October: September is being reported, and was handed in and reviewed.
        ((2026, 10, 15), "2026年9月", "已审核"),
        # 20 November: October is being reported; 粮食产量 (季报) owes no October figure.
        ((2026, 11, 20), "2026年10月", "本月无需报送"),
    ],
)
def test_a_quarterly_office_is_neither_unreported_nor_late_in_october_or_november(
    django_app, world, today, reported, state
):
    with clock(*today):
        page = django_app.get("/todo/", user=world.leader)
        assert f"正在报送 {reported}" in page.text
        assert _office_reports(page)["农业农村办"] == (state, "截止" + _due_words(reported))
        assert not any("农业农村办" in title for title in _todo_titles(page))
        clerk_page = django_app.get("/todo/", user=world.farm_clerk)
        assert not any("月报" in title for title in _todo_titles(clerk_page))
        assert _office_reports(clerk_page) == {"农业农村办": (state, "截止" + _due_words(reported))}
        reminders = due_reminders(date(*today))
    assert not [r for r in reminders if r.office == world.farming]


def report_form(page):  # type: ignore[no-untyped-def]
    """The 月报填报 page's own form (the one holding the rows' management form)."""
    return next(form for form in page.forms.values() if "rows-TOTAL_FORMS" in form.fields)


def _due_words(reported: str) -> str:
    return {"2026年9月": "10月10日", "2026年10月": "11月10日"}[reported]


def test_an_office_owing_other_figures_is_late_for_them_only(django_app, world):
    """经济发展办 owes 规上工业产值 (月报) for October, not 地区生产总值 (季报)."""
    with clock(2026, 11, 20):
        page = django_app.get("/todo/", user=world.leader)
        assert _office_reports(page)["经济发展办"] == ("未报送", "逾期10天")
        assert "经济发展办：未报送" in _todo_titles(page)
        reminders = due_reminders(date(2026, 11, 20))
    assert [r.title for r in reminders if r.office == world.economy] == [
        "经济发展办2026年10月月报已逾期10天"
    ]


def test_the_report_form_asks_only_for_the_indicators_that_report_this_month(django_app, world):
    with clock(2026, 11, 20):
        page = django_app.get(
            f"{REPORT}?office={world.economy.pk}&period=2026-10", user=world.clerk
        )
        inputs = [
            field.attrs.get("aria-label") for field in page.html.select("input[name$=-value]")
        ]
        assert inputs == ["规上工业产值（亿元）"]
        shown = page.html.select_one("tr.not-asked")
        assert shown.th.get_text(" ", strip=True) == "地区生产总值 季报"
        assert shown.select_one(".state").get_text(strip=True) == "本月不报（季报）"
        assert not shown.select("input")
        # Saving the page's own form saves the asked row and touches nothing else.
        form = report_form(page)
        form["rows-0-value"] = "30.5"
        saved = form.submit().follow()
        assert "已保存：新增1条，修改0条，修订0条。" in saved.text
    assert Figure.objects.get(indicator=world.output, year=2026, month=10).value == D("30.5")
    assert not Figure.objects.filter(indicator=world.gdp, year=2026, month=10).exists()


def test_the_report_form_asks_for_a_quarterly_indicator_in_its_months(django_app, world):
    with clock(2026, 10, 15):
        page = django_app.get(
            f"{REPORT}?office={world.economy.pk}&period=2026-09", user=world.clerk
        )
    # September is reviewed: the rows are read-only, and both are asked (none is set apart).
    assert not page.html.select("tr.not-asked")
    names = [
        th.get_text(" ", strip=True) for th in page.html.select("table.report-table th[scope=row]")
    ]
    assert names == ["规上工业产值", "地区生产总值"]


def test_the_excel_template_has_rows_only_for_the_indicators_that_report_this_month(
    django_app, world
):
    def codes(period: str) -> list[str]:
        url = f"{TEMPLATE}?office={world.economy.pk}&period={period}"
        response = django_app.get(url, user=world.clerk)
        assert response.status_code == 200, response.text
        book = load_workbook(io.BytesIO(response.body))
        sheet = book.worksheets[0]
        return [
            row[0]
            for row in sheet.iter_rows(values_only=True)
            if row[0] in ("industrial_output_above", "gdp")
        ]

    with clock(2026, 11, 20):
        assert codes("2026-10") == ["industrial_output_above"]
        assert codes("2026-09") == ["industrial_output_above", "gdp"]


# --- a monthly indicator owes no January; the current month is never late ------------------


@pytest.fixture
def monthly_only(migration_rows):
    """便民服务中心 reports one 月报 indicator and has no project or task."""
    world = build()
    office = OfficeFactory(code="bmfw", name="便民服务中心", order=3)
    IndicatorFactory(
        code="convenience_services",
        name="便民服务事项",
        unit="case",
        decimals=0,
        office=office,
        places=[world.town],
    )
    clerk = UserFactory(username="clerk_c", office=office, roles=[Role.CLERK])
    return office, clerk


def test_a_monthly_indicator_owes_no_january(django_app, monthly_only):
    office, clerk = monthly_only
    with clock(2026, 2, 20):  # January is being reported, and was due on 10 February
        page = django_app.get("/todo/", user=clerk)
        assert "正在报送 2026年1月" in page.text
        assert _office_reports(page) == {"便民服务中心": ("本月无需报送", "截止2月10日")}
        assert not any("2026年1月" in title for title in _todo_titles(page))
        assert not [r for r in due_reminders(date(2026, 2, 20)) if r.office == office]
        form_page = django_app.get(f"{REPORT}?office={office.pk}&period=2026-01", user=clerk)
    assert not form_page.html.select("input[name$=-value]")
    row = form_page.html.select_one("tr.not-asked")
    assert row.select_one(".state").get_text(strip=True) == "1月不单独报送（1-2月合并报送）"
    assert "本月没有需要填报的指标" in form_page.text


def test_the_month_still_running_is_never_unreported_or_late(django_app, monthly_only):
    with clock(2026, 11, 30):
        dashboard = django_app.get("/?period=2026-11", user=UserFactory(roles=[Role.LEADER]))
        reports = {
            li.strong.get_text(strip=True): li.select_one(".status").get_text(strip=True)
            for li in dashboard.html.select("li.office-report")
        }
        assert reports["便民服务中心"] == "未到报送期"
        assert "未报送" not in reports.values()
        assert not dashboard.html.select("li.office-report .status.bad")
        # October is over: it is owed, and late once 10 November has passed.
        october = django_app.get("/?period=2026-10", user=UserFactory(roles=[Role.LEADER]))
        late = {
            li.strong.get_text(strip=True): li.select_one(".status").get_text(strip=True)
            for li in october.html.select("li.office-report")
        }
        assert late["便民服务中心"] == "未报送"


def test_a_month_owing_nothing_says_so_and_cannot_be_submitted_empty(django_app, world):
    with clock(2026, 11, 20):
        page = django_app.get(
            f"{REPORT}?office={world.farming.pk}&period=2026-10", user=world.farm_clerk
        )
        assert page.html.select_one(".review-state").get_text(strip=True) == "本月无需报送"
        assert not page.html.select_one(".review-box .tag")  # no lateness, no days left
        row = page.html.select_one("tr.not-asked")
        assert row.th.get_text(" ", strip=True) == "粮食产量 季报"
        # Beside it its last figure (上期: the last quarter's) and no input.
        cells = [td.get_text(" ", strip=True) for td in row.select("td")]
        assert cells[:3] == ["吨", "1430 2026年9月", "—"]
        assert not row.select("input")
        answer = report_form(page).submit("then_submit").follow()
        assert "未报送：2026年10月尚未填写任何数据或进展，不能报送。" in answer.text
    assert not MonthReview.objects.filter(office=world.farming, year=2026, month=10).exists()


# --- the seed's 年报 indicators, their migration and the demo data -------------------------


@pytest.fixture
def seeded(migration_rows):
    call_command("seed")


def test_the_seeds_year_only_indicators_are_yearly(seeded):
    from indicators.seed import data

    only_at_12 = {
        spec["code"]
        for spec in data.INDICATORS
        if {f["month"] for f in data.FIGURES_2023 if f["indicator"] == spec["code"]} == {12}
    }
    yearly = set(Indicator.objects.filter(frequency="yearly").values_list("code", flat=True))
    assert yearly == only_at_12 == data.YEARLY
    rice = Indicator.objects.get(code="rice_demo_yield")  # 亩产: 690.1公斤/亩 "今年"
    assert (rice.frequency, rice.get_frequency_display()) == ("yearly", "年报")
    assert Indicator.objects.get(code="industrial_output_above").frequency == "monthly"
    assert all(spec["frequency"] in data.FREQUENCIES for spec in data.INDICATORS)


def test_a_yearly_seed_indicator_is_not_missing_in_october(django_app, seeded):
    """综治办 reports only 年报 indicators (网格, 信访) and has no project or task: its October
    owes nothing. 农业农村办's are all 年报 too (亩产 …), but it reports its projects monthly:
    its October is 未报送 for the projects, and no indicator is listed as 未填报."""
    with clock(2026, 11, 20):
        leader = UserFactory(roles=[Role.LEADER])
        page = django_app.get("/?period=2026-10", user=leader)
        entries = {li.strong.get_text(): li for li in page.html.select("li.office-report")}
        grid = entries["综治办"]
        assert grid.select_one(".status").get_text(strip=True) == "本月无需报送"
        assert not grid.select("details")  # nothing listed as 未填报
        farming = entries["农业农村办"]
        assert farming.select_one(".status").get_text(strip=True) == "未报送"
        missing = farming.select_one("details").get_text(" ", strip=True)
        assert "8 项未填报" in missing and "项目" in missing
        assert "指标" not in missing and "亩产" not in missing
        todo = django_app.get("/todo/", user=leader)
    assert _office_reports(todo)["综治办"] == ("本月无需报送", "截止11月10日")
    assert Indicator.objects.get(code="rice_demo_yield").office.name == "农业农村办"


def test_the_migration_makes_the_year_only_indicators_yearly(seeded):
    Indicator.objects.update(frequency="monthly")
    Indicator.objects.filter(code="grids").update(frequency="quarterly")  # an admin's choice
    migration = import_module("indicators.migrations.0010_seed_frequencies")
    migration.make_yearly(apps, None)
    assert Indicator.objects.get(code="rice_demo_yield").frequency == "yearly"
    assert Indicator.objects.get(code="petitions").frequency == "yearly"
    assert Indicator.objects.get(code="grids").frequency == "quarterly"  # kept
    assert Indicator.objects.get(code="industrial_output_above").frequency == "monthly"
    migration.make_monthly(apps, None)
    assert Indicator.objects.get(code="rice_demo_yield").frequency == "monthly"


def test_demo_figures_are_made_only_in_each_indicators_reporting_months(seeded, settings):
    settings.DEBUG = True
    town = Place.objects.get(level=Place.Level.TOWN)
    gdp = IndicatorFactory(
        code="gdp",
        name="地区生产总值",
        frequency="quarterly",
        office=Indicator.objects.get(code="industrial_output_above").office,
        places=[town],
    )
    FigureFactory(indicator=gdp, place=town, year=2023, month=9, value=D("30"))
    with clock(2026, 2, 20):  # 2026-01 is being reported: demo figures up to 2025-12
        call_command("demo_data")
    demo = Figure.objects.filter(is_demo=True)
    months = {
        code: sorted(set(demo.filter(indicator__code=code).values_list("month", flat=True)))
        for code in ("industrial_output_above", "gdp", "grids", "petitions")
    }
    assert months == {
        "industrial_output_above": list(range(2, 13)),
        "gdp": [3, 6, 9, 12],
        "grids": [12],
        "petitions": [12],
    }
    assert sorted(demo.filter(indicator__code="grids").values_list("year", flat=True)) == [
        2024,
        2025,
    ]
