"""The default project pipeline: 谋划 → 政策处理/征地 → 拆迁 → 进场清表 → 组件报批 → 开工 → 竣工验收."""

from django.db import migrations

DEFAULT_STEPS = [
    ("planning", "谋划"),
    ("land", "政策处理/征地"),
    ("demolition", "拆迁"),
    ("clearing", "进场清表"),
    ("approval", "组件报批"),
    ("construction", "开工"),
    ("completion", "竣工验收"),
]


def create_default_template(apps, schema_editor):
    StageTemplate = apps.get_model("plans", "StageTemplate")
    StageTemplateStep = apps.get_model("plans", "StageTemplateStep")
    template, created = StageTemplate.objects.get_or_create(
        name="重点项目标准流程", defaults={"is_default": True}
    )
    if created:
        StageTemplateStep.objects.bulk_create(
            StageTemplateStep(template=template, order=order, key=key, name=name)
            for order, (key, name) in enumerate(DEFAULT_STEPS, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(create_default_template, migrations.RunPython.noop)]
