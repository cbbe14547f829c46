from django.urls import path

from . import views_accounts

app_name = "accounts"

urlpatterns = [
    path("", views_accounts.staff_list, name="staff-list"),
    path("<int:pk>/password/", views_accounts.staff_password, name="staff-password"),
]
