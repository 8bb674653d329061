"""Units become data (a table admins extend), indicators gain a reporting frequency, codes may
be Chinese or made from the name, and a figure can say its 同比 was not published.

Every existing indicator keeps its unit: the old column held the unit's code, and the new
foreign key points at the unit row with that code.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MU = Decimal("666.6666666667")  # 1 亩 = 10000/15 平方米

# (code, name, dimension, factor): the units the catalogue used, then the ones issue 17 adds.
UNITS = [
    ("yuan", "元", "money", Decimal(1)),
    ("wan_yuan", "万元", "money", Decimal(10_000)),
    ("yi_yuan", "亿元", "money", Decimal(100_000_000)),
    ("sqm", "平方米", "area", Decimal(1)),
    ("wan_sqm", "万平方米", "area", Decimal(10_000)),
    ("mu", "亩", "area", MU),
    ("hectare", "公顷", "area", Decimal(10_000)),
    ("metre", "米", "length", Decimal(1)),
    ("km", "公里", "length", Decimal(1000)),
    ("kg", "公斤", "mass", Decimal(1)),
    ("tonne", "吨", "mass", Decimal(1000)),
    ("percent", "%", "ratio", Decimal(1)),
    ("item", "个", "count", Decimal(1)),
    ("firm", "家", "count", Decimal(1)),
    ("parcel", "宗", "count", Decimal(1)),
    ("case", "件", "count", Decimal(1)),
    ("entry", "条", "count", Decimal(1)),
    ("person", "人", "count", Decimal(1)),
    ("person_time", "人次", "count", Decimal(1)),
    ("household", "户", "count", Decimal(1)),
    ("times", "次", "count", Decimal(1)),
    ("session", "场次", "count", Decimal(1)),
    ("match", "场", "count", Decimal(1)),
    ("head", "头", "count", Decimal(1)),
    ("animal", "只", "count", Decimal(1)),
    ("batch", "批次", "count", Decimal(1)),
    ("copy", "份", "count", Decimal(1)),
    ("room", "间", "count", Decimal(1)),
    ("firm_time", "家次", "count", Decimal(1)),
    ("site", "处", "count", Decimal(1)),
    ("plot", "块", "count", Decimal(1)),
    ("article", "篇", "count", Decimal(1)),
    ("incident", "起", "count", Decimal(1)),
    ("wan_piece", "万把", "other", Decimal(1)),
    ("kg_per_mu", "公斤/亩", "other", Decimal(1)),
]


def create_units(apps, schema_editor):
    Unit = apps.get_model("indicators", "Unit")
    for order, (code, name, dimension, factor) in enumerate(UNITS, start=1):
        Unit.objects.get_or_create(
            code=code,
            defaults={"name": name, "dimension": dimension, "factor": factor, "order": order},
        )


def point_indicators(apps, schema_editor):
    Unit = apps.get_model("indicators", "Unit")
    Indicator = apps.get_model("indicators", "Indicator")
    by_code = {u.code: u for u in Unit.objects.all()}
    for indicator in Indicator.objects.all():
        unit = by_code.get(indicator.unit_code)
        if unit is None:  # a code no longer among the choices: keep it as a unit of its own
            unit = Unit.objects.create(
                code=indicator.unit_code[:32],
                name=indicator.unit_code[:16],
                dimension="other",
                order=len(by_code) + 1,
            )
            by_code[unit.code] = unit
        indicator.unit = unit
        indicator.save(update_fields=["unit"])


def point_back(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for indicator in Indicator.objects.select_related("unit"):
        indicator.unit_code = indicator.unit.code
        indicator.save(update_fields=["unit_code"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0008_revision_words_from_glossary")]

    operations = [
        migrations.CreateModel(
            name="Unit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(blank=True, help_text="可留空，系统按名称的拼音生成。", max_length=32, unique=True, validators=[django.core.validators.RegexValidator("^[-\\w]+\\Z", code="invalid_code", message="代码只能由汉字、字母、数字、下划线（_）或连字符（-）组成，不能有空格或标点。")], verbose_name="代码")),
                ("name", models.CharField(error_messages={"unique": "已有同名的计量单位。"}, max_length=16, unique=True, verbose_name="名称")),
                ("dimension", models.CharField(choices=[("money", "货币"), ("area", "面积"), ("length", "长度"), ("mass", "质量"), ("count", "计数"), ("ratio", "比率"), ("other", "其他")], max_length=8, verbose_name="量纲")),
                ("factor", models.DecimalField(decimal_places=10, default=Decimal("1"), help_text="1个该单位等于多少个基本单位（货币：元；面积：平方米；长度：米；质量：公斤）。计数、比率和其他单位填1。", max_digits=24, verbose_name="换算系数")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
            ],
            options={
                "verbose_name": "计量单位",
                "verbose_name_plural": "计量单位",
                "ordering": ["order", "id"],
                "constraints": [models.CheckConstraint(condition=models.Q(("factor__gt", 0)), name="unit_factor_positive", violation_error_message="换算系数应大于0。")],
            },
        ),
        migrations.RunPython(create_units, migrations.RunPython.noop),
        migrations.RenameField("indicator", "unit", "unit_code"),
        migrations.AlterField(
            model_name="indicator",
            name="unit_code",
            field=models.CharField(max_length=16, blank=True),
        ),
        migrations.AddField(
            model_name="indicator",
            name="unit",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="indicators", to="indicators.unit", verbose_name="单位"),
        ),
        migrations.RunPython(point_indicators, point_back),
        migrations.RemoveField("indicator", "unit_code"),
        migrations.AlterField(
            model_name="indicator",
            name="unit",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="indicators", to="indicators.unit", verbose_name="单位"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="frequency",
            field=models.CharField(choices=[("monthly", "月报"), ("quarterly", "季报"), ("half_yearly", "半年报"), ("yearly", "年报")], default="monthly", help_text="月报：2-12月（1-2月合并报送）；季报：3、6、9、12月；半年报：6、12月；年报：12月。", max_length=12, verbose_name="报送频率"),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="code",
            field=models.CharField(blank=True, error_messages={"unique": "已有指标使用这个代码，请换一个。"}, help_text="可填中文，也可留空（系统按名称的拼音生成）。", max_length=64, unique=True, validators=[django.core.validators.RegexValidator("^[-\\w]+\\Z", code="invalid_code", message="代码只能由汉字、字母、数字、下划线（_）或连字符（-）组成，不能有空格或标点。")], verbose_name="代码"),
        ),
        migrations.AddField(
            model_name="figure",
            name="growth_unpublished",
            field=models.BooleanField(default=False, help_text="填报时写明统计部门未公布同比（“—”“/”“无”）。", verbose_name="同比未公布"),
        ),
    ]
