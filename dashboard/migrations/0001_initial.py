import uuid

from django.db import migrations, models


def create_stamp(apps, schema_editor):
    DataStamp = apps.get_model("dashboard", "DataStamp")
    DataStamp.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32, verbose_name="数据版本")),
                ("changed_at", models.DateTimeField(auto_now=True, verbose_name="变更时间")),
            ],
            options={"verbose_name": "数据版本", "verbose_name_plural": "数据版本"},
        ),
        migrations.RunPython(create_stamp, migrations.RunPython.noop),
    ]
