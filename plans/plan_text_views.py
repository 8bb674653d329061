"""从计划文本生成任务 (admin, /admin/plans/plansection/from-text/): paste the year's plan, check
the proposed sections and tasks as editable rows, confirm to create the ticked ones at once.

Step 1 (GET, or POST without ``confirm``): the text and the year; a valid text gives step 2,
the proposals of plans.plan_text.parse_plan as a form, every row ticked but a task the year
already has (the row names it: 该年已有同名任务…; ticked again, it is created all the same).
A text too long for the request to be read at all comes as xiage.oversized leaves it and is
refused on step 1 like any text over the limit. Step 2 (POST with
``confirm``): the rows as the person left them, created by
plans.plan_text_services.plan_from_text_confirm in one transaction; any bad row shows the page
again with the row's message in Chinese and nothing saved. A task row whose 板块 is a section
row left unticked is such a bad row (a section the year has that is not among the rows may be
chosen). Step 2 carries the stamp of the year's plan as the preview saw it; when the year
changed since (another window or another admin generated), nothing is created and the page is
shown again as a fresh preview would show it: the tasks the year now has marked and unticked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import permissions
from accounts.http import SignedInRequest
from accounts.permissions import permission
from indicators.views import admin_page
from plans import plan_text
from plans.models import PlanSection, Task, chinese_numeral
from plans.plan_text_forms import (
    MAX_SECTION_ROWS,
    MAX_TASK_ROWS,
    ConfirmForm,
    PasteForm,
    SectionFormSet,
    TaskFormSet,
    proposal_initial,
    same_task,
    section_label,
    task_index,
)
from plans.plan_text_services import (
    PlanChanged,
    RowRefusal,
    plan_from_text_confirm,
    plan_stamp,
)
from xiage.oversized import oversized_text

TEMPLATE = "admin/plans/plan_text.html"


@oversized_text("text")
@permission(permissions.can_plan_year)
def plan_from_text(request: SignedInRequest) -> HttpResponse:
    context = admin_page(request, _("从计划文本生成任务"), PlanSection)
    oversized = getattr(request, "oversized_text", None)
    if request.method == "POST" and request.POST.get("confirm") == "1" and oversized is None:
        return _confirm(request, context)
    paste = (
        PasteForm(request.POST, oversized=oversized) if request.method == "POST" else PasteForm()
    )
    context["paste"] = paste
    if request.method != "POST" or not paste.is_valid():
        return TemplateResponse(request, TEMPLATE, context)
    plan, year = paste.cleaned_data["plan"], paste.cleaned_data["year"]
    stamp = plan_stamp(year)  # before reading the year: a change in between refuses the confirm
    existing = _existing(year)
    tasks_on_record = _tasks_on_record(year)
    section_rows, task_rows = proposal_initial(
        plan, existing_numbers=existing.keys(), existing_tasks=tasks_on_record
    )
    notes = list(plan.notes)
    if not plan.tasks and not plan.sections:
        context["notes"] = [
            _(
                "文本中没有找到板块标题（一）（二）……，也没有找到任务（含“完成”“启动”“新增”等动词或带单位数量的句子），没有可生成的内容。"
            )
        ]
        return TemplateResponse(request, TEMPLATE, context)
    if plan_text.unheaded(plan) and section_rows:
        notes.append(
            _(
                "文本中没有（一）（二）……标题，任务暂归入新板块“%(title)s”（序号%(number)d）；"
                "也可以在各任务的“板块”中改选该年已有的板块，并取消勾选这一新板块。"
            )
            % {"title": section_rows[0]["title"], "number": section_rows[0]["number"]}
        )
    if len(plan.tasks) > MAX_TASK_ROWS or len(plan.sections) > MAX_SECTION_ROWS:
        notes.append(
            _(
                "文本中找到%(tasks)d条任务、%(sections)d个板块，一页最多列出%(max_tasks)d条任务、"
                "%(max_sections)d个板块；其余请分段粘贴后再生成。"
            )
            % {
                "tasks": len(plan.tasks),
                "sections": len(plan.sections),
                "max_tasks": MAX_TASK_ROWS,
                "max_sections": MAX_SECTION_ROWS,
            }
        )
    if not plan.tasks:
        notes.append(_("文本中没有找到任务（含“完成”“启动”“新增”等动词或带单位数量的句子）。"))
    choices = _section_choices(year, [(row["number"], row["title"]) for row in section_rows])
    context.update(
        notes=notes,
        confirm=ConfirmForm(
            initial={"year": year, "text": paste.cleaned_data["text"], "stamp": stamp}
        ),
        sections=SectionFormSet(initial=section_rows, prefix="sections"),
        tasks=TaskFormSet(initial=task_rows, prefix="tasks", sections=choices),
        year=year,
    )
    _mark_existing(context["sections"], existing)
    _mark_same_tasks(context["tasks"], tasks_on_record)
    return TemplateResponse(request, TEMPLATE, context)


def _bind(data: QueryDict, context: dict[str, Any]) -> int | None:
    """Step 2's forms bound to `data`, into the context, each row marked as the year stands;
    the year, None when the page was tampered with."""
    confirm = ConfirmForm(data)
    year = confirm.cleaned_data["year"] if confirm.is_valid() else None
    sections = SectionFormSet(data, prefix="sections")
    choices = _section_choices(year, _posted_sections(data))
    tasks = TaskFormSet(data, prefix="tasks", sections=choices)
    context.update(
        paste=PasteForm(initial={"year": year, "text": data.get("text", "")}),
        confirm=confirm,
        sections=sections,
        tasks=tasks,
        year=year,
    )
    _mark_existing(sections, _existing(year) if year is not None else {})
    _mark_same_tasks(tasks, _tasks_on_record(year) if year is not None else {})
    return year


def _confirm(request: SignedInRequest, context: dict[str, Any]) -> HttpResponse:
    year = _bind(request.POST, context)
    confirm, sections, tasks = context["confirm"], context["sections"], context["tasks"]
    valid = sections.is_valid() & tasks.is_valid()
    if year is None:
        return _refused(request, context)
    default_office = confirm.cleaned_data["default_office"]
    section_forms = [form for form in sections.forms if form.cleaned_data.get("include")]
    task_forms = [form for form in tasks.forms if form.cleaned_data.get("include")]
    ticked = {form.cleaned_data.get("number") for form in section_forms}
    unticked = {_row_number(form) for form in sections.forms} - ticked - {None}
    for form in task_forms:
        office_ok = "office" not in form.errors
        if office_ok and form.cleaned_data.get("office") is None and default_office is None:
            form.add_error("office", _("请选择责任科室（或在上方选择“未选科室的任务归入”）。"))
        if form.cleaned_data.get("section") in unticked:
            form.add_error(
                "section",
                _("所选板块（%(number)s）未勾选；请勾选该板块，或为任务另选板块。")
                % {"number": chinese_numeral(form.cleaned_data["section"])},
            )
    if not valid or any(form.errors for form in task_forms):
        return _refused(request, context)
    try:
        result = plan_from_text_confirm(
            year=year,
            sections=[form.row() for form in section_forms],
            tasks=[form.row(default_office) for form in task_forms],
            user=request.user,
            stamp=confirm.cleaned_data["stamp"],
        )
    except PlanChanged as changed:
        return _changed(request, context, year, changed)
    except RowRefusal as refusal:
        rows = {"sections": section_forms, "tasks": task_forms}.get(refusal.part)
        if rows is not None and refusal.index is not None:
            rows[refusal.index].add_error(None, refusal.messages)
            return _refused(request, context)
        context["refused"] = "".join(refusal.messages)  # the confirm as a whole, not a row
        return TemplateResponse(request, TEMPLATE, context)
    messages.success(
        request,
        ngettext(
            "已生成%(year)d年的%(count)d个任务（新建%(created)d个板块，沿用%(reused)d个已有板块）。",
            "已生成%(year)d年的%(count)d个任务（新建%(created)d个板块，沿用%(reused)d个已有板块）。",
            len(result.tasks),
        )
        % {
            "year": year,
            "count": len(result.tasks),
            "created": len(result.sections_created),
            "reused": len(result.sections_reused),
        },
    )
    changelist = reverse("admin:plans_task_changelist")
    return HttpResponseRedirect(f"{changelist}?section__year={year}")


def _changed(
    request: SignedInRequest, context: dict[str, Any], year: int, changed: PlanChanged
) -> HttpResponse:
    """The year changed after the preview: the rows as the person left them, but each task the
    year now has unticked and named, as a fresh preview gives them, under the year's new stamp."""
    data = request.POST.copy()
    data["stamp"] = plan_stamp(year)
    on_record = _tasks_on_record(year)
    for form in context["tasks"].forms:
        title, text = form["title"].value(), form["text"].value()
        if on_record and same_task(on_record, str(title or ""), str(text or "")) is not None:
            data.pop(form.add_prefix("include"), None)
    _bind(data, context)
    context["refused"] = "".join(changed.messages)
    return TemplateResponse(request, TEMPLATE, context)


def _refused(request: SignedInRequest, context: dict[str, Any]) -> HttpResponse:
    context["refused"] = _("有错误，未生成任何板块和任务；请按各行的提示修改后再确认。")
    return TemplateResponse(request, TEMPLATE, context)


def _existing(year: int) -> dict[int, PlanSection]:
    """The year's sections already on record, by number."""
    return {s.number: s for s in PlanSection.objects.filter(year=year)}


def _mark_existing(sections: Any, existing: dict[int, PlanSection]) -> None:
    """Give each section row the title of the year's section with its number already on record
    (`form.existing_title`, "" when none): the row says it will be reused, not made again."""
    for form in sections.forms:
        number = _row_number(form)
        section = existing.get(number) if number is not None else None
        form.existing_title = section.title if section else ""


def _row_number(form: Any) -> int | None:
    """A section row's 序号 as shown (ticked or not), None when it is not a number."""
    try:
        return int(str(form["number"].value()).strip())
    except ValueError:
        return None


def _tasks_on_record(year: int) -> dict[str, Task]:
    """The year's tasks on record, by what they are known by (plan_text_forms.task_index)."""
    return task_index(Task.objects.filter(section__year=year).order_by("code"))


def _mark_same_tasks(tasks: Any, on_record: dict[str, Task]) -> None:
    """Give each task row the year's task on record it repeats (`form.same_task`, None when
    none), by the row's title and text as shown: the row says so."""
    for form in tasks.forms:
        title, text = form["title"].value(), form["text"].value()
        form.same_task = (
            same_task(on_record, str(title or ""), str(text or "")) if on_record else None
        )


def _posted_sections(data: QueryDict) -> list[tuple[int, str]]:
    """The section rows' numbers and titles as posted (the tasks' 板块 choices follow them)."""
    rows = []
    try:
        total = int(data.get("sections-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    for index in range(min(max(total, 0), MAX_SECTION_ROWS)):
        try:
            number = int(data.get(f"sections-{index}-number", ""))
        except ValueError:
            continue
        rows.append((number, data.get(f"sections-{index}-title", "")[:100]))
    return rows


def _section_choices(year: int | None, rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The 板块 a task may go to: the rows' sections, then the year's others on record."""
    choices = {number: section_label(number, title) for number, title in rows}
    if year is not None:
        for number, section in _existing(year).items():
            choices.setdefault(number, section_label(number, section.title))
    return sorted(choices.items())
