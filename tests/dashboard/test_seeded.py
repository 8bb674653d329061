"""The dashboard on the document's own 2023 figures."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_documents_2023_09_figures(leader_client):
    call_command("seed")
    response = leader_client.get("/?period=2023-09")
    assert response.status_code == 200
    cards = {row.indicator.name: row for row in response.context["data"].key_rows}
    assert str(cards["规上工业产值"].value) == "29.74"
    assert cards["规上工业产值"].progress.label == "无目标"  # the document sets no 2023 target
    body = response.content.decode()
    assert "29.74" in body and "31.3%" in body and "（不含比亚迪）" in body
    rows = list(
        csv.reader(
            io.StringIO(
                leader_client.get("/?period=2023-09&_export=csv").content.decode("utf-8-sig")
            )
        )
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["规上工业产值"][2:6] == ["2023年1-9月", "29.74", "31.3", "公布"]
    assert by_name["固定资产投资"][3:5] == ["33.27", "220.1"]
    assert by_name["规下主营业务收入"][3:5] == ["3.49", "21.26"]
