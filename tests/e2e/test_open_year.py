"""开启新年度 in the browser (issue 18, item 1): in December an admin opens the next year on
数据管理 → 年度开启记录 → 开启新年度, edits one proposed target and confirms; in March the clerk
enters the year's 1-2月 figure on 月报填报 and the dashboard reads it against the new target.

The years come from the clock the test sets (15 December 2026, then 5 March 2027); the seed's
2023 figures and 2024 plan stay as they are, and the year before the one opened is given a plan
here (its sections, an unfinished task, a target and figures)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from indicators.models import Figure, Indicator, Place
from plans.models import PlanSection, ProgressReport, Target, Task, YearOpening
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

TZ = ZoneInfo("Asia/Shanghai")
DECEMBER = datetime(2026, 12, 15, 9, 0, tzinfo=TZ)
MARCH = datetime(2027, 3, 5, 9, 0, tzinfo=TZ)
NAME = "规上工业产值"
OFFICE = "经济发展办"


def last_years_plan(year: int) -> tuple[Indicator, Task]:
    """The year before `year`: the seed's sections copied to it, an unfinished task (1000 of
    1300 亩 done), a target for 规上工业产值 and its figures (the December before, 1-10月)."""
    last = year - 1
    for section in PlanSection.objects.filter(year=2024):
        PlanSection.objects.get_or_create(
            year=last, number=section.number, defaults={"title": section.title}
        )
    seed_task = Task.objects.filter(section__year=2024, kind="quantity").first()
    assert seed_task is not None
    task = Task.objects.create(
        section=PlanSection.objects.get(year=last, number=seed_task.section.number),
        code="open-year-e2e",
        title="朱溪港两侧土地征收",
        text=seed_task.text,
        kind="quantity",
        quantity=Decimal("1300"),
        unit=seed_task.unit,
        deadline=date(last, 12, 31),
        office=seed_task.office,
    )
    ProgressReport.objects.create(task=task, year=last, month=11, quantity_done=Decimal("1000"))
    indicator = Indicator.objects.get(name=NAME)
    Target.objects.update_or_create(
        indicator=indicator, year=last, defaults={"kind": "amount", "value": Decimal("60")}
    )
    town = Place.objects.get(level="town")
    for when, value in (((last - 1, 12), "50"), ((last, 10), "50")):
        Figure.objects.update_or_create(
            indicator=indicator,
            year=when[0],
            month=when[1],
            place=town,
            defaults={"value": Decimal(value)},
        )
    return indicator, task


def passwords_fresh() -> None:
    """The accounts' passwords were set when the module's data was made (2024): on a clock two
    years on they would have expired, and the login would ask for a new one first."""
    User.objects.update(password_changed_at=timezone.now())


def test_the_page_is_usable_on_a_phone(app, new_page):
    """At 390 px each proposed row is a card: every box is on screen, 依据 reads as a sentence
    and the page does not scroll sideways (trial 18, finding 13). Nothing is confirmed here."""
    with time_machine.travel(DECEMBER, tick=True):
        passwords_fresh()
        page = new_page(viewport={"width": 390, "height": 844})
        login(page, "admin")
        page.goto("/admin/plans/yearopening/open/")
        row = page.locator("#targets tbody tr").first
        expect(row).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        for box in ("select[name$='-kind']", "input[name$='-value']", "input[name$='-wording']"):
            bounds = row.locator(box).bounding_box()
            assert bounds is not None and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= 390
        basis = row.locator("td.text").bounding_box()
        assert basis is not None and basis["width"] > 250  # not one or two characters a line
        # Each field is named above it (the header row is hidden at this width).
        label = row.locator("td.text").evaluate(
            "cell => getComputedStyle(cell, '::before').content"
        )
        assert label == '"依据"'
        shot(page, "open-year-phone", full_page=True)


def test_an_admin_opens_the_next_year_and_its_first_figure_meets_the_new_target(app, new_page):
    with time_machine.travel(DECEMBER, tick=True):
        year = DECEMBER.year + 1
        indicator, task = last_years_plan(year)
        passwords_fresh()
        page = new_page()
        login(page, "admin")
        page.goto("/admin/plans/yearopening/")
        page.get_by_role("link", name="开启新年度").click()
        expect(page.get_by_label("开启年度")).to_have_value(str(year))
        expect(page.locator("#content-main h2").first).to_have_text(f"{year}年度目标")
        row = page.locator("#targets tbody tr").filter(has_text=f"{NAME}（亿元）")
        # 1-10月 50 carried to the year is 60, and last year's 60 asked 20 % over the 50 before.
        expect(row).to_contain_text(f"按{year - 1}年1-10月实际50亿元折全年60亿元×（1+20%）")
        value = row.locator("input[name$='-value']")
        expect(value).to_have_value("72")
        value.fill("80")
        # The task's title is in its box; the row says what was done of it last year.
        carried = page.locator("#tasks tbody tr").filter(has_text="目标 1300亩，已完成 1,000亩")
        expect(carried.locator("input[name$='-title']")).to_have_value("朱溪港两侧土地征收")
        expect(carried.locator("input[name$='-quantity']")).to_have_value("300")
        shot(page, "open-year-proposal", full_page=True)
        page.get_by_role("button", name="确认开启").click()
        expect(page.locator("ul.messagelist")).to_contain_text(f"已开启{year}年度")
        shot(page, "open-year-done")

        opening = YearOpening.objects.get(year=year)
        assert opening.opened_by.username == "admin"
        target = Target.objects.get(indicator=indicator, year=year)
        assert (target.kind, target.value, target.wording) == (
            "amount",
            Decimal("80"),
            "完成80亿元",
        )
        sections = list(PlanSection.objects.filter(year=year).values_list("number", "title"))
        assert sections == list(
            PlanSection.objects.filter(year=year - 1).values_list("number", "title")
        )
        assert len(sections) > 1
        carried_task = Task.objects.get(carried_from=task)
        assert carried_task.section.year == year
        assert (carried_task.quantity, carried_task.deadline) == (
            Decimal("300"),
            date(year, 12, 31),
        )
        assert opening.created["targets"] == Target.objects.filter(year=year).count()

    with time_machine.travel(MARCH, tick=True):
        assert MARCH.year == year
        passwords_fresh()
        clerk = new_page()
        login(clerk, "clerk")
        clerk.goto("/admin/indicators/figure/report/")
        clerk.get_by_label("月份").fill(f"{year}-02")
        clerk.get_by_role("button", name="打开").click()
        expect(clerk.locator(".report h2")).to_have_text(f"{OFFICE} · {year}年1-2月")
        clerk.get_by_label(f"{NAME}（亿元）", exact=True).fill("15")
        clerk.get_by_role("button", name="保存全部").click()
        confirm = clerk.get_by_label("我已核对以上提示的数据，确认保存")
        if confirm.count():
            confirm.check()
            clerk.get_by_role("button", name="保存全部").click()
        expect(clerk.locator("ul.messagelist")).to_contain_text("已保存")
        figure = Figure.objects.get(indicator=indicator, year=year, month=2)
        assert figure.value == Decimal("15")

        leader = new_page()
        login(leader, "leader")
        leader.goto(f"/?period={year}-02")
        expect(leader.locator(".subtitle")).to_contain_text(f"{year}年1-2月")
        card = leader.locator("article.card.kpi").filter(
            has=leader.get_by_role("heading", name=NAME, exact=True)
        )
        expect(card.locator(".value")).to_contain_text("15")
        expect(card).to_contain_text("完成80亿元")
        expect(card.locator(".completion")).to_have_text("18.75%")  # 15 of 80
        shot(leader, "open-year-dashboard")
