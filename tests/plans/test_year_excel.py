"""A year's targets and tasks in and out by Excel (issue 18, item 3).

Each case is the workbook the page's own 导出 form downloads, edited through openpyxl as a
person would in Excel, uploaded through the page's own upload form and confirmed through the
preview's own confirm form; the assertions are the rows stored, their history and the
messages shown.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from webtest import Upload

from accounts.models import SecurityEvent
from plans.models import PlanSection, Target, Task
from tests.factories import IndicatorFactory, PlanSectionFactory, TaskFactory
from tests.indicators import hostile_files as hostile
from xiage.downloads import XLSX_TYPE

pytestmark = pytest.mark.django_db
IMPORT = "/admin/plans/target/import/"
EXPORT = "/admin/plans/target/export/"


# --- the year's data ---------------------------------------------------------------------------


@pytest.fixture
def plan(office_a, office_b, town, october_2024, migration_rows):
    """2024: three targets (完成额, 增长率, 节点) and two tasks (数量, 节点) in 板块一; a 2023
    task that 2024's 数量 task is carried from."""
    output = IndicatorFactory(
        code="industrial_output", name="规上工业产值", office=office_a, order=1
    )
    investment = IndicatorFactory(
        code="fixed_investment", name="固定资产投资", office=office_a, order=2
    )
    park = IndicatorFactory(code="park_opening", name="园区开园", office=office_b, order=3)
    spare = IndicatorFactory(code="retail_sales", name="社会消费品零售总额", office=office_a)
    targets = {
        "output": Target.objects.create(
            indicator=output, year=2024, kind="amount", value=D("100"), wording="完成100亿元"
        ),
        "investment": Target.objects.create(
            indicator=investment, year=2024, kind="growth", value=D("8.5"), wording="增长8.5%"
        ),
        "park": Target.objects.create(
            indicator=park, year=2024, kind="milestone", wording="年底前开园"
        ),
    }
    old = TaskFactory(
        code="land2023",
        title="土地征收（上年）",
        office=office_a,
        section=PlanSectionFactory(year=2023, number=1, title="上年板块"),
    )
    section = PlanSectionFactory(year=2024, number=1, title="加速工业突破，激活发展动能")
    tasks = {
        "land": TaskFactory(
            code="land2024",
            title="朱溪港两侧土地征收",
            text="完成朱溪港两侧1300亩土地征收",
            quantity=D("1300"),
            unit="mu",
            at_least=True,
            office=office_a,
            section=section,
            leader="张镇长",
            indicator=output,
            carried_from=old,
            order=1,
        ),
        "home": TaskFactory(
            code="home2024",
            title="杨砩头养老院建设",
            text="建成杨砩头养老院",
            kind="milestone",
            quantity=None,
            unit="",
            office=office_b,
            section=section,
            deadline=date(2024, 6, 30),
            order=2,
        ),
    }
    return {"targets": targets, "tasks": tasks, "spare": spare, "section": section}


def stored() -> list[tuple]:
    """Every target and task as stored, to show that nothing changed."""
    return [
        *Target.objects.order_by("pk").values_list(
            "indicator__code", "kind", "value", "wording", "version"
        ),
        *Task.objects.order_by("pk").values_list(
            "code", "section_id", "title", "quantity", "unit_id", "deadline", "office_id", "version"
        ),
        *PlanSection.objects.order_by("pk").values_list("year", "number", "title"),
    ]


# --- the page --------------------------------------------------------------------------------


def exported(django_app, user, year: int = 2024) -> bytes:
    """The year's workbook, as the page's 导出Excel form downloads it."""
    form = django_app.get(IMPORT, user=user).forms["year-export"]
    form["year"] = str(year)
    response = form.submit(user=user)
    assert response.content_type == XLSX_TYPE
    return response.body


def edited(content: bytes, cells: dict[tuple[str, str], object]) -> bytes:
    """The workbook with cells set as in Excel: (sheet, cell) → value."""
    book = load_workbook(io.BytesIO(content))
    for (sheet, cell), value in cells.items():
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(django_app, user, content: bytes, name: str = "2024年目标.xlsx"):
    """Post a file through the page's own upload form."""
    form = django_app.get(IMPORT, user=user).forms["year-upload"]
    form["file"] = Upload(name, content, XLSX_TYPE)
    return form.submit(user=user)


def preview(response, table: str) -> list[list[str]]:
    """A preview table's rows as read: 行, 名称, 变化, 改动."""
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["td", "th"])]
        for row in response.html.select(f"#{table} tbody tr")
    ]


def errors(response) -> list[str]:
    return [li.get_text() for li in response.html.select("#import-errors li")]


def refused(response) -> list[str]:
    return [li.get_text() for li in response.html.select("#import-refused li")]


def row_of(sheet, first: str) -> int:
    """The line of the row whose first column is `first` (a code)."""
    return next(cell.row for cell in sheet["A"] if cell.value == first)


# --- the workbook ------------------------------------------------------------------------------


def test_the_export_holds_the_years_targets_and_tasks_as_the_import_reads_them(
    django_app, admin_user, plan
):
    book = load_workbook(io.BytesIO(exported(django_app, admin_user)))
    targets = book["年度目标"]
    assert [c.value for c in targets[3]] == [
        "指标代码",
        "指标名称",
        "单位",
        "目标类型",
        "目标值",
        "目标表述",
    ]
    assert [c.value for c in targets[4]] == [
        "industrial_output",
        "规上工业产值",
        "亿元",
        "完成额（完成X）",
        100,
        "完成100亿元",
    ]
    assert [c.value for c in targets[6]][3:5] == ["节点（完成/启动/开工）", None]
    tasks = book["工作任务"]
    assert [c.value for c in tasks[3]][:3] == ["代码", "板块序号", "板块标题"]
    land = [c.value for c in tasks[4]]
    assert land[:2] == ["land2024", 1]
    assert land[5:] == [
        "数量任务",
        1300,
        "亩",
        "是",
        land[9],
        "经济发展办",
        "张镇长",
        "industrial_output",
        "land2023",
    ]
    assert land[9].date() == date(2024, 12, 31)
    assert book["_meta"].sheet_state == "hidden"
    assert not any(row[0].value == "land2023" for row in tasks.iter_rows(min_row=4))


def test_a_file_imported_unchanged_changes_nothing(django_app, admin_user, plan):
    before = stored()
    response = upload(django_app, admin_user, exported(django_app, admin_user))
    assert not errors(response)
    assert [row[2] for row in preview(response, "preview-targets")] == ["不变"] * 3
    assert [row[2] for row in preview(response, "preview-tasks")] == ["不变"] * 2
    assert response.html.select_one("#import-summary").get_text() == "新增0条，修改0条，不变5条"
    assert "year-confirm" not in response.forms
    assert "没有需要导入的改动" in response.html.select_one("#import-nothing").get_text()
    assert stored() == before


def test_an_edited_target_and_task_show_old_to_new_and_are_saved_with_history(
    django_app, admin_user, plan
):
    content = exported(django_app, admin_user)
    sheets = load_workbook(io.BytesIO(content))
    target_line = row_of(sheets["年度目标"], "industrial_output")
    task_line = row_of(sheets["工作任务"], "land2024")
    content = edited(
        content,
        {("年度目标", f"E{target_line}"): 120, ("工作任务", f"G{task_line}"): 1500},
    )
    response = upload(django_app, admin_user, content)
    assert not errors(response)
    assert preview(response, "preview-targets")[0] == [
        str(target_line),
        "规上工业产值",
        "修改",
        "目标值：100 → 120 目标表述：完成100亿元 → 完成120亿元",
    ]
    assert preview(response, "preview-tasks")[0] == [
        str(task_line),
        "朱溪港两侧土地征收",
        "修改",
        "目标数量：1300 → 1500",
    ]
    assert Target.objects.get(pk=plan["targets"]["output"].pk).value == D("100")  # not yet
    done = response.forms["year-confirm"].submit(user=admin_user)
    assert done.status_code == 302
    assert "修改2条" in done.follow(user=admin_user).text
    target = Target.objects.get(pk=plan["targets"]["output"].pk)
    task = Task.objects.get(pk=plan["tasks"]["land"].pk)
    # The wording left as exported follows the value (plans.status.edited_target_wording).
    assert (target.value, target.wording, target.version) == (D("120"), "完成120亿元", 2)
    assert (task.quantity, task.unit.name, task.at_least, task.version) == (
        D("1500"),
        "亩",
        True,
        2,
    )
    for record in (target.history.first(), task.history.first()):
        assert record.history_user == admin_user
        assert record.history_change_reason == "Excel导入：2024年目标.xlsx"
    assert Target.objects.get(pk=plan["targets"]["investment"].pk).version == 1  # unchanged
    event = SecurityEvent.objects.filter(action="import").latest("pk")
    assert (event.result, event.detail) == (
        "success",
        "文件：2024年目标.xlsx；新增0条，修改2条，新建板块0个",
    )


def test_new_rows_add_a_target_a_section_and_a_task(django_app, admin_user, plan):
    content = exported(django_app, admin_user)
    content = edited(
        content,
        {
            ("年度目标", "A7"): "retail_sales",
            ("年度目标", "D7"): "不少于",
            ("年度目标", "E7"): 30,
            ("工作任务", "A6"): "roads2024",
            ("工作任务", "B6"): 2,
            ("工作任务", "C6"): "补齐基础短板",
            ("工作任务", "D6"): "道路提升",
            ("工作任务", "E6"): "完成道路提升5公里以上",
            ("工作任务", "F6"): "数量任务",
            ("工作任务", "G6"): 5,
            ("工作任务", "H6"): "公里",
            ("工作任务", "I6"): "是",
            ("工作任务", "J6"): "2024年11月30日",
            ("工作任务", "K6"): "农业农村办",
        },
    )
    response = upload(django_app, admin_user, content)
    assert not errors(response)
    assert preview(response, "preview-targets")[3][:3] == ["7", "社会消费品零售总额", "新增"]
    assert preview(response, "preview-tasks")[2][:3] == ["6", "道路提升", "新增"]
    assert response.html.select_one("#import-summary").get_text() == (
        "新增2条，修改0条，不变5条，新建板块1个"
    )
    response.forms["year-confirm"].submit(user=admin_user)
    target = Target.objects.get(indicator=plan["spare"], year=2024)
    assert (target.kind, target.value) == ("floor", D("30"))
    road = Task.objects.get(code="roads2024")
    assert (road.section.year, road.section.number, road.section.title) == (2024, 2, "补齐基础短板")
    assert (road.quantity, road.unit.name, road.at_least, road.deadline) == (
        D("5"),
        "公里",
        True,
        date(2024, 11, 30),
    )
    assert road.office.name == "农业农村办"
    assert road.history.get().history_user == admin_user
    assert road.section.history.get().history_user == admin_user


# --- refused rows: nothing is saved ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            {("年度目标", "A4"): "no_such_code"},
            "“年度目标”第4行“指标代码”：指标“no_such_code”不存在。",
        ),
        (
            {("年度目标", "D4"): "翻番"},
            "“年度目标”第4行“目标类型”：“翻番”不是目标类型，应为完成额、增长率、不少于、节点之一。",
        ),
        (
            {("年度目标", "D4"): "不少于", ("年度目标", "E4"): -5},
            "“年度目标”第4行“目标值”：“不少于”目标不能为负数。",
        ),
        ({("年度目标", "E5"): -120}, "“年度目标”第5行“目标值”：目标增速不能低于-100%。"),
        ({("年度目标", "E4"): -3}, "“年度目标”第4行“目标值”：完成额目标应大于0。"),
        ({("年度目标", "E4"): 0}, "“年度目标”第4行“目标值”：完成额目标应大于0。"),
        (
            {("年度目标", "D4"): "节点", ("年度目标", "E4"): None},
            "“年度目标”第4行“目标表述”：节点目标没有目标值，请在目标表述中写明要完成的节点，"
            "如“年底前开园”。",
        ),
        ({("年度目标", "E6"): 3}, "“年度目标”第6行“目标值”：节点目标不填目标值。"),
        (
            {("年度目标", "A6"): "industrial_output"},
            "“年度目标”第6行“指标代码”：指标“industrial_output”重复。",
        ),
        (
            {("工作任务", "J4"): "明年"},
            "“工作任务”第4行“完成时限”：“明年”不是有效的日期，应为如2024-12-31的日期。",
        ),
        (
            {("工作任务", "K4"): "宣传办"},
            "“工作任务”第4行“责任科室”：没有名为“宣传办”的科室。",
        ),
        ({("工作任务", "H4"): "斤"}, "“工作任务”第4行“单位”：没有名为“斤”的计量单位。"),
        (
            {("工作任务", "F4"): "大任务"},
            "“工作任务”第4行“任务类型”：“大任务”不是任务类型，应为数量任务、节点任务之一。",
        ),
        (
            {("工作任务", "N4"): "land2024"},
            "“工作任务”第4行“结转自”：没有代码为“land2024”的往年任务。",
        ),
        (
            {("工作任务", "A5"): "land2024"},
            "“工作任务”第5行“代码”：任务“land2024”重复。",
        ),
        (
            {("工作任务", "A5"): "land2023"},
            "“工作任务”第5行“代码”：代码“land2023”已用于2023年的任务，请换一个代码。",
        ),
    ],
)
def test_one_bad_row_among_good_ones_saves_nothing_and_names_the_row(
    django_app, admin_user, plan, cells, message
):
    before = stored()
    good = {("年度目标", "F5"): "增长10%", ("工作任务", "L4"): "李书记"}  # changes that are fine
    response = upload(
        django_app, admin_user, edited(exported(django_app, admin_user), good | cells)
    )
    assert message in errors(response)
    assert "year-confirm" not in response.forms
    assert stored() == before
    event = SecurityEvent.objects.filter(action="import").latest("pk")
    assert event.result == "refused"


def test_a_row_changed_since_the_preview_refuses_the_whole_confirm(django_app, admin_user, plan):
    content = edited(
        exported(django_app, admin_user), {("年度目标", "E4"): 120, ("工作任务", "G4"): 1500}
    )
    response = upload(django_app, admin_user, content)
    assert not errors(response)
    task = Task.objects.get(pk=plan["tasks"]["land"].pk)
    task.leader = "王副镇长"
    task.save()  # someone changes the task between the preview and the confirm
    done = response.forms["year-confirm"].submit(user=admin_user)
    assert refused(done) == [
        "全部未保存。",
        "“工作任务”第4行：“朱溪港两侧土地征收”在您导出文件后已被他人于2024-10-15 10:00修改，"
        "为免覆盖，全部未导入。请重新导出后再修改。",
    ]
    assert Target.objects.get(pk=plan["targets"]["output"].pk).value == D("100")
    assert Task.objects.get(pk=task.pk).quantity == D("1300")


def test_an_old_copy_does_not_undo_a_later_change(django_app, admin_user, plan):
    content = edited(exported(django_app, admin_user), {("年度目标", "E4"): 120})
    target = plan["targets"]["output"]
    target.value = D("110")
    target.save()
    response = upload(django_app, admin_user, content)
    assert errors(response) == [
        "“年度目标”第4行：“规上工业产值”在您导出文件后已被他人于2024-10-15 10:00修改，"
        "为免覆盖，全部未导入。请重新导出后再修改。"
    ]


# --- two previews open at once (trial 18b, N2) ----------------------------------------------


def test_two_tabs_each_confirm_their_own_file(django_app, admin_user, plan):
    """Tab A previews X (规上工业产值 → 120), tab B then previews Y (土地征收 → 1500, the
    target's cells cleared): 确认导入 in tab A saves X, not the file uploaded last; tab B's then
    saves Y; tab A's pressed again is refused and changes nothing."""
    content = exported(django_app, admin_user)
    tab_a = upload(django_app, admin_user, edited(content, {("年度目标", "E4"): 120}), "X.xlsx")
    y_cells: dict[tuple[str, str], object] = {
        ("年度目标", "E4"): None,
        ("年度目标", "F4"): None,
        ("工作任务", "G4"): 1500,
    }
    tab_b = upload(django_app, admin_user, edited(content, y_cells), "Y.xlsx")
    assert preview(tab_a, "preview-targets")[0][2:] == [
        "修改",
        "目标值：100 → 120 目标表述：完成100亿元 → 完成120亿元",
    ]
    assert preview(tab_b, "preview-tasks")[0][2:] == ["修改", "目标数量：1300 → 1500"]
    tokens = {tab.forms["year-confirm"]["token"].value for tab in (tab_a, tab_b)}
    assert len(tokens) == 2 and "" not in tokens  # each preview its own

    done = tab_a.forms["year-confirm"].submit(user=admin_user)
    assert "导入完成：新增0条，修改1条，新建板块0个。" in done.follow(user=admin_user).text
    target = Target.objects.get(pk=plan["targets"]["output"].pk)
    assert (target.value, target.wording) == (D("120"), "完成120亿元")
    assert target.history.first().history_change_reason == "Excel导入：X.xlsx"
    assert Task.objects.get(pk=plan["tasks"]["land"].pk).quantity == D("1300")  # not Y's

    done = tab_b.forms["year-confirm"].submit(user=admin_user)
    assert done.status_code == 302
    task = Task.objects.get(pk=plan["tasks"]["land"].pk)
    assert task.quantity == D("1500")
    assert task.history.first().history_change_reason == "Excel导入：Y.xlsx"
    target.refresh_from_db()
    assert (target.value, target.version) == (D("120"), 2)  # Y's cleared cells kept it

    before = stored()
    again = tab_a.forms["year-confirm"].submit(user=admin_user)
    assert refused(again) == [
        "这次预览已失效（可能已确认或已在其他窗口重新上传），请重新上传文件。"
    ]
    assert "year-confirm" not in again.forms
    assert stored() == before
    event = SecurityEvent.objects.filter(action="import").latest("pk")
    assert event.result == "refused"


def test_a_second_tab_changing_the_same_row_is_refused_naming_who_saved_it(
    django_app, admin_user, plan
):
    """Both files change 规上工业产值 from the same export: the second confirmed would undo
    the first, so it is refused, saying who changed the row and when, and what to do."""
    content = exported(django_app, admin_user)
    tab_a = upload(django_app, admin_user, edited(content, {("年度目标", "E4"): 120}), "X.xlsx")
    tab_b = upload(django_app, admin_user, edited(content, {("年度目标", "E4"): 130}), "Y.xlsx")
    tab_a.forms["year-confirm"].submit(user=admin_user)
    before = stored()
    done = tab_b.forms["year-confirm"].submit(user=admin_user)
    assert refused(done) == [
        "全部未保存。",
        f"“年度目标”第4行：“规上工业产值”在您导出文件后已被{admin_user}于2024-10-15 10:00"
        "修改，为免覆盖，全部未导入。请重新导出后再修改。",
    ]
    assert stored() == before
    assert Target.objects.get(pk=plan["targets"]["output"].pk).value == D("120")


def test_a_target_added_since_the_export_is_named_with_who_added_it(django_app, admin_user, plan):
    content = edited(
        exported(django_app, admin_user),
        {("年度目标", "A7"): "retail_sales", ("年度目标", "D7"): "不少于", ("年度目标", "E7"): 30},
    )
    added = Target(indicator=plan["spare"], year=2024, kind="floor", value=D("25"))
    added._history_user = admin_user  # type: ignore[attr-defined]
    added.save()
    response = upload(django_app, admin_user, content)
    assert errors(response) == [
        f"“年度目标”第7行：“社会消费品零售总额”在您导出文件后已被{admin_user}于2024-10-15 "
        "10:00添加，为免覆盖，全部未导入。请重新导出后再修改。"
    ]


def test_the_wording_follows_a_new_value_unless_the_admin_wrote_their_own(
    django_app, admin_user, plan
):
    content = edited(
        exported(django_app, admin_user),
        {
            ("年度目标", "E4"): 3.6,  # 目标表述 left as exported: 完成100亿元
            ("年度目标", "E5"): 9,
            ("年度目标", "F5"): None,  # blank: worded anew too
            ("年度目标", "D7"): "节点",  # a new milestone row, with its wording
            ("年度目标", "A7"): "retail_sales",
            ("年度目标", "F7"): "年底前完成商贸综合体招商",
        },
    )
    response = upload(django_app, admin_user, content)
    assert not errors(response)
    assert preview(response, "preview-targets")[1][3] == (
        "目标值：8.5 → 9 目标表述：增长8.5% → 增长9%"
    )
    response.forms["year-confirm"].submit(user=admin_user)
    output = Target.objects.get(pk=plan["targets"]["output"].pk)
    assert (output.value, output.wording) == (D("3.6"), "完成3.6亿元")
    investment = Target.objects.get(pk=plan["targets"]["investment"].pk)
    assert (investment.value, investment.wording) == (D("9"), "增长9%")
    assert output.history.first().history_change_reason == "Excel导入：2024年目标.xlsx"
    new = Target.objects.get(indicator=plan["spare"], year=2024)
    assert (new.kind, new.value, new.wording) == ("milestone", None, "年底前完成商贸综合体招商")

    # A wording the admin writes is theirs, whatever the value.
    content = exported(django_app, admin_user)
    line = row_of(load_workbook(io.BytesIO(content))["年度目标"], "industrial_output")
    content = edited(
        content, {("年度目标", f"E{line}"): 4, ("年度目标", f"F{line}"): "力争完成4亿元"}
    )
    upload(django_app, admin_user, content).forms["year-confirm"].submit(user=admin_user)
    output.refresh_from_db()
    assert (output.value, output.wording) == (D("4"), "力争完成4亿元")


def test_a_blank_cell_keeps_what_is_stored(django_app, admin_user, plan):
    content = edited(
        exported(django_app, admin_user),
        {("年度目标", "F4"): None, ("工作任务", "G4"): None, ("工作任务", "L4"): None},
    )
    response = upload(django_app, admin_user, content)
    assert not errors(response)
    assert [row[2] for row in preview(response, "preview-targets")] == ["不变"] * 3
    assert [row[2] for row in preview(response, "preview-tasks")] == ["不变"] * 2


# --- files refused as a whole --------------------------------------------------------------------


def test_a_file_that_is_no_xlsx_is_refused(django_app, admin_user, plan):
    response = upload(django_app, admin_user, b"not a workbook", name="目标.xlsx")
    assert refused(response) == ["文件不是Excel（.xlsx）文件。请使用本系统导出的年度文件。"]
    response = upload(django_app, admin_user, exported(django_app, admin_user), name="目标.xls")
    assert refused(response) == ["文件不是Excel（.xlsx）文件。请使用本系统导出的年度文件。"]


def test_a_huge_file_is_refused(django_app, admin_user, plan):
    response = upload(django_app, admin_user, b"x" * (2 * 1024 * 1024 + 1))
    assert refused(response) == ["文件过大（超过2MB）。请使用本系统导出的年度文件。"]


def test_a_file_that_expands_past_the_limits_is_refused_before_it_is_parsed(
    django_app, admin_user, plan
):
    content = exported(django_app, admin_user)
    response = upload(django_app, admin_user, hostile.expansion_bomb(content))
    assert refused(response) == ["文件解压后过大（超过20MB），不是本系统的模板，未读取。"]
    head, rest = hostile._split_sheet(content)  # 30,000 rows of one number: 90,000 elements
    rows = b"<row><c><v>1</v></c></row>" * 30_000
    part = hostile.repeated_part(hostile.SHEET_PART, head, rows, 1, rest)
    response = upload(django_app, admin_user, hostile.rebuild(content, {hostile.SHEET_PART: part}))
    assert refused(response) == [
        "“年度目标”工作表的内容过多（最多读取500行），未读取。"
        "请使用本系统导出的文件，不要粘贴大片内容或格式。"
    ]


def test_a_workbook_of_another_kind_is_refused(django_app, admin_user, plan):
    book = load_workbook(io.BytesIO(exported(django_app, admin_user)))
    del book["_meta"]
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(django_app, admin_user, buffer.getvalue())
    assert refused(response) == [
        "不是本系统导出的年度目标和工作任务文件（缺少“年度目标”“工作任务”工作表）。"
    ]


def test_a_formula_or_rows_past_the_limit_refuse_the_file(django_app, admin_user, plan):
    before = stored()
    content = edited(
        exported(django_app, admin_user),
        {("年度目标", "E4"): "=100+20", ("工作任务", "A900"): "stray"},
    )
    response = upload(django_app, admin_user, content)
    assert refused(response) == [
        "“年度目标”第4行“目标值”是公式。文件中不能有公式，请直接填写内容。",
        "“工作任务”第900行还有内容，超出了读取范围（最多500行）。",
    ]
    assert stored() == before


def test_a_moved_header_refuses_the_file(django_app, admin_user, plan):
    content = edited(exported(django_app, admin_user), {("工作任务", "B3"): "序号"})
    response = upload(django_app, admin_user, content)
    assert refused(response)[0].startswith("“工作任务”第3行表头应为“代码、板块序号、板块标题")


# --- who may --------------------------------------------------------------------------------------


def test_a_clerk_may_neither_import_nor_export(django_app, clerk, plan):
    assert django_app.get(IMPORT, user=clerk, expect_errors=True).status_code == 403
    assert django_app.get(EXPORT, user=clerk, expect_errors=True).status_code == 403
    changelist = django_app.get("/admin/plans/target/", user=clerk)
    assert IMPORT not in changelist.text and EXPORT not in changelist.text


def test_a_leader_exports_but_does_not_import(django_app, leader, plan):
    changelist = django_app.get("/admin/plans/task/?section__year=2024", user=leader)
    link = changelist.html.find("a", string="导出2024年目标和任务")
    assert link["href"] == f"{EXPORT}?year=2024"
    response = django_app.get(link["href"], user=leader)
    assert load_workbook(io.BytesIO(response.body))["工作任务"]["A4"].value == "land2024"
    assert IMPORT not in changelist.text
    assert django_app.get(IMPORT, user=leader, expect_errors=True).status_code == 403


def test_an_admin_finds_both_buttons_on_the_targets_list(django_app, admin_user, plan):
    changelist = django_app.get("/admin/plans/target/", user=admin_user)
    assert changelist.html.find("a", string="Excel导入")["href"] == IMPORT
    # Shown as written, not upper-cased to “EXCEL导入” by the admin's object-tools style.
    css = django_app.get("/static/css/admin.css").text
    assert ".object-tools a:link, .object-tools a:visited { text-transform: none; }" in css
    assert changelist.html.find("a", string="导出2024年目标和任务")


# --- LibreOffice ----------------------------------------------------------------------------------


def test_a_file_saved_by_libreoffice_still_imports(django_app, admin_user, plan, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
    source = tmp_path / "year.xlsx"
    source.write_bytes(edited(exported(django_app, admin_user), {("年度目标", "E4"): 120}))
    out = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    response = upload(django_app, admin_user, (out / "year.xlsx").read_bytes())
    assert not errors(response)
    assert [row[2] for row in preview(response, "preview-targets")] == ["修改", "不变", "不变"]
    assert [row[2] for row in preview(response, "preview-tasks")] == ["不变", "不变"]
    response.forms["year-confirm"].submit(user=admin_user)
    assert Target.objects.get(pk=plan["targets"]["output"].pk).value == D("120")
