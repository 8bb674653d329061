"""The roles (auth groups) and the permissions each holds.

The groups are created (the first ones by accounts/migrations/0002_roles, the rest by the sync
below) and their permission sets brought in line with ROLE_PERMISSIONS after every migrate, so a
model or role added later is covered without another data migration.

三权分立 (GB/T 22239-2019 8.1.4.2): administration is split between three roles, none of which
can do another's work — 系统管理员 (users, offices, the catalogue, targets, period locks),
安全管理员 (lockouts, sessions, the password policy) and 审计管理员 (reads and exports the
security log, changes nothing). The rules on who may hold and grant them are in
accounts.permissions.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The value is the group's name as people see it in the admin.
    CLERK = "录入员", _("录入员")
    LEADER = "领导", _("领导")
    ADMIN = "系统管理员", _("系统管理员")
    REVIEWER = "审核员", _("审核员")
    SECURITY = "安全管理员", _("安全管理员")
    AUDITOR = "审计管理员", _("审计管理员")


# The three administrators of 三权分立: one account holds at most one of them.
ADMIN_ROLES = (Role.ADMIN, Role.SECURITY, Role.AUDITOR)
# These two hold no other role at all: an auditor changes nothing, a security admin reads no data.
SOLE_ROLES = (Role.SECURITY, Role.AUDITOR)

# Group names a role had before; the sync renames such a group, keeping its members.
FORMER_NAMES = {Role.ADMIN: "管理员"}

# Apps whose permissions the 系统管理员 holds (all of them but SECURITY_MODELS, AUDIT_MODELS and
# NEVER_GRANTED). An app installed later (e.g. a second factor's devices) is granted to no one
# until a role names it.
SYSTEM_ADMIN_APPS = ("accounts", "auth", "indicators", "plans", "inbox", "dashboard", "reports")

# What only the 安全管理员 manages, as apps or "app.model": lockouts (django-axes), sessions.
SECURITY_MODELS = ("axes", "sessions")
# The security log: only the 审计管理员 reads it, and no one changes it.
AUDIT_MODELS = ("accounts.securityevent",)
# Accounts are deactivated, never deleted, so the records keep who did what.
NEVER_GRANTED = ("accounts.delete_user",)
# Kept for the password rules alone (hashes of former passwords): no role reads them.
NEVER_GRANTED_MODELS = ("accounts.passwordhistory",)


# Apps whose data leaders may read in full (but users and the security models).
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
    # The 系统管理员's permissions are SYSTEM_ADMIN_APPS' (see permissions_for).
    Role.ADMIN: (),
    # Unlocks accounts (deletes django-axes' lockout rows) and reads the login records; sessions
    # are ended on a page of their own (accounts.sessions), which asks accounts.permissions.
    Role.SECURITY: (
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "sessions.view_session",
        "sessions.delete_session",
    ),
    # Reads the security log; there is nothing it may change.
    Role.AUDITOR: ("accounts.view_securityevent",),
}


def labels_q(labels: tuple[str, ...]) -> models.Q:
    """Permissions of these apps ("axes") and models ("accounts.securityevent")."""
    wanted = models.Q(pk__in=[])
    for label in labels:
        app_label, _dot, model = label.partition(".")
        if model:
            wanted |= models.Q(content_type__app_label=app_label, content_type__model=model)
        else:
            wanted |= models.Q(content_type__app_label=app_label)
    return wanted


def _dotted_q(dotted_names: tuple[str, ...]) -> models.Q:
    wanted = models.Q(pk__in=[])
    for dotted in dotted_names:
        app_label, codename = dotted.split(".", 1)
        wanted |= models.Q(content_type__app_label=app_label, codename=codename)
    return wanted


def permissions_for(role: Role, permission_model: Any) -> Any:
    """The permission queryset a role's group should hold."""
    wanted = models.Q(pk__in=[])
    if role == Role.ADMIN:
        wanted = models.Q(content_type__app_label__in=SYSTEM_ADMIN_APPS)
    elif role == Role.LEADER:
        wanted = models.Q(
            content_type__app_label__in=READ_ALL_APPS, codename__startswith="view_"
        ) & ~models.Q(content_type__app_label="accounts", codename="view_user")
    wanted |= _dotted_q(ROLE_PERMISSIONS[role])
    if role != Role.SECURITY:
        wanted &= ~labels_q(SECURITY_MODELS)
    if role != Role.AUDITOR:
        wanted &= ~labels_q(AUDIT_MODELS)
    wanted &= ~_dotted_q(NEVER_GRANTED) & ~labels_q(NEVER_GRANTED_MODELS)
    return permission_model.objects.filter(wanted)


def sync_role_permissions(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Create the role groups that are missing and give each exactly the permissions
    ROLE_PERMISSIONS names. A group under a role's former name is renamed, keeping its members."""
    from django.contrib.auth.models import Group, Permission

    groups = Group.objects.using(using)
    for role in Role:
        former = FORMER_NAMES.get(role)
        if former and not groups.filter(name=role.value).exists():
            groups.filter(name=former).update(name=role.value)
        group, _created = groups.get_or_create(name=role.value)
        group.permissions.set(permissions_for(role, Permission).using(using))
