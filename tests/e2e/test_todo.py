"""待办 as people land on it after login, measured in Chromium: a leader's on a 390×844 phone
fits two screen heights with no text under 12 px and no sideways scroll, every part a tap
away; a clerk's shows the month being reported with its state and due day."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# The smallest computed font size of any visible text on the page, with where it is.
SMALLEST_TEXT = """
() => {
  let smallest = null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element || !element.checkVisibility()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (smallest === null || size < smallest.size) smallest = {size, text: text.slice(0, 20)};
  }
  return smallest;
}
"""


def overdue_items(count: int) -> None:
    """督办 items past their due day, more than the landing page lists."""
    from datetime import date

    from accounts.models import User
    from plans.models import Project, SupervisionItem

    leader = User.objects.get(username="leader")
    for n, project in enumerate(Project.objects.order_by("id")[:count], start=1):
        SupervisionItem.objects.create(
            project=project,
            matter=f"请加快推进{project.name}的政策处理，{n}日内报告进展",
            office=project.office,
            due_date=date(2024, 10, n),
            raised_by=leader,
        )


def test_a_leaders_landing_page_fits_two_phone_screens(app, new_page):
    overdue_items(12)
    phone = new_page(**PHONE)
    login(phone, "leader")
    assert urlsplit(phone.url).path == "/todo/"
    expect(phone.locator("h1")).to_have_text("待办")
    expect(phone.locator("section[aria-labelledby=cards-title] li").first).to_be_visible()
    expect(phone.locator("ul.reports li").first).to_be_visible()
    height, width, inner = phone.evaluate(
        "[document.documentElement.scrollHeight, document.documentElement.scrollWidth,"
        " window.innerWidth]"
    )
    assert height <= 2 * 844, f"the leader's 待办 is {height} px tall at 390×844"
    assert width <= inner, "the page scrolls sideways"
    smallest = phone.evaluate(SMALLEST_TEXT)
    assert smallest["size"] >= 12, smallest
    # The most urgent eight are listed; the badge counts them all, as does the link to the rest.
    expect(phone.locator("ul.items li.item")).to_have_count(8)
    expect(phone.locator("nav.usernav a", has_text="待办").locator(".badge")).to_have_text("12")
    expect(phone.locator("p.all a")).to_have_text("查看全部12项待办")
    shot(phone, "18-phone-todo", full_page=True)

    # Every part is a tap away: an office's state opens the dashboard for that office.
    phone.locator("ul.reports li a").first.click()
    phone.wait_for_url(lambda url: urlsplit(url).path == "/" and "office=" in url)


def test_a_clerk_lands_on_the_month_being_reported(app, new_page):
    page = new_page()
    login(page, "clerk")
    report = page.locator("ul.reports li").first
    expect(report).to_contain_text("经济发展办")
    expect(report.locator(".state")).to_have_text(
        # The journeys may already have submitted October; else it is a draft or not begun.
        re.compile("未报送|草稿|已报送|已退回|已审核")
    )
    expect(report).to_contain_text("截止日期 2024年11月10日")
    shot(page, "19-clerk-todo")
