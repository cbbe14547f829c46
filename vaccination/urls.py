from django.urls import path

from . import views

app_name = "vaccination"

urlpatterns = [
    path("", views.resident_list, name="resident-list"),
    path("due/", views.due_list, name="due-list"),
    path("residents/<int:pk>/doses/new/", views.dose_record, name="dose-record"),
    path("policy/", views.policy, name="policy"),
    path("products/new/", views.product_edit, name="product-create"),
    path("products/<int:pk>/", views.product_edit, name="product-edit"),
]
