from django.urls import path

from . import views, views_reports

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("<int:pk>/", views.dashboard, name="node"),
    path("reports/", views_reports.report_list, name="report-list"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report"),
    path("reports/<int:pk>/xlsx/", views_reports.report_xlsx, name="report-xlsx"),
    path("reports/<int:pk>/pdf/", views_reports.report_pdf, name="report-pdf"),
]
