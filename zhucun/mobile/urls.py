from django.urls import path

from zhucun.mobile import views

app_name = "mobile"
urlpatterns = [
    path("", views.today, name="today"),
    path("log/", views.log, name="log"),
    path("visit/", views.visit, name="visit"),
    path("leave/", views.leave, name="leave"),
    path("calendar/", views.calendar, name="calendar"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
