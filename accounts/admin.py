from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group, Permission
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import (
    admin_security,  # noqa: F401 - registers the security and audit pages
    audit,
    permissions,
)
from accounts.forms import AdminPasswordResetForm
from accounts.http import user_of
from accounts.models import Office, User
from accounts.roles import AUDIT_MODELS, NEVER_GRANTED_MODELS, SECURITY_MODELS, Role, labels_q


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]

    def get_exclude(self, request: HttpRequest, obj: Office | None = None) -> list[str]:
        # The group robot's address carries its access token: only office managers see it.
        if permissions.can_manage_offices(user_of(request)):
            return list(super().get_exclude(request, obj) or [])
        return ["webhook_url"]


class RolesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return obj.name


class UserCreateForm(UserCreationForm):
    groups = RolesField(
        queryset=Group.objects.order_by("name"),
        required=False,
        label=_("角色"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "display_name", "office", "groups"]  # type: ignore[assignment]


def link_tables() -> list[type]:
    """Django's own tables linking users, roles and permissions (many-to-many "through" rows)."""
    return [User.groups.through, User.user_permissions.through, Group.permissions.through]


class WithoutLinkRows(admin.ModelAdmin):
    """Deleting a user or a role also deletes their rows in Django's link tables; the
    confirmation page listed each as "User-group关系: User_groups object (4)", in Django's
    English. They are not records anyone made, so the page leaves them out."""

    def get_deleted_objects(self, objs, request: HttpRequest):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        names = tuple(f"{capfirst(m._meta.verbose_name)}: " for m in link_tables())  # type: ignore[attr-defined]
        plurals = {str(m._meta.verbose_name_plural) for m in link_tables()}  # type: ignore[attr-defined]
        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return _without(deleted, names), counts, perms_needed, protected


def _without(items: list, prefixes: tuple[str, ...]) -> list:
    kept: list = []
    for item in items:
        if isinstance(item, list):
            kept.append(_without(item, prefixes))
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return [item for item in kept if item != []]


@admin.action(description=_("重置动态口令（解除已绑定的认证器）"))
def reset_second_factor(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    """For a lost or replaced phone: the person enrols again at their next login (or may, when
    the second factor is optional for them)."""
    for user in queryset:
        if not permissions.can_reset_second_factor_of(user_of(request), user):
            modeladmin.message_user(
                request,
                gettext("三权分立：%(user)s 的动态口令只能由本人或在服务器上重置。")
                % {"user": user},
                level=messages.ERROR,
            )
            continue
        deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
        if deleted:
            audit.record(
                audit.Action.OTP, request=request, obj=user, detail=gettext("重置动态口令")
            )
    modeladmin.message_user(request, gettext("已重置所选用户的动态口令。"))


@admin.register(User)
class UserAdmin(WithoutLinkRows, DjangoUserAdmin):
    add_form = UserCreateForm
    # An admin's password (reset or a new account's) must be changed by its holder at login.
    change_password_form = AdminPasswordResetForm
    actions = [reset_second_factor]
    list_display = ["username", "display_name", "office", "role_list", "is_active", "last_login"]
    list_filter = ["is_active", "office", "groups"]
    search_fields = ["username", "display_name"]
    list_select_related = ["office"]
    fieldsets = [
        (None, {"fields": ["username", "password", "password_must_change"]}),
        (_("个人信息"), {"fields": ["display_name", "office", "email"]}),
        (_("角色与状态"), {"fields": ["groups", "is_active", "is_superuser"]}),
        (_("重要日期"), {"fields": ["last_login", "date_joined", "password_changed_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "display_name",
                    "office",
                    "groups",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    filter_horizontal = []
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    # 三权分立: accounts are the 系统管理员's alone (by role, not by Django permissions), and are
    # deactivated, never deleted, so the records keep who did what.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_users(user_of(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_users(user_of(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_users(user_of(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_users(user_of(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [*super().get_readonly_fields(request, obj), "is_superuser"]
        if obj is not None and obj.pk == request.user.pk:
            # No one changes their own roles or switches themselves off.
            fields += ["groups", "is_active"]
        return fields

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        form = super().get_form(request, obj, **kwargs)
        actor = user_of(request)

        class RolesGuarded(form):  # type: ignore[valid-type, misc]
            def clean(self) -> dict:
                super().clean()
                cleaned = self.cleaned_data
                if "groups" in self.fields and "groups" in cleaned:
                    old = set(obj.groups.values_list("name", flat=True)) if obj else set()
                    new = {group.name for group in cleaned["groups"]}
                    refusal = permissions.role_change_refusal(actor, obj, old, new)
                    if refusal:
                        self.add_error("groups", refusal)
                    office = cleaned.get("office") if "office" in self.fields else None
                    missing = permissions.office_missing_refusal(new, office)
                    if missing and "office" in self.fields:
                        self.add_error("office", missing)
                return cleaned

        return RolesGuarded

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        if not change:
            obj.mark_password_temporary()  # the initial password is changed at the first login
        # 安全审计: what the database held before, for the log written in save_related.
        obj._audit_before = user_before(obj) if change else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        audit_user_changes(request, user, getattr(user, "_audit_before", None), form.changed_data)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        target = self.get_object(request, unquote(id))
        if target is not None and not permissions.can_set_password_of(user_of(request), target):
            messages.error(
                request,
                gettext(
                    "三权分立：安全管理员和审计管理员的密码只能由本人修改；忘记密码时，"
                    "请在服务器上运行 manage.py changepassword %(username)s。"
                )
                % {"username": target.username},
            )
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[target.pk]))
        response = super().user_change_password(request, id, form_url)
        saved = request.method == "POST" and response.status_code == 302
        if saved and response["Location"] != request.get_full_path():
            target = User.objects.get(pk=id)
            audit.record(
                audit.Action.PASSWORD_RESET,
                request=request,
                obj=target,
                detail=gettext("管理员重置密码，须在下次登录时修改")
                if target.has_usable_password()
                else gettext("管理员停用了密码登录"),
            )
        return response

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["label"] = _("角色")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("角色"))
    def role_list(self, obj: User) -> str:
        return "、".join(sorted(group.name for group in obj.groups.all()))


def user_before(user: User) -> dict | None:
    """A saved user's office, state and roles as the database holds them."""
    before = User.objects.filter(pk=user.pk).values("office_id", "is_active").first()
    if before is not None:
        before["roles"] = set(user.groups.values_list("name", flat=True))  # type: ignore[misc]
    return before  # type: ignore[return-value]


def _office_name(office_id: int | None) -> str:
    office = Office.objects.filter(pk=office_id).first() if office_id else None
    return str(office) if office else gettext("无")


def _roles_text(names: set[str]) -> str:
    return "、".join(sorted(names)) or gettext("无")


def audit_user_changes(
    request: HttpRequest, user: User, before: dict | None, changed: list[str]
) -> None:
    """The security log's rows for a user saved in the admin (`before` None: just created)."""
    record, Action = audit.record, audit.Action
    roles = set(user.groups.values_list("name", flat=True))
    if before is None:
        record(
            Action.USER_CREATE,
            request=request,
            obj=user,
            detail=gettext("用户名：%(username)s；科室：%(office)s；角色：%(roles)s")
            % {
                "username": user.username,
                "office": _office_name(user.office_id),
                "roles": _roles_text(roles),
            },
        )
        if roles:
            record(
                Action.ROLE_CHANGE,
                request=request,
                obj=user,
                detail=gettext("授予：%(roles)s") % {"roles": _roles_text(roles)},
            )
        return
    if roles != before["roles"]:
        record(
            Action.ROLE_CHANGE,
            request=request,
            obj=user,
            detail=gettext("授予：%(added)s；收回：%(removed)s")
            % {
                "added": _roles_text(roles - before["roles"]),
                "removed": _roles_text(before["roles"] - roles),
            },
        )
    if user.office_id != before["office_id"]:
        record(
            Action.OFFICE_CHANGE,
            request=request,
            obj=user,
            detail=f"{_office_name(before['office_id'])} → {_office_name(user.office_id)}",
        )
    if user.is_active != before["is_active"]:
        if user.is_active:
            record(Action.USER_CHANGE, request=request, obj=user, detail=gettext("重新启用"))
        else:
            record(Action.USER_DEACTIVATE, request=request, obj=user)
    others = [name for name in changed if name not in {"groups", "office", "is_active"}]
    if others:
        labels = [str(getattr(User._meta.get_field(name), "verbose_name", name)) for name in others]
        record(
            Action.USER_CHANGE,
            request=request,
            obj=user,
            detail=gettext("修改：%(fields)s") % {"fields": "、".join(labels)},
        )


PERMISSION_ACTIONS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def permission_label(permission: Permission) -> str:
    """A permission in Chinese, "经济指标 · 月度数据 · 修改", where Django writes "Can change …"."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return permission.name
    app = model._meta.app_config.verbose_name
    # django-simple-history's models of past versions name themselves "historical ..." in English.
    history_of = getattr(model, "instance_type", None)
    if history_of is not None:
        name = gettext("%(name)s的历史记录") % {"name": history_of._meta.verbose_name}
    else:
        name = str(model._meta.verbose_name)
    action = permission.codename.split("_", 1)[0]
    if permission.codename == f"{action}_{content_type.model}" and action in PERMISSION_ACTIONS:
        return f"{app} · {name} · {PERMISSION_ACTIONS[action]}"
    return f"{app} · {name} · {permission.name}"


admin.site.unregister(Group)
# Devices are enrolled by their owner (accounts.views.otp_setup) and reset by the action above;
# django-otp's own list would show each secret key.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(Group)
class GroupAdmin(WithoutLinkRows, DjangoGroupAdmin):
    """Roles (auth groups), their permissions named in Chinese. The system's roles are set by
    the system (accounts.roles) and only read here; a role of the town's own may be added, but
    never with a permission on the security models, which belong to the 安全管理员 and the
    审计管理员 alone."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_users(user_of(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_users(user_of(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_users(user_of(request))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is not None and not self.has_change_permission(request, obj):
            return ["name", "permission_list"]
        return super().get_fields(request, obj)  # type: ignore[return-value]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and not self.has_change_permission(request, obj):
            return ["name", "permission_list"]
        return list(super().get_readonly_fields(request, obj))

    @admin.display(description=_("权限"))
    def permission_list(self, obj: Group) -> str:
        """A role's permissions, one a line, in Chinese (on the read-only page of a system role)."""
        labels = [
            permission_label(permission)
            for permission in obj.permissions.select_related("content_type")
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((label,) for label in sorted(labels)))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.name in Role.values:
            return False
        return permissions.can_manage_users(user_of(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.name in Role.values:
            return False
        return permissions.can_manage_users(user_of(request))

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = Permission.objects.exclude(
                labels_q(SECURITY_MODELS + AUDIT_MODELS + NEVER_GRANTED_MODELS)
            ).select_related("content_type")
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "permissions" and field is not None:
            field.label_from_instance = permission_label  # type: ignore[assignment, method-assign]
            field.help_text = gettext(
                "%(roles)s这几个角色的权限由系统设定，只能查看；"
                "在此新增的角色不能拥有安全管理和审计日志的权限。"
            ) % {"roles": "、".join(role.value for role in Role)}
        return field

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        audit.record(
            audit.Action.ROLE_CHANGE,
            request=request,
            obj=form.instance,
            detail=gettext("修改角色的权限") if change else gettext("新增角色"),
        )

    def delete_model(self, request: HttpRequest, obj: Group) -> None:
        super().delete_model(request, obj)
        audit.record(audit.Action.ROLE_CHANGE, request=request, obj=obj, detail=gettext("删除角色"))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        groups = list(queryset.exclude(name__in=Role.values))
        super().delete_queryset(request, queryset.exclude(name__in=Role.values))
        for group in groups:
            audit.record(
                audit.Action.ROLE_CHANGE, request=request, obj=group, detail=gettext("删除角色")
            )
