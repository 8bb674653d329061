"""A name with a link or a style in it is drawn as plain text in the charts, in Chromium.

plotly.js reads a subset of HTML in every text it draws (<a href>, <b>, <i>, <br>,
<span style>, <sub>, <sup>): a project named `<a href="https://evil.example/">后冯美妆项目</a>`
would be a live link in the Gantt chart, looking like the real name. A project and an
indicator are renamed through the ORM, and the dashboard (the stage Gantt, the growth bars, the
cumulative path), the 挂图作战 board and the indicator's page are opened as a leader: no link
to that address, no styled text from a name, and each name readable as the text it is.

The same pages are drawn under the app's Content-Security-Policy, which allows styles from
the app's files only: no style is refused, and plotly's own rules come from
static/css/plotly.css (its layered SVGs are positioned, so the charts draw as they should).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import PASSWORD, shot

pytestmark = pytest.mark.e2e

PROJECT_NAME = '<a href="https://evil.example/">后冯美妆项目</a>'
INDICATOR_NAME = '<span style="color:red;font-size:40px">规上</span>工业产值'

# Every Content-Security-Policy refusal, recorded from before the page's own scripts run.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  const where = event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 80) : '';
  window.__violations.push(
    `${location.pathname}: ${event.effectiveDirective} ${event.blockedURI} `
    + `${event.sourceFile}:${event.lineNumber} ${where}`);
});
"""

# Elements styled as the indicator's name asks (plotly writes a <span style> as <tspan style>).
STYLED = (
    '[style*="font-size:40px"], [style*="font-size: 40px"], '
    '[style*="color:red"], [style*="color: red"]'
)
# What the charts hold: links, elements styled like the name's span, and all their text.
CHART_FACTS = """
(STYLED) => {
  const charts = [...document.querySelectorAll('[data-chart]')];
  const inside = (selector) => charts.flatMap((chart) => [...chart.querySelectorAll(selector)]);
  return {
    drawn: charts.length > 0 && charts.every((chart) => chart.classList.contains('drawn')),
    links: inside('a').map((a) => a.getAttribute('href') || a.getAttribute('xlink:href')),
    styled: inside(STYLED).map((node) => node.outerHTML.slice(0, 120)),
    tspans_with_style: inside('tspan[style]').map((node) => node.getAttribute('style')),
    text: charts.map((chart) => chart.textContent).join('\\n'),
    svg_positioned: inside('svg.main-svg').every(
      (svg) => getComputedStyle(svg).position === 'absolute'),
    plotly_style_element: !!document.querySelector('style#plotly\\\\.js-style-global'),
  };
}
"""


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: not urlsplit(url).path.startswith("/accounts/login/"))


@pytest.fixture(scope="module")
def renamed(app) -> dict:
    """后冯美妆项目 (with a dated stage, so it is in the Gantt) and 规上工业产值, renamed
    through the ORM (save(), so the dashboard's data stamp moves on)."""
    from indicators.models import Indicator
    from plans.models import Project

    project = Project.objects.get(code="devzone_houfeng_beauty")  # 后冯美妆项目
    project.name = PROJECT_NAME
    project.save()
    if not project.stages.filter(planned_date__isnull=False).exists():
        stage = project.stages.order_by("order").first()
        stage.planned_date = date(2024, 12, 31)
        stage.save()
    indicator = Indicator.objects.get(code="industrial_output_above")  # 规上工业产值
    indicator.name = INDICATOR_NAME
    indicator.save()
    return {"project": project, "indicator": indicator}


def open_charts(page, url: str) -> dict:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart]')].every((c) => c.classList.contains('drawn'))"
    )
    return page.evaluate(CHART_FACTS, STYLED)


def assert_plain(facts: dict, *names: str) -> None:
    assert facts["drawn"]
    assert facts["links"] == [], facts["links"]
    assert facts["styled"] == [] and facts["tspans_with_style"] == [], facts["styled"]
    for name in names:
        assert name in facts["text"], name
    assert facts["svg_positioned"], "plotly's rules (static/css/plotly.css) did not apply"
    assert not facts["plotly_style_element"], "plotly added a <style> element of its own"


def test_names_with_a_link_and_a_style_are_plain_text_in_the_charts(app, new_page, renamed):
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, "leader")
    indicator = renamed["indicator"]

    dashboard = open_charts(page, f"/?indicator={indicator.code}")
    shot(page, "chart-labels-dashboard", full_page=True)
    assert_plain(dashboard, PROJECT_NAME, INDICATOR_NAME)
    assert f"{INDICATOR_NAME}（{indicator.unit_label}）累计走势" in dashboard["text"]
    assert page.locator('a[href^="https://evil.example"]').count() == 0
    violations = page.evaluate("window.__violations")

    # The hover label of the renamed project's bar: the name again as text, no link.
    gantt = page.locator('[data-chart="chart-gantt"]')
    ticks = gantt.locator("g.ytick text")
    names = ticks.all_text_contents()
    assert names.count(PROJECT_NAME) == 1, names
    tick = ticks.nth(names.index(PROJECT_NAME))
    box = tick.bounding_box()
    bars = gantt.locator("g.point path")
    hovered = ""
    for index in range(bars.count()):
        bar = bars.nth(index).bounding_box()
        if bar and abs((bar["y"] + bar["height"] / 2) - (box["y"] + box["height"] / 2)) < 8:
            bars.nth(index).hover(force=True)
            hovered = gantt.locator("g.hoverlayer").text_content() or ""
            assert gantt.locator("g.hoverlayer a").count() == 0
            break
    assert "后冯美妆项目" in hovered and PROJECT_NAME in hovered

    page.goto("/board/")
    assert page.locator('a[href^="https://evil.example"]').count() == 0
    assert PROJECT_NAME in page.locator("body").inner_text()
    violations += page.evaluate("window.__violations")

    detail = open_charts(page, f"/indicators/{indicator.code}/")
    shot(page, "chart-labels-indicator", full_page=True)
    assert_plain(detail, f"{INDICATOR_NAME}（{indicator.unit_label}）累计走势")
    assert page.locator(STYLED).count() == 0
    violations += page.evaluate("window.__violations")

    assert violations == [], violations


def test_the_admin_and_error_pages_need_no_inline_style(app, new_page, renamed):
    """The admin's pages (a list, a change form with its widgets, a history page) and an error
    page draw under the same policy with nothing refused."""
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, "admin")
    project = renamed["project"]
    for url in (
        "/admin/",
        "/admin/plans/project/",
        f"/admin/plans/project/{project.pk}/change/",
        f"/admin/plans/project/{project.pk}/history/",
        "/admin/indicators/indicator/add/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], url
    page.goto("/?category=%00")  # refused before any view: the standalone error page
    assert "网址中含有无法处理的字符" in page.locator("body").inner_text()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 247, 249)"
    assert page.evaluate("window.__violations") == []
