from django.contrib.admin.apps import AdminConfig


class XiageAdminConfig(AdminConfig):
    default_site = "xiage.admin.XiageAdminSite"
