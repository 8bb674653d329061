"""?period= on the pages that read it through indicators.periods.period_from_query (the
dashboard, the board, the briefing): a hostile value shows the latest period with a Chinese
message, never a 500; the dashboard's xlsx keeps its layout."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from tests.indicators.test_downloads import HOSTILE_PERIODS
from xiage.downloads import XLSX_TYPE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", HOSTILE_PERIODS[:-1])
def test_a_hostile_period_shows_the_latest_with_a_message(leader_client, town_data, raw):
    for url in ("/", "/reports/briefing/"):
        response = leader_client.get(url, {"period": raw})
        assert response.status_code == 200, (url, raw)
        assert "月份" in response.context["period_error"], (url, raw)
        assert "2024年" in response.content.decode()
    assert leader_client.get("/board/", {"period": raw}).status_code == 200
    docx = leader_client.get("/reports/briefing/", {"period": raw, "format": "docx"})
    assert docx.status_code == 200 and docx["Content-Type"].startswith("text/html")


def test_the_dashboard_xlsx_keeps_its_title_headers_widths_and_pane(leader_client, town_data):
    response = leader_client.get("/?period=2024-09&_export=xlsx")
    assert response["Content-Type"] == XLSX_TYPE
    header = response["Content-Disposition"]
    assert unquote(header.split("''", 1)[1]) == "下各镇经济指标_2024-09.xlsx"
    sheet = load_workbook(io.BytesIO(response.content))["经济指标"]
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 13
    assert [cell.value for cell in sheet[2]][:4] == ["指标", "单位", "期间", "本期数"]
    assert all(cell.font.b for cell in sheet[2])
    widths = [22, 8, 14, 12, 12, 9, 16, 11, 9, 11, 12, 12, 12, 10]
    assert sheet.freeze_panes == "B3"
    assert {
        letter: d.width for letter, d in sheet.column_dimensions.items() if d.customWidth
    } == dict(zip("ABCDEFGHIJKLMN", widths, strict=True))
