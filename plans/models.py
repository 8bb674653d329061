from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Office
from indicators import units
from indicators.models import Indicator, Place, Unit
from indicators.periods import period_label
from xiage.versioning import VersionedModel


class Target(VersionedModel):
    """An indicator's annual target. The year-end target is this, never a sum of months."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("完成额（完成X）")
        GROWTH = "growth", _("增长率（增长X%）")
        FLOOR = "floor", _("不少于（X以上）")
        MILESTONE = "milestone", _("节点（完成/启动/开工）")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    kind = models.CharField(_("目标类型"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(
        _("目标值"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("完成额、不少于：指标单位；增长率：%。节点目标不填。"),
    )
    wording = models.CharField(_("目标表述"), max_length=200, blank=True)
    achieved_on = models.DateField(_("节点完成日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "indicator__office__order", "indicator__order"]
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="target_unique_indicator_year",
                violation_error_message=_("该指标在这一年已有目标。"),
            ),
            models.CheckConstraint(
                condition=Q(kind="milestone") | Q(value__isnull=False),
                name="target_value_unless_milestone",
                violation_error_message=_("除节点目标外，目标值必须填写。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(year)d年 %(indicator)s %(wording)s") % {
            "year": self.year,
            "indicator": self.indicator.name,
            "wording": self.wording or self.get_kind_display(),
        }

    def clean(self) -> None:
        if self.kind != self.Kind.MILESTONE and self.value is None:
            raise ValidationError({"value": _("除节点目标外，目标值必须填写。")})
        if self.kind == self.Kind.AMOUNT and self.value is not None and self.value <= 0:
            raise ValidationError({"value": _("完成额目标应大于0。")})
        if self.kind == self.Kind.MILESTONE and not (self.wording or "").strip():
            message = _("节点目标没有目标值，请在目标表述中写明要完成的节点，如“年底前开园”。")
            raise ValidationError({"wording": message})
        if self.kind == self.Kind.FLOOR and self.value is not None and self.value < 0:
            raise ValidationError({"value": _("“不少于”目标不能为负数。")})
        if self.kind == self.Kind.GROWTH and self.value is not None and self.value < -100:
            raise ValidationError({"value": _("目标增速不能低于-100%。")})


class PlanSection(models.Model):
    """A section of a year's work plan, e.g. 2024 (一) 加速工业突破，激活发展动能."""

    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("工作计划板块")
        verbose_name_plural = _("工作计划板块")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="plansection_unique_number")
        ]

    def __str__(self) -> str:
        return gettext("%(year)d年（%(number)s）%(title)s") % {
            "year": self.year,
            "number": chinese_numeral(self.number),
            "title": self.title,
        }


def chinese_numeral(number: int) -> str:
    digits = "零一二三四五六七八九十"
    if 0 <= number <= 10:
        return digits[number]
    if number < 20:
        return "十" + digits[number - 10]
    return str(number)


class ProjectType(models.TextChoices):
    INDUSTRY = "industry", _("产业")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    LIVELIHOOD = "livelihood", _("民生")
    AGRICULTURE = "agriculture", _("农业农村")
    ECOLOGY = "ecology", _("生态")
    CULTURE_TOURISM = "culture_tourism", _("文旅")


class StageTemplate(models.Model):
    """A configurable pipeline of stages that new projects are given."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    is_default = models.BooleanField(_("默认"), default=False)

    class Meta:
        verbose_name = _("阶段模板")
        verbose_name_plural = _("阶段模板")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="stagetemplate_one_default",
                violation_error_message=_("只能有一个默认阶段模板。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class StageTemplateStep(models.Model):
    template = models.ForeignKey(
        StageTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    key = models.SlugField(_("代码"), max_length=32)
    name = models.CharField(_("阶段名称"), max_length=32)

    class Meta:
        ordering = ["template", "order"]
        verbose_name = _("模板阶段")
        verbose_name_plural = _("模板阶段")
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="step_unique_order"),
            models.UniqueConstraint(fields=["template", "key"], name="step_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Project(VersionedModel):
    """A key project (重点项目), followed stage by stage."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("项目名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices)
    place = models.ForeignKey(
        Place,
        verbose_name=_("所在村"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    block = models.CharField(_("区块/地块"), max_length=64, blank=True)
    area_mu = models.DecimalField(
        _("面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    total_investment = models.DecimalField(
        _("总投资（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    office = models.ForeignKey(
        Office, verbose_name=_("责任科室"), on_delete=models.PROTECT, related_name="projects"
    )
    leader = models.CharField(_("联系领导"), max_length=32, blank=True)
    template = models.ForeignKey(
        StageTemplate,
        verbose_name=_("阶段模板"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    description = models.TextField(_("项目概况"), blank=True)
    source = models.CharField(_("来源"), max_length=128, blank=True)
    is_active = models.BooleanField(_("跟踪中"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # 所属项目 is a tree: a project is neither its own parent nor under one of its own
        # sub-projects (walking up from the chosen parent must not reach this project).
        above, seen = self.parent_id, set()
        while self.pk is not None and above is not None and above not in seen:
            if above == self.pk:
                if above == self.parent_id:
                    message = _("项目不能以自己为所属项目。")
                else:
                    message = _("不能选择本项目的下级项目作为所属项目（会形成循环）。")
                raise ValidationError({"parent": message})
            seen.add(above)
            above = Project.objects.filter(pk=above).values_list("parent_id", flat=True).first()

    @property
    def location(self) -> str:
        return "".join(part for part in [self.place.name if self.place else "", self.block] if part)


class ProjectYearPlan(models.Model):
    """A project's planned investment for one year (年度计划投资)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="year_plans"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    planned_investment = models.DecimalField(
        _("年度计划投资（万元）"), max_digits=14, decimal_places=2
    )
    goal = models.CharField(_("年度目标"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-year"]
        verbose_name = _("年度投资计划")
        verbose_name_plural = _("年度投资计划")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="yearplan_unique_year"),
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0),
                name="yearplan_investment_not_negative",
                violation_error_message=_("计划投资不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(project)s %(year)d年") % {"project": self.project, "year": self.year}


class Stage(VersionedModel):
    """One stage of a project, with planned and actual dates and, where it has them, the
    quantities done against required (亩 acquired, 户 relocated)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    key = models.SlugField(_("代码"), max_length=32)
    name = models.CharField(_("阶段"), max_length=32)
    planned_date = models.DateField(_("计划完成日期"), null=True, blank=True)
    actual_date = models.DateField(_("实际完成日期"), null=True, blank=True)
    is_done = models.BooleanField(
        _("已完成"), default=False, help_text=_("实际完成日期不详时（如年度总结只写到年份）勾选。")
    )
    area_required_mu = models.DecimalField(
        _("应完成面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    area_done_mu = models.DecimalField(
        _("已完成面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    households_required = models.PositiveIntegerField(_("应完成户数"), null=True, blank=True)
    households_done = models.PositiveIntegerField(_("已完成户数"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    dates_are_demo = models.BooleanField(_("日期为演示数据"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("项目阶段")
        verbose_name_plural = _("项目阶段")
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="stage_unique_order"),
            models.UniqueConstraint(fields=["project", "key"], name="stage_unique_key"),
            models.CheckConstraint(
                condition=Q(area_done_mu__gte=0) | Q(area_done_mu__isnull=True),
                name="stage_area_not_negative",
                violation_error_message=_("面积不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} · {self.name}"

    def save(self, *args, **kwargs) -> None:
        if self.actual_date is not None:
            self.is_done = True
        super().save(*args, **kwargs)

    @property
    def completed(self) -> bool:
        return self.is_done or self.actual_date is not None


class Task(VersionedModel):
    """A task of the year's plan (工作任务): a quantity to reach or a milestone."""

    class Kind(models.TextChoices):
        QUANTITY = "quantity", _("数量任务")
        MILESTONE = "milestone", _("节点任务")

    section = models.ForeignKey(
        PlanSection, verbose_name=_("板块"), on_delete=models.PROTECT, related_name="tasks"
    )
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    title = models.CharField(_("任务"), max_length=64)
    text = models.TextField(_("计划原文"))
    kind = models.CharField(_("任务类型"), max_length=10, choices=Kind.choices)
    quantity = models.DecimalField(
        _("目标数量"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    at_least = models.BooleanField(_("为下限（以上/余）"), default=False)
    deadline = models.DateField(_("完成时限"))
    office = models.ForeignKey(
        Office, verbose_name=_("责任科室"), on_delete=models.PROTECT, related_name="tasks"
    )
    leader = models.CharField(_("联系领导"), max_length=32, blank=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("关联指标"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("关联项目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("结转自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text=_("上年未完成、结转到本年的任务：指向上年的原任务。"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["section__year", "section__number", "order", "id"]
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="milestone") | Q(quantity__isnull=False),
                name="task_quantity_unless_milestone",
                violation_error_message=_("数量任务必须填写目标数量。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.kind == self.Kind.QUANTITY and (self.quantity is None or not self.unit_id):
            raise ValidationError(_("数量任务必须填写目标数量和单位。"))

    @property
    def year(self) -> int:
        return self.section.year

    @property
    def unit_label(self) -> str:
        # From the in-memory unit table: the dashboard asks for hundreds of tasks' units.
        return units.get(self.unit_id).name if self.unit_id else ""

    @property
    def quantity_label(self) -> str:
        if self.quantity is None:
            return ""
        unit = self.unit_label
        text = f"{self.quantity.normalize():f}{unit}"
        return gettext("%(quantity)s以上") % {"quantity": text} if self.at_least else text


class ProgressReport(VersionedModel):
    """A month's progress of one project or one task, as its office reports it."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"))
    quantity_done = models.DecimalField(
        _("累计完成数量"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    percent_done = models.DecimalField(
        _("形象进度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    investment_ytd = models.DecimalField(
        _("本年累计完成投资（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    progress = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-month", "id"]
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(task__isnull=True))
                | (Q(project__isnull=True) & Q(task__isnull=False)),
                name="progress_project_xor_task",
                violation_error_message=_("进展必须且只能属于一个项目或一个任务。"),
            ),
            models.UniqueConstraint(
                fields=["project", "year", "month"],
                condition=Q(project__isnull=False),
                name="progress_unique_project_month",
                violation_error_message=_("该项目这个月已有进展记录。"),
            ),
            models.UniqueConstraint(
                fields=["task", "year", "month"],
                condition=Q(task__isnull=False),
                name="progress_unique_task_month",
                violation_error_message=_("该任务这个月已有进展记录。"),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="progress_month_1_to_12",
                violation_error_message=_("月份应在1到12之间。"),
            ),
            models.CheckConstraint(
                condition=Q(percent_done__isnull=True)
                | Q(percent_done__gte=0, percent_done__lte=100),
                name="progress_percent_0_to_100",
                violation_error_message=_("形象进度应在0到100之间。"),
            ),
        ]
        indexes = [models.Index(fields=["year", "month"], name="progress_period_idx")]

    def __str__(self) -> str:
        subject = self.project or self.task
        return f"{subject} {period_label(self.year, self.month, cumulative=False)}"

    @property
    def subject(self) -> Project | Task:
        return self.project or self.task  # type: ignore[return-value]


class SupervisionItem(VersionedModel):
    """督办: something a leader wants solved on a project or task, by an office, by a date."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supervision_items",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supervision_items",
    )
    matter = models.TextField(_("督办事项"))
    office = models.ForeignKey(
        Office,
        verbose_name=_("责任科室"),
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    due_date = models.DateField(_("办结时限"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("交办时间"), auto_now_add=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["resolved_at", "due_date", "id"]
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(task__isnull=True))
                | (Q(project__isnull=True) & Q(task__isnull=False)),
                name="supervision_project_xor_task",
                violation_error_message=_("督办事项必须且只能针对一个项目或一个任务。"),
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="supervision_resolution_when_resolved",
                violation_error_message=_("办结时必须填写办理结果。"),
            ),
        ]

    def __str__(self) -> str:
        return self.matter[:40]

    @property
    def subject(self) -> Project | Task:
        return self.project or self.task  # type: ignore[return-value]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def is_overdue(self, on: date) -> bool:
        return self.is_open and self.due_date < on


class YearOpening(models.Model):
    """The record that a plan year was opened (开启新年度): who, when and what it created.

    One row per year: opening a year a second time finds this row and creates nothing.
    ``created`` counts what the opening made, by kind: {"targets": n, "sections": n,
    "tasks": n, "year_plans": n}.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开启人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)
    created = models.JSONField(_("创建内容"), default=dict, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度开启记录")
        verbose_name_plural = _("年度开启记录")

    def __str__(self) -> str:
        return gettext("%(year)d年度开启记录") % {"year": self.year}
