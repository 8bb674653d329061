"""The monthly briefing (月度简报): its sentences, its table, its Word document, its scope."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx.oxml.ns import qn

from indicators.seed.data import FIGURES_2023, INDICATORS
from plans.models import ProgressReport, ProjectYearPlan
from plans.services import project_create
from reports import briefing as words
from reports import selectors
from reports.word import CONTENT_TYPE

pytestmark = pytest.mark.django_db

URL = "/reports/briefing/"
SEEDED_2023_09 = [
    "全镇实现规下主营业务收入3.49亿元，同比增长21.26%",
    "全镇实现规上工业产值29.74亿元，同比增长31.3%",
    # No target: the 完成率 the document publishes, marked, and read against 时序进度 (75.00).
    "全镇完成工业性投资（不含比亚迪）1.71亿元，完成率93.63%（公布），超序时18.63个百分点",
    "全镇完成固定资产投资33.27亿元，同比增长220.1%",
    "全镇完成限上社会消费品零售总额0.14亿元，同比增长17.6%",
]


def paragraph_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.context["briefing"].paragraph


# --- the document's own figures ------------------------------------------------------------


def test_the_paragraph_states_every_2023_09_figure_in_the_documents_wording(leader_client):
    call_command("seed")
    response = leader_client.get(URL, {"period": "2023-09"})
    assert response.status_code == 200
    text = paragraph_of(response)
    assert text.startswith("1-9月，")
    assert text.endswith("。")
    for clause in SEEDED_2023_09:
        assert clause in text, clause
    assert text == "1-9月，" + "；".join(SEEDED_2023_09) + "。"
    body = response.content.decode()
    assert "下各镇2023年1-9月经济运行简报" in body
    assert text in body


def test_every_figure_the_document_gives_for_2023_09_is_in_the_paragraph(leader_client):
    """Walk the seed itself: each month-9 figure's name, value and growth or rate is stated."""
    call_command("seed")
    text = paragraph_of(leader_client.get(URL, {"period": "2023-09"}))
    names = {spec["code"]: spec["name"] for spec in INDICATORS}
    september = [f for f in FIGURES_2023 if f["month"] == 9 and f["place"] is None]
    assert len(september) == 5
    for figure in september:
        stated = names[figure["indicator"]] + (
            "（不含比亚迪）" if "不含比亚迪" in figure["quote"] else ""
        )
        stated += figure["value"] + "亿元，"
        if figure["growth"]:
            stated += "同比增长" + figure["growth"] + "%"
        else:
            stated += "完成率" + figure["completion_rate"] + "%"
        assert stated in text, stated


def test_an_indicator_without_a_figure_is_left_out_of_the_paragraph_and_unreported_in_the_table(
    leader_client,
):
    call_command("seed")
    response = leader_client.get(URL, {"period": "2023-09"})
    assert "限上批发业商品销售额" not in paragraph_of(response)  # the document gives 1-10月
    table = {line.indicator: line for line in response.context["briefing"].table}
    assert table["限上批发业商品销售额"].status == "未填报"  # as the dashboard says it
    assert table["规上工业产值"].value == "29.74"
    assert table["规上工业产值"].growth == "31.3"
    assert table["工业性投资（不含比亚迪）"].completion == "93.63（公布）"
    assert table["工业性投资（不含比亚迪）"].status == "超序时"
    assert "完成率93.63%" in response.content.decode()


# --- targets, growth and demo marks on hand-made figures -------------------------------------


def test_a_target_ahead_of_time_progress_is_said_in_points(leader_client, town_data):
    text = paragraph_of(leader_client.get(URL, {"period": "2024-09"}))
    assert (
        "全镇实现规上工业产值29.74亿元，同比增长31.3%，完成年度目标的82.61%，超序时7.61个百分点；"
        in text
    )


def test_a_target_behind_time_progress_is_said_in_points(leader_client, town_data):
    text = paragraph_of(leader_client.get(URL, {"period": "2024-09"}))
    assert (
        "全镇完成固定资产投资20.00亿元，完成年度目标的50.00%，落后序时25.00个百分点（演示数据）"
        in text
    )


def test_a_computed_growth_is_flagged_and_compared_with_the_target_growth(leader_client, town_data):
    text = paragraph_of(leader_client.get(URL, {"period": "2024-09"}))
    assert (
        "1-9月，全镇实现规下主营业务收入12.00亿元，同比增长20.00%（按上年同期数计算），"
        "高于目标增速5.00个百分点；" in text
    )


def test_a_fall_is_said_as_a_fall_below_the_target_growth(leader_client, town_data):
    text = paragraph_of(leader_client.get(URL, {"period": "2024-09"}))
    assert (
        "全镇完成限上社会消费品零售总额0.90亿元，同比下降2.5%，低于目标增速10.50个百分点。" in text
    )


def test_demo_figures_are_labelled_in_the_text_and_announced_at_the_top(leader_client, town_data):
    response = leader_client.get(URL, {"period": "2024-09"})
    text = paragraph_of(response)
    assert text.count("（演示数据）") == 1
    assert "超序时进度7.61个百分点（演示数据）" not in text
    body = response.content.decode()
    assert "本简报含演示数据" in body
    assert body.index("本简报含演示数据") < body.index(text)


def test_without_demo_data_there_is_no_demo_notice(leader_client):
    call_command("seed")
    response = leader_client.get(URL, {"period": "2023-09"})
    assert not response.context["briefing"].has_demo
    assert "本简报含演示数据" not in response.content.decode()


def test_the_briefing_takes_its_numbers_from_the_dashboard(leader_client, town_data):
    briefing = leader_client.get(URL, {"period": "2024-09"}).context["briefing"]
    dashboard = leader_client.get("/", {"period": "2024-09"}).context["data"]
    assert [row.progress for row in briefing.rows] == [row.progress for row in dashboard.key_rows]
    assert [row.growth for row in briefing.rows] == [row.growth for row in dashboard.key_rows]


@pytest.mark.parametrize(
    ("month", "opening"), [(1, "1月，"), (2, "1-2月，"), (9, "1-9月，"), (12, "1-12月，")]
)
def test_the_paragraph_opens_with_the_period_as_people_write_it(month, opening):
    assert words.period_opening(month) == opening


def test_the_table_lists_the_key_indicators_with_the_tables_headers(leader_client, town_data):
    response = leader_client.get(URL, {"period": "2024-09"})
    lines = response.context["briefing"].table
    assert [line.indicator for line in lines] == [
        "规下主营业务收入",
        "规上工业产值",
        "固定资产投资",
        "限上社会消费品零售总额",
        "限上批发业商品销售额",
    ]
    output = lines[1]
    assert (output.value, output.growth, output.target, output.completion) == (
        "29.74",
        "31.3",
        "36亿元",
        "82.61",
    )
    assert (output.time_progress, output.gap, output.status) == ("75.00", "+7.61", "超序时")
    assert lines[0].growth == "20.00（计算）"
    assert lines[2].gap == "-25.00" and lines[2].status == "滞后"
    assert lines[4].status == "未填报"
    body = response.content.decode()
    assert "下各镇2024年1-9月经济指标完成情况表" in body
    for header in words.table_headers():
        assert f'<th scope="col">{header}</th>' in body


# --- projects, tasks, 督办 --------------------------------------------------------------------


def test_projects_and_tasks_behind_schedule_are_listed_with_their_problems(
    leader_client, plan_data
):
    response = leader_client.get(URL, {"period": "2024-09"})
    briefing = response.context["briefing"]
    lines = {delay.row.project.name: delay.line for delay in briefing.project_delays}
    assert lines["后冯区块"] == (
        "后冯区块（经济发展办）：政策处理/征地逾期（计划2024-06-30完成）。"
        "存在问题：个别农户诉求未达成一致"
    )
    assert lines["张店区块"] == (
        "张店区块（经济发展办，联系领导：王镇长）：年度投资完成50.00%，落后序时25.00个百分点。"
        "存在问题：施工单位进场延迟"
    )
    assert "本月未填报进展" in lines["东部农产品交易市场"]
    [task] = briefing.task_delays
    assert task.line == (
        "朱溪港两侧土地征收（经济发展办）：完成900/1300亩（69.23%），序时应完成75.00%。"
        "存在问题：资金拨付滞后"
    )
    body = response.content.decode()
    assert "后冯区块（经济发展办）：政策处理/征地逾期" in body
    assert "资金拨付滞后" in body


def test_a_stage_due_after_the_periods_end_is_not_late_in_that_periods_briefing(
    leader_client, plan_data
):
    stage = plan_data["slow"].stages.get(key="land")
    stage.planned_date = date(2024, 10, 1)  # late on the 15th, when the briefing is read
    stage.save()
    september = leader_client.get(URL, {"period": "2024-09"}).context["briefing"]
    [slow] = [d for d in september.project_delays if d.row.project.name == "张店区块"]
    assert slow.overdue_stages == []
    october = leader_client.get(URL, {"period": "2024-10"}).context["briefing"]
    assert "张店区块" in [d.row.project.name for d in october.project_delays]


def test_open_supervision_items_are_listed_and_overdue_ones_marked(leader_client, plan_data):
    response = leader_client.get(URL, {"period": "2024-09"})
    briefing = response.context["briefing"]
    assert briefing.items_summary == "截至2024年10月15日，未办结督办事项1件，其中已逾期1件："
    [entry] = briefing.open_items
    assert entry.overdue
    assert entry.line == (
        "加快后冯区块政策处理（后冯区块；责任科室：经济发展办；办结时限：2024-09-30）"
    )
    assert "【已逾期】" in response.content.decode()


def test_a_clerk_of_another_office_sees_none_of_office_as_projects_or_figures(
    client, clerk_b, plan_data
):
    client.force_login(clerk_b)
    response = client.get(URL, {"period": "2024-09"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "东部农产品交易市场" in body
    for name in ("后冯区块", "张店区块", "朱溪港两侧土地征收", "规上工业产值", "29.74"):
        assert name not in body, name
    document = docx.Document(
        io.BytesIO(client.get(URL, {"period": "2024-09", "format": "docx"}).content)
    )
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "东部农产品交易市场" in text and "后冯区块" not in text


def test_the_clerk_of_the_office_sees_its_own_projects(clerk_client, plan_data):
    body = clerk_client.get(URL, {"period": "2024-09"}).content.decode()
    assert "后冯区块" in body and "东部农产品交易市场" not in body


def test_the_briefing_answers_in_the_same_number_of_queries_whatever_the_projects(
    leader, office_a, plan_data
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            briefing = selectors.briefing(leader, 2024, 9)
            [delay.line for delay in briefing.project_delays]
            [entry.line for entry in briefing.open_items]
        return len(queries)

    count()  # the user's roles are cached after the first reading
    before = count()
    for n in range(3):
        project = project_create(code=f"more{n}", name=f"项目{n}", type="industry", office=office_a)
        project.stages.filter(key="land").update(planned_date=date(2024, 6, 30))
        ProjectYearPlan.objects.create(project=project, year=2024, planned_investment=D("100"))
        ProgressReport.objects.create(
            project=project, year=2024, month=9, investment_ytd=D("10"), problems="问题"
        )
    assert len(selectors.briefing(leader, 2024, 9).project_delays) == 6
    assert count() == before


# --- the Word document ------------------------------------------------------------------------


def test_the_docx_downloads_and_reads_back(leader_client, town_data):
    response = leader_client.get(URL, {"period": "2024-09", "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    title = "下各镇2024年1-9月经济运行简报"
    assert f"filename*=UTF-8''{quote(title + '.docx')}" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    heading = document.paragraphs[0]
    assert heading.text == title and heading.style.name == "Title"
    texts = [paragraph.text for paragraph in document.paragraphs]
    page = leader_client.get(URL, {"period": "2024-09"}).context["briefing"]
    assert page.paragraph in texts
    assert any("本简报含演示数据" in text for text in texts)
    for heading_text in (
        "一、经济运行情况",
        "二、重点项目滞后情况",
        "三、工作任务滞后情况",
        "四、督办事项",
    ):
        assert heading_text in texts
    [table] = document.tables
    assert [cell.text for cell in table.rows[0].cells] == words.table_headers()
    output = next(row for row in table.rows if row.cells[0].text == "规上工业产值")
    assert [cell.text for cell in output.cells[2:9]] == [
        "29.74",
        "31.3",
        "36亿元",
        "82.61",
        "75.00",
        "+7.61",
        "超序时",
    ]


def test_the_docx_names_an_east_asian_font_and_an_a4_page(leader_client, town_data):
    document = docx.Document(
        io.BytesIO(leader_client.get(URL, {"period": "2024-09", "format": "docx"}).content)
    )
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_seeded_docx_states_the_documents_figures(leader_client):
    call_command("seed")
    response = leader_client.get(URL, {"period": "2023-09", "format": "docx"})
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    for clause in SEEDED_2023_09:
        assert clause in text, clause


def test_control_characters_in_names_and_problems_do_not_break_the_docx(
    leader_client, town_data, plan_data
):
    output = town_data["output"]
    output.name = "规上\x0b工业产值"
    output.save()
    report = plan_data["late"].reports.get()
    report.problems = "农户诉求\x01未达成\x0c一致"
    report.save()
    response = leader_client.get(URL, {"period": "2024-09", "format": "docx"})
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "规上 工业产值29.74亿元" in text
    assert "农户诉求 未达成 一致" in text
    assert leader_client.get(URL, {"period": "2024-09"}).status_code == 200


@pytest.mark.skipif(not shutil.which("lowriter"), reason="LibreOffice Writer is not installed")
def test_libreoffice_renders_the_docx_on_one_to_three_pages(leader_client, plan_data, tmp_path):
    response = leader_client.get(URL, {"period": "2024-09", "format": "docx"})
    source = tmp_path / "briefing.docx"
    source.write_bytes(response.content)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), source],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "briefing.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        pages = int(
            next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1]
        )
        assert 1 <= pages <= 3


# --- any input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2023-13", "不存在"),
        ("九月", "月份格式应为"),
        ("2023-09-01", "月份格式应为"),
        ("<script>alert(1)</script>", "月份格式应为"),
        ("2099-01", "所选月份尚未到来"),
    ],
)
def test_a_bad_period_shows_a_chinese_message_and_the_latest_period(
    leader_client, town_data, period, message
):
    response = leader_client.get(URL, {"period": period})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert response.context["briefing"].period_value == "2024-09"


def test_a_bad_period_never_sends_a_document_of_another_month(leader_client, town_data):
    response = leader_client.get(URL, {"period": "2023-13", "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "不存在" in response.content.decode()


@pytest.mark.parametrize("fmt", ["pdf", "DOCX", "", "x" * 500])
def test_an_unknown_format_answers_with_the_page(leader_client, town_data, fmt):
    response = leader_client.get(URL, {"period": "2024-09", "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_nul_in_the_query_is_refused_in_chinese_before_any_view(leader_client, town_data):
    response = leader_client.get(URL, {"period": "2024-09", "format": "docx\x00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "请求" in response.content.decode()


def test_without_a_period_the_latest_one_with_figures_is_shown(leader_client, town_data):
    response = leader_client.get(URL)
    assert response.status_code == 200
    assert response.context["briefing"].period_value == "2024-09"


def test_an_empty_period_says_that_nothing_was_reported(leader_client, town_data):
    response = leader_client.get(URL, {"period": "2024-03"})
    assert paragraph_of(response) == "1-3月，重点经济指标暂无数据报送。"


def test_the_page_prints_on_a4_portrait_and_links_the_word_document(leader_client, town_data):
    body = leader_client.get(URL, {"period": "2024-09"}).content.decode()
    assert "css/briefing.css" in body
    assert "?period=2024-09&amp;format=docx" in body
    css = (Path(__file__).resolve().parents[2] / "static/css/briefing.css").read_text()
    assert "@page { size: A4 portrait;" in css


def test_the_dashboard_links_to_the_briefing(leader_client, town_data):
    body = leader_client.get("/", {"period": "2024-09"}).content.decode()
    assert "/reports/briefing/?period=2024-09" in body


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
