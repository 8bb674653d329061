"""Accessibility of the entry screens and the charts, read from the served HTML (no browser):
every visible input has an accessible name, each inline error is tied to its field by an id
that exists, a refusal is an alert that takes the focus and a success a status, the reviewer
reads the month as text, and every dashboard chart has a table carrying its facts.

The browser check (tests/e2e/test_accessibility.py) runs axe-core on the same pages."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from bs4 import BeautifulSoup

from accounts.roles import Role
from dashboard import charts
from plans.services import project_create
from tests.factories import IndicatorFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db
REPORT = "/admin/indicators/figure/report/"
PROGRESS = "/admin/plans/progressreport/report/"
IMPORT = "/admin/indicators/figure/import/"


@pytest.fixture
def indicators(office_a, town):
    return [
        IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town]),
        IndicatorFactory(
            code="firms", name="走访企业", office=office_a, places=[town], unit="firm"
        ),
    ]


@pytest.fixture
def report_url(office_a):
    return f"{REPORT}?office={office_a.pk}&period=2024-09"


def soup(page) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(page.text, "html.parser")


def entry_form(page):  # type: ignore[no-untyped-def]
    return next(form for form in page.forms.values() if "rows-0-value" in form.fields)


def unnamed_inputs(html: BeautifulSoup) -> list[str]:
    """Visible inputs, selects and textareas with no <label for>, aria-label or
    aria-labelledby (wrapping labels count too), as their name attributes."""
    labelled = {label["for"] for label in html.find_all("label", attrs={"for": True})}
    missing = []
    for field in html.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type") in ("hidden", "submit", "button"):
            continue
        named = (
            field.get("id") in labelled
            or (field.get("aria-label") or "").strip()
            or field.get("aria-labelledby")
            or field.find_parent("label") is not None
        )
        if field.get("aria-labelledby"):
            ids = field["aria-labelledby"].split()
            named = all(html.find(id=id_) is not None for id_ in ids)
        if not named:
            missing.append(field.get("name", "?"))
    return missing


def test_every_input_of_the_monthly_report_is_named_after_its_indicator(
    django_app, clerk, indicators, report_url, october_2024
):
    html = soup(django_app.get(report_url, user=clerk))
    assert unnamed_inputs(html) == []
    names = [field["aria-label"] for field in html.select("table.report-table [aria-label]")]
    assert names == [
        "规上工业产值（亿元）",
        "规上工业产值 同比增长（%）",
        "规上工业产值 情况说明",
        "走访企业（家）",
        "走访企业 同比增长（%）",
        "走访企业 情况说明",
    ]


def test_each_error_is_tied_to_its_field_and_the_refusal_takes_the_focus(
    django_app, clerk, indicators, report_url, october_2024
):
    page = django_app.get(report_url, user=clerk)
    form = entry_form(page)
    form["rows-0-value"] = "29.7.4"
    form["rows-1-growth"] = "abc"
    html = soup(form.submit())

    invalid = html.select("[aria-invalid=true]")
    assert sorted(field["name"] for field in invalid) == ["rows-0-value", "rows-1-growth"]
    for field in invalid:
        described = [html.find(id=id_) for id_ in field["aria-describedby"].split()]
        assert all(described), field["aria-describedby"]
        text = " ".join(element.get_text() for element in described)
        assert ("“29.7.4”不是有效的数字" if field["name"] == "rows-0-value" else "“abc”") in text
    # Every aria-describedby on the page points at something that exists.
    for field in html.select("[aria-describedby]"):
        assert all(html.find(id=id_) for id_ in field["aria-describedby"].split())

    alerts = html.select(".messagelist [role=alert]")
    assert [alert.get_text() for alert in alerts] == [
        "有数据填写不正确，全部未保存。请按提示修改后重新保存。"
    ]
    assert alerts[0].has_attr("autofocus") and alerts[0]["tabindex"] == "-1"
    assert len(html.select("[autofocus]")) == 1


def test_a_success_is_a_status(django_app, clerk, indicators, report_url, october_2024):
    form = entry_form(django_app.get(report_url, user=clerk))
    form["rows-0-value"] = "29.74"
    page = form.submit().follow()
    html = soup(page)
    assert [s.get_text() for s in html.select(".messagelist [role=status]")] == [
        "已保存：新增1条，修改0条，修订0条。"
    ]
    assert html.select("[role=alert]") == [] and html.select("[autofocus]") == []


def test_the_reviewer_reads_the_month_as_text(django_app, office_a, indicators, report_url):
    reviewer = UserFactory(username="head_a", office=office_a, roles=[Role.REVIEWER])
    html = soup(django_app.get(report_url, user=reviewer))
    assert html.select("table.report-table input, table.report-table textarea") == []
    assert html.select("table.report-table tbody tr")  # the rows are there, as text
    assert unnamed_inputs(html) == []


def test_every_input_of_the_monthly_progress_form_is_named(
    django_app, clerk, office_a, indicators, october_2024
):
    project_create(code="late", name="后冯区块", type="industry", office=office_a)
    TaskFactory(title="朱溪港两侧土地征收", office=office_a, quantity=D("1300"))
    html = soup(django_app.get(f"{PROGRESS}?office={office_a.pk}&period=2024-09", user=clerk))
    assert unnamed_inputs(html) == []
    names = {field["aria-label"] for field in html.select("table.report-table [aria-label]")}
    assert {
        "后冯区块 本年累计投资（万元）",
        "后冯区块 存在问题",
        "朱溪港两侧土地征收 下步打算",
    } <= names
    assert "朱溪港两侧土地征收 累计完成数量" in names


def test_the_excel_upload_is_labelled_and_a_refusal_is_tied_to_it(django_app, clerk, indicators):
    page = django_app.get(IMPORT, user=clerk)
    html = soup(page)
    assert unnamed_inputs(html) == []
    upload = html.find("input", type="file")
    assert html.find("label", attrs={"for": upload["id"]}).get_text().startswith("填好的模板")

    form = next(form for form in page.forms.values() if "file" in form.fields)
    form["file"] = ("月报.xlsx", b"not a workbook")
    html = soup(form.submit())
    upload = html.find("input", type="file")
    assert upload["aria-invalid"] == "true"
    refusal = html.find(id=upload["aria-describedby"])
    assert refusal["role"] == "alert" and refusal.has_attr("autofocus")
    assert "文件未导入" in refusal.get_text()


def test_every_dashboard_chart_has_a_table_of_its_facts(leader_client, town_data, plan_data):
    html = BeautifulSoup(leader_client.get("/?period=2024-09").content, "html.parser")
    captions = [
        details.find("caption").get_text()
        for details in html.select(".chart-grid details.chart-data")
        if details.find("caption")
    ]
    assert captions == [
        "规上工业产值（亿元）累计走势",
        "同比增长（%）",
        "重点项目阶段进度（今天：2024-10-15）",
        "工作任务进展（按板块，项）",
    ]


def test_the_chart_tables_print_the_charts_values(leader_client, town_data, plan_data):
    context = leader_client.get("/?period=2024-09").context
    tables, figures = context["chart_tables"], context["charts"]

    growth = tables["growth"]
    bars = figures["growth"]["data"][0]
    assert [name for name, _cells in growth.rows] == bars["y"]
    assert [float(cells[0].rstrip("%")) for _name, cells in growth.rows] == bars["x"]
    assert growth.rows[0] == ("规上工业产值", ["31.3"])

    gantt = dict(tables["gantt"].rows)
    assert gantt == {
        "后冯区块": ["谋划（已完成，2024-03-01）；政策处理/征地（已逾期，2024-06-30）"]
    }

    tasks = tables["tasks"]
    assert tasks.headers == ["板块", "已完成", "超序时", "按序时", "滞后", "未填报"]
    drawn = {trace["name"]: trace["y"] for trace in figures["tasks"]["data"]}
    for index, (_label, cells) in enumerate(tasks.rows):
        assert [int(cell) for cell in cells] == [
            drawn[str(s.label)][index] for s in charts.TASK_STATES
        ]


def test_the_indicator_page_has_the_path_table(leader_client, town_data):
    html = BeautifulSoup(leader_client.get("/indicators/output/").content, "html.parser")
    table = html.select_one("details.chart-data table")
    assert table.find("caption").get_text() == "规上工业产值（亿元）累计走势"
    nine = [cell.get_text() for cell in table.find("th", string="9月").parent.find_all("td")]
    assert nine == ["29.74", "25", "27"]
