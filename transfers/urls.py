"""导出 and 导入, included at exports/ and imports/ in portal/urls.py."""

from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("", views.export_list, name="export-list"),
    path("<int:pk>/download/", views.export_download, name="export-download"),
    path("<slug:name>/", views.export, name="export"),
]

# 导入, included at imports/ under the namespace imports
import_patterns = [
    path("", views.import_list, name="list"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/store/", views.import_store, name="store"),
    path("<int:pk>/report.xlsx", views.import_report, name="report"),
    path("<int:pk>/file/", views.import_file, name="file"),
    path("<slug:kind>/", views.import_start, name="start"),
    path("<slug:kind>/template.xlsx", views.import_template, name="template"),
]
