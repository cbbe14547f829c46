"""Version 1 of the portal's API, under /api/v1/."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from communities import api as communities_api

router = DefaultRouter()
router.register("jurisdictions", communities_api.JurisdictionViewSet, basename="jurisdiction")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="auth-token"),
    path("me/", communities_api.me, name="me"),
    *router.urls,
]
