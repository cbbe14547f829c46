from django.urls import path

from . import views

app_name = "hotels"

urlpatterns = [
    path("", views.hotel_list, name="hotel-list"),
    path("new/", views.hotel_create, name="hotel-create"),
    path("<int:pk>/", views.hotel_detail, name="hotel-detail"),
    path("<int:pk>/accept/", views.hotel_accept, name="hotel-accept"),
    path("<int:pk>/state/", views.hotel_state, name="hotel-state"),
    path("<int:pk>/rooms/", views.rooms_add, name="rooms-add"),
    path("<int:pk>/roster/", views.roster_add, name="roster-add"),
    path("<int:pk>/checklist/", views.checklist_tick, name="checklist-tick"),
    path("rooms/<int:pk>/clean/", views.room_clean, name="room-clean"),
    path("rooms/<int:pk>/service/", views.room_service, name="room-service"),
    path("roster/<int:pk>/remove/", views.roster_remove, name="roster-remove"),
    path("to-place/", views.to_place_list, name="to-place"),
    path("place/<int:pk>/", views.place, name="place"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new/", views.staff_create, name="staff-create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("targets/", views.targets, name="targets"),
    path("checklist/", views.checklist, name="checklist"),
]
