"""WCAG 2.1 A/AA on every page people read or enter data on, checked with axe-core in Chromium.

axe-core comes from the npm registry, pinned in package-lock.json (`.ci/ensure-browser`, run
by `make e2e`, installs it into node_modules/). Each page is opened as the role that uses it,
in the state people meet it in (a form with errors, a saved form, an upload with errors), and
axe's WCAG 2.1 A and AA rules must find nothing critical or serious. The app's
Content-Security-Policy forbids injected script tags, so axe's source is evaluated through the
DevTools protocol (page.evaluate), which the policy does not govern.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PROJECT_DIR, login

pytestmark = pytest.mark.e2e

AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}
OFFICE = "经济发展办"
PERIOD = "2024-10"  # the month being reported under the pinned clock (5 November 2024)
READ_PERIOD = "2024-09"  # the last month of demo figures

RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(' '),
      impact: n.impact,
      summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300),
    })),
  }));
}
"""


def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail("axe-core is missing: run `bash .ci/ensure-browser` (make e2e does).")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every WCAG 2.1 A/AA violation axe finds on the page, with every <details> opened so
    that what they fold away (the charts' data tables, the review record) is checked too."""
    page.wait_for_load_state("load")
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" — {len(violation['nodes'])} node(s)"
        )
        lines.extend(f"    {node['target']}: {node['summary']}" for node in violation["nodes"])
    return "\n".join(lines)


def expect_accessible(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """No critical or serious WCAG 2.1 A/AA violation; all of axe's findings are printed."""
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    counts = {
        impact: sum(len(v["nodes"]) for v in violations if v["impact"] == impact)
        for impact in ("critical", "serious", "moderate", "minor")
    }
    print(f"axe {name}: {counts}")
    if violations:
        print(describe(violations))
    assert not blocking, f"axe on {name} ({page.url}):\n{describe(blocking)}"


def wait_for_charts(page) -> None:  # type: ignore[no-untyped-def]
    charts = page.locator("[data-chart]")
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_class(re.compile(r"\bdrawn\b"))


def open_month(page, path: str) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import Office

    office = Office.objects.get(name=OFFICE)
    page.goto(f"{path}?office={office.pk}&period={PERIOD}")
    expect(page.locator(".report h2").first).to_contain_text(OFFICE)


def reading_pages() -> dict[str, str]:
    """The pages leaders read, each with data: an indicator, a project and a task of the
    office whose clerk reads them too."""
    from indicators.models import Indicator
    from plans.models import Project, Task

    indicator = (
        Indicator.objects.filter(office__name=OFFICE, is_key=True, figures__year=2024)
        .order_by("pk")
        .first()
    )
    project = Project.objects.filter(office__name=OFFICE, reports__year=2024).order_by("pk").first()
    task = Task.objects.filter(office__name=OFFICE, reports__year=2024).order_by("pk").first()
    assert indicator is not None and project is not None and task is not None
    return {
        "待办": "/todo/",
        "通知": "/notifications/",
        "dashboard": f"/?period={READ_PERIOD}",
        "board": f"/board/?period={READ_PERIOD}",
        "briefing": f"/reports/briefing/?period={READ_PERIOD}",
        "indicator": f"/indicators/{indicator.code}/",
        "project": f"/projects/{project.pk}/",
        "task": f"/tasks/{task.pk}/",
    }


def test_the_login_page(app, new_page):
    page = new_page()
    page.goto("/accounts/login/")
    expect_accessible(page, "login")
    # A failed login shows its message beside the form.
    page.get_by_label("用户名").fill("nobody")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_label("用户名")).to_have_attribute("aria-invalid", "true")
    expect_accessible(page, "login (refused)")


@pytest.mark.parametrize("role", ["leader", "clerk"])
def test_the_landing_and_reading_pages(app, new_page, role):
    page = new_page()
    login(page, role)
    for name, url in reading_pages().items():
        page.goto(url)
        wait_for_charts(page)
        expect_accessible(page, f"{name} ({role})")


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_the_other_roles_landing_pages(app, new_page, role):
    page = new_page()
    login(page, role)
    for name, url in {"待办": "/todo/", "通知": "/notifications/", "数据管理": "/admin/"}.items():
        page.goto(url)
        expect_accessible(page, f"{name} ({role})")


def test_the_monthly_report_form_blank_refused_and_saved(app, new_page):
    page = new_page()
    login(page, "clerk")
    open_month(page, "/admin/indicators/figure/report/")
    expect_accessible(page, "月报填报")

    rows = page.locator("table.report-table tbody tr")
    rows.nth(0).locator("input[name$='-value']").fill("35.1.8")
    rows.nth(1).locator("input[name$='-growth']").fill("abc")
    page.get_by_role("button", name="保存全部").click()
    expect(page.locator("p.errornote").first).to_be_visible()
    # The refusal is announced and holds the focus; each wrong input names its error.
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("role", "alert")
    expect(focused).to_contain_text("全部未保存")
    wrong = rows.nth(0).locator("input[name$='-value']")
    expect(wrong).to_have_attribute("aria-invalid", "true")
    described = page.locator(f"#{wrong.get_attribute('aria-describedby')}")
    expect(described).to_contain_text("“35.1.8”不是有效的数字")
    expect_accessible(page, "月报填报 (errors)")

    rows.nth(0).locator("input[name$='-value']").fill("35.18")
    rows.nth(1).locator("input[name$='-growth']").fill("")
    page.get_by_role("button", name="保存全部").click()
    expect(page.locator(".messagelist .success, .messagelist .warning").first).to_be_visible()
    if page.locator("input[name=confirm_warnings]").count():
        expect_accessible(page, "月报填报 (warnings)")
        page.locator("input[name=confirm_warnings]").check()
        page.get_by_role("button", name="保存全部").click()
    expect(page.get_by_role("status")).to_contain_text("已保存")
    expect_accessible(page, "月报填报 (saved)")


def test_the_monthly_progress_form_blank_and_refused(app, new_page):
    page = new_page()
    login(page, "clerk")
    open_month(page, "/admin/plans/progressreport/report/")
    expect_accessible(page, "月度进展填报")

    page.locator("input[name$='-percent_done']").first.fill("120")
    page.get_by_role("button", name="保存全部").click()
    expect(page.locator("p.errornote").first).to_be_visible()
    expect(page.locator(":focus")).to_have_attribute("role", "alert")
    wrong = page.locator("input[name$='-percent_done']").first
    expect(wrong).to_have_attribute("aria-invalid", "true")
    described = page.locator(f"#{wrong.get_attribute('aria-describedby')}")
    expect(described).to_contain_text("形象进度应在0到100之间")
    expect_accessible(page, "月度进展填报 (errors)")


def filled_template(page) -> bytes:  # type: ignore[no-untyped-def]
    """The office's template as the page offers it, with one impossible figure typed in."""
    with page.expect_download() as download:
        page.get_by_role("button", name="下载模板").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["月报"]
    sheet.cell(row=4, column=5, value="29.7.4")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_excel_import_page_blank_and_with_errors(app, new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/indicators/figure/import/")
    expect_accessible(page, "Excel导入")

    content = filled_template(page)
    page.locator("input[type=file]").set_input_files(
        {"name": "月报.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".errornote").first).to_contain_text("不是有效的数字")
    expect_accessible(page, "Excel导入 (errors)")


def test_the_review_page(app, new_page):
    """A reviewer opens the clerk's submitted month (月报审核): figures as text, no inputs."""
    clerk = new_page()
    login(clerk, "clerk")
    open_month(clerk, "/admin/indicators/figure/report/")
    value = clerk.locator("table.report-table tbody tr").first.locator("input[name$='-value']")
    if value.count() and not value.input_value():
        value.fill("35.18")
        clerk.get_by_role("button", name="保存全部").click()
        if clerk.locator("input[name=confirm_warnings]").count():
            clerk.locator("input[name=confirm_warnings]").check()
            clerk.get_by_role("button", name="保存全部").click()
        expect(clerk.locator(".messagelist .success")).to_contain_text("已保存")
    clerk.get_by_role("button", name="报送审核").click()
    expect(clerk.locator(".review-state")).to_have_text("已报送")

    reviewer = new_page()
    login(reviewer, "reviewer")
    open_month(reviewer, "/admin/indicators/figure/report/")
    expect(reviewer.locator(".review-state")).to_have_text("已报送")
    expect(reviewer.locator("table.report-table input:not([type=hidden])")).to_have_count(0)
    expect_accessible(reviewer, "月报审核")
