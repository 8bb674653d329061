"""Demo targets, stage dates, plan years and monthly progress a reader can believe, each marked
演示数据 (Target/ProjectYearPlan/ProgressReport.is_demo, Stage.dates_are_demo, and for the plan
years the demo opens, YearOpening.created["demo"]).

- Stages the seed reports done stay done, dated within the seed's year (the stages before them
  too: a road built in that year was planned before); the others are planned in pipeline order
  from the first demo year (each its own duration after the one before), and done in order up
  to the end of the last month with demo data, on time except for the projects picked to be
  behind (about a fifth, among those whose plan runs to the last months), whose current stage
  is overdue; a stage falling due in the month being reported is planned a few weeks ahead.
- 形象进度 is the project's (or task's) over its life: the weights of the stages done plus part
  of the next one, never falling, 100 only when every stage is done, whatever the investment.
- Investment follows each year's plan: on pace, or behind it for the projects picked behind.
- Each year from the seed's plan year to the current one has a plan: later years are opened by
  the open-year service (plans.opening), carrying over what was not done; progress continues
  from the year before.
- A year's demo tasks never repeat a title the year has (carried over or not); a carried task
  continues from where its source ended. The town's figures of an indicator a task is linked to
  follow the tasks' reports (demo_linked_figures_follow).
- Reports are dated as handed in (the 5th-10th of the month after); the openings as on 1
  December of the year before, counting what exists after the demo step.
- Everything stops at the month before the one being reported (indicators.demo.demo_until).

Deterministic (random generators seeded by names); removable in one call.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators import periods, units
from indicators.demo import ECONOMIC, demo_until, seed_year
from indicators.models import Figure, Indicator, Kind, Place
from plans import opening, status
from plans.models import (
    PlanSection,
    ProgressReport,
    Project,
    ProjectYearPlan,
    Stage,
    Target,
    Task,
    YearOpening,
)
from plans.plan_text_services import next_task_number
from xiage.signals import data_written

DEMO_SEED = 20240102
HUNDRED = Decimal(100)
# The share of projects (and of each year's tasks) the demo shows behind.
BEHIND_SHARE = Decimal("0.2")
# The share of stages done late (long enough ago to be done by now).
LATE_SHARE = 0.3
# Each stage's share of a project's 形象进度 (%), by the default pipeline's codes; a stage of
# another template weighs STAGE_WEIGHT_OTHER. Shares are normalised over a project's stages.
STAGE_WEIGHTS = {
    "planning": 5,
    "land": 15,
    "demolition": 10,
    "clearing": 10,
    "approval": 10,
    "construction": 40,
    "completion": 10,
}
STAGE_WEIGHT_OTHER = 10
# How long a stage takes, in days (construction longer, the final acceptance shorter).
STAGE_DAYS = {"construction": (240, 420), "completion": (45, 120)}
STAGE_DAYS_OTHER = (75, 180)
PROBLEMS = [
    "政策处理难度较大，个别农户诉求未达成一致",
    "用地指标尚未落实",
    "施工单位进场延迟",
    "资金拨付进度偏慢",
]
DEMO_REASON = "演示数据"
# The seed plan's tasks that come back every year (a number of firms, of 亩): the demo gives
# each later plan year its own, unless one of that title is carried over into it.
RECURRING = ("垦造水田", "“小升规”企业", "新增亿元以上企业")
OPENING_DEMO_KEY = "demo"


def plan_seed_year() -> int | None:
    """The first plan year on record (the seed's plan), or None without a plan."""
    return PlanSection.objects.aggregate(first=Min("year"))["first"]


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """`day` at `hour`:`minute` in the project's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _picked(names: list[str], salt: str, *, of: int | None = None) -> set[str]:
    """About BEHIND_SHARE of `names` (or of `of` names, picked among `names`; at least one when
    there are five or more), the same ones on every machine."""
    total = len(names) if of is None else of
    count = int((BEHIND_SHARE * total).to_integral_value(rounding=ROUND_HALF_UP))
    shuffled = sorted(names)
    random.Random(f"{DEMO_SEED}-{salt}").shuffle(shuffled)
    return set(shuffled[:count])


# --- targets ------------------------------------------------------------------------------------


def _annual(indicator: Indicator, year: int, town: Place) -> Decimal | None:
    """The indicator's full year `year` at the town: its December figure, or the seed's figure
    carried to the full year."""
    december = Figure.objects.filter(indicator=indicator, place=town, year=year, month=12).first()
    if december is not None:
        return december.value
    latest = (
        Figure.objects.filter(indicator=indicator, place=town, year=year).order_by("-month").first()
    )
    if latest is None:
        return None
    return latest.value * 12 / latest.month


@transaction.atomic
def demo_targets_load(until_year: int) -> int:
    """Targets for the town's economic year-to-date indicators from the first demo year,
    alternating amount (last year's full year grown by a few %) and growth."""
    created = 0
    town = Place.objects.get(level=Place.Level.TOWN)
    indicators = Indicator.objects.active().filter(category__in=ECONOMIC, kind=Kind.YTD)
    for index, indicator in enumerate(indicators.order_by("pk")):
        rng = random.Random(f"{DEMO_SEED}-target-{indicator.code}")
        for year in range(seed_year() + 1, until_year + 1):
            growth = Decimal(rng.choice([5, 6, 8, 10]))
            if Target.objects.filter(indicator=indicator, year=year).exists():
                continue
            last = _annual(indicator, year - 1, town)
            if last is None:
                continue
            if index % 2 == 0 and last > 0:  # an amount of 0 is no target: a growth then
                amount = (last * (1 + growth / HUNDRED)).quantize(
                    Decimal(1).scaleb(-indicator.decimals)
                )
                target = Target(
                    indicator=indicator,
                    year=year,
                    kind=Target.Kind.AMOUNT,
                    value=amount,
                    wording=f"完成{amount}{indicator.unit_label}",
                    is_demo=True,
                )
            else:
                target = Target(
                    indicator=indicator,
                    year=year,
                    kind=Target.Kind.GROWTH,
                    value=growth,
                    wording=f"增长{growth}%",
                    is_demo=True,
                )
            target.full_clean()
            target.save()
            created += 1
    return created


# --- stages -------------------------------------------------------------------------------------


def _leaf_projects() -> list[Project]:
    return list(Project.objects.filter(is_active=True, children__isnull=True).order_by("pk"))


def _stage_days(stage: Stage, rng: random.Random) -> int:
    low, high = STAGE_DAYS.get(stage.key, STAGE_DAYS_OTHER)
    return rng.randint(low, high)


def behind_projects(projects: list[Project], last_day: date) -> set[str]:
    """The codes of the projects the demo shows behind: about a fifth of those with work left
    after the seed's year, picked among those whose plan runs to the last months with demo data
    (a project planned to be done long ago would otherwise sit at its last stage for years)."""
    seed_end = date(seed_year(), 12, 31)
    open_projects = []
    ongoing = []
    for project in projects:
        stages = list(project.stages.order_by("order"))
        if not any((_done_on(s) or date.max) > seed_end for s in stages):
            continue
        open_projects.append(project.code)
        end = _planned_end(project, stages)
        if end is not None and end >= last_day - timedelta(days=60):
            ongoing.append(project.code)
    return _picked(ongoing, "behind-projects", of=len(open_projects))


def _planned_end(project: Project, stages: list[Stage]) -> date | None:
    """When a project's last stage is planned before any delay (the first plan _schedule
    draws, from the same random sequence), or None when the seed's year finished it."""
    seed_end = date(seed_year(), 12, 31)
    done = [i for i, stage in enumerate(stages) if (_done_on(stage) or date.max) <= seed_end]
    last_done = max(done, default=-1)
    remaining = stages[last_done + 1 :]
    if not remaining:
        return None
    rng = random.Random(f"{DEMO_SEED}-stages-{project.code}")
    for _index in range(last_done + 1):
        rng.randint(0, 15)
    day = date(seed_year() + 1, 1, 1) + timedelta(days=rng.randint(20, 150))
    for stage in remaining[1:]:
        day = day + timedelta(days=_stage_days(stage, rng))
    return day


def _schedule(
    project: Project,
    stages: list[Stage],
    behind: bool,
    today: date,
    last_day: date,
    *,
    stuck: bool = False,
) -> None:
    """Dates for a project's stages, in place (see the module's docstring)."""
    rng = random.Random(f"{DEMO_SEED}-stages-{project.code}")
    seed = seed_year()
    done = [index for index, stage in enumerate(stages) if stage.completed]
    last_done = max(done, default=-1)
    # The seed's year: the stages done, and those before them, in order within the year.
    for index in range(last_done + 1):
        stage = stages[index]
        day_of_year = 20 + (320 * (index + 1)) // (last_done + 1) - rng.randint(0, 15)
        stage.actual_date = date(seed, 1, 1) + timedelta(days=day_of_year)
        stage.is_done = True
        stage.planned_date = None
        stage.dates_are_demo = True
    remaining = stages[last_done + 1 :]
    if not remaining:
        return
    day = date(seed + 1, 1, 1) + timedelta(days=rng.randint(20, 150))
    previous_done = stages[last_done].actual_date if last_done >= 0 else None
    planned: list[date] = []
    for index, stage in enumerate(remaining):
        if index:  # each stage planned its own duration after the one before
            day = day + timedelta(days=_stage_days(stage, rng))
        planned.append(day)
    if behind:
        # The current stage fell due a while before the last month with demo data, and is not
        # done; the stages after it still lie ahead.
        due = [i for i, day in enumerate(planned) if day <= last_day - timedelta(days=20)]
        current = due[-1] if due else 0
        # One project is stuck (over a year); the others fell behind in the last months.
        days = rng.randint(400, 480) if stuck else rng.randint(20, 120)
        overdue_since = last_day - timedelta(days=days)
        if previous_done is not None:
            overdue_since = max(overdue_since, previous_done + timedelta(days=30))
        if stuck:  # stuck at the first stage not done by then
            before = [i for i, day in enumerate(planned) if day <= overdue_since - timedelta(30)]
            current = min(len(before), len(planned) - 1)
        late = overdue_since - planned[current]
        if (
            late.days > 0 or not due or stuck
        ):  # due long ago, or not yet: it fell due a few months ago
            planned[current:] = [day + late for day in planned[current:]]
        if current + 1 < len(planned) and planned[current + 1] <= today:
            push = today - planned[current + 1] + timedelta(days=rng.randint(30, 90))
            planned[current + 1 :] = [day + push for day in planned[current + 1 :]]
        done_count = current
    else:
        # Done: the stages planned up to the last month with demo data. The next one, if it
        # fell due since (in the month being reported), is planned a few weeks ahead instead:
        # the month being reported is the user's to fill in.
        done_count = sum(day <= last_day for day in planned)
        if done_count < len(planned) and planned[done_count] <= today + timedelta(days=10):
            push = today + timedelta(days=rng.randint(15, 45)) - planned[done_count]
            planned[done_count:] = [day + push for day in planned[done_count:]]
    for index, stage in enumerate(remaining):
        stage.planned_date = planned[index]
        stage.dates_are_demo = True
        if index >= done_count:
            continue
        actual = min(planned[index] - timedelta(days=rng.randint(0, 20)), last_day)
        if rng.random() < LATE_SHARE and planned[index] < last_day - timedelta(days=150):
            # Done late, some while ago: overdue in the months it was late, not now.
            actual = planned[index] + timedelta(days=rng.randint(30, 90))
            if index + 1 < len(planned):
                actual = min(actual, planned[index + 1] - timedelta(days=25))
            actual = max(min(actual, last_day - timedelta(days=60)), planned[index])
        if previous_done is not None and actual <= previous_done:
            actual = previous_done + timedelta(days=1)
        actual = min(actual, last_day)
        stage.actual_date = previous_done = actual
        stage.is_done = True


@transaction.atomic
def demo_stage_dates_load(until: tuple[int, int]) -> int:
    """Dates for the stages of every project no person has dated yet (see _schedule)."""
    today = periods.today()
    last_day = _month_end(*until)
    projects = _leaf_projects()
    behind = behind_projects(projects, last_day)
    changed: list[Stage] = []
    for project in projects:
        stages = list(project.stages.order_by("order"))
        if not stages or any(s.dates_are_demo or s.planned_date or s.actual_date for s in stages):
            continue  # dated already, by a person or an earlier load
        stuck = project.code == min(behind, default="")
        _schedule(project, stages, project.code in behind, today, last_day, stuck=stuck)
        changed += [stage for stage in stages if stage.dates_are_demo]
    bulk_update_with_history(
        changed,
        Stage,
        ["planned_date", "actual_date", "is_done", "dates_are_demo"],
        default_change_reason=DEMO_REASON,
    )
    data_written(Stage)
    return len(changed)


def _done_on(stage: Stage) -> date | None:
    """When a stage was done; a stage done without a date, at the end of the seed's year."""
    if stage.actual_date is not None:
        return stage.actual_date
    return date(seed_year(), 12, 31) if stage.is_done else None


def percent_done(stages: list[Stage], on: date) -> Decimal:
    """A project's 形象进度 at the end of `on`: the weights of its stages done by then, and of
    the next one the share of its time gone by (at most nine tenths of it); 100 only once every
    stage is done. Never falls as `on` moves on."""
    weights = [Decimal(STAGE_WEIGHTS.get(s.key, STAGE_WEIGHT_OTHER)) for s in stages]
    total = sum(weights) or Decimal(1)
    reached, started = Decimal(0), None
    for stage, weight in zip(stages, weights, strict=True):
        finished = _done_on(stage)
        if finished is not None and finished <= on:
            reached += weight
            started = finished
            continue
        if stage.planned_date is not None:
            begin = started or stage.planned_date - timedelta(days=180)
            span = max((stage.planned_date - begin).days, 1)
            gone = min(max((on - begin).days, 0), span)
            reached += weight * Decimal("0.9") * Decimal(gone) / Decimal(span)
        break
    return _money(reached * HUNDRED / total)


def _completed_on(stages: list[Stage]) -> date | None:
    if not stages or not all(_done_on(s) for s in stages):
        return None
    return max(_done_on(s) for s in stages)  # type: ignore[type-var]


# --- plan years ----------------------------------------------------------------------------------


def demo_year_open(year: int) -> bool:
    """Open plan year `year` with the open-year service, as the town would have in the December
    before, and mark what it made as demo (its targets and year plans is_demo, its record
    created["demo"]). False when it was open already or could not be opened."""
    if YearOpening.objects.filter(year=year).exists():
        return False
    targets = set(Target.objects.values_list("pk", flat=True))
    plans = set(ProjectYearPlan.objects.values_list("pk", flat=True))
    opened_on = date(year - 1, 12, 1)
    record = opening.year_open(year=year, user=None, proposal_edits=None, on=opened_on)
    record.created = {**record.created, OPENING_DEMO_KEY: True}
    record.save(update_fields=["created"])
    # opened_at is auto_now_add: the day it counts as opened, written past the field's default.
    YearOpening.objects.filter(pk=record.pk).update(opened_at=_at(opened_on, 9))
    Target.objects.filter(year=year).exclude(pk__in=targets).update(is_demo=True)
    ProjectYearPlan.objects.filter(year=year).exclude(pk__in=plans).update(is_demo=True)
    demo_tasks_add(year)
    return True


def _openings_recount() -> None:
    """What the demo's openings count as created, true to what exists after the demo step:
    the year's targets and project year plans (the demo's own too: targets it set before the
    opening, plans for projects the opening left out), its sections and its carried-over
    tasks (the year's tasks the demo added are not 结转任务)."""
    for record in YearOpening.objects.filter(**{f"created__{OPENING_DEMO_KEY}": True}):
        year = record.year
        record.created = {
            **record.created,
            "targets": Target.objects.filter(year=year).count(),
            "sections": PlanSection.objects.filter(year=year).count(),
            "tasks": Task.objects.filter(section__year=year, carried_from__isnull=False).count(),
            "year_plans": ProjectYearPlan.objects.filter(year=year).count(),
        }
        record.save(update_fields=["created"])


def demo_tasks_add(year: int) -> int:
    """A year's plan is more than what the year before left: the seed plan's yearly tasks (a
    quantity of firms or 亩 each year, RECURRING by title) again in `year`, as demo tasks
    (coded as the year's own, t<year>_<nn>; created with the change reason DEMO_REASON), unless
    the year already has a task of that title (carried over or not)."""
    first = plan_seed_year()
    if first is None:
        return 0
    sections = {s.number: s for s in PlanSection.objects.filter(year=year)}
    titles = set(Task.objects.filter(section__year=year).values_list("title", flat=True))
    number = next_task_number(year)
    taken = set(Task.objects.values_list("code", flat=True))
    created = 0
    for source in Task.objects.filter(section__year=first, title__in=RECURRING).order_by("pk"):
        section = sections.get(source.section.number)
        if section is None or source.title in titles:
            continue
        while f"t{year}_{number:02d}" in taken:
            number += 1
        code = f"t{year}_{number:02d}"
        taken.add(code)
        titles.add(source.title)
        task = Task(
            section=section,
            code=code,
            title=source.title,
            text=f"演示任务（参照{first}年计划）：{source.text}",
            kind=source.kind,
            quantity=source.quantity,
            unit=source.unit,
            at_least=source.at_least,
            deadline=date(year, 12, 31),
            office=source.office,
            leader=source.leader,
            indicator=source.indicator,
            order=source.order,
        )
        task.full_clean()
        task._change_reason = DEMO_REASON  # type: ignore[attr-defined]
        task.save()
        created += 1
    return created


def demo_task_ids() -> set[int]:
    """The tasks the demo added (demo_tasks_add): created with the change reason DEMO_REASON."""
    return set(
        Task.history.filter(history_type="+", history_change_reason=DEMO_REASON).values_list(
            "id", flat=True
        )
    )


# --- progress ------------------------------------------------------------------------------------


def _investment(plan: ProjectYearPlan, month: int, end_month: int, pace: Decimal) -> Decimal:
    share = min(Decimal(1), Decimal(month) / Decimal(end_month) * pace)
    return _money(plan.planned_investment * share)


def _project_reports(year: int, until: tuple[int, int], behind: set[str]) -> list[ProgressReport]:
    current_year = periods.today().year
    last_month = until[1] if year == until[0] else 12
    existing = set(
        ProgressReport.objects.filter(year=year, project__isnull=False).values_list(
            "project_id", "month"
        )
    )
    reports = []
    for project in _leaf_projects():
        stages = list(project.stages.order_by("order"))
        finished = _completed_on(stages)
        if finished is not None and finished < date(year, 1, 1):
            continue  # complete before the year began: nothing to plan or report
        rng = random.Random(f"{DEMO_SEED}-progress-{project.code}-{year}")
        end_month = finished.month if finished and finished.year == year else 12
        lagging = project.code in behind if year == current_year else rng.random() < 0.2
        pace = Decimal(
            str(round(rng.uniform(0.55, 0.9) if lagging else rng.uniform(1.01, 1.12), 3))
        )
        plan = ProjectYearPlan.objects.filter(project=project, year=year).first()
        if plan is None:
            plan = ProjectYearPlan.objects.create(
                project=project,
                year=year,
                planned_investment=Decimal(rng.choice([500, 800, 1200, 2000, 3500])),
                goal="演示：完成年度建设任务",
                is_demo=True,
            )
        elif plan.planned_investment == 0 and plan.is_demo:
            plan.planned_investment = Decimal(rng.choice([500, 800, 1200, 2000, 3500]))
            plan.save(update_fields=["planned_investment"])
        for month in range(1, min(last_month, end_month) + 1):
            if (project.pk, month) in existing:
                continue
            on = _month_end(year, month)
            percent = percent_done(stages, on)
            current = next((s for s in stages if (_done_on(s) or date.max) > on), None)
            overdue = current is not None and status.stage_is_overdue(
                planned_date=current.planned_date, completed=False, on=on
            )
            if current is None:
                words = "演示数据：项目已竣工验收"
            else:
                words = f"演示数据：正在推进“{current.name}”阶段"
            reports.append(
                ProgressReport(
                    project=project,
                    year=year,
                    month=month,
                    percent_done=percent,
                    investment_ytd=_investment(plan, month, end_month, pace),
                    progress=words,
                    problems=rng.choice(PROBLEMS) if (lagging or overdue) else "",
                    next_steps="演示数据：加快推进" if current is not None else "",
                    is_demo=True,
                )
            )
    return reports


def _task_start(task: Task) -> tuple[Decimal, Decimal]:
    """Where a carried-over task starts: the 形象进度 and quantity its source ended the year
    with (the quantity only when the carried task keeps the whole quantity)."""
    source = task.carried_from
    if source is None:
        return Decimal(0), Decimal(0)
    last = ProgressReport.objects.filter(task=source).order_by("-year", "-month").first()
    if last is None:
        return Decimal(0), Decimal(0)
    done = last.quantity_done or Decimal(0)
    kept = done if task.quantity is not None and task.quantity == source.quantity else Decimal(0)
    return last.percent_done or Decimal(0), kept


def _task_reports(year: int, until: tuple[int, int]) -> list[ProgressReport]:
    """A year's monthly task reports: each task on its own uneven path to its deadline, on time
    or (about BEHIND_SHARE of the tasks new that year) behind; a carried-over task continues
    from where its source ended and is not behind a second year."""
    last_month = until[1] if year == until[0] else 12
    tasks = list(
        Task.objects.filter(section__year=year).select_related("carried_from").order_by("pk")
    )
    behind = _picked(
        [task.code for task in tasks if task.carried_from_id is None], f"behind-tasks-{year}"
    )
    existing = set(
        ProgressReport.objects.filter(year=year, task__isnull=False).values_list("task_id", "month")
    )
    reports = []
    for task in tasks:
        rng = random.Random(f"{DEMO_SEED}-task-{task.code}")
        lagging = task.code in behind
        pace = Decimal(str(round(rng.uniform(0.5, 0.85) if lagging else rng.uniform(1.02, 1.3), 3)))
        weights = [Decimal(str(round(rng.uniform(0.6, 1.4), 3))) for _ in range(12)]
        start_percent, start_done = _task_start(task)
        in_area = bool(task.unit_id) and units.get(task.unit_id).dimension == "area"
        step = Decimal("0.01") if in_area else Decimal(1)
        share = Decimal(0)
        for month in range(1, last_month + 1):
            expected = (
                status.task_expected_share(deadline=task.deadline, year=year, month=month) / HUNDRED
            )
            # The path's unevenness: the months' weights so far against an even share.
            uneven = sum(weights[:month], Decimal(0)) / sum(weights, Decimal(0)) * 12 / month
            moved = expected * pace * uneven
            moved = min(moved, expected * Decimal("0.97")) if lagging else max(moved, expected)
            share = max(share, min(Decimal(1), moved))
            if (task.pk, month) in existing:
                continue
            done = None
            month_share = share
            if task.quantity:
                left = task.quantity - start_done
                rounding = ROUND_DOWN if lagging else ROUND_UP
                done = min(task.quantity, start_done + (left * share).quantize(step, rounding))
                month_share = (done - start_done) / left if left > 0 else Decimal(1)
            percent = _money(start_percent + (HUNDRED - start_percent) * month_share)
            reports.append(
                ProgressReport(
                    task=task,
                    year=year,
                    month=month,
                    quantity_done=done,
                    percent_done=percent,
                    progress="演示数据：按计划推进" if not lagging else "演示数据：进度滞后",
                    problems=rng.choice(PROBLEMS) if lagging else "",
                    is_demo=True,
                )
            )
    return reports


def _year_progress_load(year: int, until: tuple[int, int]) -> int:
    if (year, 1) > until:
        return 0
    behind = behind_projects(_leaf_projects(), _month_end(*until))
    reports = _project_reports(year, until, behind) + _task_reports(year, until)
    bulk_create_with_history(
        reports, ProgressReport, batch_size=500, default_change_reason=DEMO_REASON
    )
    _date_reports(year, reports)
    data_written(ProgressReport)
    return len(reports)


def _date_reports(year: int, reports: list[ProgressReport]) -> None:
    """Date each report as handed in: a working day's hour between the 5th and the 10th of the
    month after its own (never after now). reported_at and updated_at are auto_now fields, so
    the dates are written after the rows are created (bulk_update skips auto_now)."""
    rng = random.Random(f"{DEMO_SEED}-reported-{year}")
    now = timezone.now()
    for report in reports:
        after = date(report.year, report.month, 28) + timedelta(days=10)
        day = after.replace(day=rng.randint(5, 10))
        report.reported_at = report.updated_at = min(
            _at(day, rng.randint(8, 17), rng.randint(0, 59)), now
        )
    ProgressReport.objects.bulk_update(reports, ["reported_at", "updated_at"], batch_size=500)


@transaction.atomic
def demo_progress_load(until: tuple[int, int]) -> int:
    """Monthly reports of projects and tasks from the first demo year to `until`, year by year;
    each plan year after the seed's is opened once the year before is reported (its carry-over
    reads the year before's last reports), up to the current year."""
    created = 0
    first = plan_seed_year()
    last_year = max(until[0], periods.today().year) if first is not None else until[0]
    for year in range(seed_year() + 1, last_year + 1):
        if first is not None and year > first:
            demo_year_open(year)
        created += _year_progress_load(year, until)
    return created


def _task_year_done(task: Task) -> dict[tuple[int, int], Decimal]:
    """A task's quantity done within each reported (year, month): its report's quantity less
    what it started the year with (kept from the task it was carried from)."""
    _percent, kept = _task_start(task)
    return {
        (year, month): (done or Decimal(0)) - kept
        for year, month, done in ProgressReport.objects.filter(
            task=task, quantity_done__isnull=False
        ).values_list("year", "month", "quantity_done")
    }


@transaction.atomic
def demo_linked_figures_follow() -> int:
    """The town's demo figures of an indicator a task is linked to (Task.indicator) follow
    the tasks' reports: a year-to-date figure is what the year's linked tasks report done by
    that month, a 时点数 (垦造水田立项) the year before's December plus that. Real figures
    are kept (a stock continues from them). Returns how many figures changed."""
    town = Place.objects.filter(level=Place.Level.TOWN).first()
    if town is None:
        return 0
    done: dict[int, dict[tuple[int, int], Decimal]] = {}
    tasks = Task.objects.filter(indicator__isnull=False, unit__isnull=False).select_related(
        "indicator"
    )
    for task in tasks:
        indicator = task.indicator
        assert indicator is not None
        if indicator.kind not in (Kind.YTD, Kind.STOCK):
            continue
        try:
            source, target = units.get(task.unit_id), units.get(indicator.unit_id)
            units.convert(Decimal(1), source, target)
        except units.UnitMismatch:
            continue
        sums = done.setdefault(indicator.pk, {})
        for period, quantity in _task_year_done(task).items():
            sums[period] = sums.get(period, Decimal(0)) + units.convert(quantity, source, target)
    changed: list[Figure] = []
    for indicator in Indicator.objects.filter(pk__in=done):
        sums = done[indicator.pk]
        places = Decimal(1).scaleb(-indicator.decimals)
        figures = list(
            Figure.objects.filter(indicator=indicator, place=town, year__gte=seed_year()).order_by(
                "year", "month"
            )
        )
        latest, start, year = Decimal(0), Decimal(0), None
        for figure in figures:
            if figure.year != year:  # a stock starts the year where the year before ended
                start, year = latest, figure.year
            if figure.is_demo and figure.year > seed_year():
                this_year = sums.get((figure.year, figure.month), Decimal(0))
                value = start + this_year if indicator.kind == Kind.STOCK else this_year
                value = value.quantize(places, ROUND_HALF_UP)
                if value != figure.value:
                    figure.value, figure.growth = value, None
                    changed.append(figure)
            latest = figure.value
    Figure.objects.bulk_update(changed, ["value", "growth"], batch_size=500)
    data_written(Figure)
    return len(changed)


def demo_plans_load(until: tuple[int, int] | None = None) -> int:
    """Stage dates, targets, plan years and progress up to `until` (default: the month before
    the one being reported)."""
    until = until or demo_until()
    stages = demo_stage_dates_load(until)
    targets = demo_targets_load(until[0])
    progress = demo_progress_load(until)
    demo_linked_figures_follow()
    targets += demo_targets_load(until[0])  # for indicators the openings gave none
    _openings_recount()
    return stages + targets + progress


# --- removal -------------------------------------------------------------------------------------


def _before_demo(stages: list[Stage]) -> dict[int, bool]:
    """Whether each stage was done before the demo dated it (its latest history row that is not
    the demo's), by stage id."""
    history = Stage.history.model
    done: dict[int, bool] = {}
    rows = (
        history.objects.filter(id__in=[s.pk for s in stages], dates_are_demo=False)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "is_done")
    )
    for stage_id, is_done in rows:
        done.setdefault(stage_id, is_done)
    return done


@transaction.atomic
def demo_plans_remove() -> int:
    stages = list(Stage.objects.filter(dates_are_demo=True))
    was_done = _before_demo(stages)
    for stage in stages:
        stage.planned_date = stage.actual_date = None
        stage.is_done = was_done.get(stage.pk, False)
        stage.dates_are_demo = False
    bulk_update_with_history(
        stages,
        Stage,
        ["planned_date", "actual_date", "is_done", "dates_are_demo"],
        default_change_reason="删除演示数据",
    )
    data_written(Stage)
    count = len(stages)
    for model in (ProgressReport, ProjectYearPlan, Target):
        deleted, _detail = model.objects.filter(is_demo=True).delete()
        count += deleted
    # The plan years the demo opened: their carried-over tasks and sections, latest year first
    # (a task carried on again is protected by the one it came from).
    openings = YearOpening.objects.filter(**{f"created__{OPENING_DEMO_KEY}": True})
    demo_tasks = demo_task_ids()
    for record in openings.order_by("-year"):
        tasks = Task.objects.filter(section__year=record.year).filter(
            Q(carried_from__isnull=False) | Q(pk__in=demo_tasks)
        )
        count += tasks.count()
        for task in tasks:
            task.delete()
        PlanSection.objects.filter(year=record.year, tasks__isnull=True).delete()
        record.delete()
    return count
