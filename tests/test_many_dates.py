"""The main pages on the seeded database (the document's figures and the demo data generated
up to the day), at four dates: in January (the month being reported is last December, the
year-to-date 1-12月), at the end of November, and in March of a later year (the 1-2月 combined
report). Nothing in the code may name a year: every page must follow the clock.

At each date a clerk fills the month being reported on 月报填报 (the page's own form), and each
role then opens the pages it may open; each page says its period: the dashboard, the board and
the briefing the latest month with figures (the demo data stops before the month being
reported, so that month is the one the clerk adds), the report form and the 待办 page the month
being reported."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import override_settings
from openpyxl import load_workbook

from accounts.models import Office
from accounts.roles import Role
from indicators import periods
from indicators.models import Figure, Indicator, Place
from indicators.views import asked_rows
from plans.models import Project, Task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_CODE = "jjfzb"  # 经济发展办, the seed's office with the most indicators

# (the clock, the month being reported and its label, the latest month of the demo figures)
DATES = [
    pytest.param(datetime(2025, 1, 5, 10, tzinfo=SHANGHAI), (2024, 12), "2024年1-12月",
                 "2024年1-11月", id="2025-01-05"),
    pytest.param(datetime(2026, 11, 30, 10, tzinfo=SHANGHAI), (2026, 10), "2026年1-10月",
                 "2026年1-9月", id="2026-11-30"),
    pytest.param(datetime(2027, 1, 5, 10, tzinfo=SHANGHAI), (2026, 12), "2026年1-12月",
                 "2026年1-11月", id="2027-01-05"),
    # 1-2月 is reported together in March: the demo's last monthly figures are of 1-12月.
    pytest.param(datetime(2027, 3, 5, 10, tzinfo=SHANGHAI), (2027, 2), "2027年1-2月",
                 "2026年1-12月", id="2027-03-05"),
]  # fmt: skip


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def _title(response) -> str:
    return _soup(response).title.get_text(strip=True)


def _fill_the_month(django_app, clerk, office: Office) -> tuple[str, Decimal]:
    """The clerk types one figure of the month being reported on 月报填报 and saves it (ticking
    我已核对 when the page asks): (the indicator's code, the value typed)."""
    page = django_app.get("/admin/indicators/figure/report/", user=clerk)
    form = next(f for f in page.forms.values() if "rows-0-value" in f.fields)
    rows, _not_asked = asked_rows(office, *periods.reporting_period())
    # A year-to-date indicator with a figure a year earlier: a tenth more than it.
    index, row = next(
        (i, r)
        for i, r in enumerate(rows)
        if r.indicator.is_cumulative and r.last_year is not None and r.figure is None
    )
    value = (row.last_year.value * Decimal("1.1")).quantize(
        Decimal(1).scaleb(-row.indicator.decimals)
    )
    form[f"rows-{index}-value"] = str(value)
    saved = form.submit("_save" if "_save" in form.fields else None)
    if saved.status_int == 200 and "confirm_warnings" in saved.text:
        again = next(f for f in saved.forms.values() if "confirm_warnings" in f.fields)
        again["confirm_warnings"].checked = True
        saved = again.submit()
    assert saved.status_int == 302, saved.text[:2000]
    return row.indicator.code, value


@pytest.mark.parametrize(("when", "reporting", "reporting_label", "demo_label"), DATES)
def test_every_main_page_follows_the_clock(
    when, reporting, reporting_label, demo_label, django_app, migration_rows
):
    with time_machine.travel(when):
        assert periods.reporting_period() == reporting
        assert periods.period_label(*reporting) == reporting_label
        call_command("seed", verbosity=0)
        # The demo data is made only in development. Only around the command: pytest-django's
        # `settings` fixture would outlive django-webtest's patch of DEBUG_PROPAGATE_EXCEPTIONS
        # and restore it as True for the tests after this one.
        with override_settings(DEBUG=True):
            call_command("demo_data", verbosity=0)
        office = Office.objects.get(code=OFFICE_CODE)
        # Made on the day: a password is as old as the clock says.
        clerk = UserFactory(username="many_clerk", office=office, roles=[Role.CLERK])
        reviewer = UserFactory(username="many_reviewer", office=office, roles=[Role.REVIEWER])
        leader = UserFactory(username="many_leader", roles=[Role.LEADER])
        admin = UserFactory(username="many_admin", roles=[Role.ADMIN])

        # Before the month is filled, the dashboard shows the latest month with figures.
        before = django_app.get("/", user=leader)
        assert before.status_int == 200
        assert _title(before) == f"领导驾驶舱 · {demo_label}"

        # 月报填报 opens on the month being reported, 1-2月 in March.
        form_page = django_app.get("/admin/indicators/figure/report/", user=clerk)
        assert form_page.html.h1.get_text(strip=True) == "月报填报"
        assert form_page.html.find("h2", string=f"经济发展办 · {reporting_label}")
        code, value = _fill_the_month(django_app, clerk, office)
        assert Figure.objects.get(
            indicator__code=code, place__level=Place.Level.TOWN, year=reporting[0],
            month=reporting[1],
        ).value == value  # fmt: skip

        # The reviewer reads the same month (月报审核); a leader may not open the form.
        review = django_app.get("/admin/indicators/figure/report/", user=reviewer)
        assert review.html.h1.get_text(strip=True) == "月报审核"
        assert review.html.find("h2", string=f"经济发展办 · {reporting_label}")
        refused = django_app.get("/admin/indicators/figure/report/", user=leader, status=403)
        assert refused.status_int == 403
        admin_form = django_app.get("/admin/indicators/figure/report/", user=admin)
        assert admin_form.html.find("h2", string=re.compile(f" · {reporting_label}$"))

        project = (
            Project.objects.filter(office=office, is_active=True, reports__isnull=False)
            .order_by("pk")
            .first()
        )
        task = Task.objects.filter(office=office).order_by("pk").first()
        assert project is not None and task is not None
        reporting_value = f"{value:,.{len(str(value).partition('.')[2])}f}"
        for user in (clerk, reviewer, leader, admin):
            _pages_of(django_app, user, reporting, reporting_label, code, reporting_value)
            _detail_pages(django_app, user, project, task, reporting)
            _exports(django_app, user, reporting, reporting_label, code, value)


def _pages_of(django_app, user, reporting, label, code, value_text) -> None:
    """The dashboard, the board, the indicator's page, 待办 and the briefing: each names the
    month being reported, now the latest with figures, and shows the figure typed."""
    index = django_app.get("/", user=user)
    assert _title(index) == f"领导驾驶舱 · {label}"
    progress = periods.period_label(*reporting)  # the subtitle: the period and 时序进度
    subtitle = index.html.find("p", class_="subtitle").get_text(" ", strip=True)
    time_progress = f"{Decimal(reporting[1]) * 100 / 12:.2f}"
    assert subtitle.startswith(progress) and subtitle.endswith(f"{time_progress}%"), subtitle
    table = index.html.find("table", id="indicator-table")
    assert table is not None
    # The table pages 30 rows at a time: the row is looked for on the page sorted by name.
    with_columns = django_app.get(
        f"/?period={periods.format_period(*reporting)}&cols=prev,delta&per_page=100", user=user
    )
    row = next(
        tr
        for tr in with_columns.html.find("table", id="indicator-table").find("tbody").find_all("tr")
        if tr.find("a") and tr.find("a")["href"] == f"/indicators/{code}/"
    )
    assert row.find("td", class_="col-value").get_text(strip=True) == value_text
    assert row.find("td", class_="col-prev").get_text(strip=True) not in ("", "—")

    board = django_app.get("/board/", user=user)
    assert _title(board) == f"挂图作战 · {label}"

    indicator = django_app.get(f"/indicators/{code}/", user=user)
    assert indicator.status_int == 200
    assert label in indicator.text and value_text in indicator.text

    # 待办 names the month an office reports (2027年2月 in March), as 报送情况 does.
    todo = django_app.get("/todo/", user=user)
    subtitle = todo.html.find("p", class_="subtitle").get_text(" ", strip=True)
    month = periods.period_label(*reporting, cumulative=False)
    assert f"正在报送 {month}" in subtitle, subtitle

    briefing = django_app.get("/reports/briefing/", user=user)
    assert briefing.html.h1.get_text(strip=True) == f"下各镇{label}经济运行简报"


def _detail_pages(django_app, user, project, task, reporting) -> None:
    """A project's and a task's pages: their months of progress, none after the one being
    reported (the demo's last is the month before it)."""
    page = django_app.get(f"/projects/{project.pk}/", user=user)
    assert page.html.h1.get_text(strip=True) == project.name
    reports = page.html.find("h2", string="月度进展").find_next("table")
    months = [tr.find("td").get_text(strip=True) for tr in reports.find("tbody").find_all("tr")]
    assert months and max(months) <= periods.format_period(*reporting), months
    page = django_app.get(f"/tasks/{task.pk}/", user=user)
    assert page.html.h1.get_text(strip=True) == task.title


def _exports(django_app, user, reporting, label, code, value) -> None:
    """The dashboard's CSV and Excel and the briefing's Word file, of the latest month; the
    数据管理 export of a year's figures."""
    period = periods.format_period(*reporting)
    csv_file = django_app.get("/?_export=csv", user=user)
    assert period in csv_file.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(csv_file.body.decode("utf-8-sig"))))
    assert {row[2] for row in rows[1:]} >= {label}
    xlsx = django_app.get("/?_export=xlsx", user=user)
    sheet = load_workbook(io.BytesIO(xlsx.body))["经济指标"]
    assert sheet["A1"].value == f"下各镇经济指标完成情况表（{label}）"
    docx = django_app.get("/reports/briefing/?format=docx", user=user)
    assert f"briefing-{period}.docx" in docx.headers["Content-Disposition"]
    year_book = django_app.get(f"/admin/indicators/figure/export/?year={reporting[0]}", user=user)
    assert year_book.status_int == 200
    # The figure typed, in its indicator's row of the year's workbook.
    name = Indicator.objects.get(code=code).name
    rows = [
        [cell.value for cell in row]
        for sheet in load_workbook(io.BytesIO(year_book.body)).worksheets
        for row in sheet.iter_rows()
    ]
    found = [row for row in rows if name in row]
    assert any(float(value) in row for row in found), (found, value)
