"""The five journeys of issue 10, in order: each builds on the one before.

1. A clerk reports October 2024 for 经济发展办: one figure is invalid (Chinese message, nothing
   saved), then corrected, saved and submitted.
2. The reviewer returns it with a reason, the clerk resubmits, the reviewer approves; the
   clerk can no longer change the month.
3. A leader reads the month on the dashboard (cards, table, charts), downloads the CSV and the
   XLSX (same values), opens the briefing, and cannot reach the entry form.
4. The dashboard fits a 390 px phone; the 挂图作战 board prints on one A4 page.
5. No page of any journey asks another host for anything.
An admin adding a user (the user guide shows it) runs between 4 and 5.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect

from accounts.models import User
from indicators.models import Figure, MonthReview
from tests.e2e.conftest import ARTIFACTS, PASSWORD, login, shot

pytestmark = pytest.mark.e2e

OFFICE = "经济发展办"
PERIOD = "2024-10"
# What the clerk enters (亿元): value and published growth ("" for none).
ENTERED = {
    "规上工业产值": ("35.18", "12.6"),
    "工业性投资": ("1.95", ""),
    "固定资产投资": ("44.10", ""),
}
TYPO = "35.1.8"


def october_figures() -> dict[str, Figure]:
    figures = Figure.objects.filter(
        indicator__office__name=OFFICE, year=2024, month=10
    ).select_related("indicator")
    return {figure.indicator.name: figure for figure in figures}


def value_input(page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_label(f"{name}（亿元）", exact=True)


def report_row(page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("table.report-table tbody tr").filter(has=value_input(page, name))


def open_report(page, *, link: str) -> None:  # type: ignore[no-untyped-def]
    """From the dashboard, through the top bar, to the office's month."""
    page.locator("nav.usernav").get_by_role("link", name=link, exact=True).click()
    page.get_by_label("月份").fill(PERIOD)
    page.get_by_role("button", name="打开").click()
    expect(page.locator(".report h2")).to_have_text(f"{OFFICE} · 2024年1-10月")


def expect_message(page, text: str) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("ul.messagelist, ul.messages")).to_contain_text(text)


def test_a_clerk_reports_a_month_after_fixing_an_invalid_figure(app, new_page):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    shot(page, "01-login")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("nav.usernav .who")).to_contain_text("经发办录入员")

    open_report(page, link="月报填报")
    shot(page, "02-clerk-report-form")
    for name, (value, growth) in ENTERED.items():
        value_input(page, name).fill(TYPO if name == "规上工业产值" else value)
        if growth:
            report_row(page, name).locator("input[name$='-growth']").fill(growth)
    page.get_by_role("button", name="保存全部").click()

    expect(page.locator("p.errornote")).to_contain_text("有 1 处错误，全部数据均未保存。")
    expect(report_row(page, "规上工业产值")).to_contain_text(
        f"规上工业产值：“{TYPO}”不是有效的数字。"
    )
    # What was typed stays on the page, and nothing reached the database.
    expect(value_input(page, "工业性投资")).to_have_value("1.95")
    assert october_figures() == {}
    shot(page, "03-clerk-invalid-figure")

    value_input(page, "规上工业产值").fill(ENTERED["规上工业产值"][0])
    page.get_by_role("button", name="保存全部").click()
    expect_message(page, "已保存：新增3条，修改0条，修订0条。")
    saved = october_figures()
    assert {name: str(figure.value_display) for name, figure in saved.items()} == {
        name: value for name, (value, _growth) in ENTERED.items()
    }
    assert saved["规上工业产值"].growth == Decimal("12.6")
    expect(value_input(page, "规上工业产值")).to_have_value("35.18")
    shot(page, "04-clerk-saved")

    page.get_by_role("button", name="报送审核").click()
    expect_message(page, "已报送，等待审核。")
    expect(page.locator(".review-state")).to_have_text("已报送")
    shot(page, "05-clerk-submitted")


def test_a_reviewer_returns_then_approves_and_the_month_locks(app, new_page):
    reviewer = new_page()
    login(reviewer, "reviewer")
    open_report(reviewer, link="月报审核")
    expect(reviewer.locator(".review-state")).to_have_text("已报送")
    # A reviewer reads the figures as text and has nothing to save them with.
    output_row = reviewer.locator("table.report-table tbody tr").filter(has_text="规上工业产值")
    expect(output_row.first).to_contain_text("35.18")
    expect(reviewer.locator("table.report-table input")).to_have_count(0)
    expect(reviewer.get_by_role("button", name="保存全部")).to_have_count(0)
    reviewer.get_by_label("原因").fill("工业性投资请补充情况说明")
    shot(reviewer, "06-reviewer-review")
    reviewer.get_by_role("button", name="退回").click()
    expect_message(reviewer, "已退回。")
    expect(reviewer.locator(".review-state")).to_have_text("已退回")

    clerk = new_page()
    login(clerk, "clerk")
    open_report(clerk, link="月报填报")
    expect(clerk.locator(".review-box")).to_contain_text("退回原因：工业性投资请补充情况说明")
    shot(clerk, "07-clerk-returned")
    report_row(clerk, "工业性投资").locator("input[name$='-note']").fill("新增设备投资入库0.2亿元")
    clerk.get_by_role("button", name="保存全部").click()
    expect_message(clerk, "已保存：新增0条，修改1条，修订0条。")
    clerk.get_by_role("button", name="报送审核").click()
    expect_message(clerk, "已报送，等待审核。")

    reviewer.reload()
    expect(reviewer.locator(".review-state")).to_have_text("已报送")
    reviewer.get_by_role("button", name="审核通过").click()
    expect_message(reviewer, "审核通过，该月数据已锁定。")
    expect(reviewer.locator(".review-state")).to_have_text("已审核")
    shot(reviewer, "08-reviewer-approved")
    review = MonthReview.objects.get(office__name=OFFICE, year=2024, month=10)
    assert review.state == MonthReview.State.REVIEWED
    assert review.reviewed_by.username == "reviewer"

    clerk.reload()
    expect(clerk.locator(".review-box .errornote")).to_contain_text("2024年10月的数据已审核锁定")
    expect(clerk.locator("table.report-table input")).to_have_count(0)
    expect(clerk.get_by_role("button", name="保存全部")).to_have_count(0)
    expect(clerk.get_by_role("button", name="报送审核")).to_have_count(0)
    shot(clerk, "09-clerk-locked")
    # Posting the form anyway (the button and the inputs are gone, the form is not) changes
    # nothing.
    with clerk.expect_navigation():
        clerk.evaluate("document.querySelector('.report form[novalidate]').submit()")
    expect_message(clerk, "未保存：2024年10月的数据已审核锁定")
    assert october_figures()["规上工业产值"].value_display == Decimal("35.18")


def table_cells(page, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    row = page.locator("#indicator-table tbody tr").filter(
        has=page.get_by_role("link", name=name, exact=True)
    )
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def expect_charts_drawn(page) -> None:  # type: ignore[no-untyped-def]
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(4)
    for index in range(4):
        expect(charts.nth(index).locator("svg.main-svg").first).to_be_attached()
        expect(charts.nth(index)).to_have_class(re.compile(r"\bdrawn\b"))


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").removesuffix("%"))


def test_a_leader_reads_the_month_downloads_it_and_cannot_enter_data(app, new_page):
    page = new_page()
    login(page, "leader")
    nav = page.locator("nav.usernav")
    expect(nav.get_by_role("link", name="月报填报")).to_have_count(0)
    nav.get_by_role("link", name="驾驶舱", exact=True).click()
    page.locator("form.filters").get_by_label("月份").fill(PERIOD)
    page.locator("form.filters").get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"period={PERIOD}"))
    expect(page.locator(".subtitle")).to_contain_text("2024年1-10月")
    expect_charts_drawn(page)

    on_page: dict[str, Decimal] = {}
    for name, (value, growth) in ENTERED.items():
        card = page.locator("article.card.kpi").filter(
            has=page.get_by_role("heading", name=name, exact=True)
        )
        expect(card.locator(".value")).to_contain_text(value)
        expect(card.locator(".tag.unreviewed")).to_have_count(0)  # approved in journey 2
        if growth:
            expect(card).to_contain_text(f"{growth}%")
        cells = table_cells(page, name)
        assert number(cells[2]) == Decimal(value), cells
        on_page[name] = number(cells[2])
    expect(
        page.locator("article.card.kpi")
        .filter(has=page.get_by_role("heading", name="规上工业产值", exact=True))
        .locator(".status")
    ).to_have_text("高于目标增速")
    shot(page, "10-leader-dashboard")
    page.locator(".chart-grid").scroll_into_view_if_needed()
    shot(page, "11-leader-charts")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="导出CSV").click()
    assert csv_download.value.suggested_filename == f"下各镇经济指标_{PERIOD}.csv"
    raw = csv_download.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the Chinese
    csv_rows = {row["指标"]: row for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="导出Excel").click()
    assert xlsx_download.value.suggested_filename == f"下各镇经济指标_{PERIOD}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    values = list(sheet.values)
    assert values[0][0] == "下各镇经济指标完成情况表（2024年1-10月）"
    header = values[1]
    xlsx_rows = {row[0]: dict(zip(header, row, strict=True)) for row in values[2:]}

    assert set(csv_rows) == set(xlsx_rows)
    for name, (value, growth) in ENTERED.items():
        from_csv, from_xlsx = csv_rows[name], xlsx_rows[name]
        assert from_csv["期间"] == from_xlsx["期间"] == "2024年1-10月"
        assert Decimal(from_csv["本期数"]) == Decimal(value) == on_page[name]
        assert Decimal(str(from_xlsx["本期数"])) == Decimal(value)
        assert from_csv["状态"] == from_xlsx["状态"]
        if growth:
            assert Decimal(from_csv["同比增长（%）"]) == Decimal(growth)
            assert Decimal(str(from_xlsx["同比增长（%）"])) == Decimal(growth)
            assert from_csv["同比来源"] == from_xlsx["同比来源"] == "公布"

    page.get_by_role("link", name="挂图作战").first.click()
    expect(page.locator("table.board tbody tr").first).to_be_visible()
    shot(page, "12-leader-board")
    page.go_back()

    page.get_by_role("link", name="月度简报").click()
    page.wait_for_url(re.compile(rf"/reports/briefing/\?period={PERIOD}"))
    expect(page.locator(".briefing h1")).to_contain_text("2024年")
    expect(page.locator(".economic-paragraph")).to_contain_text("35.18")
    shot(page, "13-leader-briefing")

    # No way in: no link on the dashboard or in 数据管理, and the address itself refuses.
    page.goto(f"/?period={PERIOD}")
    expect(page.locator('a[href*="/figure/report/"]')).to_have_count(0)
    page.goto("/admin/")
    expect(page.locator('a[href*="/figure/report/"]')).to_have_count(0)
    response = page.goto(f"/admin/indicators/figure/report/?period={PERIOD}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="无权访问")).to_be_visible()
    shot(page, "14-leader-refused")


PHONE_CARD_PROBLEMS = """
() => {
  const width = window.innerWidth;
  const problems = [];
  for (const card of document.querySelectorAll('.cards .card')) {
    const box = card.getBoundingClientRect();
    const title = card.querySelector('h2').textContent.trim();
    if (box.left < 0 || box.right > width) {
      problems.push(`${title}: card spans ${box.left}-${box.right} of ${width}`);
    }
    for (const el of [card, ...card.querySelectorAll('*')]) {
      const ownText = [...el.childNodes].some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!ownText) continue;
      const style = getComputedStyle(el);
      const text = el.textContent.trim().slice(0, 20);
      if (parseFloat(style.fontSize) < 12) {
        problems.push(`${title}: "${text}" at ${style.fontSize}`);
      }
      const r = el.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1) {
        problems.push(`${title}: "${text}" sticks out of its card`);
      }
      if (style.display !== 'inline' && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${title}: "${text}" is clipped (${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
  }
  return problems;
}
"""


def test_the_dashboard_fits_a_phone_and_the_board_prints_on_one_page(app, new_page):
    phone = new_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    login(phone, "leader")
    phone.goto(f"/?period={PERIOD}")
    expect_charts_drawn(phone)
    expect(phone.locator(".cards .card")).to_have_count(6)
    widths = phone.evaluate(
        "[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
    assert phone.evaluate(PHONE_CARD_PROBLEMS) == []
    shot(phone, "15-phone-dashboard")

    desktop = new_page()
    login(desktop, "leader")
    desktop.goto(f"/board/?period={PERIOD}")
    rows = desktop.locator("table.board tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 30
    pdf = desktop.pdf(format="A4", landscape=True, print_background=True)
    (ARTIFACTS / "16-board-print.pdf").write_bytes(pdf)
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    assert len(pages) == 1, f"挂图作战 prints on {len(pages)} pages"
    desktop.emulate_media(media="print")
    shot(desktop, "16-board-print")


def test_an_admin_adds_a_user(app, new_page):
    page = new_page()
    login(page, "admin")
    page.locator("nav.usernav").get_by_role("link", name="数据管理").click()
    page.locator("#content-main").get_by_role("link", name="用户", exact=True).click()
    page.wait_for_url("**/admin/accounts/user/")
    page.locator(".object-tools a.addlink").click()
    page.wait_for_url("**/admin/accounts/user/add/")
    page.locator("#id_username").fill("zhangwei")
    page.locator("#id_display_name").fill("张伟")
    page.locator("#id_office").select_option(label=OFFICE)
    page.get_by_label("录入员", exact=True).check()
    page.locator("#id_password1").fill("Xiage-new-2024")
    page.locator("#id_password2").fill("Xiage-new-2024")
    shot(page, "17-admin-add-user")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist .success")).to_contain_text("已新增用户“张伟”")
    user = User.objects.get(username="zhangwei")
    assert user.office.name == OFFICE and user.is_clerk

    newcomer = new_page()
    newcomer.goto("/accounts/login/")
    newcomer.get_by_label("用户名").fill("zhangwei")
    newcomer.get_by_label("密码").fill("Xiage-new-2024")
    newcomer.get_by_role("button", name="登录").click()
    expect(newcomer.locator("nav.usernav .who")).to_contain_text("张伟（经济发展办）")


def test_no_journey_asks_another_host_for_anything(app):
    """Runs last: every request of the journeys above went to the app itself."""
    journeys = {journey for journey, _url in app.requests}
    assert len(journeys) >= 5, "run the whole module: this checks the journeys before it"
    assert any(url.endswith("plotly.min.js") for _journey, url in app.requests)
    elsewhere = [
        (journey, url)
        for journey, url in app.requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != app.netloc
    ]
    assert elsewhere == []
