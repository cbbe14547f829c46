"""导出, included at exports/ in portal/urls.py."""

from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("", views.export_list, name="export-list"),
    path("<int:pk>/download/", views.export_download, name="export-download"),
    path("<slug:name>/", views.export, name="export"),
]
