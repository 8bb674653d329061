"""A reporting month across the roles, as issue 14 asks: the clerk is reminded, fills and
submits; the reviewer finds the month in 待办 and approves it; the leader's panel says 已审核.

The module's clock is 5 November 2024 (October is being reported, due on the 10th); the
reminders run as the daily job would on the 7th, three days before the due day.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from indicators.models import Figure, MonthReview
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

OFFICE = "经济发展办"
ENTERED = {"规上工业产值": "35.18", "工业性投资": "1.95", "固定资产投资": "44.10"}


def test_reminded_filled_submitted_found_in_todo_approved_and_read_as_reviewed(app, new_page):
    call_command("send_reminders", "--date", "2024-11-07", verbosity=0)

    clerk = new_page()
    login(clerk, "clerk")  # lands on 待办
    expect(clerk.locator("nav.usernav")).to_contain_text("通知")
    clerk.locator("nav.usernav").get_by_role("link", name="通知").click()
    reminder = clerk.locator("li").filter(has_text="月报还剩3天截止").first
    expect(reminder).to_contain_text(OFFICE)
    shot(clerk, "20-clerk-notifications")
    clerk.goto("/todo/")
    todo = clerk.locator("li.item").filter(has_text="2024年10月").first
    expect(todo).to_be_visible()
    todo.get_by_role("link").first.click()
    expect(clerk.locator(".report h2")).to_have_text(f"{OFFICE} · 2024年1-10月")
    for name, value in ENTERED.items():
        clerk.get_by_label(f"{name}（亿元）", exact=True).fill(value)
    clerk.get_by_role("button", name="保存全部").click()
    expect(clerk.locator("ul.messagelist, ul.messages")).to_contain_text("已保存")
    clerk.get_by_role("button", name="报送审核").click()
    expect(clerk.locator(".review-state")).to_have_text("已报送")

    reviewer = new_page()
    login(reviewer, "reviewer")
    waiting = reviewer.locator("li.item").filter(has_text=OFFICE).filter(has_text="待审核")
    expect(waiting.first).to_be_visible()
    shot(reviewer, "21-reviewer-todo")
    waiting.first.get_by_role("link").first.click()
    expect(reviewer.locator(".review-state")).to_have_text("已报送")
    reviewer.get_by_role("button", name="审核通过").click()
    expect(reviewer.locator(".review-state")).to_have_text("已审核")

    leader = new_page()
    login(leader, "leader")
    leader.goto("/?period=2024-10")
    row = leader.locator("li.office-report").filter(has_text=OFFICE)
    expect(row.locator(".status").first).to_have_text("已审核")
    leader.locator("#office-reports").scroll_into_view_if_needed()
    shot(leader, "22-leader-office-reports")

    review = MonthReview.objects.get(office__name=OFFICE, year=2024, month=10)
    assert review.state == MonthReview.State.REVIEWED
    assert review.submitted_by.username == "clerk" and review.reviewed_by.username == "reviewer"
    saved = Figure.objects.filter(indicator__office__name=OFFICE, year=2024, month=10)
    assert {f.indicator.name: str(f.value_display) for f in saved} == ENTERED
