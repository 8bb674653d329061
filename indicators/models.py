from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from indicators import periods


class Category(models.TextChoices):
    INDUSTRY = "industry", _("工业经济")
    INVESTMENT = "investment", _("投资")
    CONSUMPTION = "consumption", _("消费")
    BUSINESS = "business", _("营商环境")
    AGRICULTURE = "agriculture", _("农业农村")
    LAND = "land", _("土地")
    URBAN = "urban", _("城镇建设/环境")
    SAFETY = "safety", _("安全生产")
    GOVERNANCE = "governance", _("社会治理")
    LIVELIHOOD = "livelihood", _("民生服务")
    CULTURE = "culture", _("文教卫生")
    PARTY = "party", _("党建")


class Unit(models.TextChoices):
    YI_YUAN = "yi_yuan", _("亿元")
    WAN_YUAN = "wan_yuan", _("万元")
    PERCENT = "percent", "%"
    MU = "mu", _("亩")
    PARCEL = "parcel", _("宗")
    FIRM = "firm", _("家")
    ITEM = "item", _("个")
    PERSON_TIME = "person_time", _("人次")
    PERSON = "person", _("人")
    CASE = "case", _("件")
    KG_PER_MU = "kg_per_mu", _("公斤/亩")
    SQM = "sqm", _("平方米")
    HOUSEHOLD = "household", _("户")
    SESSION = "session", _("场次")
    TIMES = "times", _("次")
    BATCH = "batch", _("批次")
    ENTRY = "entry", _("条")
    COPY = "copy", _("份")
    ROOM = "room", _("间")
    WAN_SQM = "wan_sqm", _("万平方米")
    WAN_PIECE = "wan_piece", _("万把")
    FIRM_TIME = "firm_time", _("家次")
    SITE = "site", _("处")
    PLOT = "plot", _("块")
    ARTICLE = "article", _("篇")
    INCIDENT = "incident", _("起")

    @classmethod
    def bounded_0_100(cls) -> frozenset[str]:
        """Units whose values are shares of a whole and so lie between 0 and 100."""
        return frozenset({cls.PERCENT})


class Kind(models.TextChoices):
    YTD = "ytd", _("年初至今累计")
    MONTHLY = "monthly", _("当月数")
    STOCK = "stock", _("时点数/比率")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Place(models.Model):
    """The town itself, or one of its administrative villages."""

    class Level(models.TextChoices):
        TOWN = "town", _("全镇")
        VILLAGE = "village", _("行政村")

    name = models.CharField(_("名称"), max_length=32, unique=True)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("地点")
        verbose_name_plural = _("地点")

    def __str__(self) -> str:
        return self.name


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def active(self) -> IndicatorQuerySet:
        return self.filter(is_active=True)


class Indicator(models.Model):
    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    unit = models.CharField(_("单位"), max_length=16, choices=Unit.choices)
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=2)
    kind = models.CharField(_("统计类型"), max_length=8, choices=Kind.choices, default=Kind.YTD)
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    definition = models.TextField(_("口径说明"), blank=True)
    office = models.ForeignKey(
        Office, verbose_name=_("责任科室"), on_delete=models.PROTECT, related_name="indicators"
    )
    places = models.ManyToManyField(
        Place,
        verbose_name=_("适用地点"),
        related_name="indicators",
        help_text=_("可以填报该指标的地点（全镇或行政村）。"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_key = models.BooleanField(
        _("重点指标"), default=False, help_text=_("在领导驾驶舱顶部以卡片显示。")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["office__order", "order", "id"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.CheckConstraint(
                condition=Q(decimals__lte=4),
                name="indicator_decimals_at_most_4",
                violation_error_message=_("小数位数最多为4位。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_label}）"

    def clean(self) -> None:
        if self.pk is None:
            return
        stored_kind = Indicator.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
        if stored_kind and stored_kind != self.kind and self.figures.exists():
            raise ValidationError(
                {"kind": _("该指标已有数据，不能修改统计类型。")}, code="kind_locked"
            )

    @property
    def is_cumulative(self) -> bool:
        return self.kind == Kind.YTD

    @property
    def lower_is_better(self) -> bool:
        return self.direction == Direction.LOWER

    @property
    def unit_label(self) -> str:
        # Not get_unit_display(): it rebuilds the whole choices map on every call, and forms
        # and pages ask for the unit of hundreds of indicators.
        try:
            return str(Unit(self.unit).label)
        except ValueError:
            return self.unit


class Figure(models.Model):
    """One reported value: an indicator, a period (year, month) and a place.

    For a year-to-date indicator `month` is the month the cumulative figure runs to
    (month 9 is 1-9月); a year may start at month 2 (1-2月) with no month 1.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"))
    place = models.ForeignKey(
        Place, verbose_name=_("地点"), on_delete=models.PROTECT, related_name="figures"
    )
    value = models.DecimalField(_("本期数"), max_digits=20, decimal_places=4)
    growth = models.DecimalField(
        _("同比增长（%）"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("统计部门公布的同口径同比增长；未公布则留空，系统按上年同期数计算。"),
    )
    reported_completion_rate = models.DecimalField(
        _("公布的完成率（%）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("情况说明"), blank=True)
    source = models.CharField(_("来源"), max_length=128, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    is_revised = models.BooleanField(_("已修订"), default=False)
    # Raised on every change; a save that expected another version is refused (no lost update).
    version = models.PositiveIntegerField(_("版本"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)

    class Meta:
        ordering = ["indicator_id", "-year", "-month"]
        verbose_name = _("月度数据")
        verbose_name_plural = _("月度数据")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "month", "place"],
                name="figure_unique_indicator_period_place",
                violation_error_message=_("该指标在这个月份和地点已有数据，请直接修改原数据。"),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="figure_month_1_to_12",
                violation_error_message=_("月份应在1到12之间。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="figure_year_2000_to_2100",
                violation_error_message=_("年份应在2000到2100之间。"),
            ),
        ]
        indexes = [models.Index(fields=["year", "month"], name="figure_period_idx")]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period_label}"

    @property
    def period_label(self) -> str:
        return periods.period_label(self.year, self.month, cumulative=self.indicator.is_cumulative)

    @property
    def value_display(self) -> Decimal:
        return self.value.quantize(Decimal(1).scaleb(-self.indicator.decimals))

    @property
    def growth_display(self) -> Decimal | None:
        """The growth with the decimals it was given (6.6, not 6.60; 17, not 17.00)."""
        if self.growth is None:
            return None
        normal = self.growth.normalize()
        return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


class FigureRevision(models.Model):
    """Every change to a figure, with the values before and after: nothing is changed quietly."""

    class Action(models.TextChoices):
        CREATED = "created", _("新建")
        CHANGED = "changed", _("修改")
        REVISED = "revised", _("修订")

    figure = models.ForeignKey(
        Figure, verbose_name=_("数据"), on_delete=models.CASCADE, related_name="revisions"
    )
    action = models.CharField(_("操作"), max_length=8, choices=Action.choices)
    old_value = models.DecimalField(
        _("原本期数"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    new_value = models.DecimalField(_("新本期数"), max_digits=20, decimal_places=4)
    old_growth = models.DecimalField(
        _("原同比增长（%）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    new_growth = models.DecimalField(
        _("新同比增长（%）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    old_note = models.TextField(_("原说明"), blank=True)
    new_note = models.TextField(_("新说明"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("操作时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("数据变更记录")
        verbose_name_plural = _("数据变更记录")

    def __str__(self) -> str:
        return f"{self.figure} {self.get_action_display()}"


class MonthReview(models.Model):
    """An office's month: 草稿 → 已报送 → 已审核 (locked) or 已退回 with a reason.

    Covers the office's figures and its projects' and tasks' progress for that month.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        REVIEWED = "reviewed", _("已审核")
        RETURNED = "returned", _("已退回")

    office = models.ForeignKey(
        Office, verbose_name=_("科室"), on_delete=models.PROTECT, related_name="month_reviews"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("退回/重新打开原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "-month", "office__order"]
        verbose_name = _("月报审核")
        verbose_name_plural = _("月报审核")
        permissions = [("review_month", _("可审核本科室月报"))]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "month"], name="monthreview_unique_office_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="monthreview_month_1_to_12"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(office)s %(year)d年%(month)d月 %(state)s") % {
            "office": self.office,
            "year": self.year,
            "month": self.month,
            "state": self.get_state_display(),
        }

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.REVIEWED


class MonthReviewEvent(models.Model):
    """Every step of a month's review, kept for good: who, when, what, why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("报送")
        APPROVE = "approve", _("审核通过")
        RETURN = "return", _("退回")
        REOPEN = "reopen", _("重新打开")
        WITHDRAW = "withdraw", _("撤回")

    review = models.ForeignKey(
        MonthReview, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=8, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.review} {self.get_action_display()}"
