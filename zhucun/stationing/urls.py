from django.urls import path

from zhucun.stationing import views

app_name = "stationing"
urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("<int:pk>/", views.team_detail, name="team_detail"),
]
