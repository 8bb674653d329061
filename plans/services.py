"""Writes for the plans app: projects with their stages, monthly progress, 督办 items, seed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import permissions
from accounts.models import Office, User
from indicators.models import Indicator, Place, Unit
from indicators.review import ensure_open
from plans.models import (
    PlanSection,
    ProgressReport,
    Project,
    Stage,
    StageTemplate,
    StageTemplateStep,
    SupervisionItem,
    Task,
)
from xiage.signals import data_written


def default_template() -> StageTemplate | None:
    return StageTemplate.objects.filter(is_default=True).first()


def project_stages_create(*, project: Project, template: StageTemplate | None = None) -> int:
    """Give a project the stages of its template (or the default one) that it lacks."""
    template = template or project.template or default_template()
    if template is None:
        return 0
    have = set(project.stages.values_list("key", flat=True))
    stages = [
        Stage(project=project, order=step.order, key=step.key, name=step.name)
        for step in template.steps.all()
        if step.key not in have
    ]
    bulk_create_with_history(stages, Stage)
    data_written(Stage)  # bulk writes send no model signals
    return len(stages)


# What a stage carries once someone has worked on it: any of these set means the stage is on
# record and is not thrown away with a change of template. Nothing else points at a stage
# (progress reports and 督办 items point at the project or a task).
STAGE_RECORD_FIELDS = [
    "planned_date",
    "actual_date",
    "is_done",
    "area_required_mu",
    "area_done_mu",
    "households_required",
    "households_done",
    "note",
]


def stages_on_record(project: Project) -> list[tuple[str, str]]:
    """The (key, name) of the project's stages that carry a record (dates, completion,
    quantities, a note), in stage order."""
    blank = Q()
    for name in STAGE_RECORD_FIELDS:
        if name == "is_done":
            blank &= Q(is_done=False)
        elif name == "note":
            blank &= Q(note="")
        else:
            blank &= Q(**{f"{name}__isnull": True})
    return list(project.stages.exclude(blank).order_by("order").values_list("key", "name"))


def template_change_refusal(project: Project, template: StageTemplate) -> str | None:
    """Why the project may not move to `template` now, or None if it may: a stage that carries
    a record and that the new template has no step for (by its code) would be lost."""
    keys = set(template.steps.values_list("key", flat=True))
    names = [name for key, name in stages_on_record(project) if key not in keys]
    if not names:
        return None
    return _(
        "不能更换阶段模板：阶段“%(names)s”已填写计划/实际日期、完成情况或说明，新模板中没有这些阶段，"
        "更换会丢失这些记录。如确需更换，请先在下方“项目阶段”中清空这些阶段的内容并保存，再更换模板。"
    ) % {"names": "、".join(names)}


@transaction.atomic
def project_template_change(
    *, project: Project, template: StageTemplate, user: User | None = None
) -> int:
    """Put the project on another stage template, all or none, each change in the history:
    a stage whose code the template has is kept with its record (and takes the step's order
    and name), the others are deleted, the template's missing steps are created. Refused
    (ValidationError on `template`) while a stage to be deleted carries a record. Returns the
    stages created."""
    list(project.stages.select_for_update())  # no stage is filled in while we change them
    refusal = template_change_refusal(project, template)
    if refusal is not None:
        raise ValidationError({"template": refusal}, code="stages_on_record")
    if project.template_id != template.pk:
        project.template = template
        project.save(update_fields=["template"])
    steps = {step.key: step for step in template.steps.all()}
    # Orders are unique per project: kept stages step aside first, so a reordering never meets
    # itself half-way (the history shows each stage's order going from the old to the new).
    project.stages.update(order=F("order") + STAGE_ORDER_ASIDE)
    for stage in project.stages.all():
        if user is not None:
            stage._history_user = user  # type: ignore[attr-defined]
        step = steps.pop(stage.key, None)
        if step is None:
            stage.order -= STAGE_ORDER_ASIDE  # its history row keeps the order it had
            stage.delete()  # one history row each (a bulk delete would leave none)
        else:
            stage.order, stage.name = step.order, step.name
            stage.save(update_fields=["order", "name"])
    stages = [
        Stage(project=project, order=step.order, key=step.key, name=step.name)
        for step in steps.values()
    ]
    bulk_create_with_history(stages, Stage, default_user=user)
    data_written(Stage)  # bulk writes send no model signals
    return len(stages)


# Added to an order while rows are renumbered (orders are small; the field holds 32,767).
STAGE_ORDER_ASIDE = 10_000


def template_steps_reorder(template: StageTemplate, steps: Iterable[StageTemplateStep]) -> None:
    """Before the template's steps are saved with new orders or codes (or deleted): step those
    aside, so swapping two orders or codes does not meet the unique (template, order) or
    (template, key) half-way through the saves."""
    for step in steps:
        if step.pk is not None:
            StageTemplateStep.objects.filter(template=template, pk=step.pk).update(
                order=F("order") + STAGE_ORDER_ASIDE, key=f"~{step.pk}"
            )


@transaction.atomic
def project_create(*, template: StageTemplate | None = None, **fields: object) -> Project:
    project = Project(template=template or default_template(), **fields)
    project.full_clean()
    project.save()
    project_stages_create(project=project)
    return project


# --- monthly progress -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressEntry:
    """One row of the monthly progress form; a row with nothing typed is not reported."""

    subject: Project | Task
    quantity_done: Decimal | None = None
    percent_done: Decimal | None = None
    investment_ytd: Decimal | None = None
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    expected_version: int | None = None  # the report's version when the form was opened

    @property
    def is_empty(self) -> bool:
        return (
            self.quantity_done is None
            and self.percent_done is None
            and self.investment_ytd is None
            and not (self.progress or self.problems or self.next_steps)
        )


REPORT_FIELDS = [
    "quantity_done",
    "percent_done",
    "investment_ytd",
    "progress",
    "problems",
    "next_steps",
]


@transaction.atomic
def progress_report_save(
    *,
    office: Office,
    year: int,
    month: int,
    entries: Sequence[ProgressEntry],
    user: User,
) -> int:
    """Save an office's monthly progress for its projects and tasks, all rows or none.

    Returns the number of reports created or changed. Queries: one read, one bulk insert,
    one bulk update.
    """
    if not permissions.can_write_office(user, office):
        raise PermissionDenied
    if any(entry.subject.office_id != office.pk for entry in entries):
        raise ValueError("every entry must belong to the office being reported")
    ensure_open([office.pk], year, month)
    project_ids = [e.subject.pk for e in entries if isinstance(e.subject, Project)]
    task_ids = [e.subject.pk for e in entries if isinstance(e.subject, Task)]
    existing: dict[tuple[str, int], ProgressReport] = {}
    for stored in (
        ProgressReport.objects.select_for_update()
        .filter(year=year, month=month)
        .filter(Q(project_id__in=project_ids) | Q(task_id__in=task_ids))
    ):
        key = ("project", stored.project_id) if stored.project_id else ("task", stored.task_id)
        existing[key] = stored  # type: ignore[index]
    to_create: list[ProgressReport] = []
    to_update: list[ProgressReport] = []
    now = timezone.now()
    conflicts = []
    for entry in entries:
        key = ("project" if isinstance(entry.subject, Project) else "task", entry.subject.pk)
        report = existing.get(key)
        current = report.version if report is not None else 0
        if entry.expected_version is not None and entry.expected_version != current:
            same = report is not None and all(
                getattr(report, name) == getattr(entry, name) for name in REPORT_FIELDS
            )
            if not same and not (report is None and entry.is_empty):
                conflicts.append(_progress_conflict(entry, report))
    if conflicts:
        raise ValidationError(conflicts, code="conflict")
    for entry in entries:
        key = ("project" if isinstance(entry.subject, Project) else "task", entry.subject.pk)
        report = existing.get(key)
        values = {name: getattr(entry, name) for name in REPORT_FIELDS}
        if report is None:
            if entry.is_empty:
                continue
            report = ProgressReport(
                year=year, month=month, reported_by=user, **{key[0]: entry.subject}, **values
            )
            _check(report)
            to_create.append(report)
            continue
        if all(getattr(report, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(report, name, value)
        report.reported_by, report.updated_at, report.is_demo = user, now, False
        report.version += 1
        _check(report)
        to_update.append(report)
    # The *_with_history helpers keep the audit trail for bulk writes too.
    try:
        with transaction.atomic():
            bulk_create_with_history(to_create, ProgressReport, default_user=user)
    except IntegrityError as exc:
        raise ValidationError(
            _("有进展在您打开页面后已被他人填报，全部未保存，请刷新后核对。"), code="conflict"
        ) from exc
    if to_update:
        bulk_update_with_history(
            to_update,
            ProgressReport,
            [*REPORT_FIELDS, "reported_by", "updated_at", "is_demo", "version"],
            default_user=user,
        )
    data_written(ProgressReport)
    return len(to_create) + len(to_update)


def _progress_conflict(entry: ProgressEntry, report: ProgressReport | None) -> str:
    """Who changed a row since the form was opened, and each differing value: theirs, yours."""
    who = report.reported_by if report is not None and report.reported_by else _("他人")
    differences = [
        _("%(field)s：当前为 %(current)s，您填写的是 %(yours)s")
        % {
            "field": getattr(ProgressReport._meta.get_field(name), "verbose_name", name),
            "current": _shown_value(getattr(report, name) if report is not None else None),
            "yours": _shown_value(getattr(entry, name)),
        }
        for name in REPORT_FIELDS
        if (getattr(report, name) if report is not None else None) != getattr(entry, name)
    ]
    return _(
        "“%(name)s”的进展在您打开后已被%(who)s修改（%(differences)s），全部未保存，请核对后重新填写。"
    ) % {
        "name": entry.subject,
        "who": who,
        "differences": "；".join(differences),
    }


def _shown_value(value: object) -> str:
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _check(report: ProgressReport) -> None:
    """Field rules without a query per row; uniqueness and the rest are the database's."""
    report.full_clean(
        exclude=["project", "task", "reported_by"],
        validate_unique=False,
        validate_constraints=False,
    )


# --- 督办 -------------------------------------------------------------------------------------


@transaction.atomic
def supervision_raise(
    *,
    subject: Project | Task,
    matter: str,
    due_date: date,
    user: User,
    office: Office | None = None,
) -> SupervisionItem:
    """A leader or admin asks an office to solve something on a project or task by a date."""
    if not permissions.can_raise_supervision(user):
        raise PermissionDenied
    if "\x00" in matter:
        raise ValidationError(
            {"matter": _("督办事项含有空字符（不可见的控制字符），请删除后再保存。")}
        )
    item = SupervisionItem(
        matter=matter.strip(),
        office=office or subject.office,
        due_date=due_date,
        raised_by=user,
        **{"project" if isinstance(subject, Project) else "task": subject},
    )
    if not item.matter:
        raise ValidationError({"matter": _("请填写督办事项。")})
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def supervision_resolve(*, item: SupervisionItem, resolution: str, user: User) -> SupervisionItem:
    """The responsible office records how the item was solved."""
    if not permissions.can_resolve_supervision(user, item):
        raise PermissionDenied
    if not item.is_open:
        raise ValidationError(_("该督办事项已办结。"))
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": _("请填写办理结果。")})
    item.resolution = resolution
    item.resolved_by = user
    item.resolved_at = timezone.now()
    item.full_clean()
    item.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return item


@transaction.atomic
def supervision_reopen(*, item: SupervisionItem, user: User, reason: str) -> SupervisionItem:
    """A leader or admin sends a resolved item back; the earlier resolution stays in the text."""
    if not permissions.can_send_back_supervision(user, item):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"resolution": _("退回时请说明原因。")})
    when = timezone.localtime().strftime("%Y-%m-%d")
    item.resolution = _("%(old)s\n【%(when)s 退回：%(reason)s】") % {
        "old": item.resolution,
        "when": when,
        "reason": reason,
    }
    item.resolved_at = None
    item.resolved_by = None
    item.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return item


# --- seed -------------------------------------------------------------------------------------


@transaction.atomic
def plan_seed(*, year: int, sections: Iterable[tuple[int, str]], tasks: Iterable[dict]) -> int:
    """Create the year's plan sections and tasks that are missing; returns tasks created."""
    section_by_number = {}
    for number, title in sections:
        section, _created = PlanSection.objects.get_or_create(
            year=year, number=number, defaults={"title": title}
        )
        section_by_number[number] = section
    offices = {office.code: office for office in Office.objects.all()}
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    projects = {project.code: project for project in Project.objects.all()}
    created = 0
    for order, spec in enumerate(tasks, start=1):
        if Task.objects.filter(code=spec["code"]).exists():
            continue
        task = Task(
            section=section_by_number[spec["section"]],
            code=spec["code"],
            title=spec["title"],
            text=spec["text"],
            kind=spec["kind"],
            quantity=Decimal(spec["quantity"]) if spec["quantity"] else None,
            unit=Unit.objects.get(code=spec["unit"]) if spec["unit"] else None,
            at_least=spec["at_least"],
            deadline=date(year, 12, 31),
            office=offices[spec["office"]],
            indicator=indicators.get(spec["indicator"]) if spec["indicator"] else None,
            project=projects.get(spec["project"]) if spec["project"] else None,
            order=order,
        )
        task.full_clean()
        task.save()
        created += 1
    return created


STAGE_DONE_NOTE = "据{source}，{year}年内完成（原文未注明具体日期）：{quote}"


@transaction.atomic
def projects_seed(*, projects: Iterable[dict], source: str, year: int = 2023) -> int:
    """Create the document's projects with their stages; stages the summary reports as done
    are marked done with their quantities. Existing projects are left as they are."""
    offices = {office.code: office for office in Office.objects.all()}
    places = {place.name: place for place in Place.objects.all()}
    created = 0
    specs = list(projects)
    codes = {project.code: project for project in Project.objects.all()}
    for order, spec in enumerate(specs, start=1):
        if spec["code"] in codes:
            continue
        project = project_create(
            code=spec["code"],
            name=spec["name"],
            parent=codes.get(spec["parent"]) if spec["parent"] else None,
            type=spec["type"],
            place=places.get(spec["village"]) if spec["village"] else None,
            block=spec["block"],
            area_mu=Decimal(spec["area_mu"]) if spec["area_mu"] else None,
            office=offices[spec["office"]],
            description=spec["quote"],
            source=source,
            order=order,
        )
        codes[project.code] = project
        stages = {stage.key: stage for stage in project.stages.all()}
        for done in spec["stages"]:
            stage = stages[done["stage"]]
            stage.is_done = True
            stage.note = STAGE_DONE_NOTE.format(source=source, year=year, quote=done["quote"])
            for quantity, unit in (
                (done["quantity"], done["unit"]),
                (done.get("extra_quantity"), done.get("extra_unit")),
            ):
                if quantity and unit == "mu":
                    stage.area_done_mu = Decimal(quantity)
                elif quantity and unit == "household":
                    stage.households_done = int(quantity)
            stage.full_clean()
            stage.save()
        created += 1
    return created
