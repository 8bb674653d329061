"""The import template shows 上期数 as the pages print it: with the indicator's decimals
(26.00, not Excel's General 26), still a number."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_the_templates_last_figures_keep_their_decimals(
    django_app, clerk, output_history, firms, october_2023
):
    page = django_app.get("/admin/indicators/figure/import/", user=clerk)
    form = next(f for f in page.forms.values() if "template" in (f.action or ""))
    form["period"] = "2023-09"
    book = load_workbook(io.BytesIO(form.submit().body))
    sheet = book["月报"]
    assert [c.value for c in sheet[3]][3] == "上期数"
    previous = sheet["D4"]
    assert (previous.value, previous.number_format) == (26, "#,##0.00")
    assert isinstance(previous.value, (int, float))
