"""The public status page of a shop (no sign-in), which the placard's QR code opens;
included at s/ in portal/urls.py."""

from django.urls import path

from . import views_placards as views

app_name = "shop-status"

urlpatterns = [
    path("<uuid:public_id>/", views.status, name="status"),
]
