from django.urls import path

from zhucun.stationing import leave_views, views

app_name = "stationing"
urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("<int:pk>/", views.team_detail, name="team_detail"),
    path("leave/", leave_views.my_leave, name="my_leave"),
    path("leave/<int:pk>/back/", leave_views.leave_back, name="leave_back"),
    path("leave/register/", leave_views.leave_register, name="leave_register"),
]
