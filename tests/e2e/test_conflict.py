"""Two people open the same month in two browser contexts; the second save is refused with
both values and changes nothing (issue 14: conflicts caught on the page people use)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Office
from indicators.models import Figure
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

OFFICE = "经济发展办"
NAME = "规上工业产值"


def _figure() -> Figure:
    return Figure.objects.get(
        indicator__name=NAME,
        indicator__office__name=OFFICE,
        year=2024,
        month=9,
        place__level="town",
    )


def test_the_second_of_two_people_saving_one_month_is_told_and_nothing_of_theirs_is_saved(
    app, new_page
):
    office = Office.objects.get(name=OFFICE)
    before = _figure()
    url = f"/admin/indicators/figure/report/?office={office.pk}&period=2024-09"
    clerk, admin = new_page(), new_page()
    login(clerk, "clerk")
    login(admin, "admin")
    clerk.goto(url)
    admin.goto(url)  # both have the month open, as it was

    mine = before.value_display + Decimal("0.01")
    theirs = before.value_display + Decimal("0.02")
    clerk.get_by_label(f"{NAME}（亿元）", exact=True).fill(str(mine))
    clerk.get_by_role("button", name="保存全部").click()
    expect(clerk.locator("ul.messagelist, ul.messages")).to_contain_text("已保存")

    admin.get_by_label(f"{NAME}（亿元）", exact=True).fill(str(theirs))
    admin.get_by_role("button", name="保存全部").click()
    messages = admin.locator("ul.messagelist, ul.messages")
    expect(messages).to_contain_text("全部未保存")
    expect(messages).to_contain_text(f"当前为 {mine}")
    expect(messages).to_contain_text(f"您填写的是 {theirs}")
    expect(messages).not_to_contain_text("已保存：")
    # The page now shows the current figure, ready to be checked and saved again.
    expect(admin.get_by_label(f"{NAME}（亿元）", exact=True)).to_have_value(str(mine))
    shot(admin, "23-conflict-second-saver")

    after = _figure()
    assert after.value_display == mine and after.version == before.version + 1
    assert after.updated_by.username == "clerk"
