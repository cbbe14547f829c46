"""Appeals (误赋码申诉), included at appeals/ in portal/urls.py: a public form (no sign-in)
and the staff's list, filing, steps and evidence."""

from django.urls import path

from . import views_appeals as views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/", views.appeal_create, name="create"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/evidence/", views.appeal_evidence, name="evidence"),
    path("public/", views.public_create, name="public-create"),
    path("public/thanks/", views.public_thanks, name="public-thanks"),
]
