"""The roles (auth groups) and the permissions each holds.

The groups are created by a data migration (accounts/migrations/0002_roles); their permission
sets are brought in line with ROLE_PERMISSIONS after every migrate, so a model added later is
covered without another data migration.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The value is the group's name as people see it in the admin.
    CLERK = "录入员", _("录入员")
    LEADER = "领导", _("领导")
    ADMIN = "管理员", _("管理员")
    REVIEWER = "审核员", _("审核员")


# Apps whose data leaders may read in full.
READ_ALL_APPS = ("accounts", "indicators", "plans")

# Extra permissions beyond reading, per role, as "app_label.codename". Office scoping (a clerk
# writes only their office's rows) is enforced by accounts.permissions, not by these.
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.CLERK: (
        "accounts.view_office",
        "indicators.view_indicator",
        "indicators.view_figure",
        "indicators.add_figure",
        "indicators.change_figure",
        "indicators.view_figurerevision",
        "indicators.view_place",
        "plans.view_target",
        "plans.view_plansection",
        "plans.view_task",
        "plans.view_project",
        "plans.change_project",
        "plans.view_projectyearplan",
        "plans.add_projectyearplan",
        "plans.change_projectyearplan",
        "plans.view_stage",
        "plans.change_stage",
        "plans.view_stagetemplate",
        "plans.view_stagetemplatestep",
        "plans.view_progressreport",
        "plans.add_progressreport",
        "plans.change_progressreport",
        "plans.view_supervisionitem",
        "plans.change_supervisionitem",
        "indicators.view_monthreview",
    ),
    # A reviewer (typically the office head) reads the office's data and reviews its months.
    Role.REVIEWER: (
        "accounts.view_office",
        "indicators.view_indicator",
        "indicators.view_figure",
        "indicators.view_figurerevision",
        "indicators.view_monthreview",
        "indicators.review_month",
        "plans.view_project",
        "plans.view_stage",
        "plans.view_task",
        "plans.view_progressreport",
        "plans.view_supervisionitem",
    ),
    # Leaders read everything (see permissions_for); the one thing they write is a 督办 item.
    Role.LEADER: ("plans.add_supervisionitem",),
}


def permissions_for(role: Role, permission_model: Any) -> Any:
    """The permission queryset a role's group should hold."""
    if role == Role.ADMIN:
        return permission_model.objects.all()
    wanted = models.Q(pk__in=[])
    if role == Role.LEADER:
        wanted = models.Q(
            content_type__app_label__in=READ_ALL_APPS, codename__startswith="view_"
        ) & ~models.Q(content_type__app_label="accounts", codename="view_user")
    for dotted in ROLE_PERMISSIONS[role]:
        app_label, codename = dotted.split(".", 1)
        wanted |= models.Q(content_type__app_label=app_label, codename=codename)
    return permission_model.objects.filter(wanted)


def sync_role_permissions(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Give each existing role group exactly the permissions ROLE_PERMISSIONS names."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group = Group.objects.using(using).filter(name=role.value).first()
        if group is not None:
            group.permissions.set(permissions_for(role, Permission).using(using))
