from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


def _boolean_icon(field_val: bool | None) -> SafeString:
    """Django's yes/no icon with its alt text in Chinese ("是"/"否"/"未知", not "True"/"False").

    Django writes the Python value into the alt text, untranslated; its list, detail and
    read-only displays all look this function up in admin_list when they draw the icon."""
    icon = {True: "yes", False: "no", None: "unknown"}[field_val]
    text = {True: _("是"), False: _("否"), None: _("未知")}[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


admin_list._boolean_icon = _boolean_icon  # type: ignore[attr-defined]  # private, not in the stubs
