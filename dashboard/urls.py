from django.urls import path, register_converter

from dashboard import views, year_views


class CodeConverter:
    """An indicator's code in its address: letters of any script, digits, _ and - (the rule of
    indicators.models.CODE_VALIDATOR); anything else, a NUL byte included, is a 404."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("indicators/<code:code>/", views.indicator_detail, name="indicator"),
    path(
        "indicators/<code:code>/villages/",
        year_views.indicator_villages,
        name="indicator_villages",
    ),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/supervise/", views.project_supervise, name="project_supervise"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/supervise/", views.task_supervise, name="task_supervise"),
]
