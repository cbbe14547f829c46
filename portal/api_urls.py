"""Version 1 of the portal's API, under /api/v1/."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from communities import api as communities_api
from communities import api_records
from hotels import api as hotels_api
from notices import api as notices_api
from portal import api_errors
from shops import api as shops_api
from vaccination import api as vaccination_api

router = DefaultRouter()
router.register("jurisdictions", communities_api.JurisdictionViewSet, basename="jurisdiction")
router.register("announcements", communities_api.AnnouncementViewSet, basename="announcement")
router.register("residents", communities_api.ResidentViewSet, basename="resident")
router.register("arrivals", communities_api.ArrivalViewSet, basename="arrival")
router.register("shops", shops_api.ShopViewSet, basename="shop")
router.register("inspections", shops_api.InspectionViewSet, basename="inspection")
router.register("campaigns", shops_api.CampaignViewSet, basename="campaign")
router.register("groups", shops_api.GroupViewSet, basename="group")
router.register("placards", shops_api.PlacardViewSet, basename="placard")
router.register("measures", api_records.MeasureViewSet, basename="measure")
router.register("tests", api_records.TestViewSet, basename="test")
router.register("followups", api_records.FollowUpViewSet, basename="followup")
router.register("anomalies", api_records.AnomalyViewSet, basename="anomaly")
router.register("code-events", api_records.CodeEventViewSet, basename="code-event")
router.register("proposals", api_records.ProposalViewSet, basename="proposal")
router.register("appeals", api_records.AppealViewSet, basename="appeal")
router.register("tasks", api_records.TaskViewSet, basename="task")
router.register("recompute-runs", api_records.RunViewSet, basename="recompute-run")
router.register("users", api_records.UserViewSet, basename="user")
router.register("notices", notices_api.NoticeViewSet, basename="notice")
router.register("doses", vaccination_api.DoseViewSet, basename="dose")
router.register(
    "vaccination-products", vaccination_api.ProductViewSet, basename="vaccination-product"
)
router.register("boosters-due", vaccination_api.BoosterDueViewSet, basename="booster-due")
router.register("hotels", hotels_api.HotelViewSet, basename="hotel")
router.register("placements", hotels_api.PlacementViewSet, basename="placement")

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
