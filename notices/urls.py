from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="notice-list"),
    path("read/", views.notice_read, name="notice-read"),
    path("count/", views.notice_count, name="notice-count"),
]
