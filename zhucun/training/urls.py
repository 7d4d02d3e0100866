from django.urls import path

from zhucun.training import views

app_name = "training"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("checks/", views.checks, name="checks"),
]
