"""从计划文本生成 on a phone (trial 18, finding 13; trial 18b, N4): at 390 px the page itself
never scrolls sideways, and step 2's rows are cards as on 开启新年度: every box to type in lies
wholly on the screen (none cut off by a table scrolling inside its box), under its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import login, shot
from tests.e2e.test_phone import PHONE, SIDEWAYS

pytestmark = pytest.mark.e2e

URL = "/admin/plans/plansection/from-text/"
SEED = Path(__file__).resolve().parents[2] / "indicators" / "seed" / "xiage_2023_summary.txt"

# Step 2's rows as laid out: whether the header row shows (it does not on cards), each box to
# type in that is not wholly on the screen, and the names shown above the single-field cells.
CARDS = """
() => {
  const screen = window.innerWidth;
  const header = document.querySelector('#plan-tasks thead').getBoundingClientRect();
  const boxes = [...document.querySelectorAll(
    '#plan-text-confirm textarea, #plan-text-confirm select, '
    + '#plan-text-confirm input:not([type=hidden])'
  )];
  const cut = boxes.filter((el) => {
    const box = el.getBoundingClientRect();
    return box.left < 0 || box.right > screen || box.width < 12;
  }).map((el) => `${el.name}: ${Math.round(el.getBoundingClientRect().left)}-`
    + `${Math.round(el.getBoundingClientRect().right)}`);
  const row = document.querySelector('#plan-tasks tbody tr');
  const names = [...row.querySelectorAll('td[data-label]')].map(
    (td) => getComputedStyle(td, '::before').content);
  const title = row.querySelector('input[name$="-title"]').getBoundingClientRect();
  return {headerHeight: header.height, boxes: boxes.length, cut, names, titleWidth: title.width};
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
    found = page.evaluate(CARDS)
    assert found["headerHeight"] <= 1  # the column names are on the cards instead
    assert found["boxes"] > 400  # the seed plan's 4 sections and 49 tasks, each a card
    assert found["cut"] == []
    assert found["names"] == ['"生成"', '"板块"', '"完成时限"']
    assert found["titleWidth"] > screen / 2  # the task's name box spans the card
