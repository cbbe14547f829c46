"""Public pages (no sign-in), included at report/ in portal/urls.py."""

from django.urls import path

from . import views_public as views

app_name = "public"

urlpatterns = [
    path("", views.report_create, name="report-create"),
    path("thanks/", views.report_thanks, name="report-thanks"),
    path("status/", views.status, name="status"),
    path("stay-row/", views.stay_row, name="stay-row"),
    path("streets/", views.street_options, name="street-options"),
    path("communities/", views.community_options, name="community-options"),
]
