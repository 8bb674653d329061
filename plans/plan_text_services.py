"""Writes for 从计划文本生成任务: the sections and tasks a person ticked, created at once.

``plan_from_text_confirm`` takes the rows as the admin page's preview left them (after the
person ticked, edited and assigned offices; plans.plan_text proposed them) and creates them in
one transaction, all or nothing. A section numbered as one the year already has is that
section (reused, its title kept), never a second one. Task codes are ``t<year>_<nn>``,
continuing after the year's highest such code. Every row is validated as the model validates
it; the first bad row refuses the whole confirm with ``RowRefusal``, which says which row and
why in Chinese. Each row created has its history row, with the acting person as its author.

A confirm carries the ``plan_stamp`` of the year its preview was built from; the year's sections
and tasks are locked and the stamp taken again before anything is created, and a year changed
meanwhile (another window or another admin generated, or someone edited a task) refuses the
whole confirm with ``PlanChanged``, so that two confirms of one preview never create every task
twice. Nothing ticked, or only sections the year has already, creates nothing and says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Office, User
from indicators.models import Unit
from plans.models import PlanSection, Task, chinese_numeral


@dataclass(frozen=True)
class SectionRow:
    number: int
    title: str


@dataclass(frozen=True)
class TaskRow:
    section: int  # the number of a section among the rows, or of one the year already has
    title: str
    text: str
    kind: str
    quantity: Decimal | None
    unit: Unit | None
    at_least: bool
    office: Office
    leader: str
    deadline: date


@dataclass
class PlanTextResult:
    sections_created: list[PlanSection] = field(default_factory=list)
    sections_reused: list[PlanSection] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


class RowRefusal(ValidationError):
    """A row the confirm cannot create: `part` is "sections" or "tasks", `index` its place in
    the rows given (None for the confirm as a whole); the messages are Chinese."""

    def __init__(self, message: str, *, part: str = "", index: int | None = None) -> None:
        super().__init__(message)
        self.part = part
        self.index = index


class PlanChanged(RowRefusal):
    """The year's sections or tasks changed after the preview was built: nothing is created."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "预览之后，该年的板块或任务已有变动（可能在另一个窗口或由他人生成），"
                "未生成任何内容；请核对后重新确认。"
            )
        )


def plan_stamp(year: int) -> str:
    """A digest of the year's sections and tasks as they stand (ids, numbers, titles, texts):
    the preview carries it, and the confirm refuses when the year's no longer gives the same.
    It is compared, never trusted: a stamp altered by hand only refuses the confirm."""
    sections = PlanSection.objects.filter(year=year).order_by("pk")
    tasks = Task.objects.filter(section__year=year).order_by("pk")
    state = [
        list(sections.values_list("pk", "number", "title")),
        list(tasks.values_list("pk", "section_id", "title", "text")),
    ]
    return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode()).hexdigest()[:40]


def next_task_number(year: int) -> int:
    """The number the year's next generated code takes: one past the highest t<year>_<nn>."""
    pattern = re.compile(rf"^t{year}_(\d+)$")
    codes = Task.objects.filter(code__startswith=f"t{year}_").values_list("code", flat=True)
    numbers = [int(match.group(1)) for code in codes if (match := pattern.match(code))]
    return max(numbers, default=0) + 1


@transaction.atomic
def plan_from_text_confirm(
    *,
    year: int,
    sections: Sequence[SectionRow],
    tasks: Sequence[TaskRow],
    user: User,
    stamp: str | None = None,
) -> PlanTextResult:
    """Create the ticked sections and tasks of the year's plan, all or nothing. `stamp`: the
    preview's plan_stamp; the year changed since (PlanChanged) creates nothing."""
    if not permissions.can_plan_year(user):
        raise PermissionDenied
    if not tasks and not sections:
        raise RowRefusal(_("没有勾选任何板块或任务，未生成任何内容。"))
    # Lock the year's rows first, then read them afresh: a confirm that waited for another one
    # sees what that one created (PostgreSQL); SQLite runs one write at a time anyway.
    list(PlanSection.objects.select_for_update().filter(year=year).values_list("pk"))
    list(Task.objects.select_for_update().filter(section__year=year).values_list("pk"))
    if stamp is not None and plan_stamp(year) != stamp:
        raise PlanChanged
    result = PlanTextResult()
    existing = {section.number: section for section in PlanSection.objects.filter(year=year)}
    by_number: dict[int, PlanSection] = {}
    for index, section_row in enumerate(sections):
        if section_row.number in by_number:
            raise RowRefusal(
                _("板块序号%(number)d重复，请修改。") % {"number": section_row.number},
                part="sections",
                index=index,
            )
        section = existing.get(section_row.number)
        if section is not None:
            result.sections_reused.append(section)
        else:
            section = PlanSection(
                year=year, number=section_row.number, title=section_row.title.strip()
            )
            _valid(section, "sections", index)
            _save(section, user)
            result.sections_created.append(section)
        by_number[section_row.number] = section
    if not tasks and not result.sections_created:
        raise RowRefusal(_("勾选的板块该年都已有，也没有勾选任何任务，未生成任何内容。"))
    number = next_task_number(year)
    orders = dict(
        Task.objects.filter(section__year=year)
        .values_list("section__number")
        .annotate(last=Max("order"))
    )
    taken = set(Task.objects.filter(code__startswith=f"t{year}_").values_list("code", flat=True))
    for index, task_row in enumerate(tasks):
        section = by_number.get(task_row.section) or existing.get(task_row.section)
        if section is None:
            raise RowRefusal(
                _("所选板块（%(number)s）未勾选，该年也没有这一板块；请勾选该板块或另选板块。")
                % {"number": chinese_numeral(task_row.section)},
                part="tasks",
                index=index,
            )
        if section not in result.sections_created and section not in result.sections_reused:
            result.sections_reused.append(section)  # a section on record the row chose
        while f"t{year}_{number:02d}" in taken:
            number += 1
        code = f"t{year}_{number:02d}"
        taken.add(code)
        number += 1
        orders[task_row.section] = (orders.get(task_row.section) or 0) + 1
        quantity = task_row.quantity if task_row.kind == Task.Kind.QUANTITY else None
        task = Task(
            section=section,
            code=code,
            title=task_row.title.strip(),
            text=task_row.text.strip(),
            kind=task_row.kind,
            quantity=quantity,
            unit=task_row.unit if quantity is not None else None,
            at_least=task_row.at_least if quantity is not None else False,
            deadline=task_row.deadline,
            office=task_row.office,
            leader=task_row.leader.strip(),
            order=orders[task_row.section],
        )
        _valid(task, "tasks", index)
        _save(task, user)
        result.tasks.append(task)
    return result


def _save(obj: PlanSection | Task, user: User) -> None:
    """Save with the person as the history row's author; a row another confirm created
    meanwhile (the same code or section number) refuses the whole confirm as PlanChanged."""
    obj._history_user = user  # type: ignore[union-attr]
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise PlanChanged from exc


def _valid(obj: PlanSection | Task, part: str, index: int) -> None:
    """Validate a row as its model does; a refusal names the fields by their Chinese names."""
    try:
        obj.full_clean(validate_unique=False)
    except ValidationError as exc:
        messages = []
        for name, errors in exc.message_dict.items():
            try:
                label = str(getattr(type(obj)._meta.get_field(name), "verbose_name", name))
            except FieldDoesNotExist:  # a non-field error (a constraint)
                label = ""
            for error in errors:
                messages.append(f"{label}：{error}" if label else error)
        raise RowRefusal("；".join(messages), part=part, index=index) from exc
