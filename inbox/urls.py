from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("notifications/", views.notifications, name="notifications"),
]
