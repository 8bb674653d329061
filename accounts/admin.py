from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group, Permission
from django.http import HttpRequest, HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit, permissions
from accounts.forms import AdminPasswordResetForm
from accounts.models import Office, User
from accounts.roles import Role


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]

    def get_exclude(self, request: HttpRequest, obj: Office | None = None) -> list[str]:
        # The group robot's address carries its access token: only office managers see it.
        if permissions.can_manage_offices(request.user):
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
        fields = ["username", "display_name", "office", "groups"]


def link_tables() -> list[type]:
    """Django's own tables linking users, roles and permissions (many-to-many "through" rows)."""
    return [User.groups.through, User.user_permissions.through, Group.permissions.through]


class WithoutLinkRows(admin.ModelAdmin):
    """Deleting a user or a role also deletes their rows in Django's link tables; the
    confirmation page listed each as "User-group关系: User_groups object (4)", in Django's
    English. They are not records anyone made, so the page leaves them out."""

    def get_deleted_objects(self, objs, request: HttpRequest):  # type: ignore[no-untyped-def]
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        names = tuple(f"{capfirst(m._meta.verbose_name)}: " for m in link_tables())
        plurals = {str(m._meta.verbose_name_plural) for m in link_tables()}
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
def reset_second_factor(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:  # type: ignore[no-untyped-def]
    """For a lost or replaced phone: the person enrols again at their next login (or may, when
    the second factor is optional for them)."""
    for user in queryset:
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
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["display_name", "office", "email"]}),
        (_("角色与状态"), {"fields": ["groups", "is_active", "is_superuser"]}),
        (_("重要日期"), {"fields": ["last_login", "date_joined"]}),
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
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("groups")

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        if not change:
            obj.mark_password_temporary()  # the initial password is changed at the first login
        super().save_model(request, obj, form, change)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:  # type: ignore[override]
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

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["label"] = _("角色")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("角色"))
    def role_list(self, obj: User) -> str:
        return "、".join(sorted(group.name for group in obj.groups.all()))


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
        name = model._meta.verbose_name
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
    """Roles (auth groups), their permissions named in Chinese."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):  # type: ignore[no-untyped-def]
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "permissions" and field is not None:
            field.label_from_instance = permission_label
            field.help_text = gettext(
                "%(roles)s这几个角色的权限由系统设定，每次升级后自动恢复；"
                "在此修改，只对其他角色长期有效。"
            ) % {"roles": "、".join(role.value for role in Role)}
        return field
