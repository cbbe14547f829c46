from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from communities import views as communities_views
from communities import views_accounts as communities_views_accounts
from monitoring import views as monitoring_views
from transfers import urls as transfers_urls

admin.site.site_header = "网格化管理门户 · 管理"
admin.site.site_title = "网格化管理门户"

urlpatterns = [
    path("", communities_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        communities_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        communities_views_accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        communities_views_accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/staff/", include("communities.urls_accounts")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", monitoring_views.healthz, name="healthz"),
    path("places/cities/", communities_views.place_cities, name="place-cities"),
    path("places/counties/", communities_views.place_counties, name="place-counties"),
    path("", include("communities.urls")),
    path("report/", include("communities.urls_public")),
    path("tasks/", include("communities.urls_tasks")),
    path("care/", include("communities.urls_care")),
    path("appeals/", include("communities.urls_appeals")),
    path("review/", include("communities.urls_review")),
    path("notices/", include("notices.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("shops/", include("shops.urls")),
    path("vaccination/", include("vaccination.urls")),
    path("hotels/", include("hotels.urls")),
    path("sweep/", include("shops.urls_sweep")),
    path("placards/", include("shops.urls_placards")),
    path("s/", include("shops.urls_public")),
    path("exports/", include("transfers.urls")),
    path("imports/", include((transfers_urls.import_patterns, "imports"))),
    path("api/v1/", include(("portal.api_urls", "api"))),
    # The schema is the same for everyone and holds no data: not counted against the
    # callers' allowance (an office's client reads it before it signs in).
    path("api/schema/", SpectacularAPIView.as_view(throttle_classes=()), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
