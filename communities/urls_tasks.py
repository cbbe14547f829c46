"""The grid workers' task list, included at tasks/ in portal/urls.py."""

from django.urls import path

from . import views_tasks as views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="task-list"),
    path("<int:pk>/", views.task_verify, name="task-verify"),
    path("<int:pk>/work/", views.task_work, name="task-work"),
    path("<int:pk>/arrival/", views.task_arrival, name="task-arrival"),
    path("<int:pk>/reject/", views.task_reject, name="task-reject"),
    path("venue-report/", views.venue_report_create, name="venue-report"),
]
