from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, User


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]


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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreateForm
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

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["label"] = _("角色")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("角色"))
    def role_list(self, obj: User) -> str:
        return "、".join(sorted(group.name for group in obj.groups.all()))
