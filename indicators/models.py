from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from accounts.models import Office
from indicators import periods, units


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


class Dimension(models.TextChoices):
    """What a unit measures. Units of one dimension convert by their factors; counts do not
    convert into one another (家 is not 个)."""

    MONEY = "money", _("货币")
    AREA = "area", _("面积")
    LENGTH = "length", _("长度")
    MASS = "mass", _("质量")
    COUNT = "count", _("计数")
    RATIO = "ratio", _("比率")
    OTHER = "other", _("其他")

    @classmethod
    def convertible(cls) -> frozenset[str]:
        """Dimensions whose units convert into one another by factor."""
        return frozenset({cls.MONEY, cls.AREA, cls.LENGTH, cls.MASS})


# An indicator's code is part of its address (/indicators/<code>/): letters of any script,
# digits, _ and -, nothing that needs escaping.
CODE_VALIDATOR = RegexValidator(
    r"^[-\w]+\Z",
    message=_("代码只能由汉字、字母、数字、下划线（_）或连字符（-）组成，不能有空格或标点。"),
    code="invalid_code",
)


class Unit(models.Model):
    """A unit of measure, as data: admins add units; indicators and tasks refer to one.

    `factor` is how many of the dimension's base unit one of this unit is (元 for money,
    平方米 for area, 米 for length, 公斤 for mass): 亿元 100000000, 亩 666.6666666667.
    Name, dimension and factor are fixed once an indicator or task uses the unit (the stored
    numbers are in it), so every process may keep the table in memory (indicators/units.py).
    """

    code = models.CharField(
        _("代码"),
        max_length=32,
        unique=True,
        blank=True,
        validators=[CODE_VALIDATOR],
        help_text=_("可留空，系统按名称的拼音生成。"),
    )
    name = models.CharField(
        _("名称"),
        max_length=16,
        unique=True,
        error_messages={"unique": _("已有同名的计量单位。")},
    )
    dimension = models.CharField(_("量纲"), max_length=8, choices=Dimension.choices)
    factor = models.DecimalField(
        _("换算系数"),
        max_digits=24,
        decimal_places=10,
        default=Decimal(1),
        help_text=_(
            "1个该单位等于多少个基本单位（货币：元；面积：平方米；长度：米；质量：公斤）。"
            "计数、比率和其他单位填1。"
        ),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("计量单位")
        verbose_name_plural = _("计量单位")
        constraints = [
            models.CheckConstraint(
                condition=Q(factor__gt=0),
                name="unit_factor_positive",
                violation_error_message=_("换算系数应大于0。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = code_from_name(self.name, Unit, max_length=32)
        super().save(*args, **kwargs)

    @property
    def is_ratio(self) -> bool:
        """A share of a whole (%): its values lie between 0 and 100 and change in 个百分点."""
        return self.dimension == Dimension.RATIO


def code_from_name(name: str, model: type[models.Model], *, max_length: int) -> str:
    """A free code made from a name's pinyin: '规上工业产值' → 'gui_shang_gong_ye_chan_zhi',
    with _2, _3 … when taken. For rows an admin adds without typing a code."""
    base = slugify("_".join(lazy_pinyin(name)).replace("-", "_"), allow_unicode=True)
    base = (base.replace("-", "_") or "x")[: max_length - 4]
    code, n = base, 1
    while model._default_manager.filter(code=code).exists():
        n += 1
        code = f"{base}_{n}"
    return code


class Kind(models.TextChoices):
    YTD = "ytd", _("年初至今累计")
    MONTHLY = "monthly", _("当月数")
    STOCK = "stock", _("时点数/比率")


class Frequency(models.TextChoices):
    """How often an indicator is reported, as DHIS2's period types: the months it owes a
    figure (1-2月 is reported together, so a monthly indicator owes no January)."""

    MONTHLY = "monthly", _("月报")
    QUARTERLY = "quarterly", _("季报")
    HALF_YEARLY = "half_yearly", _("半年报")
    YEARLY = "yearly", _("年报")

    @property
    def months(self) -> tuple[int, ...]:
        return _FREQUENCY_MONTHS[self.value]


_FREQUENCY_MONTHS: dict[str, tuple[int, ...]] = {
    "monthly": tuple(range(2, 13)),
    "quarterly": (3, 6, 9, 12),
    "half_yearly": (6, 12),
    "yearly": (12,),
}


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
    is_demo = models.BooleanField(
        _("演示数据"),
        default=False,
        help_text=_("演示数据补齐的行政村（原文未列出名称），清除演示数据时一并删除。"),
    )

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
    code = models.CharField(
        _("代码"),
        max_length=64,
        unique=True,
        blank=True,
        validators=[CODE_VALIDATOR],
        help_text=_("可填中文，也可留空（系统按名称的拼音生成）。"),
        error_messages={"unique": _("已有指标使用这个代码，请换一个。")},
    )
    name = models.CharField(_("名称"), max_length=64)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="indicators"
    )
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=2)
    kind = models.CharField(_("统计类型"), max_length=8, choices=Kind.choices, default=Kind.YTD)
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    frequency = models.CharField(
        _("报送频率"),
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
        help_text=_(
            "月报：2-12月（1-2月合并报送）；季报：3、6、9、12月；半年报：6、12月；年报：12月。"
        ),
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = code_from_name(self.name, Indicator, max_length=64)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if (
            self.office_id
            and Indicator.objects.filter(office_id=self.office_id, name=self.name)
            .exclude(pk=self.pk)
            .exists()
        ):
            # Two of one name in one office cannot be told apart on any page or in any list.
            raise ValidationError(
                {
                    "name": _(
                        "本科室已有同名指标，请换一个名称（可加口径，如“工业用电量（规上）”）。"
                    )
                },
                code="name_taken",
            )
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
    def unit_info(self) -> units.UnitInfo:
        """The unit, from the in-memory table (pages ask for hundreds of indicators' units),
        or from the Unit object this instance was given."""
        field = Indicator._meta.get_field("unit")
        if field.is_cached(self):
            unit = cast(Unit, field.get_cached_value(self))
            return units.UnitInfo(unit.pk, unit.code, unit.name, unit.dimension, unit.factor)
        return units.get(self.unit_id)

    @property
    def unit_label(self) -> str:
        return self.unit_info.name

    @property
    def is_ratio(self) -> bool:
        """Values are shares (%): bounded 0-100, changes in 个百分点."""
        return self.unit_info.is_ratio

    @property
    def is_additive(self) -> bool:
        """The villages' values add up to the town's (亿元, 亩, 个); not a rate or an average
        (公斤/亩): the village view sums and shares only these."""
        return self.unit_info.is_additive

    @property
    def reporting_months(self) -> tuple[int, ...]:
        """The months of a year this indicator owes a figure (see Frequency)."""
        return Frequency(self.frequency).months


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
    growth_unpublished = models.BooleanField(
        _("同比未公布"),
        default=False,
        help_text=_("填报时写明统计部门未公布同比（“—”“/”“无”）。"),
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
    # The clerk's "未公布" (—, /, 无) before and after: 31.3 → 未公布 is a change on record.
    old_growth_unpublished = models.BooleanField(_("原同比未公布"), default=False)
    new_growth_unpublished = models.BooleanField(_("新同比未公布"), default=False)
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
