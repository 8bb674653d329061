from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/supervise/", views.project_supervise, name="project_supervise"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/supervise/", views.task_supervise, name="task_supervise"),
]
