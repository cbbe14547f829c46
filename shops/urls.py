from django.urls import path

from . import views

app_name = "shops"

urlpatterns = [
    path("", views.shop_list, name="shop-list"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("campaigns/<int:pk>/delete/", views.campaign_delete, name="campaign-delete"),
    path("campaigns/<int:pk>/groups/", views.campaign_group_create, name="campaign-group-create"),
    path("campaigns/<int:pk>/split/", views.campaign_split, name="campaign-split"),
    path("campaigns/<int:pk>/assign/", views.campaign_assign, name="campaign-assign"),
    path("campaigns/<int:pk>/progress/", views.campaign_progress, name="campaign-progress"),
]
