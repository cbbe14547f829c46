from django.urls import path

from . import views_review

app_name = "review"

urlpatterns = [
    path("proposals/", views_review.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/decide/", views_review.proposal_decide, name="proposal-decide"),
    path(
        "residents/<int:resident_pk>/propose/", views_review.proposal_create, name="proposal-create"
    ),
    path("decisions/", views_review.decision_review_list, name="decision-review-list"),
    path("decisions/<int:pk>/", views_review.decision_review_detail, name="decision-review"),
    path(
        "decisions/<int:pk>/propose/",
        views_review.decision_review_detail,
        {"action": "propose"},
        name="decision-review-propose",
    ),
    path(
        "decisions/<int:pk>/keep/",
        views_review.decision_review_detail,
        {"action": "keep"},
        name="decision-review-keep",
    ),
    path("runs/", views_review.run_list, name="run-list"),
]
