"""Add the 审核员 (reviewer) role; its permissions are synced after migrate (accounts.roles)."""

from django.db import migrations


def create_reviewer(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="审核员")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [migrations.RunPython(create_reviewer, migrations.RunPython.noop)]
