"""从计划文本生成任务 through its own page (/admin/plans/plansection/from-text/): paste, check
the proposals, untick and edit, confirm; refusals leave nothing behind."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from indicators.models import Unit
from plans.models import PlanSection, Task
from plans.seed.data import TASKS
from tests.factories import PlanSectionFactory, TaskFactory

URL = "/admin/plans/plansection/from-text/"
LIST = "/admin/plans/plansection/"
SEED = Path(__file__).resolve().parents[2] / "indicators" / "seed" / "xiage_2023_summary.txt"

TEXT = (
    "二、明年工作计划\n"
    "（一）产业发展。\n"
    "完成朱溪港两侧1300亩土地征收。新增亿元以上企业1家以上。\n"
    "（二）民生实事。\n"
    "完成集镇排水系统提升项目。推进减污降碳。\n"
)

pytestmark = pytest.mark.usefixtures("october_2024")


def error_rows(page) -> str:
    return " ".join(row.get_text(" ", strip=True) for row in page.html.select("tr.has-error"))


def preview(django_app, user, text: str = TEXT, year: int | None = None):
    form = django_app.get(URL, user=user).forms["plan-text-paste"]
    form["text"] = text
    if year is not None:
        form["year"] = year
    return form.submit()


def test_paste_preview_untick_edit_and_confirm(django_app, admin_user, office_a, office_b):
    page = django_app.get(URL, user=admin_user)
    assert page.forms["plan-text-paste"]["year"].value == "2025"  # next year by default
    page = preview(django_app, admin_user)
    form = page.forms["plan-text-confirm"]
    # What the text proposes, every row ticked.
    assert [form[f"sections-{i}-title"].value for i in range(2)] == ["产业发展", "民生实事"]
    assert [form[f"tasks-{i}-title"].value for i in range(4)] == [
        "完成朱溪港两侧1300亩土地征收",
        "新增亿元以上企业1家以上",
        "完成集镇排水系统提升项目",
        "推进减污降碳",
    ]
    assert [form[f"tasks-{i}-kind"].value for i in range(4)] == [
        "quantity",
        "quantity",
        "milestone",
        "milestone",
    ]
    assert form["tasks-0-quantity"].value == "1300"
    assert form["tasks-1-at_least"].checked
    assert form["tasks-2-section"].value == "2"
    assert form["tasks-0-deadline"].value == "2025-12-31"
    assert all(form[f"tasks-{i}-include"].checked for i in range(4))
    # The person unticks one, gives one its own office and leader, the rest the default office.
    form["tasks-3-include"] = False
    form["tasks-1-office"] = str(office_b.pk)
    form["tasks-0-leader"] = "王副镇长"
    form["tasks-2-title"] = "集镇排水系统提升"
    form["default_office"] = str(office_a.pk)
    done = form.submit().follow()
    assert "已生成2025年的3个任务（新建2个板块，沿用0个已有板块）。" in done.text

    sections = PlanSection.objects.filter(year=2025).order_by("number")
    assert [(s.number, s.title) for s in sections] == [(1, "产业发展"), (2, "民生实事")]
    tasks = list(Task.objects.filter(section__year=2025).order_by("code"))
    assert [
        (
            t.code,
            t.section.number,
            t.title,
            t.kind,
            t.quantity,
            t.unit.name if t.unit else None,
            t.at_least,
            t.office,
            t.leader,
            t.deadline,
            t.order,
        )
        for t in tasks
    ] == [
        ("t2025_01", 1, "完成朱溪港两侧1300亩土地征收", "quantity", Decimal(1300), "亩", False,
         office_a, "王副镇长", date(2025, 12, 31), 1),
        ("t2025_02", 1, "新增亿元以上企业1家以上", "quantity", Decimal(1), "家", True,
         office_b, "", date(2025, 12, 31), 2),
        ("t2025_03", 2, "集镇排水系统提升", "milestone", None, None, False,
         office_a, "", date(2025, 12, 31), 1),
    ]  # fmt: skip
    assert tasks[0].text == "完成朱溪港两侧1300亩土地征收"
    # Each row's history names the admin who confirmed.
    assert {t.history.get().history_user for t in tasks} == {admin_user}
    assert {s.history.get().history_user for s in sections} == {admin_user}


def test_a_years_sections_are_reused_and_codes_continue(django_app, admin_user, office_a):
    section = PlanSectionFactory(year=2025, number=1, title="原有板块")
    TaskFactory(section=section, code="t2025_01", office=office_a, order=1, text="其他任务")
    TaskFactory(section=section, code="t2025_07", office=office_a, order=2, text="其他任务")
    page = preview(django_app, admin_user)
    assert "该年已有此序号的板块“原有板块”，将沿用，不重复创建。" in page.text
    form = page.forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    form.submit().follow()
    assert PlanSection.objects.filter(year=2025, number=1).get().title == "原有板块"
    assert PlanSection.objects.filter(year=2025).count() == 2
    new = Task.objects.filter(section__year=2025).exclude(code__in=["t2025_01", "t2025_07"])
    assert sorted(new.values_list("code", flat=True)) == [
        "t2025_08",
        "t2025_09",
        "t2025_10",
        "t2025_11",
    ]
    # After the section's own tasks.
    assert new.get(code="t2025_08").order == 3


@pytest.mark.parametrize(
    ("quantity", "message"), [("abc", "请输入数字。"), ("-5", "目标数量必须大于0。")]
)
def test_a_bad_quantity_is_refused_on_its_row_and_nothing_is_saved(
    django_app, admin_user, office_a, quantity, message
):
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    form["tasks-1-quantity"] = quantity
    page = form.submit()
    assert page.status_code == 200
    assert "有错误，未生成任何板块和任务；请按各行的提示修改后再确认。" in page.text
    assert message in error_rows(page)
    assert Task.objects.count() == 0 and PlanSection.objects.count() == 0
    # The page keeps what was typed, and the paste form its text.
    again = page.forms["plan-text-confirm"]
    assert again["tasks-1-quantity"].value == quantity
    assert again["tasks-3-include"].checked
    assert "朱溪港" in page.forms["plan-text-paste"]["text"].value


def test_a_quantity_task_without_a_unit_or_office_is_refused(django_app, admin_user, office_a):
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["tasks-0-unit"] = ""
    page = form.submit()
    rows = error_rows(page)
    assert "数量任务请选择单位。" in rows
    assert "请选择责任科室（或在上方选择“未选科室的任务归入”）。" in rows
    assert Task.objects.count() == 0 and PlanSection.objects.count() == 0


def test_a_task_in_an_unticked_section_is_refused(django_app, admin_user, office_a):
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    form["sections-1-include"] = False
    page = form.submit()
    message = "所选板块（二）未勾选；请勾选该板块，或为任务另选板块。"
    rows = page.html.select("#plan-tasks tbody tr")
    assert [message in row.get_text() for row in rows] == [False, False, True, True]
    assert Task.objects.count() == 0 and PlanSection.objects.count() == 0


def test_an_unticked_row_is_not_checked(django_app, admin_user, office_a):
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    form["tasks-1-include"] = False
    form["tasks-1-quantity"] = "abc"
    form["tasks-1-title"] = ""
    form.submit().follow()
    assert Task.objects.count() == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tasks-TOTAL_FORMS", "100000"),
        ("sections-TOTAL_FORMS", "x"),
        ("year", "abc"),
        ("year", "99999"),
        ("tasks-0-section", "7"),
        ("tasks-0-unit", "999999"),
        ("tasks-0-deadline", "2025-02-30"),
        ("tasks-0-title", "完成\x00建设"),
        ("stamp", "0" * 40),
    ],
)
def test_a_tampered_page_is_refused_in_chinese(django_app, admin_user, office_a, field, value):
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    form[field].force_value(value)
    page = form.submit()
    assert page.status_code == 200
    assert "未生成任何" in page.html.select_one("#plan-text-refused").get_text()
    assert Task.objects.count() == 0 and PlanSection.objects.count() == 0


def test_an_empty_text_and_a_year_out_of_range_are_refused_in_chinese(django_app, admin_user):
    page = preview(django_app, admin_user, text="  ")
    assert "请粘贴计划文本。" in page.text
    assert "plan-text-confirm" not in page.forms
    page = preview(django_app, admin_user, year=1999)
    assert "计划年份须在2023年至2029年之间。" in page.text


def test_a_long_plan_lists_the_first_rows_and_says_so(django_app, admin_user, office_a):
    page = preview(django_app, admin_user, text="新增企业1家。" * 100)
    assert (
        "文本中找到100条任务、1个板块，一页最多列出80条任务、30个板块；其余请分段粘贴后再生成。"
        in (page.text)
    )
    form = page.forms["plan-text-confirm"]
    assert form["tasks-TOTAL_FORMS"].value == "80"
    form["default_office"] = str(office_a.pk)
    form.submit().follow()
    assert Task.objects.count() == 80


def test_the_seed_plan_through_the_page(django_app, admin_user, office_a):
    text = SEED.read_text(encoding="utf-8")
    page = preview(django_app, admin_user, text=text[text.index("二、明年工作计划") :], year=2024)
    form = page.forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    form.submit().follow()
    assert PlanSection.objects.filter(year=2024).count() == 4
    quantified = Counter(
        (t.quantity, t.unit.code, t.at_least)
        for t in Task.objects.filter(section__year=2024, kind="quantity")
    )
    assert quantified == Counter(
        (Decimal(t["quantity"]), t["unit"], t["at_least"]) for t in TASKS if t["quantity"]
    )
    assert Unit.objects.filter(tasks__isnull=False).distinct().count() == 3


def test_the_button_is_on_the_sections_list_for_admins_only(django_app, admin_user, leader):
    listing = django_app.get(LIST, user=admin_user)
    assert listing.click("从计划文本生成").forms["plan-text-paste"]
    assert "从计划文本生成" not in django_app.get(LIST, user=leader).text


@pytest.mark.parametrize("who", ["clerk", "leader", "reviewer"])
def test_others_are_refused_never_a_500(django_app, request, who, admin_user, office_a):
    user = request.getfixturevalue(who)
    assert django_app.get(URL, user=user, status=403).status_code == 403
    # Nor may they post the page an admin was given.
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    django_app.set_user(user)
    assert form.submit(status=403).status_code == 403
    assert Task.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(django_app):
    assert django_app.get(URL, status=302).location.startswith("/accounts/login/")


# --- trial 18, findings 7, 8 and 9 ------------------------------------------------------------


def test_a_task_the_year_already_has_is_unticked_and_named(django_app, admin_user, office_a):
    """Finding 7: a task carried over into the year (垦造水田 → 新增亿元以上企业 here) or one
    with the same title is proposed unticked, with the task on record named; ticked again, it
    is created all the same."""
    section = PlanSectionFactory(year=2025, number=1, title="产业发展")
    TaskFactory(
        section=section,
        code="t2024_07-2025",
        title="新增亿元以上企业",
        text="新增亿元以上企业1家以上",
        unit="firm",
        quantity=1,
        office=office_a,
    )
    TaskFactory(
        section=section,
        code="t2025_03",
        title="完成集镇排水系统提升项目",
        text="集镇排水",
        kind="milestone",
        quantity=None,
        unit=None,
        office=office_a,
    )
    page = preview(django_app, admin_user)
    form = page.forms["plan-text-confirm"]
    assert [form[f"tasks-{i}-include"].checked for i in range(4)] == [True, False, False, True]
    rows = page.html.select("#plan-text-confirm tbody tr")[-4:]
    notes = [" ".join(p.get_text() for p in row.select("p.same-task")) for row in rows]
    assert notes == [
        "",
        "该年已有同名任务“新增亿元以上企业”（代码t2024_07-2025），默认不勾选；"
        "确需再建一条的，勾选后确认即可。",
        "该年已有同名任务“完成集镇排水系统提升项目”（代码t2025_03），默认不勾选；"
        "确需再建一条的，勾选后确认即可。",
        "",
    ]
    # The admin wants the second 亿元以上企业 task after all: ticked, it is created.
    form["tasks-1-include"] = True
    form["default_office"] = str(office_a.pk)
    form.submit().follow()
    created = Task.objects.filter(section__year=2025, code__startswith="t2025_").exclude(
        code="t2025_03"
    )
    assert sorted(created.values_list("title", flat=True)) == [
        "完成朱溪港两侧1300亩土地征收",
        "推进减污降碳",
        "新增亿元以上企业1家以上",
    ]
    assert Task.objects.filter(title="完成集镇排水系统提升项目").count() == 1


def test_a_text_too_large_to_post_is_refused_on_the_page_in_chinese(django_app, admin_user):
    """Finding 8: 500,000 characters (4.5 MB posted, over DATA_UPLOAD_MAX_MEMORY_SIZE) get the
    page's own message, not Django's RequestDataTooBig page; line ends count as typed."""
    text = ("甲" * 99 + "\r\n") * 5000  # 500,000 characters as typed, 100 a line
    page = preview(django_app, admin_user, text=text, year=2026)
    assert page.status_code == 200
    assert "计划文本过长（约500000字），一次最多20000字，请分段粘贴。" in page.text
    form = page.forms["plan-text-paste"]
    assert form["year"].value == "2026"
    assert "plan-text-confirm" not in page.forms
    assert Task.objects.count() == 0 and PlanSection.objects.count() == 0
    # Pasted again within the limit, the page reads it.
    form["text"] = TEXT
    assert page.forms["plan-text-paste"].submit().forms["plan-text-confirm"]


def test_a_text_just_over_the_limit_counts_its_characters_as_typed(django_app, admin_user):
    lines = ("甲" * 99 + "\r\n") * 200  # 20,000 characters as typed, 20,200 as posted
    page = preview(django_app, admin_user, text=lines + "乙")
    assert "计划文本过长（20001字），一次最多20000字，请分段粘贴。" in page.text
    page = preview(django_app, admin_user, text=lines)
    assert "计划文本过长" not in page.text


def test_garbage_proposes_nothing_and_says_so(django_app, admin_user):
    """Finding 9: a text with no heading and no task proposes no section (it proposed a
    未分节 section numbered 1, which read as reusing the year's （一））."""
    PlanSectionFactory(year=2025, number=1, title="加速工业突破,激活发展动能")
    page = preview(django_app, admin_user, text="asdkjh qwe 123 zxc !!! ###")
    assert page.status_code == 200
    assert "plan-text-confirm" not in page.forms
    assert "将沿用" not in page.text
    assert (
        "文本中没有找到板块标题（一）（二）……，也没有找到任务（含“完成”“启动”“新增”等动词或带单位"
        "数量的句子），没有可生成的内容。" in page.text
    )
    assert page.forms["plan-text-paste"]["text"].value == "asdkjh qwe 123 zxc !!! ###"


UNHEADED = "完成南山村美丽乡村建设。新增企业2家。"


def test_tasks_without_headings_go_to_a_new_section_after_the_years_own(
    django_app, admin_user, office_a
):
    PlanSectionFactory(year=2025, number=1, title="产业发展")
    PlanSectionFactory(year=2025, number=2, title="民生实事")
    page = preview(django_app, admin_user, text=UNHEADED)
    assert "将沿用" not in page.text
    assert (
        "文本中没有（一）（二）……标题，任务暂归入新板块“未分节”（序号3）；"
        "也可以在各任务的“板块”中改选该年已有的板块，并取消勾选这一新板块。" in page.text
    )
    form = page.forms["plan-text-confirm"]
    assert (form["sections-0-number"].value, form["sections-0-title"].value) == ("3", "未分节")
    assert [form[f"tasks-{i}-section"].value for i in range(2)] == ["3", "3"]
    form["default_office"] = str(office_a.pk)
    form.submit().follow()
    assert list(PlanSection.objects.filter(year=2025).values_list("number", "title")) == [
        (1, "产业发展"),
        (2, "民生实事"),
        (3, "未分节"),
    ]
    assert set(Task.objects.values_list("section__number", flat=True)) == {3}


def test_tasks_without_headings_may_go_to_a_section_the_year_has(django_app, admin_user, office_a):
    PlanSectionFactory(year=2025, number=1, title="产业发展")
    form = preview(django_app, admin_user, text=UNHEADED).forms["plan-text-confirm"]
    form["sections-0-include"] = False
    form["tasks-0-section"] = "1"
    form["tasks-1-section"] = "1"
    form["default_office"] = str(office_a.pk)
    form.submit().follow()
    assert list(PlanSection.objects.filter(year=2025).values_list("number", "title")) == [
        (1, "产业发展")
    ]
    assert set(Task.objects.values_list("section__number", flat=True)) == {1}


def test_reused_sections_are_counted_when_tasks_go_to_them(django_app, admin_user, office_a):
    PlanSectionFactory(year=2025, number=1, title="产业发展")
    PlanSectionFactory(year=2025, number=2, title="民生实事")
    form = preview(django_app, admin_user, text=UNHEADED).forms["plan-text-confirm"]
    form["sections-0-include"] = False
    form["tasks-0-section"] = "1"
    form["tasks-1-section"] = "2"
    form["default_office"] = str(office_a.pk)
    done = form.submit().follow()
    assert "已生成2025年的2个任务（新建0个板块，沿用2个已有板块）。" in done.text


# --- trial 18b, findings N1, N3, N5 -----------------------------------------------------------

CHANGED = (
    "预览之后，该年的板块或任务已有变动（可能在另一个窗口或由他人生成），"
    "未生成任何内容；请核对后重新确认。"
)


def test_a_second_tab_confirming_the_same_preview_creates_nothing(django_app, admin_user, office_a):
    """N1: the page opened twice, each with its preview of the same text; the first confirm
    creates the plan, the second is refused and shows its rows again, each task now the year's
    marked and unticked, as a fresh preview would."""
    first = preview(django_app, admin_user).forms["plan-text-confirm"]
    second = preview(django_app, admin_user).forms["plan-text-confirm"]
    for form in (first, second):
        form["default_office"] = str(office_a.pk)
    first.submit().follow()
    assert Task.objects.count() == 4 and PlanSection.objects.count() == 2
    page = second.submit()
    assert page.status_code == 200
    assert page.html.select_one("#plan-text-refused").get_text(strip=True) == CHANGED
    assert "已生成" not in page.text
    assert Task.objects.count() == 4 and PlanSection.objects.count() == 2
    again = page.forms["plan-text-confirm"]
    assert [again[f"tasks-{i}-include"].checked for i in range(4)] == [False] * 4
    assert len(page.html.select("#plan-tasks p.same-task")) == 4
    assert page.text.count("将沿用，不重复创建。") == 2
    assert again["default_office"].value == str(office_a.pk)  # what the person chose stays
    # Confirmed again as shown: there is nothing left to create, and the page says so.
    page = again.submit()
    assert page.html.select_one("#plan-text-refused").get_text(strip=True) == (
        "勾选的板块该年都已有，也没有勾选任何任务，未生成任何内容。"
    )
    assert Task.objects.count() == 4 and PlanSection.objects.count() == 2


def test_a_task_added_to_the_year_after_the_preview_refuses_the_confirm(
    django_app, admin_user, office_a
):
    """N1: any change of the year's plan after the preview (here a colleague adds one task by
    hand) refuses the confirm; the page shown again takes the new state, and confirms."""
    section = PlanSectionFactory(year=2025, number=1, title="产业发展")
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    TaskFactory(
        section=section, code="t2025_01", title="推进减污降碳", text="减污降碳", office=office_a
    )
    page = form.submit()
    assert page.html.select_one("#plan-text-refused").get_text(strip=True) == CHANGED
    assert Task.objects.count() == 1
    again = page.forms["plan-text-confirm"]
    assert [again[f"tasks-{i}-include"].checked for i in range(4)] == [True, True, True, False]
    done = again.submit().follow()
    assert "已生成2025年的3个任务（新建1个板块，沿用1个已有板块）。" in done.text
    assert Task.objects.filter(title="推进减污降碳").count() == 1


def test_an_unticked_section_the_year_has_gets_no_tasks(django_app, admin_user, office_a):
    """N3: a section row that says 将沿用, unticked, is not a place for its tasks: the rows
    choosing it are refused; ticked, it is reused and counted."""
    PlanSectionFactory(year=2025, number=2, title="民生实事")
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    form["sections-1-include"] = False
    page = form.submit()
    assert "所选板块（二）未勾选；请勾选该板块，或为任务另选板块。" in error_rows(page)
    assert len(page.html.select("#plan-tasks tr.has-error")) == 2
    assert Task.objects.count() == 0 and PlanSection.objects.count() == 1
    again = page.forms["plan-text-confirm"]
    again["sections-1-include"] = True
    done = again.submit().follow()
    assert "已生成2025年的4个任务（新建1个板块，沿用1个已有板块）。" in done.text


def test_nothing_ticked_is_not_a_success(django_app, admin_user, office_a):
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    for name in ["sections-0-include", "sections-1-include"] + [
        f"tasks-{i}-include" for i in range(4)
    ]:
        form[name] = False
    page = form.submit()
    assert page.status_code == 200
    assert page.html.select_one("#plan-text-refused").get_text(strip=True) == (
        "没有勾选任何板块或任务，未生成任何内容。"
    )
    assert Task.objects.count() == 0 and PlanSection.objects.count() == 0


def test_quantities_are_read_as_typed_and_blank_titles_are_named(django_app, admin_user, office_a):
    """N5: the 目标数量 box reads full-width digits as 开启新年度 does; an empty title says
    which box is empty."""
    form = preview(django_app, admin_user).forms["plan-text-confirm"]
    form["default_office"] = str(office_a.pk)
    form["tasks-0-quantity"] = "１，２５０．５"
    form["sections-1-title"] = ""
    form["tasks-2-title"] = " "
    page = form.submit()
    assert "板块标题不能为空。" in error_rows(page)
    assert "任务名称不能为空。" in error_rows(page)
    assert "请输入" not in error_rows(page)
    again = page.forms["plan-text-confirm"]
    again["sections-1-title"] = "民生实事"
    again["tasks-2-title"] = "集镇排水"
    again.submit().follow()
    assert Task.objects.get(code="t2025_01").quantity == Decimal("1250.5")
