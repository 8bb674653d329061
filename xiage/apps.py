from django.contrib.admin.apps import AdminConfig


class XiageAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.XiageAdminSite"
