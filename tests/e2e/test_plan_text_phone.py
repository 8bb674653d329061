"""从计划文本生成 on a phone (trial 18, finding 13): at 390 px the page itself never scrolls
sideways; each wide table scrolls inside its own box, and the boxes to type in fit the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import login, shot
from tests.e2e.test_phone import PHONE, SIDEWAYS

pytestmark = pytest.mark.e2e

URL = "/admin/plans/plansection/from-text/"
SEED = Path(__file__).resolve().parents[2] / "indicators" / "seed" / "xiage_2023_summary.txt"

# Each table on the page: whether it sits in a box that scrolls sideways on its own, and how
# wide that box is; and every box to type in (text, number, date, list) wider than the screen.
TABLES_AND_BOXES = """
() => {
  const tables = [...document.querySelectorAll('#content-main table')].map((table) => {
    const box = table.parentElement;
    const style = getComputedStyle(box);
    return {
      scrolls: ['auto', 'scroll'].includes(style.overflowX),
      boxRight: Math.round(box.getBoundingClientRect().right),
    };
  });
  const wide = [...document.querySelectorAll(
    '#content-main textarea, #content-main select, #content-main input:not([type=hidden])'
  )].filter((el) => el.getBoundingClientRect().width > window.innerWidth)
    .map((el) => `${el.name}: ${Math.round(el.getBoundingClientRect().width)}`);
  return {tables, wide};
}
"""


def test_the_page_does_not_scroll_sideways_on_a_phone(app, new_page):
    page = new_page(**PHONE)
    login(page, "admin")
    page.goto(URL)
    assert page.evaluate(SIDEWAYS)[0] <= PHONE["viewport"]["width"]
    text = SEED.read_text(encoding="utf-8")
    page.get_by_label("计划文本").fill(text[text.index("二、明年工作计划") :])
    page.get_by_role("button", name="分析文本，生成预览").click()
    page.wait_for_selector("#plan-text-confirm")
    page.locator("#plan-text-confirm h3").nth(1).scroll_into_view_if_needed()
    shot(page, "plan-text-phone-tasks")
    scroll_width, body_width, screen = page.evaluate(SIDEWAYS)
    assert (scroll_width, body_width) <= (screen, screen)
    found = page.evaluate(TABLES_AND_BOXES)
    assert len(found["tables"]) == 2
    assert all(table["scrolls"] for table in found["tables"])
    assert all(table["boxRight"] <= screen for table in found["tables"])
    assert found["wide"] == []
