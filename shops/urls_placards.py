"""Printable placards, included at placards/ in portal/urls.py."""

from django.urls import path

from . import views_placards as views

app_name = "placards"

urlpatterns = [
    path("<int:pk>/", views.placard, name="placard"),
    path("<int:pk>/pdf/", views.placard_pdf, name="placard-pdf"),
]
