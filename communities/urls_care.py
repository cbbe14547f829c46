"""The grid workers' daily care and the anomalies it raises, included at care/ in
portal/urls.py."""

from django.urls import path

from . import views_care as views

app_name = "care"

urlpatterns = [
    path("tests/", views.tests_due, name="test-list"),
    path("tests/<int:pk>/result/", views.result_record, name="test-record"),
    path("tests/<int:pk>/withdraw/", views.result_withdraw, name="test-withdraw"),
    path("followups/", views.followup_list, name="followup-list"),
    path("followups/<int:pk>/", views.followup_record, name="followup-record"),
    path("anomalies/", views.anomaly_list, name="anomaly-list"),
    path("anomalies/<int:pk>/resolve/", views.anomaly_resolve, name="anomaly-resolve"),
]
