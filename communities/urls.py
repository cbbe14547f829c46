from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("areas/", views.jurisdiction_list, name="jurisdiction-list"),
    path("areas/<int:pk>/", views.jurisdiction_detail, name="jurisdiction-detail"),
    path("inbox/count/", views.inbox_count, name="inbox-count"),
    path("residents/", views.resident_list, name="resident-list"),
    path("residents/<int:pk>/", views.resident_detail, name="resident-detail"),
    path("arrivals/new/", views.arrival_create, name="arrival-create"),
    path("arrivals/stay-row/", views.stay_row, name="stay-row"),
    path("assess/", views.assessment, name="assessment"),
    path("announcements/", views.announcement_list, name="announcement-list"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement-detail"),
    path("announcements/compare/", views.announcement_compare, name="announcement-compare"),
    path("announcements/upload/", views.announcement_upload, name="announcement-upload"),
]
