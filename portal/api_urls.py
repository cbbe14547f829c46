"""Version 1 of the portal's API, under /api/v1/."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from communities import api as communities_api
from portal import api_errors
from shops import api as shops_api

router = DefaultRouter()
router.register("jurisdictions", communities_api.JurisdictionViewSet, basename="jurisdiction")
router.register("announcements", communities_api.AnnouncementViewSet, basename="announcement")
router.register("residents", communities_api.ResidentViewSet, basename="resident")
router.register("arrivals", communities_api.ArrivalViewSet, basename="arrival")
router.register("shops", shops_api.ShopViewSet, basename="shop")
router.register("inspections", shops_api.InspectionViewSet, basename="inspection")
router.register("campaigns", shops_api.CampaignViewSet, basename="campaign")

urlpatterns = [
    path("auth/token/", communities_api.TokenObtainView.as_view(), name="auth-token"),
    path("me/", communities_api.me, name="me"),
    path("assessments/", communities_api.AssessmentView.as_view(), name="assessment"),
    path("pushes/", communities_api.PushView.as_view(), name="push"),
    path("venue-reports/", communities_api.VenueReportView.as_view(), name="venue-report"),
    *router.urls,
    # Last: any other address ending in a slash is a JSON 404 (an id such as "1.5" matches
    # no route). One without the slash still gets CommonMiddleware's redirect to it.
    re_path(r"^.*/$", api_errors.not_found),
]
