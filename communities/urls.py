from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("areas/", views.jurisdiction_list, name="jurisdiction-list"),
    path("areas/<int:pk>/", views.jurisdiction_detail, name="jurisdiction-detail"),
]
