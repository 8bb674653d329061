"""A task's unit refers to the unit table (indicators.Unit) instead of a fixed list; every task,
and every past version of one, keeps its unit (the old column held the unit's code)."""

import django.db.models.deletion
from django.db import migrations, models


def point(apps, schema_editor):
    Unit = apps.get_model("indicators", "Unit")
    by_code = {u.code: u.pk for u in Unit.objects.all()}
    for name in ("Task", "HistoricalTask"):
        model = apps.get_model("plans", name)
        for row in model.objects.exclude(unit_code=""):
            model.objects.filter(pk=row.pk).update(unit_id=by_code.get(row.unit_code))


def point_back(apps, schema_editor):
    for name in ("Task", "HistoricalTask"):
        model = apps.get_model("plans", name)
        for row in model.objects.exclude(unit=None).select_related("unit"):
            model.objects.filter(pk=row.pk).update(unit_code=row.unit.code)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_office_is_zerenkeshi"),
        ("indicators", "0009_units_frequency_codes"),
    ]

    operations = [
        migrations.RenameField("task", "unit", "unit_code"),
        migrations.RenameField("historicaltask", "unit", "unit_code"),
        migrations.AlterField("task", "unit_code", models.CharField(max_length=16, blank=True)),
        migrations.AlterField(
            "historicaltask", "unit_code", models.CharField(max_length=16, blank=True)
        ),
        migrations.AddField(
            model_name="task",
            name="unit",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="tasks", to="indicators.unit", verbose_name="单位"),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="unit",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="indicators.unit", verbose_name="单位"),
        ),
        migrations.RunPython(point, point_back),
        migrations.RemoveField("task", "unit_code"),
        migrations.RemoveField("historicaltask", "unit_code"),
    ]
