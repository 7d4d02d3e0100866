from django.urls import path

from zhucun.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.reports_index, name="reports"),
    path("regions/<int:pk>/", views.region_board, name="region"),
    path("regions/<int:pk>/records/<str:figure>/", views.region_records, name="region_records"),
    path("regions/<int:pk>/reports/<str:name>/", views.report, name="report"),
    path("teams/<int:pk>/", views.team_board, name="team"),
    path("teams/<int:pk>/records/<str:figure>/", views.team_records, name="team_records"),
    path(
        "assessment/<int:year>/cadre/<int:cadre_id>/form/",
        views.assessment_form,
        name="assessment_form",
    ),
]
