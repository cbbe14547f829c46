from django.urls import path

from . import views, views_announcements

app_name = "communities"

urlpatterns = [
    path("areas/", views.jurisdiction_list, name="jurisdiction-list"),
    path("areas/<int:pk>/", views.jurisdiction_detail, name="jurisdiction-detail"),
    path("inbox/count/", views.inbox_count, name="inbox-count"),
    path("residents/", views.resident_list, name="resident-list"),
    path("residents/<int:pk>/", views.resident_detail, name="resident-detail"),
    path("arrivals/", views.arrival_list, name="arrival-list"),
    path("code-events/", views.code_event_list, name="code-event-list"),
    path("arrivals/new/", views.arrival_create, name="arrival-create"),
    path("arrivals/stay-row/", views.stay_row, name="stay-row"),
    path("assess/", views.assessment, name="assessment"),
    path("announcements/", views_announcements.announcement_list, name="announcement-list"),
    path(
        "announcements/<int:pk>/",
        views_announcements.announcement_detail,
        name="announcement-detail",
    ),
    path(
        "announcements/compare/",
        views_announcements.announcement_compare,
        name="announcement-compare",
    ),
    path(
        "announcements/upload/",
        views_announcements.announcement_upload,
        name="announcement-upload",
    ),
    path("announcements/new/", views_announcements.announcement_create, name="announcement-create"),
    path(
        "announcements/impact/<int:pk>/",
        views_announcements.announcement_impact,
        name="announcement-impact",
    ),
    path("announcements/row/", views_announcements.announcement_row, name="announcement-row"),
    path(
        "announcements/template.xlsx",
        views_announcements.announcement_template,
        name="announcement-template",
    ),
]
