"""开启新年度: what a new plan year starts with, proposed from the year before, and the one
write that creates it.

`year_proposal(year)` reads: targets for the active indicators that have none in `year`, each of
the kind of the indicator's latest target, with its value and the basis of that value in words;
the unfinished tasks of the year before, carried over (结转) with what remains; the year
before's plan sections as a draft; the active projects not yet complete, continuing with a
year plan. `year_open(...)` writes the proposal, as the admin edited it, all or nothing, and
keeps the record (YearOpening, the change history of every row created).

No year is assumed: the years that may be opened follow today's date (`open_years`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from indicators import glossary, metrics, periods
from indicators.models import Figure, Indicator, Place
from plans import status
from plans.models import (
    PlanSection,
    ProgressReport,
    Project,
    ProjectYearPlan,
    Target,
    Task,
    YearOpening,
)

HUNDRED = Decimal(100)
# The months of a year in which the year itself may still be opened (a plan often comes late).
LATE_OPENING_MONTHS = (1, 2)


# --- which years ------------------------------------------------------------------------------


def open_years(on: date | None = None) -> list[int]:
    """The years that may be opened on `on` (default today): the next year, and in January and
    February also the year just begun. The first is the one proposed."""
    on = on or periods.today()
    years = [on.year + 1]
    if on.month in LATE_OPENING_MONTHS:
        years.append(on.year)
    return years


def default_year(on: date | None = None) -> int:
    """The year the page proposes: the next one; in January-February the year just begun
    while it is not opened yet."""
    on = on or periods.today()
    if on.month in LATE_OPENING_MONTHS and not YearOpening.objects.filter(year=on.year).exists():
        return on.year
    return on.year + 1


def year_refusal(year: int, on: date | None = None) -> str | None:
    """Why `year` may not be opened now, or None."""
    years = open_years(on)
    if year in years:
        return None
    return _("%(year)s年度不能开启：现在只能开启%(years)s年度。") % {
        "year": year,
        "years": "、".join(str(y) for y in sorted(years)),
    }


def opener(opening: YearOpening) -> str:
    """Who opened a year, in words: the admin's name; 服务器命令 for manage.py open_year
    without --user; 演示数据（系统） for a year the demo data opened (created["demo"])."""
    from plans.demo import OPENING_DEMO_KEY

    if (opening.created or {}).get(OPENING_DEMO_KEY):
        return _("演示数据（系统）")
    if opening.opened_by is not None:
        return opening.opened_by.display_name or opening.opened_by.username
    return _("服务器命令")


def opened_refusal(opening: YearOpening) -> str:
    """What a second opening of a year says: who opened it, when; nothing changed."""
    when = timezone.localtime(opening.opened_at).strftime("%Y-%m-%d %H:%M")
    return _("%(year)d年度已开启（由%(who)s于%(when)s开启），未作任何更改。") % {
        "year": opening.year,
        "when": when,
        "who": opener(opening),
    }


# --- the proposal -----------------------------------------------------------------------------


@dataclass
class TargetProposal:
    indicator: Indicator
    kind: str
    value: Decimal | None
    wording: str
    basis: str
    include: bool = True

    @property
    def key(self) -> int:
        return self.indicator.pk


@dataclass
class TaskProposal:
    source: Task  # the year before's task, carried over (结转)
    section_number: int
    title: str
    quantity: Decimal | None  # what remains of a quantity task
    done: Decimal | None  # what was done of it, as last reported
    include: bool = True

    @property
    def key(self) -> int:
        return self.source.pk


@dataclass
class SectionProposal:
    number: int
    title: str

    @property
    def key(self) -> int:
        return self.number

    @property
    def numeral(self) -> str:
        from plans.models import chinese_numeral

        return chinese_numeral(self.number)


@dataclass
class ProjectProposal:
    project: Project
    planned_investment: Decimal
    basis: str
    include: bool = True

    @property
    def key(self) -> int:
        return self.project.pk


@dataclass
class YearProposal:
    year: int
    targets: list[TargetProposal] = field(default_factory=list)
    tasks: list[TaskProposal] = field(default_factory=list)
    sections: list[SectionProposal] = field(default_factory=list)
    projects: list[ProjectProposal] = field(default_factory=list)
    opening: YearOpening | None = None  # the year's opening, when it is opened already

    @property
    def is_empty(self) -> bool:
        return not (self.targets or self.tasks or self.sections or self.projects)

    def keys(self) -> dict[str, set[int]]:
        """The items proposed, by kind: what a page showed, to compare with what is proposed
        when it is confirmed."""
        return {
            "targets": {item.key for item in self.targets},
            "tasks": {item.key for item in self.tasks},
            "sections": {item.key for item in self.sections},
            "projects": {item.key for item in self.projects},
        }


def year_proposal(year: int) -> YearProposal:
    """What opening `year` would create, from the data of the years before (reads only)."""
    opening = YearOpening.objects.select_related("opened_by").filter(year=year).first()
    return YearProposal(
        year=year,
        targets=_targets(year),
        tasks=_tasks(year),
        sections=_sections(year),
        projects=_projects(year),
        opening=opening,
    )


def _town() -> Place | None:
    return Place.objects.filter(level=Place.Level.TOWN).first()


@dataclass(frozen=True)
class YearActual:
    """An indicator's actual for a year: its December figure, or for a year-to-date indicator
    whose December is not in yet, the latest figure of the year carried to the full year."""

    year: int
    month: int
    value: Decimal  # the whole year's (carried to the full year when month < 12)
    reported: Decimal  # the figure as reported

    @property
    def is_full_year(self) -> bool:
        return self.month == 12


def year_actual(indicator: Indicator, year: int, town: Place | None) -> YearActual | None:
    if town is None:
        return None
    figure = (
        Figure.objects.filter(indicator=indicator, year=year, place=town).order_by("-month").first()
    )
    if figure is None:
        return None
    value = figure.value
    if figure.month < 12 and indicator.is_cumulative:
        value = figure.value / metrics.time_share(figure.month)
    return YearActual(year, figure.month, _rounded(value, indicator.decimals), figure.value)


def _rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _amount(value: Decimal | None, indicator: Indicator | None = None) -> str:
    """A value as the basis sentence writes it, with the indicator's unit: 12.5亿元."""
    text = glossary.published(value)
    return f"{text}{indicator.unit_label}" if indicator is not None else text


def implied_growth(target: Target, town: Place | None) -> Decimal | None:
    """The growth a year's amount or floor target asked for over the year before's actual, in %
    (one decimal), or None when that actual is not known."""
    if target.value is None:
        return None
    before = year_actual(target.indicator, target.year - 1, town)
    if before is None or before.value <= 0:
        return None
    growth = metrics.relative_change(target.value, before.value)
    if growth is None:
        return None
    return growth.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()


def _targets(year: int) -> list[TargetProposal]:
    town = _town()
    have = set(Target.objects.filter(year=year).values_list("indicator_id", flat=True))
    latest: dict[int, Target] = {}
    for target in (
        Target.objects.filter(year__lt=year, indicator__is_active=True)
        .select_related("indicator")
        .order_by("indicator_id", "-year")
    ):
        latest.setdefault(target.indicator_id, target)
    proposals = []
    for indicator in Indicator.objects.active().select_related("unit"):
        previous = latest.get(indicator.pk)
        if indicator.pk in have or previous is None:
            continue
        previous.indicator = indicator
        proposals.append(_target_proposal(indicator, previous, year, town))
    return proposals


def _target_proposal(
    indicator: Indicator, target: Target, year: int, town: Place | None
) -> TargetProposal:
    kind, last = target.kind, year - 1
    value, basis = target.value, ""
    if kind == Target.Kind.MILESTONE:
        basis = _("按%(year)d年节点目标“%(wording)s”") % {
            "year": target.year,
            "wording": target.wording or target.get_kind_display(),
        }
        return _checked_proposal(TargetProposal(indicator, kind, None, target.wording, basis))
    if kind == Target.Kind.GROWTH:
        basis = _("按%(year)d年目标增长%(growth)s%%") % {
            "year": target.year,
            "growth": glossary.published(target.value),
        }
        return _checked_proposal(
            TargetProposal(
                indicator, kind, target.value, status.target_wording(indicator, kind, value), basis
            )
        )
    actual = year_actual(indicator, last, town) if not indicator.is_ratio else None
    growth = implied_growth(target, town) if target.year == last else None
    if actual is not None and growth is not None:
        value = _rounded(actual.value * (1 + growth / HUNDRED), indicator.decimals)
        basis = _("按%(actual)s×（1+%(growth)s%%）") % {
            "actual": _actual_text(actual, indicator),
            "growth": glossary.published(growth),
        }
    elif target.value is not None:
        basis = _("按%(year)d年目标%(amount)s") % {
            "year": target.year,
            "amount": _amount(target.value, indicator),
        }
    elif actual is not None:
        value = actual.value
        basis = _("按%(actual)s") % {"actual": _actual_text(actual, indicator)}
    return _checked_proposal(
        TargetProposal(indicator, kind, value, status.target_wording(indicator, kind, value), basis)
    )


def _checked_proposal(proposal: TargetProposal) -> TargetProposal:
    """A proposal the target's own rules refuse (a 完成额 of 0 or less from a year's actual of
    0, a 节点 target without wording) is proposed unticked, the reason added to its basis: the
    command and the page's default then open the year without it."""
    try:
        Target(kind=proposal.kind, value=proposal.value, wording=proposal.wording).clean()
    except ValidationError as exc:
        basis = _("%(basis)s；%(problem)s默认不建立。") % {
            "basis": proposal.basis,
            "problem": "".join(exc.messages),
        }
        return replace(proposal, include=False, basis=basis)
    return proposal


def _actual_text(actual: YearActual, indicator: Indicator) -> str:
    if actual.is_full_year:
        return _("%(year)d年实际%(amount)s") % {
            "year": actual.year,
            "amount": _amount(actual.value, indicator),
        }
    return _("%(period)s实际%(reported)s折全年%(amount)s") % {
        "period": periods.period_label(actual.year, actual.month),
        "reported": _amount(_rounded(actual.reported, indicator.decimals), indicator),
        "amount": _amount(actual.value, indicator),
    }


def latest_reports(tasks: list[Task]) -> dict[int, ProgressReport]:
    """Each task's latest progress report, by task id."""
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(task__in=tasks).order_by(
        "task_id", "-year", "-month"
    ):
        latest.setdefault(report.task_id, report)  # type: ignore[arg-type]
    return latest


def _tasks(year: int) -> list[TaskProposal]:
    """The year before's tasks not done by their latest report, not yet carried into `year`."""
    last = year - 1
    tasks = list(
        Task.objects.filter(section__year=last)
        .exclude(carried_into__section__year=year)
        .select_related("section", "office", "unit")
        .order_by("section__number", "order", "id")
    )
    reports = latest_reports(tasks)
    proposals = []
    for task in tasks:
        report = reports.get(task.pk)
        done = report.quantity_done if report is not None else None
        progress = status.task_progress(
            reported=report is not None,
            quantity=task.quantity,
            done=done,
            percent_done=report.percent_done if report is not None else None,
            deadline=task.deadline,
            year=report.year if report is not None else last,
            month=report.month if report is not None else 12,
        )
        if progress.state == status.TaskState.DONE:
            continue
        quantity = None
        if task.kind == Task.Kind.QUANTITY and task.quantity is not None:
            quantity = task.quantity - (done or 0)
        proposals.append(TaskProposal(task, task.section.number, task.title, quantity, done))
    return proposals


def _sections(year: int) -> list[SectionProposal]:
    have = set(PlanSection.objects.filter(year=year).values_list("number", flat=True))
    return [
        SectionProposal(section.number, section.title)
        for section in PlanSection.objects.filter(year=year - 1).order_by("number")
        if section.number not in have
    ]


def project_is_complete(project: Project) -> bool:
    """A project is complete once it has stages and every one is completed."""
    stages = list(project.stages.all())
    return bool(stages) and all(stage.completed for stage in stages)


def _projects(year: int) -> list[ProjectProposal]:
    last = year - 1
    planned = set(ProjectYearPlan.objects.filter(year=year).values_list("project_id", flat=True))
    last_plans = dict(
        ProjectYearPlan.objects.filter(year=last).values_list("project_id", "planned_investment")
    )
    proposals = []
    projects = (
        Project.objects.filter(is_active=True)
        .filter(Q(children__isnull=True) | Q(year_plans__year=last))
        .distinct()
        .prefetch_related("stages")
        .order_by("order", "id")
    )
    for project in projects:
        if project.pk in planned or project_is_complete(project):
            continue
        investment = last_plans.get(project.pk)
        if investment is None:
            basis = _("%(year)d年无年度计划，计划投资暂填0") % {"year": last}
            investment = Decimal(0)
        else:
            basis = _("按%(year)d年计划投资%(amount)s万元") % {
                "year": last,
                "amount": glossary.published(investment),
            }
        proposals.append(ProjectProposal(project, investment, basis))
    return proposals


# --- the edits and the write -------------------------------------------------------------------


@dataclass(frozen=True)
class TargetEdit:
    include: bool = True
    kind: str | None = None
    value: Decimal | None = None
    wording: str | None = None


@dataclass(frozen=True)
class TaskEdit:
    include: bool = True
    title: str | None = None
    quantity: Decimal | None = None


@dataclass(frozen=True)
class ProjectEdit:
    include: bool = True
    planned_investment: Decimal | None = None


@dataclass(frozen=True)
class ProposalEdits:
    """What the admin changed on the page, by item: targets by indicator id, tasks by the id of
    the task carried over, sections by number (their titles), projects by id. An item not
    named is taken as proposed."""

    targets: Mapping[int, TargetEdit] = field(default_factory=dict)
    tasks: Mapping[int, TaskEdit] = field(default_factory=dict)
    sections: Mapping[int, str] = field(default_factory=dict)
    projects: Mapping[int, ProjectEdit] = field(default_factory=dict)


def apply_edits(proposal: YearProposal, edits: ProposalEdits | None) -> YearProposal:
    """The proposal as edited (a new one; the proposal is left as it was)."""
    if edits is None:
        return proposal
    targets = []
    for item in proposal.targets:
        edit = edits.targets.get(item.key)
        if edit is not None:
            kind = edit.kind or item.kind
            value = edit.value if edit.kind is not None or edit.value is not None else item.value
            if kind == Target.Kind.MILESTONE:
                value = None  # a 节点 target has no value (the page says so)
            wording = status.edited_target_wording(
                item.indicator,
                was=(item.kind, item.value, item.wording),
                kind=kind,
                value=value,
                typed=edit.wording,
            )
            item = replace(item, include=edit.include, kind=kind, value=value, wording=wording)
        targets.append(item)
    tasks = []
    for task in proposal.tasks:
        task_edit = edits.tasks.get(task.key)
        if task_edit is not None:
            task = replace(
                task,
                include=task_edit.include,
                title=task.title if task_edit.title is None else task_edit.title.strip(),
                quantity=task.quantity if task_edit.quantity is None else task_edit.quantity,
            )
        tasks.append(task)
    sections = [
        replace(section, title=edits.sections.get(section.key, section.title).strip())
        for section in proposal.sections
    ]
    projects = []
    for project in proposal.projects:
        project_edit = edits.projects.get(project.key)
        if project_edit is not None:
            investment = project_edit.planned_investment
            project = replace(
                project,
                include=project_edit.include,
                planned_investment=project.planned_investment if investment is None else investment,
            )
        projects.append(project)
    return replace(proposal, targets=targets, tasks=tasks, sections=sections, projects=projects)


def _on_record(obj: object, user: User | None, reason: str) -> None:
    """Who made the row and why, for its change history (django-simple-history)."""
    if user is not None:
        obj._history_user = user  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def _checked(obj: Any, what: str) -> None:
    """Full validation of a row about to be created; a refusal names the item."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            _("%(what)s：%(errors)s") % {"what": what, "errors": "；".join(exc.messages)},
            code="invalid",
        ) from exc


# A carried task's code: its first task's code and the year it is carried into, so carrying
# it again replaces the year rather than adding one (t2025_01 → t2025_01-2026 → t2025_01-2027).
CARRIED_SUFFIX = re.compile(r"(-\d{4}(-\d+)?)+$")


def _task_code(source: Task, year: int, taken: set[str]) -> str:
    """A free code for `source` carried into `year`: its root code, '-', the year; '-2', '-3'
    … after it when taken."""
    root = CARRIED_SUFFIX.sub("", source.code) or source.code
    stem = f"{root[:25]}-{year}"
    code, n = stem, 1
    while code in taken:
        n += 1
        code = f"{stem}-{n}"
    taken.add(code)
    return code


@transaction.atomic
def year_open(
    *,
    year: int,
    user: User | None,
    proposal_edits: ProposalEdits | None = None,
    on: date | None = None,
) -> YearOpening:
    """Open `year`: create its targets, plan sections, carried-over tasks and projects' year
    plans as proposed (with the admin's edits), all or nothing, and the YearOpening that
    records it. Refused (ValidationError, in Chinese, nothing changed) when the year is opened
    already, may not be opened now, or an item is not valid. `user` None is the server's
    operator (manage.py open_year without --user). `on` is the day the opening counts as made
    (default today): the demo data opens its past years as on 1 December of the year before."""
    if user is not None and not permissions.can_plan_year(user):
        raise PermissionDenied
    existing = YearOpening.objects.select_related("opened_by").filter(year=year).first()
    if existing is not None:
        raise ValidationError(opened_refusal(existing), code="opened")
    refusal = year_refusal(year, on)
    if refusal:
        raise ValidationError(refusal, code="year")
    try:
        with transaction.atomic():
            opening = YearOpening.objects.create(year=year, opened_by=user)
    except IntegrityError as exc:  # opened by someone else this very moment
        existing = YearOpening.objects.select_related("opened_by").get(year=year)
        raise ValidationError(opened_refusal(existing), code="opened") from exc
    proposal = apply_edits(year_proposal(year), proposal_edits)
    reason = _("开启%(year)d年度") % {"year": year}
    counts = {"targets": 0, "sections": 0, "tasks": 0, "year_plans": 0}

    sections = {s.number: s for s in PlanSection.objects.filter(year=year)}
    for item in proposal.sections:
        section = PlanSection(year=year, number=item.number, title=item.title)
        _checked(section, str(section))
        _on_record(section, user, reason)
        section.save()
        sections[item.number] = section
        counts["sections"] += 1

    for target_item in proposal.targets:
        if not target_item.include:
            continue
        target = Target(
            indicator=target_item.indicator,
            year=year,
            kind=target_item.kind,
            value=target_item.value,
            wording=target_item.wording,
        )
        what = _("%(year)d年目标“%(indicator)s”") % {
            "year": year,
            "indicator": target_item.indicator.name,
        }
        _checked(target, what)
        _on_record(target, user, reason)
        target.save()
        counts["targets"] += 1

    taken = set(Task.objects.values_list("code", flat=True))
    deadline = date(year, 12, 31)
    for task_item in proposal.tasks:
        if not task_item.include:
            continue
        source = task_item.source
        what = _("结转任务“%(title)s”") % {"title": task_item.title or source.title}
        into = sections.get(task_item.section_number)
        if into is None:
            raise ValidationError(
                _("%(what)s：%(year)d年没有第%(number)s板块。")
                % {"what": what, "year": year, "number": task_item.section_number}
            )
        if source.kind == Task.Kind.QUANTITY and (
            task_item.quantity is None or task_item.quantity <= 0
        ):
            raise ValidationError(_("%(what)s：剩余数量应大于0。") % {"what": what})
        task = Task(
            section=into,
            code=_task_code(source, year, taken),
            title=task_item.title,
            text=source.text,
            kind=source.kind,
            quantity=task_item.quantity if source.kind == Task.Kind.QUANTITY else None,
            unit=source.unit,
            at_least=source.at_least,
            deadline=deadline,
            office=source.office,
            leader=source.leader,
            indicator=source.indicator,
            project=source.project,
            order=source.order,
            carried_from=source,
        )
        _checked(task, what)
        _on_record(task, user, reason)
        task.save()
        counts["tasks"] += 1

    for project_item in proposal.projects:
        if not project_item.include:
            continue
        plan = ProjectYearPlan(
            project=project_item.project,
            year=year,
            planned_investment=project_item.planned_investment,
        )
        what = _("“%(project)s”%(year)d年度计划") % {
            "project": project_item.project.name,
            "year": year,
        }
        _checked(plan, what)
        _on_record(plan, user, reason)
        plan.save()
        counts["year_plans"] += 1

    opening.created = counts
    opening.save(update_fields=["created"])
    return opening


def created_summary(created: Mapping[str, int]) -> str:
    """What an opening created, in words."""
    return _(
        "年度目标%(targets)d个，工作计划板块%(sections)d个，结转任务%(tasks)d项，"
        "项目年度投资计划%(year_plans)d个"
    ) % {
        "targets": created.get("targets", 0),
        "sections": created.get("sections", 0),
        "tasks": created.get("tasks", 0),
        "year_plans": created.get("year_plans", 0),
    }
