from django.urls import path

from . import views_review

app_name = "review"

urlpatterns = [
    path("proposals/", views_review.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/decide/", views_review.proposal_decide, name="proposal-decide"),
    path(
        "residents/<int:resident_pk>/propose/", views_review.proposal_create, name="proposal-create"
    ),
    path("runs/", views_review.run_list, name="run-list"),
]
