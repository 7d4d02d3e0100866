from django.urls import path

from zhucun.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("team/<int:pk>/", views.team_reports, name="team_reports"),
    path("team/<int:pk>/report/", views.team_report, name="team_report"),
    path("meetings/", views.meetings, name="meetings"),
]
