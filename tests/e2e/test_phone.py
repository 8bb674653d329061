"""Text a leader can read, on a phone and on a desk: the dashboard, the 挂图作战 board and the
月度简报, measured in Chromium.

At 390×844 (a phone) and 1280×800 (a desk) every visible text node of each page, the charts'
SVG text included, is at least 12 px; no page scrolls sideways; and every 状态 cell of the
indicator table lies within the screen's width, so a leader reads an indicator's status next
to its name without scrolling the table. What was measured (the smallest size on each page and
the page's height) is written to test-artifacts/e2e/phone-measurements.json.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS, DESKTOP, PASSWORD, shot

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
MIN_FONT_PX = 12
PAGES = {
    "dashboard": "/",
    "board": "/board/",
    "briefing": "/reports/briefing/",
}

# Every text node a reader can see, with its computed font size: nodes inside hidden elements,
# closed <details>, or with no box are skipped; screen-reader-only text (clipped to a pixel)
# is skipped too, since nobody reads it on the screen.
TEXT_SIZES = """
() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text) continue;
    const element = node.parentElement;
    if (!element || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(element.tagName)) continue;
    if (!element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    const style = getComputedStyle(element);
    found.push({
      size: parseFloat(style.fontSize),
      text: text.slice(0, 30),
      where: element.tagName.toLowerCase()
        + (element.id ? '#' + element.id : '')
        + (typeof element.className === 'string' && element.className
           ? '.' + element.className.trim().split(/\\s+/).join('.') : ''),
    });
  }
  return found;
}
"""

SIDEWAYS = """
() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]
"""

# The 状态 cells of the indicator table whose box reaches past the screen's right edge.
STATUS_OFF_SCREEN = """
() => {
  const table = document.querySelector('#indicator-table');
  const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  const column = headers.findIndex((text) => text.startsWith('状态'));
  if (column < 0) return ['no 状态 column'];
  const off = [];
  for (const row of table.querySelectorAll('tbody tr')) {
    const cell = row.children[column];
    const box = cell.getBoundingClientRect();
    if (box.left < 0 || box.right > window.innerWidth) {
      const name = row.children[0].textContent.trim();
      off.push(`${name}: ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
  }
  return off;
}
"""


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    """Log in and wait to leave the login page, wherever the app lands a leader."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: not urlsplit(url).path.startswith("/accounts/login/"))


def measure(page, name: str) -> dict:  # type: ignore[no-untyped-def]
    page.goto(PAGES[name])
    page.wait_for_load_state("networkidle")
    if name == "dashboard":
        # The charts draw after load; their SVG text counts too.
        page.wait_for_function(
            "[...document.querySelectorAll('[data-chart]')]"
            ".every((chart) => chart.classList.contains('drawn'))"
        )
    sizes = page.evaluate(TEXT_SIZES)
    assert sizes, f"no text found on {name}"
    return {
        "sizes": sizes,
        "smallest": min(item["size"] for item in sizes),
        "height": page.evaluate("document.documentElement.scrollHeight"),
        "widths": page.evaluate(SIDEWAYS),
    }


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_no_text_is_under_12px_and_nothing_scrolls_sideways(app, new_page, device):
    page = new_page(**(PHONE if device == "phone" else {"viewport": DESKTOP}))
    sign_in(page, "leader")
    report, problems = {}, []
    for name in PAGES:
        found = measure(page, name)
        small = [item for item in found["sizes"] if item["size"] < MIN_FONT_PX]
        scroll_width, body_width, screen = found["widths"]
        status_off = page.evaluate(STATUS_OFF_SCREEN) if name == "dashboard" else []
        report[name] = {
            "smallest_px": found["smallest"],
            "height_px": found["height"],
            "screens": round(found["height"] / page.viewport_size["height"], 1),
            "widths": found["widths"],
            "under_12px": small,
            "status_off_screen": status_off,
        }
        shot(page, f"text-{device}-{name}", full_page=True)
        if small:
            problems.append(f"{name}: {len(small)} text nodes under {MIN_FONT_PX}px: {small[:8]}")
        if scroll_width > screen or body_width > screen:
            problems.append(f"{name} scrolls sideways: {found['widths']}")
        if status_off:
            problems.append(f"{name}: 状态 cells off-screen: {status_off[:5]}")
    path = ARTIFACTS / "phone-measurements.json"
    measurements = json.loads(path.read_text()) if path.exists() else {}
    measurements[device] = report
    path.write_text(json.dumps(measurements, ensure_ascii=False, indent=1))
    assert not problems, problems
