"""The leaders' dashboard, its exports and charts, on hand-made data."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal as D

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dashboard import charts, selectors
from indicators import glossary
from indicators.models import Figure
from plans.models import Target
from tests.factories import FigureFactory, IndicatorFactory

pytestmark = pytest.mark.django_db
URL = "/?period=2024-09"


def test_anonymous_users_are_sent_to_login(client):
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_the_cards_show_value_growth_target_rate_gap_and_status(leader_client, town_data):
    response = leader_client.get(URL)
    assert response.status_code == 200
    data = response.context["data"]
    cards = {row.indicator.name: row for row in data.key_rows}
    output = cards["规上工业产值"]
    assert (output.value, output.growth) == (D("29.74"), (D("31.3"), True))
    assert output.target_label == "36亿元"
    assert (output.progress.completion_rate, output.progress.time_progress) == (
        D("82.61"),
        D("75.00"),
    )
    assert (output.progress.gap, output.progress.label) == (D("7.61"), "超序时")
    investment = cards["固定资产投资"]
    assert (investment.progress.gap, investment.progress.label) == (D("-25.00"), "滞后")
    assert investment.marks == ["演示数据", "已修订"]
    body = response.content.decode()
    assert "2024年1-9月 · 时序进度 75.00%" in body
    # The gap in words (超序时 / 落后序时), never a signed 差距 beside a lead.
    assert "超序时7.61个百分点" in body and "落后序时25.00个百分点" in body
    assert "差距" not in body
    assert '<p class="status good">超序时</p>' in body
    assert '<p class="status bad">滞后</p>' in body
    assert "31.3%" in body


def test_the_path_table_writes_numbers_as_the_town_does(leader_client, town_data):
    """The path chart's table: this year, last year and the target path (36 × month/12)."""
    body = leader_client.get(URL).content.decode()
    head = '<th scope="col">2024年</th><th scope="col">2023年</th><th scope="col">目标进度</th>'
    rows = body.split(head + "</tr></thead>", 1)[1].split("</tbody>", 1)[0]
    num = '<td class="num">'
    assert f'<th scope="row">8月</th>{num}26.1</td>{num}—</td>{num}24</td>' in rows
    assert f'<th scope="row">9月</th>{num}29.74</td>{num}25</td>{num}27</td>' in rows
    assert f'<th scope="row">12月</th>{num}—</td>{num}—</td>{num}36</td>' in rows


def test_the_table_lists_every_indicator_with_its_status(leader_client, town_data):
    response = leader_client.get(URL)
    table = response.context["table"]
    statuses = {row.indicator.name: row.progress.label for row in table.data}
    assert statuses == {"规上工业产值": "超序时", "固定资产投资": "滞后", "水稻面积": "无目标"}
    body = response.content.decode()
    assert '<span class="status neutral">无目标</span>' in body


def _indicator_table(body: str) -> tuple[list[tuple[str, str, str]], list[list[str]]]:
    """The indicator table as shown: (header, its class, its sort link) and each row's cells."""
    table = BeautifulSoup(body, "html.parser").find("table", id="indicator-table")
    headers = []
    for th in table.find("thead").find_all("th"):
        link = th.find("a")
        headers.append(
            (th.get_text(strip=True), " ".join(th["class"]), link["href"] if link else "")
        )
    # A row: the indicator's name (its link, without the marks beside it), then the cells.
    rows = [
        [tr.find("a").get_text(strip=True)]
        + [td.get_text(strip=True) for td in tr.find_all("td")[1:]]
        for tr in table.find("tbody").find_all("tr")
    ]
    return headers, rows


def test_the_table_sorts_with_empty_values_lowest(leader_client, town_data):
    headers, rows = _indicator_table(leader_client.get(URL + "&sort=gap").content.decode())
    assert [row[0] for row in rows] == ["水稻面积", "固定资产投资", "规上工业产值"]
    # The sorted column's link turns the order round; the page's other parameters stay.
    gap = next(header for header in headers if "col-gap" in header[1])
    assert gap[1:] == ("col-gap orderable asc", "?period=2024-09&sort=-gap")
    _headers, rows = _indicator_table(leader_client.get(URL + "&sort=-completion").content.decode())
    assert rows[0][0] == "规上工业产值"


def test_the_table_has_its_columns_and_links(leader_client, town_data):
    headers, rows = _indicator_table(leader_client.get(URL).content.decode())
    # The words are the glossary's (one term per concept).
    assert [header[0] for header in headers] == [
        "指标", "单位", "本期数", "同比增长（%）", "年度目标", "完成率（%）", "时序进度（%）",
        str(glossary.GAP_PTS), "状态", "责任科室",
    ]  # fmt: skip
    # 单位 and 年度目标 do not sort; the others do, by their own name.
    assert [href for _text, _css, href in headers] == [
        "" if name in ("unit", "target") else f"?period=2024-09&sort={name}"
        for name in (
            "name", "unit", "value", "growth", "target", "completion", "time_progress", "gap",
            "status", "office",
        )
    ]  # fmt: skip
    output = next(row for row in rows if row[0] == "规上工业产值")
    assert output[:4] == ["规上工业产值", "亿元", "29.74", "31.3"]  # as published
    body = leader_client.get(URL).content.decode()
    assert f'<a href="/indicators/{town_data["output"].code}/">规上工业产值</a>' in body


def test_filters_by_category_and_office_apply_to_the_whole_page(
    leader_client, town_data, plan_data, office_b
):
    response = leader_client.get(URL + "&category=investment")
    assert [r.indicator.name for r in response.context["data"].rows] == ["固定资产投资"]
    response = leader_client.get(URL + f"&office={office_b.pk}")
    data = response.context["data"]
    assert [r.indicator.name for r in data.rows] == ["水稻面积"]
    assert [p.project.name for p in data.projects] == ["东部农产品交易市场"]
    assert data.tasks == []
    assert [entry.office for entry in data.missing] == [office_b]


def test_a_bad_period_is_explained_and_the_latest_shown(leader_client, town_data):
    response = leader_client.get("/?period=2024-13")
    assert response.status_code == 200
    assert "月份“2024-13”不存在。" in response.content.decode()
    assert (response.context["data"].year, response.context["data"].month) == (2024, 9)
    response = leader_client.get("/?period=2030-01")
    assert "所选月份尚未到来" in response.content.decode()


def test_the_default_period_is_the_latest_month_with_figures(leader_client, town_data):
    data = leader_client.get("/").context["data"]
    assert (data.year, data.month) == (2024, 9)


def test_who_has_not_reported(leader_client, town_data, plan_data, office_a, office_b):
    FigureFactory(
        indicator=IndicatorFactory(
            office=office_a, name="规下主营业务收入", places=[town_data["output"].places.first()]
        ),
        year=2024,
        month=8,
        place=town_data["output"].places.first(),
    )
    missing = {m.office.name: m for m in leader_client.get(URL).context["data"].missing}
    assert [i.name for i in missing["经济发展办"].indicators] == ["规下主营业务收入"]
    assert [p.name for p in missing["经济发展办"].projects] == ["后冯区块"]
    assert missing["经济发展办"].tasks == []
    assert [p.name for p in missing["农业农村办"].projects] == ["东部农产品交易市场"]


def test_stuck_projects_and_the_board(leader_client, plan_data):
    data = leader_client.get(URL).context["data"]
    late = next(row for row in data.projects if row.project.name == "后冯区块")
    states = {cell.stage.name: cell.label for cell in late.cells}
    assert states["谋划"] == "已完成" and states["政策处理/征地"] == "已逾期"
    assert states["开工"] == "未排期"
    response = leader_client.get("/board/")
    body = response.content.decode()
    assert '<td class="cell overdue">已逾期<br><small>计划 2024-06-30</small></td>' in body
    assert '<td class="cell done">已完成<br><small>2024-03-01</small></td>' in body


def _board(body: str) -> list[dict]:
    """Each table of the board as read: its caption, and per project a {header: cell text}."""
    tables = []
    for table in BeautifulSoup(body, "html.parser").find_all("table", class_="board"):
        headers = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
        rows = {}
        for tr in table.find("tbody").find_all("tr"):
            cells = tr.find_all(["th", "td"], recursive=False)
            assert len(cells) == len(headers), (headers, [c.get_text() for c in cells])
            texts = [cell.get_text(" ", strip=True) for cell in cells]
            rows[texts[0]] = dict(zip(headers, texts, strict=True))
        caption = table.find("caption")
        tables.append({"caption": caption.get_text(strip=True) if caption else "", "rows": rows})
    return tables


def test_with_two_stage_templates_every_board_cell_sits_under_its_own_stage(
    leader_client, plan_data, office_b
):
    from plans.models import Project, Stage, StageTemplate, StageTemplateStep
    from plans.services import project_create, project_template_change

    second = StageTemplate.objects.create(name="产业项目流程")
    names = ["谋划", "立项审批", "方案设计", "招投标", "开工", "主体完工", "投入运营"]
    for order, name in enumerate(names, start=1):
        StageTemplateStep.objects.create(template=second, order=order, key=f"s{order}", name=name)
    project_create(
        code="new", name="新能源产业园", type="industry", office=office_b, template=second
    )
    # Every stage of both projects gets its own planned date, so a cell says which stage it is.
    for project in Project.objects.filter(code__in=["late", "new"]):
        for stage in project.stages.filter(actual_date=None):
            stage.planned_date = date(
                2024 if stage.order <= 5 else 2025, stage.order, 10 + stage.order
            )
            stage.save()
    tables = _board(leader_client.get("/board/?period=2024-09").content.decode())
    assert [table["caption"] for table in tables] == [
        "阶段模板：重点项目标准流程",
        "阶段模板：产业项目流程",
    ]
    first, other = tables
    assert list(first["rows"]) == ["后冯区块", "东部农产品交易市场"]
    assert list(other["rows"]) == ["新能源产业园"]
    late = first["rows"]["后冯区块"]
    # The issue's case: 后冯区块's overdue 组件报批 under 组件报批, not another pipeline's stage.
    assert late["组件报批"] == "已逾期 计划 2024-05-15"
    assert "方案设计" not in late
    assert other["rows"]["新能源产业园"]["方案设计"] == "已逾期 计划 2024-03-13"
    # Every stage of every project: its cell is under its own name, with its own date.
    for stage in Stage.objects.filter(project__code__in=["late", "new"]):
        table = other if stage.project.code == "new" else first
        cell = table["rows"][stage.project.name][stage.name]
        shown = stage.actual_date or stage.planned_date
        assert cell.endswith(shown.isoformat()), (stage.name, cell)

    # 东部农产品交易市场 is switched to the second template (as the admin form does it: its
    # stages, none on record, become the template's): its table's headers are still that
    # template's seven steps, in order, each once; the first table keeps its own.
    project_template_change(project=Project.objects.get(code="other"), template=second)
    for stage in Stage.objects.filter(project__code="other"):
        stage.planned_date = date(2025, stage.order, 20)
        stage.save()
    # A project switched before the admin replaced stages (the trial's 下各中心卫生院迁建工程):
    # on the second template, with the first template's stages, one of them on record.
    legacy = project_create(
        code="xiage", name="下各中心卫生院迁建工程", type="livelihood", office=office_b
    )
    legacy.stages.filter(key="demolition").update(planned_date=date(2024, 4, 18))
    legacy.stages.filter(key="planning").update(actual_date=date(2024, 1, 5), is_done=True)
    Project.objects.filter(pk=legacy.pk).update(template=second)
    tables = _board(leader_client.get("/board/?period=2024-09").content.decode())
    assert [table["caption"] for table in tables] == [
        "阶段模板：重点项目标准流程",
        "阶段模板：产业项目流程",
    ]
    first, other = tables
    assert list(first["rows"]) == ["后冯区块"]
    assert list(other["rows"]) == ["东部农产品交易市场", "新能源产业园", "下各中心卫生院迁建工程"]
    headers = list(other["rows"]["新能源产业园"])[2:]
    # The template's steps, then the legacy project's stages the template does not have.
    assert headers == [*names, "政策处理/征地", "拆迁", "进场清表", "组件报批", "竣工验收"]
    assert len(set(headers)) == len(headers)
    assert list(first["rows"]["后冯区块"])[2:] == [
        "谋划", "政策处理/征地", "拆迁", "进场清表", "组件报批", "开工", "竣工验收",
    ]  # fmt: skip
    switched = other["rows"]["东部农产品交易市场"]
    assert switched["方案设计"] == "按计划 计划 2025-03-20"
    assert switched["拆迁"] == "—"  # its old stages are gone, not shown under another name
    legacy_row = other["rows"]["下各中心卫生院迁建工程"]
    assert legacy_row["谋划"] == "已完成 2024-01-05"
    assert legacy_row["拆迁"] == "已逾期 计划 2024-04-18"
    assert legacy_row["方案设计"] == "—"
    soup = BeautifulSoup(
        leader_client.get("/board/?period=2024-09").content.decode(), "html.parser"
    )
    stray = [th.get_text() for th in soup.find_all("th", class_="stray")]
    assert stray == ["政策处理/征地", "拆迁", "进场清表", "组件报批", "竣工验收"]
    # Every stage of every project sits under its own name, with its own date.
    for stage in Stage.objects.filter(project__code__in=["late", "new", "other", "xiage"]):
        table = first if stage.project.code == "late" else other
        cell = table["rows"][stage.project.name][stage.name]
        shown = stage.actual_date or stage.planned_date
        assert shown is None or cell.endswith(shown.isoformat()), (stage.name, cell)


def test_the_board_lists_only_the_overdue_projects_when_asked(leader_client, plan_data):
    tables = _board(leader_client.get("/board/?period=2024-09&overdue=1").content.decode())
    assert [list(table["rows"]) for table in tables] == [["后冯区块"]]
    assert tables[0]["caption"] == ""  # one stage template in use: no caption


def test_the_dashboard_lists_ten_overdue_projects_and_links_to_all(leader_client, plan_data):
    from plans.services import project_create

    for i in range(12):
        project = project_create(
            code=f"late{i}",
            name=f"逾期项目{i:02d}",
            type="industry",
            office=plan_data["late"].office,
        )
        project.stages.filter(key="land").update(planned_date=date(2024, 6, 1))
    soup = BeautifulSoup(leader_client.get(URL).content.decode(), "html.parser")
    panel = soup.find("h2", string="项目推进").parent
    listed = [li.find("a").get_text() for li in panel.find("ul").find_all("li")]
    assert listed == ["后冯区块", *[f"逾期项目{i:02d}" for i in range(9)]]
    link = panel.find("a", string="查看全部 13 个有阶段逾期的项目")
    assert link["href"] == "/board/?period=2024-09&overdue=1"
    tables = _board(leader_client.get(link["href"]).content.decode())
    assert len(tables[0]["rows"]) == 13


def test_the_task_table_shows_a_page_of_tasks(leader_client, plan_data):
    from tests.factories import TaskFactory

    for i in range(25):
        TaskFactory(
            title=f"任务{i:02d}",
            office=plan_data["task"].office,
            section=plan_data["task"].section,
            order=i + 1,
        )
    soup = BeautifulSoup(leader_client.get(URL).content.decode(), "html.parser")
    tasks = soup.find("details", id="tasks")
    assert not tasks.has_attr("open")
    assert len(tasks.find("tbody").find_all("tr")) == 20
    assert tasks.find("p", class_="pager").get_text(" ", strip=True) == "共 26 项，第 1/2 页 下一页"
    following = tasks.find("a", string="下一页")["href"]
    assert following == "?period=2024-09&task_page=2#tasks"
    soup = BeautifulSoup(leader_client.get("/" + following).content.decode(), "html.parser")
    tasks = soup.find("details", id="tasks")
    assert tasks.has_attr("open")
    titles = [tr.find("a").get_text() for tr in tasks.find("tbody").find_all("tr")]
    assert titles == [f"任务{i:02d}" for i in range(19, 25)]


def test_the_csv_export_keeps_filters_and_opens_in_excel(leader_client, town_data):
    response = leader_client.get(URL + "&category=industry&_export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["指标", "单位", "期间", "本期数", "同比增长（%）"]
    assert rows[1] == [
        "规上工业产值",
        "亿元",
        "2024年1-9月",
        "29.74",
        "31.3",
        "公布",
        "36亿元",
        "82.61",
        "",  # 完成率来源: computed from the target, not published
        "75",
        "7.61",
        "超序时",
        "经济发展办",
        "",
    ]
    assert len(rows) == 2


def test_the_xlsx_export_holds_numbers_as_numbers(leader_client, town_data):
    response = leader_client.get(URL + "&_export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["经济指标"]
    assert sheet["A1"].value == "下各镇经济指标完成情况表（2024年1-9月）"
    header = [cell.value for cell in sheet[2]]
    assert header[0] == "指标" and header[11] == "状态"
    first = [cell.value for cell in sheet[3]]
    assert first[0] == "规上工业产值"
    assert first[3] == pytest.approx(29.74) and isinstance(first[3], float)
    assert first[10] == pytest.approx(7.61)
    demo = [cell.value for cell in sheet[4]]
    assert demo[13] == "演示数据、已修订"


def test_exported_text_cannot_become_a_formula(leader_client, town_data):
    town_data["rice"].name = '=HYPERLINK("x")'
    town_data["rice"].save()
    rows = list(
        csv.reader(io.StringIO(leader_client.get(URL + "&_export=csv").content.decode("utf-8-sig")))
    )
    assert rows[3][0] == '\'=HYPERLINK("x")'
    book = load_workbook(io.BytesIO(leader_client.get(URL + "&_export=xlsx").content))
    assert book["经济指标"]["A5"].value == '\'=HYPERLINK("x")'


def test_the_cumulative_chart_carries_the_known_series(town_data):
    output = town_data["output"]
    series = selectors.indicator_series(output, (2024, 2023))
    target = Target.objects.get(indicator=output, year=2024)
    figure = charts.cumulative_path(output, 2024, series, target)
    this_year, last_year, path = figure["data"]
    # A 月报 indicator's months: 1-2月 to 12月 (no January of its own).
    assert this_year["x"] == [f"{month}月" for month in range(2, 13)]
    assert this_year["name"] == "2024年" and this_year["x"][7] == "9月"
    assert this_year["y"][6:8] == [26.1, 29.74] and this_year["y"][8] is None
    assert last_year["y"][7] == 25.0
    assert path["name"] == "目标进度" and path["y"][7] == 27.0  # 36 × 9/12
    assert figure["layout"]["title"]["text"] == "规上工业产值（亿元）累计走势"


def test_the_page_embeds_charts_as_json_and_draws_them_with_one_static_script(
    leader_client, town_data, plan_data
):
    body = leader_client.get(URL).content.decode()
    for chart_id in ("chart-path", "chart-growth", "chart-gantt", "chart-tasks"):
        assert f'<script id="{chart_id}" type="application/json">' in body
    scripts = re.findall(r"<script(?![^>]*application/json)[^>]*>", body)
    assert scripts == [
        '<script src="/static/vendor/plotly.min.js" defer>',
        '<script src="/static/js/charts.js" defer>',
    ]
    assert re.search(r"<script(?![^>]*(?:application/json|src=))[^>]*>", body) is None


def test_plotly_js_is_served_from_the_installed_package(client):
    from django.contrib.staticfiles import finders

    path = finders.find("vendor/plotly.min.js")
    assert path and path.endswith("plotly/package_data/plotly.min.js")


def test_no_page_points_outside_the_intranet(leader_client, admin_client_role, plan_data):
    pages = [
        URL,
        "/board/",
        f"/indicators/{plan_data['task'].office.indicators.first().code}/",
        f"/projects/{plan_data['late'].pk}/",
        f"/tasks/{plan_data['task'].pk}/",
        "/accounts/login/",
    ]
    for page in pages:
        body = leader_client.get(page).content.decode()
        for tag in re.findall(r"<(?:script|link|img|iframe)[^>]*>", body):
            assert not re.search(r"(?:src|href)=\"(?:https?:)?//", tag), (page, tag)
    admin_body = admin_client_role.get("/admin/").content.decode()
    for tag in re.findall(r"<(?:script|link)[^>]*>", admin_body):
        assert not re.search(r"(?:src|href)=\"(?:https?:)?//", tag), tag


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_dashboard_takes_the_same_queries_at_two_data_sizes(
    leader_client, town_data, plan_data, office_a, town
):
    small = {page: _count(leader_client, page) for page in (URL, "/board/")}
    # Ten more years, twenty more indicators, more projects and villages.
    extra = [IndicatorFactory(office=office_a, places=[town]) for _ in range(20)]
    Figure.objects.bulk_create(
        Figure(indicator=ind, place=town, year=year, month=month, value=D(month))
        for ind in [*extra, town_data["output"]]
        for year in range(2010, 2024)
        for month in range(2, 13)
        if not (ind == town_data["output"] and (year, month) in {(2023, 9)})
    )
    from plans.services import project_create

    for i in range(15):
        project_create(code=f"more{i}", name=f"项目{i}", type="industry", office=office_a)
    large = {page: _count(leader_client, page) for page in (URL, "/board/")}
    assert small == large, (small, large)
    # The page's 17, the top bar's badges (1) and a leader's to-do count (6; recounted here on
    # every request, since the test's own transaction holds uncommitted writes).
    assert large[URL] <= 24, large


def test_detail_pages_take_fixed_queries(leader_client, town_data, plan_data, town):
    output = town_data["output"]
    pages = [
        f"/indicators/{output.code}/",
        f"/projects/{plan_data['late'].pk}/",
        f"/tasks/{plan_data['task'].pk}/",
    ]
    small = [_count(leader_client, page) for page in pages]
    Figure.objects.bulk_create(
        Figure(indicator=output, place=town, year=year, month=month, value=D(month))
        for year in range(2010, 2023)
        for month in range(2, 13)
    )
    from plans.models import ProgressReport

    ProgressReport.objects.bulk_create(
        ProgressReport(project=plan_data["late"], year=year, month=month, progress="x")
        for year in range(2020, 2024)
        for month in range(1, 13)
    )
    large = [_count(leader_client, page) for page in pages]
    assert small == large, (small, large)


def test_the_indicator_page_shows_the_history_with_entries_and_revisions(
    clerk, leader_client, town_data, town
):
    from datetime import date

    from indicators.services import FigureEntry, figures_save

    figures_save(
        year=2024,
        month=8,
        place=town,
        user=clerk,
        on=date(2024, 10, 15),
        entries=[FigureEntry(town_data["output"], D("26.40"), None, "统计局更正")],
    )
    body = leader_client.get("/indicators/output/").content.decode()
    assert "2024年1-8月" in body and "已修订" in body
    assert "修订：26.1 → 26.4（" not in body  # the reason column only shows a given reason
    assert "修订：26.1 → 26.4" in body and "clerk_a" in body


def test_a_clerk_sees_only_their_office_and_another_offices_pages_are_not_found(
    clerk_client, town_data, plan_data
):
    data = clerk_client.get(URL).context["data"]
    assert {row.indicator.office.name for row in data.rows} == {"经济发展办"}
    assert clerk_client.get("/indicators/rice/").status_code == 404
    assert clerk_client.get(f"/projects/{plan_data['other'].pk}/").status_code == 404


def test_an_empty_chart_says_so_in_words():
    figure = charts.tasks_by_section([], [])
    assert figure["layout"]["annotations"][0]["text"] == "本年度没有工作任务"
