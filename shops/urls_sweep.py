"""The joint groups' pages (the street sweep), included at sweep/ in portal/urls.py."""

from django.urls import path

from . import views_sweep as views

app_name = "sweep"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("shops/<int:pk>/", views.shop_detail, name="shop-detail"),
    path("shops/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("inspections/<int:pk>/photo/", views.inspection_photo, name="inspection-photo"),
]
